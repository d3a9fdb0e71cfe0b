package analysis

import (
	"math"
	"sort"
)

// Mean returns the arithmetic mean of xs, or NaN when xs is empty.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

// StdDev returns the standard deviation of xs with ddof degrees of freedom
// removed from the divisor (ddof 1: sample standard deviation, as NSIDC's
// climatology; ddof 0: population). It returns NaN when len(xs) <= ddof.
func StdDev(xs []float64, ddof int) float64 {
	n := len(xs)
	if n <= ddof {
		return math.NaN()
	}
	m := Mean(xs)
	ss := 0.0
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / float64(n-ddof))
}

// Percentile returns the q-th percentile (0..100) of sorted, with numpy's
// default "linear" method: the value at fractional rank (n-1)*q/100, linearly
// interpolated between its neighbours. sorted must be in ascending order. It
// returns NaN when sorted is empty.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * q / 100
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// Median returns the 50th percentile of xs (which it does not modify).
func Median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return Percentile(s, 50)
}

// equal reports whether a and b are the same value up to floating-point
// noise: |a-b| <= 1e-9 * max(1, |a|, |b|). Records use it to detect ties.
func equal(a, b float64) bool {
	if a == b {
		return true
	}
	diff, scale := a-b, 1.0
	if diff < 0 {
		diff = -diff
	}
	if a > scale {
		scale = a
	} else if -a > scale {
		scale = -a
	}
	if b > scale {
		scale = b
	} else if -b > scale {
		scale = -b
	}
	return diff <= 1e-9*scale
}

// round6 rounds x to 6 decimal places, below the precision of every series
// stocktake holds; results use it to hide floating-point noise such as
// 0.13000000000000078.
func round6(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	return math.Round(x*1e6) / 1e6
}
