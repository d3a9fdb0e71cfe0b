package warming

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// LevelOptions configures the long-term warming level. The zero value means
// the defaults (Window 20, FitYears 30).
type LevelOptions struct {
	// Window is the length in years of the mean (IPCC AR6: 20). The window
	// of year Y is Y-(Window/2-1) .. Y+Window/2, e.g. 2015-2034 for 2024:
	// the last ten observed years and the next ten, as in the WMO State of
	// the Global Climate 2024.
	Window int
	// FitYears is the number of most recent observed years to which the
	// linear trend that completes the window is fitted (ordinary least
	// squares on annual means).
	FitYears int
	// AsOf, when non-zero, is the last year of observations used (years
	// after it are treated as not yet observed), so datasets can be
	// compared at the same date.
	AsOf int
}

func (o LevelOptions) withDefaults() LevelOptions {
	if o.Window == 0 {
		o.Window = 20
	}
	if o.FitYears == 0 {
		o.FitYears = 30
	}
	return o
}

// Level is the long-term warming level of one dataset for one year: the
// mean of the annual values of the window, where the years after the last
// observed year are taken from the linear trend fitted to the last
// FitYears observed years.
type Level struct {
	Dataset     string  `json:"dataset"`
	Year        int     `json:"year"`
	WindowFirst int     `json:"window_first"`
	WindowLast  int     `json:"window_last"`
	Observed    int     `json:"observed_years"`     // years of the window with observations
	Projected   int     `json:"extrapolated_years"` // years of the window from the trend
	Value       float64 `json:"value"`              // °C above 1850-1900
	// Low and High bound the 95% interval of Value from the uncertainty of
	// the fitted trend line (the confidence interval of the line's mean
	// over the extrapolated years, Student t with n-2 degrees of freedom),
	// scaled by the extrapolated share of the window. It leaves out the
	// producers' own measurement uncertainty and natural variability of
	// the coming years.
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	FitFirst int     `json:"fit_first"`
	FitLast  int     `json:"fit_last"`
	// TrendPerDecade is the fitted slope in °C per decade.
	TrendPerDecade float64 `json:"trend_per_decade"`
	Method         string  `json:"method"`
}

// fit is an ordinary least squares line y = a + b·(x - xm).
type fit struct {
	a, b, xm, sxx, s2 float64
	n                 int
}

func fitLine(ys []YearValue) fit {
	n := float64(len(ys))
	var xm, ym float64
	for _, v := range ys {
		xm += float64(v.Year) / n
		ym += v.Value / n
	}
	var sxx, sxy float64
	for _, v := range ys {
		dx := float64(v.Year) - xm
		sxx += dx * dx
		sxy += dx * (v.Value - ym)
	}
	f := fit{a: ym, b: sxy / sxx, xm: xm, sxx: sxx, n: len(ys)}
	var rss float64
	for _, v := range ys {
		r := v.Value - f.at(float64(v.Year))
		rss += r * r
	}
	f.s2 = rss / (n - 2)
	return f
}

func (f fit) at(x float64) float64 { return f.a + f.b*(x-f.xm) }

// LongTermLevel returns the level of year y from the annual means ys (°C
// above 1850-1900, in year order, complete years only). The fit needs
// FitYears consecutive-or-not observed years ending at the last observed
// year (at most AsOf); every window year up to the last observed year must
// be observed. A window after the last observed year is all trend (used by
// YearReaching).
func LongTermLevel(dataset string, ys []YearValue, y int, opt LevelOptions) (Level, error) {
	opt = opt.withDefaults()
	if opt.Window < 2 || opt.FitYears < 3 {
		return Level{}, errors.New("window must be at least 2 years and the fit at least 3")
	}
	obsd := observed(ys, opt.AsOf)
	if len(obsd) < opt.FitYears {
		return Level{}, fmt.Errorf("%s: %d observed years, the trend needs %d", dataset, len(obsd), opt.FitYears)
	}
	last := obsd[len(obsd)-1].Year
	first := y - (opt.Window/2 - 1)
	wLast := first + opt.Window - 1
	if wLast < obsd[0].Year {
		return Level{}, fmt.Errorf("%s: the window of %d (%d-%d) ends before the first observed year %d", dataset, y, first, wLast, obsd[0].Year)
	}
	tail := obsd[len(obsd)-opt.FitYears:]
	f := fitLine(tail)
	by := map[int]float64{}
	for _, v := range obsd {
		by[v.Year] = v.Value
	}
	var sum, projX float64
	nObs, nProj := 0, 0
	for yr := first; yr <= wLast; yr++ {
		if yr <= last {
			v, ok := by[yr]
			if !ok {
				return Level{}, fmt.Errorf("%s: no complete annual value for %d, inside the window %d-%d", dataset, yr, first, wLast)
			}
			sum += v
			nObs++
			continue
		}
		sum += f.at(float64(yr))
		projX += float64(yr)
		nProj++
	}
	w := float64(opt.Window)
	lv := Level{
		Dataset: dataset, Year: y, WindowFirst: first, WindowLast: wLast, Observed: nObs, Projected: nProj,
		Value: sum / w, FitFirst: tail[0].Year, FitLast: last, TrendPerDecade: f.b * 10,
		Method: fmt.Sprintf("%d-year mean %d-%d: %d observed years, %d from the OLS linear trend of %d-%d (%+.3f °C/decade)",
			opt.Window, first, wLast, nObs, nProj, tail[0].Year, last, f.b*10),
	}
	half := 0.0
	if nProj > 0 {
		xbar := projX / float64(nProj)
		se := math.Sqrt(f.s2 * (1/float64(f.n) + (xbar-f.xm)*(xbar-f.xm)/f.sxx))
		half = tQuantile975(f.n-2) * se * float64(nProj) / w
	}
	lv.Low, lv.High = lv.Value-half, lv.Value+half
	return lv, nil
}

// observed returns the years of ys up to asOf (all when asOf is 0), sorted.
func observed(ys []YearValue, asOf int) []YearValue {
	out := make([]YearValue, 0, len(ys))
	for _, v := range ys {
		if asOf == 0 || v.Year <= asOf {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Year < out[j].Year })
	return out
}

// Crossing is when the trend reaches a level.
type Crossing struct {
	Dataset   string  `json:"dataset"`
	Threshold float64 `json:"threshold"`
	// Year is the first year whose long-term level (same options) is at or
	// above Threshold; 0 with Never set when the fitted trend does not
	// rise. AlreadyReached is set when the level of the last observed year
	// is already at or above it.
	Year           int  `json:"year,omitempty"`
	AlreadyReached bool `json:"already_reached,omitempty"`
	Never          bool `json:"never,omitempty"`
}

// YearReaching returns the first year, from the last observed year on,
// whose long-term level reaches threshold, searching up to 2100.
func YearReaching(dataset string, ys []YearValue, threshold float64, opt LevelOptions) (Crossing, error) {
	opt = opt.withDefaults()
	obsd := observed(ys, opt.AsOf)
	if len(obsd) == 0 {
		return Crossing{}, fmt.Errorf("%s: no observed years", dataset)
	}
	c := Crossing{Dataset: dataset, Threshold: threshold}
	last := obsd[len(obsd)-1].Year
	for y := last; y <= 2100; y++ {
		lv, err := LongTermLevel(dataset, ys, y, opt)
		if err != nil {
			return Crossing{}, err
		}
		if lv.Value >= threshold {
			c.Year = y
			c.AlreadyReached = y == last
			return c, nil
		}
		if y == last && lv.TrendPerDecade <= 0 {
			c.Never = true
			return c, nil
		}
	}
	c.Never = true
	return c, nil
}

// Ensemble is the multi-dataset long-term level of one year: the mean of
// the members' values, their spread (max - min), and the 95% interval
// widened to cover every member's own interval.
type Ensemble struct {
	Year    int     `json:"year"`
	Mean    float64 `json:"mean"`
	Min     float64 `json:"min"`
	Max     float64 `json:"max"`
	Spread  float64 `json:"spread"`
	Low     float64 `json:"low"`
	High    float64 `json:"high"`
	Members []Level `json:"members"`
}

// Combine returns the multi-dataset level of members, which must all be
// for the same year.
func Combine(members []Level) (Ensemble, error) {
	if len(members) == 0 {
		return Ensemble{}, errors.New("no datasets to combine")
	}
	e := Ensemble{Year: members[0].Year, Min: math.Inf(1), Max: math.Inf(-1), Low: math.Inf(1), High: math.Inf(-1), Members: members}
	for _, m := range members {
		if m.Year != e.Year {
			return Ensemble{}, fmt.Errorf("members are for %d and %d; combine one year at a time", e.Year, m.Year)
		}
		e.Mean += m.Value / float64(len(members))
		e.Min, e.Max = math.Min(e.Min, m.Value), math.Max(e.Max, m.Value)
		e.Low, e.High = math.Min(e.Low, m.Low), math.Max(e.High, m.High)
	}
	e.Spread = e.Max - e.Min
	return e, nil
}

// MeanOfYear is the multi-dataset mean of one calendar year's annual
// values, with the members' minimum and maximum.
type MeanOfYear struct {
	Year     int                `json:"year"`
	Mean     float64            `json:"mean"`
	Min      float64            `json:"min"`
	Max      float64            `json:"max"`
	Datasets map[string]float64 `json:"datasets"`
}

// YearMean returns the mean over datasets of year y's annual value; every
// dataset must have a complete year y.
func YearMean(y int, annual map[string][]YearValue) (MeanOfYear, error) {
	if len(annual) == 0 {
		return MeanOfYear{}, errors.New("no datasets")
	}
	m := MeanOfYear{Year: y, Min: math.Inf(1), Max: math.Inf(-1), Datasets: map[string]float64{}}
	// Datasets in name order: the sum must not depend on map order, so
	// that the same data give the same digits on every call.
	names := make([]string, 0, len(annual))
	for name := range annual {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ys := annual[name]
		v, ok := ValueOf(ys, y)
		if !ok {
			return MeanOfYear{}, fmt.Errorf("%s has no complete year %d", name, y)
		}
		m.Datasets[name] = v
		m.Mean += v / float64(len(annual))
		m.Min, m.Max = math.Min(m.Min, v), math.Max(m.Max, v)
	}
	return m, nil
}

// tQuantile975 returns the 97.5th percentile of Student's t with df degrees
// of freedom, by the Cornish-Fisher expansion around the normal quantile
// (Abramowitz and Stegun 26.7.5); for df >= 5 it is within 0.003 of the
// exact value (df 28: 2.048).
func tQuantile975(df int) float64 {
	const z = 1.959963984540054
	if df <= 0 {
		return math.Inf(1)
	}
	v := float64(df)
	z3, z5, z7 := z*z*z, math.Pow(z, 5), math.Pow(z, 7)
	return z + (z3+z)/(4*v) + (5*z5+16*z3+3*z)/(96*v*v) + (3*z7+19*z5+17*z3-15*z)/(384*v*v*v)
}
