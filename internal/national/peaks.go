package national

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
)

// PeakRule decides when a series "has peaked". A single dip never counts: the
// maximum must lie at least MinYears years before the latest year, and the
// latest value must be at least MinBelowPct percent below the maximum.
type PeakRule struct {
	MinYears    int     // K: years from the maximum to the latest value
	MinBelowPct float64 // P: percentage of the maximum the latest value is below it
}

// DefaultPeakRule is the rule stocktake uses unless told otherwise: the
// maximum is at least 5 years before the latest year and the latest value is
// at least 5% below it.
var DefaultPeakRule = PeakRule{MinYears: 5, MinBelowPct: 5}

// String states the rule in words, as shown to users.
func (r PeakRule) String() string {
	return fmt.Sprintf("peaked = the maximum is at least %d years before the latest year and the latest value is at least %g%% below it", r.MinYears, r.MinBelowPct)
}

// Validate rejects a rule that could call a single dip a peak.
func (r PeakRule) Validate() error {
	if r.MinYears < 1 {
		return fmt.Errorf("peak rule: at least 1 year after the maximum is required, got %d", r.MinYears)
	}
	if r.MinBelowPct < 0 || r.MinBelowPct >= 100 {
		return fmt.Errorf("peak rule: the percentage below the maximum must be in [0, 100), got %g", r.MinBelowPct)
	}
	return nil
}

// PeakResult describes the maximum of a series and how far the latest value
// is below it. Values are in Unit; BelowPeak = PeakValue - LatestValue and
// BelowPeakPct is that as a percentage of PeakValue (0 when the latest value
// is the maximum). YearsSincePeak = LatestYear - PeakYear.
type PeakResult struct {
	Indicator      string  `json:"indicator"`
	Entity         string  `json:"entity"`
	Name           string  `json:"name"`
	Unit           string  `json:"unit"`
	PeakYear       int     `json:"peak_year"`
	PeakValue      float64 `json:"peak_value"`
	LatestYear     int     `json:"latest_year"`
	LatestValue    float64 `json:"latest_value"`
	BelowPeak      float64 `json:"below_peak"`
	BelowPeakPct   float64 `json:"below_peak_pct"`
	YearsSincePeak int     `json:"years_since_peak"`
	Peaked         bool    `json:"peaked"`
	Rule           string  `json:"rule"`
	// AsOf is the last year considered when the caller limited the data
	// ("as of 2015"); nil when all the data were used.
	AsOf *int `json:"as_of,omitempty"`
}

// Peak finds the maximum of s and applies rule. asOf, when non-zero, ignores
// values after that year, so the question "had it peaked as of Y?" uses only
// what was known by Y. When the maximum is reached in several years the
// latest of them is the peak year, so a plateau does not count as a decline.
// The maximum must be positive for a percentage to be meaningful; a series
// whose maximum is zero or negative is an error.
func Peak(s obs.Series, rule PeakRule, asOf int) (PeakResult, error) {
	if err := rule.Validate(); err != nil {
		return PeakResult{}, err
	}
	res := PeakResult{Indicator: s.Indicator, Entity: s.Entity, Name: Name(s.Entity), Unit: s.Unit, Rule: rule.String()}
	if asOf != 0 {
		res.AsOf = ptr(asOf)
	}
	n := 0
	for _, p := range s.Points {
		y := p.Date.Year()
		if asOf != 0 && y > asOf {
			break
		}
		if n == 0 || p.Value >= res.PeakValue {
			res.PeakYear, res.PeakValue = y, p.Value
		}
		res.LatestYear, res.LatestValue = y, p.Value
		n++
	}
	if n == 0 {
		if asOf != 0 {
			return res, fmt.Errorf("%s %s: no values up to %d", s.Indicator, s.Entity, asOf)
		}
		return res, fmt.Errorf("%s %s: no values", s.Indicator, s.Entity)
	}
	if res.PeakValue <= 0 {
		return res, fmt.Errorf("%s %s: the maximum is %g %s; a peak needs a positive maximum", s.Indicator, s.Entity, res.PeakValue, s.Unit)
	}
	res.BelowPeak = res.PeakValue - res.LatestValue
	res.BelowPeakPct = 100 * res.BelowPeak / res.PeakValue
	res.YearsSincePeak = res.LatestYear - res.PeakYear
	res.Peaked = res.YearsSincePeak >= rule.MinYears && res.BelowPeakPct >= rule.MinBelowPct
	return res, nil
}
