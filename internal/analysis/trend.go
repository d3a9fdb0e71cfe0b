package analysis

import (
	"fmt"
	"math"
	"sort"

	"github.com/stocktake/stocktake/internal/obs"
	"gonum.org/v1/gonum/stat/distuv"
)

// daysPerDecade converts days to decades (ten Julian years of 365.25 days).
const daysPerDecade = 3652.5

// TrendResult is a linear trend fitted to a series. Slopes are in the
// series' unit per decade.
type TrendResult struct {
	Indicator string `json:"indicator"`
	Entity    Entity `json:"entity"`
	Unit      string `json:"unit"`
	// Basis says what was fitted, e.g. "annual means (complete years)";
	// set by the caller that chose the points.
	Basis string `json:"basis,omitempty"`
	From  string `json:"from"` // date of the first point used (YYYY-MM-DD)
	To    string `json:"to"`   // date of the last point used
	N     int    `json:"n"`    // number of points
	// OLSPerDecade is the ordinary least-squares slope; CI95 is its 95%
	// confidence interval from Student's t with N-2 degrees of freedom,
	// assuming independent residuals (autocorrelation would widen it).
	OLSPerDecade float64    `json:"ols_per_decade"`
	CI95         [2]float64 `json:"ci95_per_decade"`
	StdErr       float64    `json:"std_err_per_decade"`
	// TheilSenPerDecade is the Theil-Sen estimator: the median of the slopes
	// between all pairs of points (the mean of the two middle ones when the
	// number of pairs is even).
	TheilSenPerDecade float64 `json:"theil_sen_per_decade"`
	// Incomplete lists the periods left out of the fit because they were
	// incomplete (set by the caller that aggregated the data), so that
	// they are reported rather than hidden.
	Incomplete []string `json:"incomplete_excluded,omitempty"`
	// Corrected is the slope's 95% interval corrected for autocorrelation
	// (per decade), set by TrendAR1; nil from Trend.
	Corrected *Corrected `json:"corrected,omitempty"`
	// CorrectedNote says why Corrected is absent when a caller asked for
	// it and the effective sample size left too few degrees of freedom.
	CorrectedNote string `json:"corrected_note,omitempty"`
}

// Trend fits pts (sorted, unique dates; at least 3 points) against time in
// decades. Values are rounded to 6 decimals in the result.
func Trend(pts []obs.Point) (TrendResult, error) {
	n := len(pts)
	if n < 3 {
		return TrendResult{}, fmt.Errorf("trend: need at least 3 points, have %d: %w", n, ErrNoData)
	}
	xs := make([]float64, n)
	ys := make([]float64, n)
	for i, p := range pts {
		xs[i] = float64(p.Date-pts[0].Date) / daysPerDecade
		ys[i] = p.Value
	}
	mx, my := Mean(xs), Mean(ys)
	var sxx, sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	slope := sxy / sxx
	icpt := my - slope*mx
	var sse float64
	for i := range xs {
		e := ys[i] - icpt - slope*xs[i]
		sse += e * e
	}
	se := math.Sqrt(sse / float64(n-2) / sxx)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 2)}.Quantile(0.975)
	return TrendResult{
		From: pts[0].Date.String(), To: pts[n-1].Date.String(), N: n,
		OLSPerDecade: round6(slope), StdErr: round6(se),
		CI95:              [2]float64{round6(slope - t*se), round6(slope + t*se)},
		TheilSenPerDecade: round6(TheilSen(xs, ys)),
	}, nil
}

// TheilSen returns the median of the pairwise slopes (ys[j]-ys[i])/(xs[j]-xs[i])
// over all i < j, for strictly increasing xs. Up to 3000 points it sorts all
// pairs; beyond that it finds the median slope by bisection on the slope,
// counting pairs below a candidate in O(n log n), to a relative precision of
// 1e-12.
func TheilSen(xs, ys []float64) float64 {
	n := len(xs)
	if n < 2 {
		return math.NaN()
	}
	pairs := n * (n - 1) / 2
	if n <= 3000 {
		s := make([]float64, 0, pairs)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				s = append(s, (ys[j]-ys[i])/(xs[j]-xs[i]))
			}
		}
		sort.Float64s(s)
		return Percentile(s, 50)
	}
	// k-th smallest slope (1-based) by bisection.
	ymin, ymax, dxmin := ys[0], ys[0], math.Inf(1)
	for i := range xs {
		ymin, ymax = math.Min(ymin, ys[i]), math.Max(ymax, ys[i])
		if i > 0 {
			dxmin = math.Min(dxmin, xs[i]-xs[i-1])
		}
	}
	bound := (ymax-ymin)/dxmin + 1
	z := make([]float64, n)
	buf := make([]float64, n)
	kth := func(k int) float64 {
		lo, hi := -bound, bound
		for iter := 0; iter < 200 && hi-lo > 1e-12*math.Max(1, math.Abs(hi)); iter++ {
			mid := (lo + hi) / 2
			// slope(i,j) <= t  <=>  ys[j]-t*xs[j] <= ys[i]-t*xs[i]  (i < j)
			for i := range xs {
				z[i] = ys[i] - mid*xs[i]
			}
			if countNonIncreasing(z, buf) >= k {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi
	}
	if pairs%2 == 1 {
		return kth(pairs/2 + 1)
	}
	return (kth(pairs/2) + kth(pairs/2+1)) / 2
}

// countNonIncreasing returns the number of pairs i < j with z[j] <= z[i],
// sorting z in place (merge sort; buf is scratch of the same length).
func countNonIncreasing(z, buf []float64) int {
	n := len(z)
	if n < 2 {
		return 0
	}
	m := n / 2
	c := countNonIncreasing(z[:m], buf[:m]) + countNonIncreasing(z[m:], buf[m:])
	// For each right element, count left elements >= it.
	i, j, k := 0, m, 0
	for i < m && j < n {
		if z[i] < z[j] {
			buf[k] = z[i]
			i++
		} else {
			c += m - i
			buf[k] = z[j]
			j++
		}
		k++
	}
	for ; i < m; i++ {
		buf[k] = z[i]
		k++
	}
	for ; j < n; j++ {
		buf[k] = z[j]
		k++
	}
	copy(z, buf[:n])
	return c
}
