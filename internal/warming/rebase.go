// Package warming measures global warming above pre-industrial (1850-1900),
// the reference of the Paris Agreement, from the global temperature series
// of the store: it re-bases each series the way its producer or the WMO
// does, counts the days, months, 12-month periods and years at or above
// 1.5 °C and 2.0 °C, and estimates the long-term warming level (the IPCC
// AR6 20-year mean) with the year the current trend reaches 1.5 °C.
//
// Every function is pure: it takes obs series and small typed inputs and
// never reads the store (Load reads only through the reader it is given).
// Values are in degrees Celsius throughout. Methods
// and constants are documented where they are declared and in
// docs/paris.md.
package warming

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/stocktake/stocktake/internal/obs"
)

// The pre-industrial reference period of the Paris Agreement, as used by the
// IPCC (AR6 WG1, Cross-Chapter Box 1.2) and the WMO: the years 1850 to 1900
// inclusive.
const (
	PreindustrialFirst = 1850
	PreindustrialLast  = 1900
)

// ERA5Offset is the amount, in °C, by which the 1991-2020 mean global
// surface air temperature lies above the 1850-1900 mean, as published by the
// Copernicus Climate Change Service (C3S) and used by Climate Pulse and the
// Global Climate Highlights to turn ERA5 anomalies against 1991-2020 into
// anomalies above pre-industrial: 0.88 °C (C3S, "Global Climate Highlights
// 2023" and Climate Pulse documentation; the value is an average over
// several global datasets, since ERA5 itself starts in 1940).
const ERA5Offset = 0.88

// The calendar-day climatology period of the ERA5 method (Climate Pulse).
const (
	ERA5ClimFirst = 1991
	ERA5ClimLast  = 2020
)

// The default common period of the WMO method for series that start after
// 1850: the WMO State of the Global Climate reports align every dataset on a
// recent 30-year period and add the difference between that period and
// 1850-1900 taken from datasets that cover both. stocktake uses 1981-2010
// and takes the difference from the datasets passed as references.
const (
	WMOCommonFirst = 1981
	WMOCommonLast  = 2010
)

// Method names how a series was re-based to 1850-1900.
type Method string

const (
	// Direct: the series covers 1850-1900; its own mean over the 612 months
	// of 1850-1900 is subtracted (HadCRUT5, NOAAGlobalTemp).
	Direct Method = "direct"
	// ERA5Climatology: each day's anomaly against the series' own
	// 1991-2020 calendar-day climatology, plus ERA5Offset (Climate Pulse).
	ERA5Climatology Method = "era5-1991-2020-plus-offset"
	// WMOCommonPeriod: the series is shifted so that its mean over a common
	// period equals the mean of reference series (already above
	// 1850-1900) over the same period (GISTEMP, which starts in 1880).
	WMOCommonPeriod Method = "wmo-common-period"
)

// Rebased is a series expressed as departures from 1850-1900, in °C, with
// the method used. For Direct and WMOCommonPeriod, Points = input + Offset
// (Offset is minus the input's estimated 1850-1900 mean); for
// ERA5Climatology, Points = input - climatology(calendar day) + Offset.
type Rebased struct {
	Dataset   string        `json:"dataset"`   // a label such as "HadCRUT5"
	Indicator string        `json:"indicator"` // catalog id of the input
	Frequency obs.Frequency `json:"frequency"`
	Method    Method        `json:"method"`
	Offset    float64       `json:"offset"`
	// Statement says in one sentence how the series was re-based, with
	// the constants and the period used.
	Statement string      `json:"statement"`
	Points    []obs.Point `json:"-"`
	// facts are the numbers Statement states, for StatementIn.
	facts statementFacts
}

// RebaseDirect re-bases a monthly series that covers 1850-1900 by
// subtracting its mean over January 1850 .. December 1900. Every one of the
// 612 months must be present: a gap would bias the reference.
func RebaseDirect(dataset string, s obs.Series) (Rebased, error) {
	if s.Frequency != obs.Monthly {
		return Rebased{}, fmt.Errorf("%s: direct re-basing needs a monthly series, got %s", s.Indicator, s.Frequency)
	}
	m, n := meanOver(s.Points, PreindustrialFirst, PreindustrialLast)
	if want := 12 * (PreindustrialLast - PreindustrialFirst + 1); n != want {
		return Rebased{}, fmt.Errorf("%s: %d of the %d months of 1850-1900 present; direct re-basing needs all of them", s.Indicator, n, want)
	}
	return Rebased{
		Dataset: dataset, Indicator: s.Indicator, Frequency: s.Frequency, Method: Direct, Offset: -m,
		Statement: fmt.Sprintf("%s re-based directly: its own 1850-1900 mean (%.3f °C on the producer's baseline) subtracted.", dataset, m),
		facts:     statementFacts{own: m},
		Points:    shift(s.Points, -m),
	}, nil
}

// RebaseWMO re-bases a monthly series that starts after 1850 by the WMO
// common-period method: offset = mean over refs of (ref's mean over
// first..last) - (the series' mean over first..last), so that over the
// common period the series agrees on average with the reference datasets,
// which are already above 1850-1900. Each series must have all 12 months of
// every year of the common period.
func RebaseWMO(dataset string, s obs.Series, refs []Rebased, first, last int) (Rebased, error) {
	if s.Frequency != obs.Monthly {
		return Rebased{}, fmt.Errorf("%s: WMO re-basing needs a monthly series, got %s", s.Indicator, s.Frequency)
	}
	if len(refs) == 0 {
		return Rebased{}, errors.New("WMO re-basing needs at least one reference dataset that covers 1850-1900")
	}
	if first > last {
		return Rebased{}, fmt.Errorf("common period %d-%d is empty", first, last)
	}
	want := 12 * (last - first + 1)
	own, n := meanOver(s.Points, first, last)
	if n != want {
		return Rebased{}, fmt.Errorf("%s: %d of the %d months of %d-%d present", s.Indicator, n, want, first, last)
	}
	var refMean float64
	var names string
	for i, r := range refs {
		if r.Frequency != obs.Monthly {
			return Rebased{}, fmt.Errorf("reference %s is %s; monthly needed", r.Dataset, r.Frequency)
		}
		m, n := meanOver(r.Points, first, last)
		if n != want {
			return Rebased{}, fmt.Errorf("reference %s: %d of the %d months of %d-%d present", r.Dataset, n, want, first, last)
		}
		refMean += m / float64(len(refs))
		if i > 0 {
			names += ", "
		}
		names += r.Dataset
	}
	off := refMean - own
	return Rebased{
		Dataset: dataset, Indicator: s.Indicator, Frequency: s.Frequency, Method: WMOCommonPeriod, Offset: off,
		Statement: fmt.Sprintf("%s re-based by the WMO common-period method: its %d-%d mean (%.3f °C) set equal to the mean of %s above 1850-1900 over the same months (%.3f °C), an offset of %+.3f °C.",
			dataset, first, last, own, names, refMean, off),
		facts:  statementFacts{first: first, last: last, own: own, refs: names, refMean: refMean},
		Points: shift(s.Points, off),
	}, nil
}

// RebaseERA5 turns a daily series of absolute global-mean 2 m temperature
// (ERA5, as published by Climate Reanalyzer) into anomalies above
// 1850-1900 the way Copernicus's Climate Pulse does: the anomaly against
// the series' own 1991-2020 calendar-day climatology (the mean of each
// month-day over the 30 years; 29 February is its own slot, the mean of the
// eight 29 Februaries 1992..2020) plus ERA5Offset. Every calendar day of
// 1991-2020 must be present.
func RebaseERA5(dataset string, s obs.Series) (Rebased, error) {
	if s.Frequency != obs.Daily {
		return Rebased{}, fmt.Errorf("%s: the ERA5 method needs a daily series, got %s", s.Indicator, s.Frequency)
	}
	clim, err := CalendarClimatology(s.Points, ERA5ClimFirst, ERA5ClimLast)
	if err != nil {
		return Rebased{}, fmt.Errorf("%s: %v", s.Indicator, err)
	}
	out := make([]obs.Point, len(s.Points))
	for i, p := range s.Points {
		_, m, d := p.Date.YMD()
		out[i] = obs.Point{Date: p.Date, Value: p.Value - clim[slot(m, d)] + ERA5Offset}
	}
	return Rebased{
		Dataset: dataset, Indicator: s.Indicator, Frequency: s.Frequency, Method: ERA5Climatology, Offset: ERA5Offset,
		Statement: fmt.Sprintf("%s: daily anomaly against its own %d-%d calendar-day climatology, plus %.2f °C, the amount Copernicus (C3S) publishes for 1991-2020 above 1850-1900 (Climate Pulse method).",
			dataset, ERA5ClimFirst, ERA5ClimLast, ERA5Offset),
		facts:  statementFacts{first: ERA5ClimFirst, last: ERA5ClimLast},
		Points: out,
	}, nil
}

// CalendarClimatology returns the mean of each calendar day (month-day, 366
// slots, slot of 29 February = 59) over the years first..last. Every slot
// must have a value in every year that has that day: the error names the
// first missing date.
func CalendarClimatology(pts []obs.Point, first, last int) ([366]float64, error) {
	var sum [366]float64
	var n [366]int
	for _, p := range pts {
		y, m, d := p.Date.YMD()
		if y < first || y > last {
			continue
		}
		k := slot(m, d)
		sum[k] += p.Value
		n[k]++
	}
	var out [366]float64
	leaps := 0
	for y := first; y <= last; y++ {
		if obs.IsLeap(y) {
			leaps++
		}
	}
	for k := range out {
		want := last - first + 1
		if k == 59 {
			want = leaps
		}
		if n[k] != want || want == 0 {
			m, d := slotDay(k)
			return out, fmt.Errorf("climatology %d-%d: %02d-%02d has %d of %d years", first, last, m, d, n[k], want)
		}
		out[k] = sum[k] / float64(n[k])
	}
	return out, nil
}

// slot returns the calendar-day index of month m, day d in a leap-year
// calendar (1 January = 0, 29 February = 59, 31 December = 365).
func slot(m, d int) int {
	return int(obs.NewDate(2000, m, d) - obs.NewDate(2000, 1, 1))
}

// slotDay is the inverse of slot.
func slotDay(k int) (m, d int) {
	_, m, d = (obs.NewDate(2000, 1, 1) + obs.Date(k)).YMD()
	return m, d
}

// meanOver returns the mean of the points dated in years first..last and
// their number.
func meanOver(pts []obs.Point, first, last int) (float64, int) {
	lo, hi := obs.NewDate(first, 1, 1), obs.NewDate(last+1, 1, 1)
	i := sort.Search(len(pts), func(i int) bool { return pts[i].Date >= lo })
	var sum float64
	n := 0
	for ; i < len(pts) && pts[i].Date < hi; i++ {
		sum += pts[i].Value
		n++
	}
	if n == 0 {
		return math.NaN(), 0
	}
	return sum / float64(n), n
}

// shift returns pts with off added to every value.
func shift(pts []obs.Point, off float64) []obs.Point {
	out := make([]obs.Point, len(pts))
	for i, p := range pts {
		out[i] = obs.Point{Date: p.Date, Value: p.Value + off}
	}
	return out
}

// YearValue is one calendar year's mean.
type YearValue struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// Annual returns the calendar-year means of a re-based series, for complete
// years only: every day of the year for a daily series, all 12 months for a
// monthly one (an annual series is returned as it is). Years are in order.
func Annual(r Rebased) []YearValue {
	if r.Frequency == obs.Annual {
		out := make([]YearValue, len(r.Points))
		for i, p := range r.Points {
			out[i] = YearValue{p.Date.Year(), p.Value}
		}
		return out
	}
	type acc struct {
		sum float64
		n   int
	}
	by := map[int]*acc{}
	var years []int
	for _, p := range r.Points {
		y := p.Date.Year()
		a, ok := by[y]
		if !ok {
			a = &acc{}
			by[y] = a
			years = append(years, y)
		}
		a.sum += p.Value
		a.n++
	}
	sort.Ints(years)
	var out []YearValue
	for _, y := range years {
		want := 12
		if r.Frequency == obs.Daily {
			want = 365
			if obs.IsLeap(y) {
				want = 366
			}
		}
		if a := by[y]; a.n == want {
			out = append(out, YearValue{y, a.sum / float64(a.n)})
		}
	}
	return out
}

// ValueOf returns the value of year y in ys.
func ValueOf(ys []YearValue, y int) (float64, bool) {
	for _, v := range ys {
		if v.Year == y {
			return v.Value, true
		}
	}
	return 0, false
}

// MonthlyMeans returns the calendar-month means of a daily re-based series,
// for complete months only (every day present), dated on the first of the
// month: ERA5's monthly anomalies, as Copernicus publishes them.
func MonthlyMeans(r Rebased) (Rebased, error) {
	if r.Frequency != obs.Daily {
		return Rebased{}, fmt.Errorf("%s: monthly means need a daily series, got %s", r.Dataset, r.Frequency)
	}
	out := r
	out.Frequency = obs.Monthly
	out.Points = nil
	var sum float64
	n := 0
	flush := func(d obs.Date) {
		y, m, _ := d.YMD()
		if n == obs.DaysIn(y, m) {
			out.Points = append(out.Points, obs.Point{Date: obs.NewDate(y, m, 1), Value: sum / float64(n)})
		}
		sum, n = 0, 0
	}
	for i, p := range r.Points {
		if i > 0 && p.Date.Month() != r.Points[i-1].Date.Month() || i > 0 && p.Date.Year() != r.Points[i-1].Date.Year() {
			flush(r.Points[i-1].Date)
		}
		sum += p.Value
		n++
	}
	if n > 0 {
		flush(r.Points[len(r.Points)-1].Date)
	}
	out.Statement = r.Statement + " Monthly values are means of complete months of the daily anomalies."
	out.facts.monthlyMeans = true
	return out, nil
}
