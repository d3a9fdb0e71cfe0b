package analysis

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Baseline is an inclusive range of calendar years, such as 1991-2020.
type Baseline struct {
	From, To int
}

// Common baselines named in stocktake's conventions.
var (
	Baseline1991to2020 = Baseline{1991, 2020} // WMO normals; Climate Reanalyzer SST
	Baseline1982to2011 = Baseline{1982, 2011} // Climate Reanalyzer SST (first 30 years of OISST)
	Baseline1981to2010 = Baseline{1981, 2010} // NSIDC Sea Ice Index
	Baseline1901to2000 = Baseline{1901, 2000} // NOAA NCEI global anomalies
	Baseline1951to1980 = Baseline{1951, 1980} // NASA GISTEMP
)

// ParseBaseline reads "Y0-Y1" with Y0 <= Y1 (four-digit years).
func ParseBaseline(s string) (Baseline, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "-")
	y0, err0 := strconv.Atoi(a)
	y1, err1 := strconv.Atoi(b)
	if !ok || err0 != nil || err1 != nil || len(a) != 4 || len(b) != 4 || y0 > y1 {
		return Baseline{}, fmt.Errorf("baseline %q: want Y0-Y1 such as 1991-2020", s)
	}
	return Baseline{y0, y1}, nil
}

// String writes b as "Y0-Y1".
func (b Baseline) String() string { return fmt.Sprintf("%04d-%04d", b.From, b.To) }

// MarshalText writes b as "Y0-Y1" (also its JSON form).
func (b Baseline) MarshalText() ([]byte, error) { return []byte(b.String()), nil }

// Contains reports whether year y lies in b.
func (b Baseline) Contains(y int) bool { return y >= b.From && y <= b.To }

// MarshalText writes c as "calendar", "daycount" or "month" (also its JSON form).
func (c Convention) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MarshalText writes s as its String (also its JSON form).
func (s Smoothing) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ClimatologyOptions says how a climatology is computed.
type ClimatologyOptions struct {
	Baseline Baseline
	// Convention is the day-of-year convention for daily data; monthly series
	// always use Month.
	Convention Convention
	// Fill fills runs of at most Fill missing days by linear interpolation
	// before anything else (see FillGaps); 0 disables it.
	Fill int
	// Smoothing is applied to the whole series (after Fill, before the
	// baseline years are selected, so a trailing mean on 1 January uses the
	// preceding December).
	Smoothing Smoothing
	// Day366FromNextYear makes common years contribute 1 January of the next
	// year to DayCount slot 365 (day 366), as NSIDC's climatology file does;
	// without it only leap years fill that slot.
	Day366FromNextYear bool
}

// NSIDCClimatology returns the options that reproduce NSIDC's
// N_seaice_extent_climatology_1981-2010_v3.0.csv from the v3.0 daily file:
// raw daily extents (not 5-day means), single missing days linearly
// interpolated, day-count day of year, and day 366 filled from leap years'
// 31 December and common years' following 1 January. With these options 364
// of the 366 rows agree with NSIDC's to the printed 0.001 in all seven columns
// (see the tests for the two exceptions and why).
func NSIDCClimatology(b Baseline) ClimatologyOptions {
	return ClimatologyOptions{Baseline: b, Convention: DayCount, Fill: 1, Day366FromNextYear: true}
}

// SlotStats are the statistics of one slot over the baseline years.
type SlotStats struct {
	Slot   int     // 0-based slot in the convention's layout
	Label  string  // human label, e.g. "02-29", "day 60" or "06"
	N      int     // number of values (years) in the slot
	Mean   float64 // NaN when N == 0
	Std    float64 // sample standard deviation (ddof 1); NaN when N < 2
	Median float64
	P10    float64 // percentiles with numpy's default linear interpolation
	P25    float64
	P75    float64
	P90    float64
}

// MarshalJSON writes the stats with lower-case keys and null for NaN.
func (s SlotStats) MarshalJSON() ([]byte, error) {
	num := func(x float64) *float64 {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil
		}
		r := round6(x)
		return &r
	}
	return json.Marshal(struct {
		Slot   int      `json:"slot"`
		Label  string   `json:"label"`
		N      int      `json:"n"`
		Mean   *float64 `json:"mean"`
		Std    *float64 `json:"std"`
		Median *float64 `json:"median"`
		P10    *float64 `json:"p10"`
		P25    *float64 `json:"p25"`
		P75    *float64 `json:"p75"`
		P90    *float64 `json:"p90"`
	}{s.Slot, s.Label, s.N, num(s.Mean), num(s.Std), num(s.Median), num(s.P10), num(s.P25), num(s.P75), num(s.P90)})
}

// Climatology holds per-slot statistics of one series over a baseline.
type Climatology struct {
	Indicator  string      `json:"indicator"`
	Entity     Entity      `json:"entity"`
	Unit       string      `json:"unit"`
	Baseline   Baseline    `json:"baseline"`
	Convention Convention  `json:"convention"`
	Smoothing  Smoothing   `json:"smoothing"`
	Slots      []SlotStats `json:"slots"` // indexed by slot: len is Convention.Slots()
}

// ErrNoData is returned (wrapped) when a computation finds no values to work on.
var ErrNoData = errors.New("no data")

// NewClimatology computes the climatology of s over opt.Baseline. Daily series
// are grouped by opt.Convention and monthly series by Month; other
// frequencies are refused. It returns an error wrapping ErrNoData when the
// series has no value in the baseline.
func NewClimatology(s obs.Series, opt ClimatologyOptions) (*Climatology, error) {
	if s.Frequency != obs.Daily && s.Frequency != obs.Monthly {
		return nil, fmt.Errorf("climatology of %s: needs a daily or monthly series, not %s", s.Indicator, s.Frequency)
	}
	if opt.Baseline.From > opt.Baseline.To {
		return nil, fmt.Errorf("climatology: empty baseline %s", opt.Baseline)
	}
	conv := conventionFor(s.Frequency, opt.Convention)
	pts := s.Points
	if s.Frequency == obs.Daily {
		if opt.Fill > 0 {
			pts = FillGaps(pts, opt.Fill)
		}
		if err := opt.Smoothing.Validate(); err != nil {
			return nil, err
		}
		if !opt.Smoothing.None() {
			pts = opt.Smoothing.Apply(pts)
		}
	} else {
		opt.Smoothing = Smoothing{}
	}
	groups := make([][]float64, conv.Slots())
	found := 0
	for i, p := range pts {
		y, m, day := p.Date.YMD()
		if !opt.Baseline.Contains(y) {
			continue
		}
		slot := conv.slotYMD(y, m, day)
		groups[slot] = append(groups[slot], p.Value)
		found++
		if conv == DayCount && opt.Day366FromNextYear && !obs.IsLeap(y) && slot == 364 {
			// The next day, if present, is 1 January of the next year.
			if i+1 < len(pts) && pts[i+1].Date == p.Date+1 {
				groups[365] = append(groups[365], pts[i+1].Value)
			}
		}
	}
	if found == 0 {
		return nil, fmt.Errorf("climatology of %s over %s: %w in the baseline", s.Indicator, opt.Baseline, ErrNoData)
	}
	c := &Climatology{Indicator: s.Indicator, Entity: Entity(s.Entity), Unit: s.Unit, Baseline: opt.Baseline,
		Convention: conv, Smoothing: opt.Smoothing, Slots: make([]SlotStats, conv.Slots())}
	for slot, xs := range groups {
		c.Slots[slot] = slotStats(conv, slot, xs)
	}
	return c, nil
}

func slotStats(conv Convention, slot int, xs []float64) SlotStats {
	sort.Float64s(xs)
	return SlotStats{Slot: slot, Label: conv.Label(slot), N: len(xs), Mean: Mean(xs), Std: StdDev(xs, 1),
		Median: Percentile(xs, 50), P10: Percentile(xs, 10), P25: Percentile(xs, 25),
		P75: Percentile(xs, 75), P90: Percentile(xs, 90)}
}

// Anomalies returns each point of s minus the climatological mean of its slot
// (slot by c.Convention). Points whose slot has no climatology are skipped.
// The points must be on the same footing as the climatology: if c was built
// from smoothed values, pass the smoothed series.
func Anomalies(pts []obs.Point, c *Climatology) []obs.Point {
	out := make([]obs.Point, 0, len(pts))
	for _, p := range pts {
		st := c.Slots[c.Convention.Slot(p.Date)]
		if st.N == 0 {
			continue
		}
		out = append(out, obs.Point{Date: p.Date, Value: p.Value - st.Mean})
	}
	return out
}

// Rebase re-expresses an anomaly series against a new baseline: for each slot
// (calendar month for conv Month, day of year otherwise) it subtracts the mean
// of the series' own values in that slot over the years of to. This is how
// NOAA's 1901-2000 monthly anomalies become 1991-2020 anomalies: each
// month's offset is that month's mean 1991-2020 anomaly. It returns the
// re-based points and the offset subtracted per slot (NaN for slots the
// baseline does not cover), and an error wrapping ErrNoData when a slot
// present in pts has no value in the new baseline.
func Rebase(pts []obs.Point, conv Convention, to Baseline) ([]obs.Point, []float64, error) {
	sums := make([]float64, conv.Slots())
	ns := make([]int, conv.Slots())
	for _, p := range pts {
		if to.Contains(p.Date.Year()) {
			s := conv.Slot(p.Date)
			sums[s] += p.Value
			ns[s]++
		}
	}
	offsets := make([]float64, conv.Slots())
	for i := range offsets {
		offsets[i] = math.NaN()
		if ns[i] > 0 {
			offsets[i] = sums[i] / float64(ns[i])
		}
	}
	out := make([]obs.Point, len(pts))
	for i, p := range pts {
		s := conv.Slot(p.Date)
		if ns[s] == 0 {
			return nil, offsets, fmt.Errorf("rebase to %s: slot %s: %w in the new baseline", to, conv.Label(s), ErrNoData)
		}
		out[i] = obs.Point{Date: p.Date, Value: p.Value - offsets[s]}
	}
	return out, offsets, nil
}
