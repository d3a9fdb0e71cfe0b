package analysis

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Align says where a smoothing window sits relative to the date it labels.
type Align int

const (
	// Trailing windows end on the date: the N days d-N+1 .. d.
	Trailing Align = iota
	// Centred windows are centred on the date: d-(N-1)/2 .. d+(N-1)/2 (N odd).
	Centred
)

// Smoothing is an N-calendar-day running mean of daily data. The zero value
// means no smoothing.
//
// The missing-day rule: first, every run of at most Fill consecutive missing
// days that has a value on both sides is filled by linear interpolation
// (Fill 0 disables this). Then a date gets a smoothed value only when it has a
// value itself (observed or filled) and at least MinValid of the Days days of
// its window have values; the smoothed value is the mean of the values present
// in the window. Days outside the span of the input count as missing, so a
// centred mean near either end of the data uses the days that exist when
// they are still a majority (the last day of a 7-day centred mean averages
// 4 days). Dates outside the span of the input are never produced.
type Smoothing struct {
	Days     int   // window length in calendar days; 0 or 1 means no smoothing
	Align    Align // Trailing or Centred; Centred needs an odd Days
	MinValid int   // values required in the window; 0 means a majority, Days/2+1
	Fill     int   // longest run of missing days filled by linear interpolation first
}

// NSIDC5Day is NSIDC's 5-day trailing mean ("--smooth 5d"), with which NSIDC
// announces the annual minima and maxima of sea-ice extent. Single missing
// days (the every-other-day era before August 1987) are filled by linear
// interpolation, and a mean needs 3 of the 5 days. Announced values it
// reproduces from the v3.0 daily files are listed in the tests.
var NSIDC5Day = Smoothing{Days: 5, Align: Trailing, MinValid: 3, Fill: 1}

// None reports whether s leaves data unchanged.
func (s Smoothing) None() bool { return s.Days <= 1 }

// String returns the name used on the command line and in JSON: "none", "5d"
// for an N-day trailing mean with the default rule, "7d-centred" for a
// centred one, and the full rule otherwise, e.g. "5d(min=2,fill=0)".
func (s Smoothing) String() string {
	if s.None() {
		return "none"
	}
	name := strconv.Itoa(s.Days) + "d"
	if s.Align == Centred {
		name += "-centred"
	}
	if s.minValid() != s.Days/2+1 || s.Fill != 1 {
		name += fmt.Sprintf("(min=%d,fill=%d)", s.minValid(), s.Fill)
	}
	return name
}

func (s Smoothing) minValid() int {
	if s.MinValid <= 0 {
		return s.Days/2 + 1
	}
	return s.MinValid
}

// ParseSmoothing reads a --smooth value: "" or "none" (no smoothing), "Nd"
// (N-day trailing mean, fill runs of one missing day, majority rule; "5d" is
// NSIDC5Day) or "Nd-centred" / "Ndc" (centred, N odd).
func ParseSmoothing(v string) (Smoothing, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" || v == "none" || v == "0" || v == "1d" {
		return Smoothing{}, nil
	}
	align := Trailing
	for _, suf := range []string{"-centred", "-centered", "c"} {
		if strings.HasSuffix(v, suf) {
			align, v = Centred, strings.TrimSuffix(v, suf)
			break
		}
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, "d"))
	if err != nil || !strings.HasSuffix(v, "d") || n < 1 || n > 366 {
		return Smoothing{}, fmt.Errorf("smoothing %q: want none, Nd (trailing, e.g. 5d) or Nd-centred", v)
	}
	s := Smoothing{Days: n, Align: align, MinValid: n/2 + 1, Fill: 1}
	if err := s.Validate(); err != nil {
		return Smoothing{}, err
	}
	return s, nil
}

// Validate reports an impossible rule: a centred window of even length, or
// MinValid larger than the window.
func (s Smoothing) Validate() error {
	if s.None() {
		return nil
	}
	if s.Align == Centred && s.Days%2 == 0 {
		return fmt.Errorf("smoothing: a centred window needs an odd number of days, not %d", s.Days)
	}
	if s.minValid() > s.Days {
		return fmt.Errorf("smoothing: MinValid %d exceeds the %d-day window", s.MinValid, s.Days)
	}
	if s.Fill < 0 {
		return fmt.Errorf("smoothing: negative Fill %d", s.Fill)
	}
	return nil
}

// Apply returns the smoothed series under the rule documented on Smoothing.
// pts must be daily, sorted and without duplicate dates; the result is a new
// slice (pts is not modified). With no smoothing it returns a copy of pts. It
// panics on an invalid rule; check with Validate first for untrusted input.
func (s Smoothing) Apply(pts []obs.Point) []obs.Point {
	if s.None() || len(pts) == 0 {
		return append([]obs.Point(nil), pts...)
	}
	if err := s.Validate(); err != nil {
		panic(err)
	}
	vals, start := dense(FillGaps(pts, s.Fill))
	n := len(vals)
	lo, hi := s.Days-1, 0 // window is [i-lo, i+hi]
	if s.Align == Centred {
		lo, hi = s.Days/2, s.Days/2
	}
	need := s.minValid()
	out := make([]obs.Point, 0, len(pts))
	for i, v := range vals {
		if math.IsNaN(v) {
			continue
		}
		// Each window is summed afresh, in date order: running (prefix)
		// sums would carry rounding residue from the whole series into
		// every mean (6.158499999999913 instead of 6.1585). Windows are
		// short, so this costs microseconds per series.
		sum, c := 0.0, 0
		for _, w := range vals[max(i-lo, 0) : min(i+hi, n-1)+1] {
			if !math.IsNaN(w) {
				sum += w
				c++
			}
		}
		if c >= need {
			out = append(out, obs.Point{Date: start + obs.Date(i), Value: round12(sum / float64(c))})
		}
	}
	return out
}

// round12 rounds a mean to 12 significant digits. Binary floating point
// cannot hold most decimal means exactly (the mean of 6.200, 6.173, 6.151,
// 6.138 and 6.1305 is stored as 6.158499999999999); producers publish 3 or 4
// decimals, so 12 significant digits keep every digit that means something
// and print as people write the number (6.1585).
func round12(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 12, 64), 64)
	if err != nil {
		return v
	}
	return r
}

// dense lays pts out on consecutive days from the first date to the last,
// with NaN on missing days, and returns the values and the first date.
func dense(pts []obs.Point) ([]float64, obs.Date) {
	if len(pts) == 0 {
		return nil, 0
	}
	start := pts[0].Date
	vals := make([]float64, int(pts[len(pts)-1].Date-start)+1)
	for i := range vals {
		vals[i] = math.NaN()
	}
	for _, p := range pts {
		vals[p.Date-start] = p.Value
	}
	return vals, start
}

// FillGaps returns daily pts with every run of at most maxRun consecutive
// missing days that lies between two values filled by linear interpolation in
// time. Longer gaps, and days before the first or after the last value, stay
// missing. maxRun <= 0 returns a copy of pts. This is the interpolation NSIDC
// applies to the every-other-day era of its daily extent (maxRun 1).
func FillGaps(pts []obs.Point, maxRun int) []obs.Point {
	if maxRun <= 0 || len(pts) < 2 {
		return append([]obs.Point(nil), pts...)
	}
	out := make([]obs.Point, 0, len(pts)+len(pts)/2)
	for i, p := range pts {
		if i > 0 {
			prev := pts[i-1]
			gap := int(p.Date - prev.Date)
			if gap > 1 && gap-1 <= maxRun {
				for k := 1; k < gap; k++ {
					w := float64(k) / float64(gap)
					out = append(out, obs.Point{Date: prev.Date + obs.Date(k), Value: prev.Value + w*(p.Value-prev.Value)})
				}
			}
		}
		out = append(out, p)
	}
	return out
}

// Missing returns the missing days of a daily series between its first and
// last dates, as runs [From, To] (inclusive).
func Missing(pts []obs.Point) []Span {
	var out []Span
	for i := 1; i < len(pts); i++ {
		if gap := pts[i].Date - pts[i-1].Date; gap > 1 {
			out = append(out, Span{From: pts[i-1].Date + 1, To: pts[i].Date - 1})
		}
	}
	return out
}

// Span is an inclusive range of dates.
type Span struct {
	From, To obs.Date
}

// Days returns the number of days in s.
func (s Span) Days() int { return int(s.To-s.From) + 1 }
