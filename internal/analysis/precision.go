package analysis

import (
	"fmt"
	"math"

	"github.com/stocktake/stocktake/internal/obs"
	"gonum.org/v1/gonum/stat/distuv"
)

// Precision and uncertainty of comparisons.
//
// Resolution. A producer writes its values to a resolution: the value of one
// unit of the last published digit (0.001 for Climate Reanalyzer and NSIDC,
// 0.01 for NOAA and GISTEMP; see catalog.Indicator.Resolution). A value
// derived as a mean of published values carries one more digit than its inputs
// (MeanResolution), never more.
//
// Tie at the published precision. Two values are compared at a resolution r
// by rounding each to a whole number of units of r (Units) and comparing the
// integers: equal integers are a tie, never a record, whatever the unrounded
// margin is. For values the producer published at r (margins are whole
// multiples of r) this is exactly "a margin smaller than half a unit of the
// last published digit is a tie". For derived values (monthly means,
// smoothed values) it means that a record always shows two different numbers
// when both are printed at r: the rule reads "the rounded values differ".
// Rounding is half away from zero, after snapping v/r to the nearest 1e-6 of
// a unit, so that 20.9995 at r = 0.001 (20999.499999999996 units in binary
// floating point) rounds to 21.000 as a person would round it.
//
// Uncertainty. Where the producer publishes a 95% uncertainty for each value
// (JMA's E(0-2000), HadCRUT5's 95% limits), a record whose margin is smaller
// than the combined 95% half-width of the two values,
// sqrt(h1² + h2²) (independent errors), is a record "not statistically
// distinguishable" from the value it beat. The probability that the new value
// truly lies beyond the old one is Φ(margin / σ), σ = sqrt(h1² + h2²) / 1.96
// (normal errors, half-widths read as 1.96 standard deviations).

// Verdict classifies a value against the one it is compared with.
type Verdict string

const (
	// VerdictRecord: the value is beyond the other at the published
	// precision and, when uncertainties are known, beyond their combined
	// 95% half-width.
	VerdictRecord Verdict = "record"
	// VerdictIndistinguishable: beyond at the published precision but by
	// less than the combined 95% uncertainty: a record "not statistically
	// distinguishable" from the value it beat.
	VerdictIndistinguishable Verdict = "record_not_distinguishable"
	// VerdictTie: equal at the published precision; never a record.
	VerdictTie Verdict = "tie_at_precision"
	// VerdictShort: the value falls short of the other at the published
	// precision.
	VerdictShort Verdict = "not_record"
)

// IsRecord reports whether v counts as a record (distinguishable or not).
func (v Verdict) IsRecord() bool { return v == VerdictRecord || v == VerdictIndistinguishable }

// Comparison is the verdict on a value against a previous one, with the
// exact numbers kept for JSON.
type Comparison struct {
	Verdict Verdict `json:"verdict"`
	// Value and Previous are the exact values compared (rounded to 6
	// decimals to hide floating-point noise, never to the resolution).
	Value    float64 `json:"value"`
	Previous float64 `json:"previous"`
	// Margin is Value beyond Previous in the direction of the kind, exact
	// (positive when it beats it); MarginUnits is the same at the
	// resolution, in whole units of Resolution.
	Margin      float64 `json:"margin"`
	MarginUnits int64   `json:"margin_units"`
	// Resolution is the resolution the comparison used (0: exact, the
	// floating-point tie rule of the record functions).
	Resolution float64 `json:"resolution"`
	// Uncertainty95 and PreviousUncertainty95 are the 95% half-widths of the
	// two values when known; Combined95 is sqrt(h1²+h2²) and Probability
	// the chance that Value truly lies beyond Previous (see the package
	// notes). All nil when no uncertainty is known.
	Uncertainty95         *float64 `json:"uncertainty95,omitempty"`
	PreviousUncertainty95 *float64 `json:"previous_uncertainty95,omitempty"`
	Combined95            *float64 `json:"combined95,omitempty"`
	Probability           *float64 `json:"probability,omitempty"`
}

// Units returns v as a whole number of units of resolution res (see the
// rounding rule in the notes above). res must be positive.
func Units(v, res float64) int64 {
	u := v / res
	// Snap to 1e-6 of a unit: divisions such as 20.9995/0.001 land a few
	// ulps below the exact half.
	u = math.Round(u*1e6) / 1e6
	return int64(math.Round(u))
}

// RoundTo returns v rounded to resolution res by the rule of Units; res <= 0
// returns v unchanged.
func RoundTo(v, res float64) float64 {
	if res <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return v
	}
	d := DecimalsOf(res)
	if d >= 0 {
		p := math.Pow(10, float64(d))
		return float64(Units(v, res)) / p
	}
	return float64(Units(v, res)) * res
}

// DecimalsOf returns the number of decimals of a power-of-ten resolution
// (0.001 → 3, 1 → 0, 10 → 0), or -1 when res is not a power of ten.
func DecimalsOf(res float64) int {
	if res <= 0 {
		return -1
	}
	l := math.Log10(res)
	if math.Abs(l-math.Round(l)) > 1e-9 {
		return -1
	}
	return max(0, -int(math.Round(l)))
}

// MeanResolution is the resolution of a mean (or any average, such as a
// 5-day trailing mean or an annual mean of months) of values published at
// res: one more digit than the inputs, res/10. res <= 0 (unknown) stays 0.
func MeanResolution(res float64) float64 {
	if res <= 0 {
		return 0
	}
	return res / 10
}

// MeanDecimals is the number of decimals to print a mean of values published
// at res: one more than the inputs (0.01 → 3). It returns -1 when res is not
// a power of ten or unknown, in which case callers print as they did before.
func MeanDecimals(res float64) int {
	d := DecimalsOf(res)
	if d < 0 {
		return -1
	}
	return d + 1
}

// MarginDecimals is the number of decimals to print a margin between two
// values known at res: the decimals of res itself (a margin of published
// values is a whole number of units). Pass MeanResolution(res) for margins
// between means.
func MarginDecimals(res float64) int { return DecimalsOf(res) }

// Format writes v with the decimals of res (or %g when res is not a power of
// ten or is unknown), for text output that follows the printing rule.
func Format(v, res float64) string {
	d := DecimalsOf(res)
	if d < 0 {
		return fmt.Sprintf("%g", round6(v))
	}
	return fmt.Sprintf("%.*f", d, RoundTo(v, res))
}

// Compare classifies value against previous for kind k at resolution res
// (0 = exact comparison with the floating-point tie rule), with optional 95%
// half-widths u and uPrev (nil when unknown; both are needed for the
// uncertainty test). See the notes above for the rules.
func Compare(k Kind, value, previous, res float64, u, uPrev *float64) Comparison {
	c := Comparison{Value: round6(value), Previous: round6(previous), Margin: k.margin(value, previous), Resolution: res}
	var units int64
	switch {
	case res > 0:
		units = Units(value, res) - Units(previous, res)
		if k == Min {
			units = -units
		}
	case k.beats(value, previous):
		units = 1
	case equal(value, previous):
		units = 0
	default:
		units = -1
	}
	if res > 0 {
		c.MarginUnits = units
	}
	switch {
	case units > 0:
		c.Verdict = VerdictRecord
	case units == 0:
		c.Verdict = VerdictTie
	default:
		c.Verdict = VerdictShort
	}
	if u != nil && uPrev != nil {
		h1, h2 := *u, *uPrev
		comb := math.Hypot(h1, h2)
		c.Uncertainty95, c.PreviousUncertainty95 = ptrf(round6(h1)), ptrf(round6(h2))
		c.Combined95 = ptrf(round6(comb))
		if comb > 0 {
			p := distuv.UnitNormal.CDF(k.margin(value, previous) / (comb / 1.96))
			c.Probability = ptrf(math.Round(p*1000) / 1000)
		}
		if c.Verdict == VerdictRecord && math.Abs(value-previous) < comb {
			c.Verdict = VerdictIndistinguishable
		}
	}
	return c
}

func ptrf(v float64) *float64 { return &v }

// HalfWidths turns a lower and an upper 95% limit series into half-widths
// (upper-lower)/2 dated like the limits; dates present in only one series
// are left out.
func HalfWidths(lower, upper []obs.Point) []obs.Point {
	hi := map[obs.Date]float64{}
	for _, p := range upper {
		hi[p.Date] = p.Value
	}
	var out []obs.Point
	for _, p := range lower {
		if h, ok := hi[p.Date]; ok {
			out = append(out, obs.Point{Date: p.Date, Value: (h - p.Value) / 2})
		}
	}
	return out
}

// lookup returns the value of pts dated d, when there is one.
func lookup(pts []obs.Point, d obs.Date) (*float64, bool) {
	i := find(pts, d)
	if i < 0 {
		return nil, false
	}
	v := pts[i].Value
	return &v, true
}
