package goals

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// PathKind is the shape of the required path from the baseline to the
// target.
type PathKind string

const (
	// Linear: equal absolute steps each year (a goal stated as a level to
	// reach, such as zero deforestation or -30% methane).
	Linear PathKind = "linear"
	// Compound: a constant annual growth rate (a goal stated as a multiple,
	// such as tripling capacity). Needs positive baseline and target.
	Compound PathKind = "compound"
)

// Path is the required path of a goal: Base in BaseYear to Target in
// TargetYear, in the unit of the indicator.
type Path struct {
	Kind       PathKind `json:"kind"`
	BaseYear   int      `json:"base_year"`
	Base       float64  `json:"base"`
	TargetYear int      `json:"target_year"`
	Target     float64  `json:"target"`
}

// Validate checks that the path can be evaluated.
func (p Path) Validate() error {
	if p.TargetYear <= p.BaseYear {
		return fmt.Errorf("target year %d is not after the base year %d", p.TargetYear, p.BaseYear)
	}
	if math.IsNaN(p.Base) || math.IsNaN(p.Target) || math.IsInf(p.Base, 0) || math.IsInf(p.Target, 0) {
		return errors.New("base and target must be finite")
	}
	switch p.Kind {
	case Linear:
	case Compound:
		if p.Base <= 0 || p.Target <= 0 {
			return fmt.Errorf("a compound path needs positive base and target, got %g and %g", p.Base, p.Target)
		}
	default:
		return fmt.Errorf("unknown path kind %q (linear or compound)", p.Kind)
	}
	return nil
}

// Increasing reports whether the goal asks for the value to rise.
func (p Path) Increasing() bool { return p.Target > p.Base }

// At returns the required value in year y (for y between the base and the
// target years; before the base it is the base, after the target the
// target).
func (p Path) At(y float64) float64 {
	f := (y - float64(p.BaseYear)) / float64(p.TargetYear-p.BaseYear)
	f = math.Max(0, math.Min(1, f))
	if p.Kind == Compound {
		return p.Base * math.Pow(p.Target/p.Base, f)
	}
	return p.Base + (p.Target-p.Base)*f
}

// AnnualStep returns the required change per year: the absolute change in
// the indicator's unit for a linear path, the fractional growth rate (0.147
// for +14.7% a year) for a compound path.
func (p Path) AnnualStep() float64 {
	n := float64(p.TargetYear - p.BaseYear)
	if p.Kind == Compound {
		return math.Pow(p.Target/p.Base, 1/n) - 1
	}
	return (p.Target - p.Base) / n
}

// RequiredFrom returns the step needed per year from value v in year y to
// reach the target by the target year, in the path's kind (absolute for
// linear, fractional rate for compound). ok is false when y is at or after
// the target year or, for a compound path, v is not positive.
func (p Path) RequiredFrom(y int, v float64) (step float64, ok bool) {
	n := float64(p.TargetYear - y)
	if n <= 0 {
		return 0, false
	}
	if p.Kind == Compound {
		if v <= 0 {
			return 0, false
		}
		return math.Pow(p.Target/v, 1/n) - 1, true
	}
	return (p.Target - v) / n, true
}

// YearValue is one year's value of an indicator.
type YearValue struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"`
}

// Trend is a line fitted by ordinary least squares to the last years of
// the actual values: value = A + B·(year - X0) for a linear trend, and
// ln(value) = A + B·(year - X0) for a compound one (B is then the
// continuous growth rate; GrowthPct = 100·(e^B - 1) the annual one).
type Trend struct {
	Kind      PathKind `json:"kind"`
	FitFirst  int      `json:"fit_first"`
	FitLast   int      `json:"fit_last"`
	PerYear   float64  `json:"per_year,omitempty"`   // linear: change per year
	GrowthPct float64  `json:"growth_pct,omitempty"` // compound: % per year
	a, b, x0  float64
}

// FitTrend fits a trend of the given kind to ys (at least 2 years).
func FitTrend(kind PathKind, ys []YearValue) (Trend, error) {
	if len(ys) < 2 {
		return Trend{}, fmt.Errorf("a trend needs at least 2 years, got %d", len(ys))
	}
	ys = append([]YearValue(nil), ys...)
	sort.Slice(ys, func(i, j int) bool { return ys[i].Year < ys[j].Year })
	n := float64(len(ys))
	var xm, ym float64
	val := func(v float64) float64 { return v }
	if kind == Compound {
		for _, y := range ys {
			if y.Value <= 0 {
				return Trend{}, fmt.Errorf("a compound trend needs positive values, %d is %g", y.Year, y.Value)
			}
		}
		val = math.Log
	} else if kind != Linear {
		return Trend{}, fmt.Errorf("unknown trend kind %q", kind)
	}
	for _, y := range ys {
		xm += float64(y.Year) / n
		ym += val(y.Value) / n
	}
	var sxx, sxy float64
	for _, y := range ys {
		dx := float64(y.Year) - xm
		sxx += dx * dx
		sxy += dx * (val(y.Value) - ym)
	}
	t := Trend{Kind: kind, FitFirst: ys[0].Year, FitLast: ys[len(ys)-1].Year, a: ym, b: sxy / sxx, x0: xm}
	if kind == Compound {
		t.GrowthPct = 100 * (math.Exp(t.b) - 1)
	} else {
		t.PerYear = t.b
	}
	return t, nil
}

// At returns the trend's value in year y.
func (t Trend) At(y float64) float64 {
	v := t.a + t.b*(y-t.x0)
	if t.Kind == Compound {
		return math.Exp(v)
	}
	return v
}

// Reach says when the current trend reaches the target.
type Reach struct {
	// Status is "met" (the latest value already meets the target), "year"
	// (the trend reaches it in Year), or "never" (the trend is flat or
	// moves away from the target: "never at this rate").
	Status string `json:"status"`
	Year   int    `json:"year,omitempty"`
	// Exact is the fractional year at which the trend line crosses the
	// target (Year is its ceiling); zero unless Status is "year".
	Exact float64 `json:"exact,omitempty"`
}

// WhenReached returns when trend t reaches target, for a goal that rises
// (increasing) or falls, given the latest actual value. A compound trend
// never reaches a target of zero or below.
func WhenReached(t Trend, target float64, increasing bool, latest YearValue) Reach {
	if (increasing && latest.Value >= target) || (!increasing && latest.Value <= target) {
		return Reach{Status: "met"}
	}
	if (increasing && t.b <= 0) || (!increasing && t.b >= 0) {
		return Reach{Status: "never"}
	}
	var x float64
	if t.Kind == Compound {
		if target <= 0 {
			return Reach{Status: "never"}
		}
		x = t.x0 + (math.Log(target)-t.a)/t.b
	} else {
		x = t.x0 + (target-t.a)/t.b
	}
	y := int(math.Ceil(x))
	if y <= latest.Year {
		// The fitted line is past the target but the latest value is not:
		// the next year is the first the trend can deliver it.
		y = latest.Year + 1
	}
	return Reach{Status: "year", Year: y, Exact: x}
}
