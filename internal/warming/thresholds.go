package warming

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
)

// The Paris Agreement thresholds, in °C above 1850-1900. A value counts
// when it is at or above the threshold (value >= threshold), compared
// unrounded.
const (
	Threshold15 = 1.5
	Threshold20 = 2.0
)

// Run is a stretch of consecutive steps (days, months, 12-month periods or
// years) at or above a threshold. Steps are consecutive when they follow each
// other in the calendar without a gap: a missing day ends a run.
type Run struct {
	Start obs.Date `json:"start"`
	End   obs.Date `json:"end"`
	Steps int      `json:"steps"`
}

// YearCount is the number of steps of one calendar year at or above a
// threshold, out of the steps present in that year.
type YearCount struct {
	Year    int `json:"year"`
	Above   int `json:"above"`
	Present int `json:"present"`
}

// Crossings summarises the steps of a re-based series at or above one
// threshold.
type Crossings struct {
	Dataset   string        `json:"dataset"`
	Frequency obs.Frequency `json:"frequency"`
	Threshold float64       `json:"threshold"`
	Count     int           `json:"count"`
	// First and Last are the first and latest steps at or above the
	// threshold, with their values; nil when none.
	First *obs.Point `json:"first,omitempty"`
	Last  *obs.Point `json:"last,omitempty"`
	// Longest is the longest run (the earliest when several tie); Current
	// is the run that includes the series' last step, when there is one.
	Longest *Run        `json:"longest,omitempty"`
	Current *Run        `json:"current,omitempty"`
	PerYear []YearCount `json:"per_year"`
}

// Cross counts the steps of pts (in date order, at frequency freq: daily,
// monthly or annual) at or above threshold.
func Cross(dataset string, pts []obs.Point, freq obs.Frequency, threshold float64) (Crossings, error) {
	if freq != obs.Daily && freq != obs.Monthly && freq != obs.Annual {
		return Crossings{}, fmt.Errorf("%s: crossings are counted for daily, monthly or annual steps, not %s", dataset, freq)
	}
	c := Crossings{Dataset: dataset, Frequency: freq, Threshold: threshold}
	var run *Run
	var prev obs.Date
	byYear := map[int]int{}
	for i, p := range pts {
		y := p.Date.Year()
		if len(c.PerYear) == 0 || c.PerYear[len(c.PerYear)-1].Year != y {
			c.PerYear = append(c.PerYear, YearCount{Year: y})
			byYear[y] = len(c.PerYear) - 1
		}
		yc := &c.PerYear[byYear[y]]
		yc.Present++
		above := p.Value >= threshold
		if !above {
			run = nil
			prev = p.Date
			continue
		}
		yc.Above++
		c.Count++
		pt := p
		if c.First == nil {
			c.First = &pt
		}
		c.Last = &pt
		if run != nil && i > 0 && next(prev, freq) == p.Date {
			run.End, run.Steps = p.Date, run.Steps+1
		} else {
			run = &Run{Start: p.Date, End: p.Date, Steps: 1}
		}
		if c.Longest == nil || run.Steps > c.Longest.Steps {
			r := *run
			c.Longest = &r
		}
		prev = p.Date
	}
	if run != nil && len(pts) > 0 && run.End == pts[len(pts)-1].Date {
		r := *run
		c.Current = &r
	}
	return c, nil
}

// InYear returns the count of year y, or a zero count when the series has
// no step in y.
func (c Crossings) InYear(y int) YearCount {
	for _, yc := range c.PerYear {
		if yc.Year == y {
			return yc
		}
	}
	return YearCount{Year: y}
}

// NthInYear returns, for a step dated d at or above threshold, its ordinal
// among the steps of its calendar year at or above threshold (1 for the
// first), the number behind sentences such as "the 200th day of 2024 above
// 1.5 °C". ok is false when d is not in pts or is below the threshold.
func NthInYear(pts []obs.Point, d obs.Date, threshold float64) (n int, ok bool) {
	y := d.Year()
	start := obs.NewDate(y, 1, 1)
	for _, p := range pts {
		if p.Date < start {
			continue
		}
		if p.Date > d {
			break
		}
		if p.Value >= threshold {
			n++
		}
		if p.Date == d {
			return n, p.Value >= threshold
		}
	}
	return 0, false
}

// next returns the step after d at frequency freq.
func next(d obs.Date, freq obs.Frequency) obs.Date {
	y, m, _ := d.YMD()
	switch freq {
	case obs.Monthly:
		if m == 12 {
			return obs.NewDate(y+1, 1, 1)
		}
		return obs.NewDate(y, m+1, 1)
	case obs.Annual:
		return obs.NewDate(y+1, 1, 1)
	}
	return d + 1
}

// Running12 returns the 12-month running means of a monthly series, each
// dated by the last of its 12 months (NOAA's convention), for every month
// that ends 12 consecutive months present.
func Running12(pts []obs.Point) []obs.Point {
	var out []obs.Point
	for i := 11; i < len(pts); i++ {
		ok := true
		for j := i - 10; j <= i; j++ {
			if next(pts[j-1].Date, obs.Monthly) != pts[j].Date {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		var sum float64
		for j := i - 11; j <= i; j++ {
			sum += pts[j].Value
		}
		out = append(out, obs.Point{Date: pts[i].Date, Value: sum / 12})
	}
	return out
}

// AnnualPoints returns year means as points dated 1 January, for Cross.
func AnnualPoints(ys []YearValue) []obs.Point {
	out := make([]obs.Point, len(ys))
	for i, y := range ys {
		out[i] = obs.Point{Date: obs.NewDate(y.Year, 1, 1), Value: y.Value}
	}
	return out
}

// Summary is every threshold count of one re-based series: for a daily
// series the days, for a monthly one the months and the 12-month periods,
// and for both the calendar years (complete years only), each at 1.5 °C
// and 2.0 °C.
type Summary struct {
	Dataset   string      `json:"dataset"`
	Method    Method      `json:"method"`
	Days      []Crossings `json:"days,omitempty"`
	Months    []Crossings `json:"months,omitempty"`
	Running12 []Crossings `json:"running12,omitempty"`
	Years     []Crossings `json:"years"`
}

// Summarise counts the crossings of r at 1.5 °C and 2.0 °C.
func Summarise(r Rebased) (Summary, error) {
	s := Summary{Dataset: r.Dataset, Method: r.Method}
	annual := AnnualPoints(Annual(r))
	for _, th := range []float64{Threshold15, Threshold20} {
		switch r.Frequency {
		case obs.Daily:
			c, err := Cross(r.Dataset, r.Points, obs.Daily, th)
			if err != nil {
				return Summary{}, err
			}
			s.Days = append(s.Days, c)
		case obs.Monthly:
			c, err := Cross(r.Dataset, r.Points, obs.Monthly, th)
			if err != nil {
				return Summary{}, err
			}
			s.Months = append(s.Months, c)
			c, err = Cross(r.Dataset, Running12(r.Points), obs.Monthly, th)
			if err != nil {
				return Summary{}, err
			}
			s.Running12 = append(s.Running12, c)
		case obs.Annual:
		default:
			return Summary{}, fmt.Errorf("%s: cannot summarise a %s series", r.Dataset, r.Frequency)
		}
		c, err := Cross(r.Dataset, annual, obs.Annual, th)
		if err != nil {
			return Summary{}, err
		}
		s.Years = append(s.Years, c)
	}
	return s, nil
}
