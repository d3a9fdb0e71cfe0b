package analysis

import (
	"fmt"
	"math"

	"github.com/stocktake/stocktake/internal/obs"
	"gonum.org/v1/gonum/stat/distuv"
)

// Autocorrelation-corrected trend intervals.
//
// Successive values of a climate series are not independent (sea level from
// one 10-day altimeter cycle to the next, a monthly anomaly and the month
// after), so the ordinary least-squares interval, which assumes they are, is
// too narrow. stocktake corrects it by the effective sample size of an AR(1)
// model of the residuals (Santer et al. 2000, J. Geophys. Res. 105, 7337):
//
//	r1    = lag-1 autocorrelation of the fit's residuals, in point order
//	n_eff = n (1 − r1) / (1 + r1)           (n_eff = n when r1 <= 0)
//	se'   = se · sqrt((n − p) / (n_eff − p)) (p = 2 for a line, 3 for a parabola)
//	CI95  = estimate ± t(0.975, n_eff − p) · se'
//
// The same rule applies at every frequency; the lag is one step of the
// series (one day, month, year or altimeter cycle). Points are used in date
// order whatever their spacing. When n_eff − p < 1 the interval cannot be
// computed and the functions return an error.

// MethodAR1 names the correction in results.
const MethodAR1 = "AR(1) effective sample size n_eff = n(1-r1)/(1+r1) from lag-1 autocorrelation r1 of the residuals; Student t with n_eff-p degrees of freedom"

// daysPerYear is the Julian year used for rates per year.
const daysPerYear = 365.25

// Corrected is an interval corrected for autocorrelation.
type Corrected struct {
	Method string     `json:"method"`
	Lag1   float64    `json:"lag1_autocorrelation"` // r1 of the residuals
	NEff   float64    `json:"n_eff"`                // effective sample size
	StdErr float64    `json:"std_err"`              // corrected standard error, in the estimate's unit
	CI95   [2]float64 `json:"ci95"`                 // corrected 95% interval, in the estimate's unit
}

// Lag1 returns the lag-1 autocorrelation of xs (the lag-1 autocovariance
// over the variance, both about the mean of xs, each divided by n), or NaN
// for fewer than 3 values or a constant series.
func Lag1(xs []float64) float64 {
	n := len(xs)
	if n < 3 {
		return math.NaN()
	}
	m := Mean(xs)
	var num, den float64
	for i := range xs {
		den += (xs[i] - m) * (xs[i] - m)
		if i > 0 {
			num += (xs[i] - m) * (xs[i-1] - m)
		}
	}
	if den == 0 {
		return math.NaN()
	}
	return num / den
}

// correct applies the AR(1) correction to an estimate est with standard
// error se from n points and p fitted parameters, given the residuals.
func correct(est, se float64, resid []float64, p int) (Corrected, error) {
	n := float64(len(resid))
	r1 := Lag1(resid)
	if math.IsNaN(r1) {
		r1 = 0
	}
	neff := n
	if r1 > 0 {
		neff = n * (1 - r1) / (1 + r1)
	}
	dof := neff - float64(p)
	if dof < 1 {
		return Corrected{}, fmt.Errorf("trend: lag-1 autocorrelation %.3f leaves %.1f effective points for %d parameters: %w", r1, neff, p, ErrNoData)
	}
	sec := se * math.Sqrt((n-float64(p))/dof)
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: dof}.Quantile(0.975)
	return Corrected{Method: MethodAR1, Lag1: round6(r1), NEff: math.Round(neff*10) / 10, StdErr: round6(sec),
		CI95: [2]float64{round6(est - t*sec), round6(est + t*sec)}}, nil
}

// TrendAR1 is Trend with the interval corrected for autocorrelation: the
// result's Corrected field holds the slope's corrected interval (per
// decade, like the slope). The uncorrected CI95 is kept for comparison.
func TrendAR1(pts []obs.Point) (TrendResult, error) {
	r, err := Trend(pts)
	if err != nil {
		return r, err
	}
	slope, icpt, sxx := olsLine(pts)
	resid := make([]float64, len(pts))
	var sse float64
	for i, p := range pts {
		x := float64(p.Date-pts[0].Date) / daysPerDecade
		resid[i] = p.Value - icpt - slope*x
		sse += resid[i] * resid[i]
	}
	se := math.Sqrt(sse / float64(len(pts)-2) / sxx)
	c, err := correct(slope, se, resid, 2)
	if err != nil {
		return r, err
	}
	r.Corrected = &c
	return r, nil
}

// olsLine returns the unrounded OLS slope (per decade), intercept (at the
// first point) and the sum of squared deviations of time (decades²) of pts.
func olsLine(pts []obs.Point) (slope, icpt, sxx float64) {
	xs := make([]float64, len(pts))
	ys := make([]float64, len(pts))
	for i, p := range pts {
		xs[i] = float64(p.Date-pts[0].Date) / daysPerDecade
		ys[i] = p.Value
	}
	mx, my := Mean(xs), Mean(ys)
	var sxy float64
	for i := range xs {
		sxx += (xs[i] - mx) * (xs[i] - mx)
		sxy += (xs[i] - mx) * (ys[i] - my)
	}
	slope = sxy / sxx
	return slope, my - slope*mx, sxx
}

// QuadraticResult is a fit y = c0 + c1·t + c2·t² with t in years from the
// midpoint of the span fitted (the mean date of the points). Rates are in
// the series' unit per year, acceleration in unit per year².
type QuadraticResult struct {
	Indicator string `json:"indicator"`
	Entity    Entity `json:"entity"`
	Unit      string `json:"unit"`
	From      string `json:"from"`
	To        string `json:"to"`
	N         int    `json:"n"`
	// Centre is the date t = 0 (the mean date of the points).
	Centre string `json:"centre"`
	// RatePerYear is c1, the rate at Centre; AccelerationPerYear2 is 2·c2.
	RatePerYear          float64 `json:"rate_per_year"`
	AccelerationPerYear2 float64 `json:"acceleration_per_year2"`
	// AccelerationCI95 is the OLS interval (independent residuals);
	// AccelerationCorrected the AR(1)-corrected one (see MethodAR1).
	AccelerationCI95      [2]float64 `json:"acceleration_ci95"`
	AccelerationStdErr    float64    `json:"acceleration_std_err"`
	AccelerationCorrected Corrected  `json:"acceleration_corrected"`
	RateCorrected         Corrected  `json:"rate_corrected"`
}

// Quadratic fits a parabola to pts (sorted, unique dates, at least 4
// points) by ordinary least squares and reports the acceleration 2·c2 with
// its OLS and AR(1)-corrected 95% intervals.
func Quadratic(pts []obs.Point) (QuadraticResult, error) {
	n := len(pts)
	if n < 4 {
		return QuadraticResult{}, fmt.Errorf("quadratic fit: need at least 4 points, have %d: %w", n, ErrNoData)
	}
	ts := make([]float64, n)
	for i, p := range pts {
		ts[i] = float64(p.Date-pts[0].Date) / daysPerYear
	}
	tc := Mean(ts)
	// Normal equations in centred time: sums of t^k (k = 0..4) and y·t^k.
	var s [5]float64
	var b [3]float64
	for i, p := range pts {
		t := ts[i] - tc
		tk := 1.0
		for k := 0; k < 5; k++ {
			s[k] += tk
			if k < 3 {
				b[k] += p.Value * tk
			}
			tk *= t
		}
	}
	a := [3][3]float64{{s[0], s[1], s[2]}, {s[1], s[2], s[3]}, {s[2], s[3], s[4]}}
	inv, ok := inverse3(a)
	if !ok {
		return QuadraticResult{}, fmt.Errorf("quadratic fit: the dates are degenerate (all equal or too few distinct): %w", ErrNoData)
	}
	var c [3]float64
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			c[i] += inv[i][j] * b[j]
		}
	}
	resid := make([]float64, n)
	var sse float64
	for i, p := range pts {
		t := ts[i] - tc
		resid[i] = p.Value - c[0] - c[1]*t - c[2]*t*t
		sse += resid[i] * resid[i]
	}
	s2 := sse / float64(n-3)
	seRate := math.Sqrt(s2 * inv[1][1])
	seAcc := 2 * math.Sqrt(s2*inv[2][2])
	acc := 2 * c[2]
	tq := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 3)}.Quantile(0.975)
	r := QuadraticResult{From: pts[0].Date.String(), To: pts[n-1].Date.String(), N: n,
		Centre:      (pts[0].Date + obs.Date(math.Round(tc*daysPerYear))).String(),
		RatePerYear: round6(c[1]), AccelerationPerYear2: round6(acc),
		AccelerationCI95:   [2]float64{round6(acc - tq*seAcc), round6(acc + tq*seAcc)},
		AccelerationStdErr: round6(seAcc)}
	var err error
	if r.AccelerationCorrected, err = correct(acc, seAcc, resid, 3); err != nil {
		return r, err
	}
	if r.RateCorrected, err = correct(c[1], seRate, resid, 3); err != nil {
		return r, err
	}
	return r, nil
}

// inverse3 inverts a symmetric 3×3 matrix by cofactors; ok is false when it
// is singular (relative to its scale).
func inverse3(a [3][3]float64) (inv [3][3]float64, ok bool) {
	c00 := a[1][1]*a[2][2] - a[1][2]*a[2][1]
	c01 := a[1][2]*a[2][0] - a[1][0]*a[2][2]
	c02 := a[1][0]*a[2][1] - a[1][1]*a[2][0]
	det := a[0][0]*c00 + a[0][1]*c01 + a[0][2]*c02
	scale := math.Abs(a[0][0] * a[1][1] * a[2][2])
	if det == 0 || scale == 0 || math.Abs(det) < 1e-12*scale {
		return inv, false
	}
	inv[0][0] = c00 / det
	inv[0][1] = (a[0][2]*a[2][1] - a[0][1]*a[2][2]) / det
	inv[0][2] = (a[0][1]*a[1][2] - a[0][2]*a[1][1]) / det
	inv[1][0] = c01 / det
	inv[1][1] = (a[0][0]*a[2][2] - a[0][2]*a[2][0]) / det
	inv[1][2] = (a[0][2]*a[1][0] - a[0][0]*a[1][2]) / det
	inv[2][0] = c02 / det
	inv[2][1] = (a[0][1]*a[2][0] - a[0][0]*a[2][1]) / det
	inv[2][2] = (a[0][0]*a[1][1] - a[0][1]*a[1][0]) / det
	return inv, true
}
