package national

import (
	"fmt"
	"math"

	"github.com/stocktake/stocktake/internal/obs"
	"gonum.org/v1/gonum/stat"
)

// YearChange is one year of a series with its change from the previous year:
// Change in the series' unit, ChangePct as a percentage of the previous value.
// Both are nil for the first year, when the previous year is missing, and
// (ChangePct only) when the previous value is zero.
type YearChange struct {
	Year      int      `json:"year"`
	Value     float64  `json:"value"`
	Change    *float64 `json:"change"`
	ChangePct *float64 `json:"change_pct"`
}

// GrowthResult summarises how a series changed from From to To (inclusive).
//
//   - Change = ToValue - FromValue (unit); ChangePct is it as a percentage of
//     FromValue (nil when FromValue is zero).
//   - CAGRPct is the compound annual growth rate in percent per year,
//     100 * ((ToValue/FromValue)^(1/(To-From)) - 1); nil when either value is
//     zero or negative.
//   - TrendPerYear is the ordinary least-squares slope of value on year over
//     every year with data in From..To (unit per year), TrendPctPerYear that
//     slope as a percentage of the mean value over the same years, and R2 the
//     fit's coefficient of determination. They need at least 3 years.
type GrowthResult struct {
	Indicator       string       `json:"indicator"`
	Entity          string       `json:"entity"`
	Name            string       `json:"name"`
	Unit            string       `json:"unit"`
	From            int          `json:"from"`
	To              int          `json:"to"`
	FromValue       float64      `json:"from_value"`
	ToValue         float64      `json:"to_value"`
	Change          float64      `json:"change"`
	ChangePct       *float64     `json:"change_pct"`
	CAGRPct         *float64     `json:"cagr_pct"`
	TrendPerYear    *float64     `json:"trend_per_year"`
	TrendPctPerYear *float64     `json:"trend_pct_per_year"`
	R2              *float64     `json:"trend_r2"`
	Years           []YearChange `json:"years"`
}

// Growth computes year-on-year changes, the compound annual growth rate and
// the linear trend of s between from and to. A zero from (to) means the first
// (last) year of the series. Both end years must have values.
func Growth(s obs.Series, from, to int) (GrowthResult, error) {
	res := GrowthResult{Indicator: s.Indicator, Entity: s.Entity, Name: Name(s.Entity), Unit: s.Unit}
	f, l, ok := span(s)
	if !ok {
		return res, fmt.Errorf("%s %s: no values", s.Indicator, s.Entity)
	}
	if from == 0 {
		from = f
	}
	if to == 0 {
		to = l
	}
	if from >= to {
		return res, fmt.Errorf("growth needs a period of at least two years, got %d-%d", from, to)
	}
	vals := yearValues(s)
	fv, ok1 := vals[from]
	tv, ok2 := vals[to]
	if !ok1 || !ok2 {
		return res, fmt.Errorf("%s %s: no value for %d or %d (data cover %d-%d)", s.Indicator, s.Entity, from, to, f, l)
	}
	res.From, res.To, res.FromValue, res.ToValue = from, to, fv, tv
	res.Change = tv - fv
	if fv != 0 {
		res.ChangePct = ptr(100 * (tv - fv) / fv)
	}
	if fv > 0 && tv > 0 {
		res.CAGRPct = ptr(100 * (math.Pow(tv/fv, 1/float64(to-from)) - 1))
	}
	var xs, ys []float64
	for _, p := range s.Points {
		y := p.Date.Year()
		if y < from || y > to {
			continue
		}
		yc := YearChange{Year: y, Value: p.Value}
		if prev, ok := vals[y-1]; ok {
			yc.Change = ptr(p.Value - prev)
			if prev != 0 {
				yc.ChangePct = ptr(100 * (p.Value - prev) / prev)
			}
		}
		res.Years = append(res.Years, yc)
		xs = append(xs, float64(y))
		ys = append(ys, p.Value)
	}
	if len(xs) >= 3 {
		_, slope := stat.LinearRegression(xs, ys, nil, false)
		res.TrendPerYear = ptr(slope)
		if mean := stat.Mean(ys, nil); mean != 0 {
			res.TrendPctPerYear = ptr(100 * slope / mean)
		}
		alpha := stat.Mean(ys, nil) - slope*stat.Mean(xs, nil)
		if r2 := stat.RSquared(xs, ys, nil, alpha, slope); !math.IsNaN(r2) {
			res.R2 = ptr(r2)
		}
	}
	return res, nil
}
