package analysis

import (
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Kind selects which extreme a record or extreme is about.
type Kind int

const (
	Max Kind = iota // highest values (temperatures, CO2, sea-ice maxima)
	Min             // lowest values (sea-ice minima)
)

// ParseKind reads "max" or "min" (also "high", "low"); "" means Max.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "max", "high", "highest":
		return Max, nil
	case "min", "low", "lowest":
		return Min, nil
	}
	return Max, fmt.Errorf("kind %q: want max or min", s)
}

// String returns "max" or "min".
func (k Kind) String() string {
	if k == Min {
		return "min"
	}
	return "max"
}

// MarshalText writes k as "max" or "min" (also its JSON form).
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// beats reports whether a is strictly beyond b in the direction of k and not
// equal to it (see equal).
func (k Kind) beats(a, b float64) bool {
	if equal(a, b) {
		return false
	}
	if k == Min {
		return a < b
	}
	return a > b
}

// margin returns how far a goes beyond b in the direction of k: positive
// when a beats b, zero for a tie, negative when a falls short.
func (k Kind) margin(a, b float64) float64 {
	if k == Min {
		return round6(b - a)
	}
	return round6(a - b)
}

// Period is an inclusive date range with the label written in results:
// "2023", "2023-06" or "all".
type Period struct {
	From, To obs.Date
	Label    string
}

// YearPeriod is calendar year y.
func YearPeriod(y int) Period {
	return Period{obs.NewDate(y, 1, 1), obs.NewDate(y, 12, 31), fmt.Sprintf("%04d", y)}
}

// MonthPeriod is month m (1..12) of year y.
func MonthPeriod(y, m int) Period {
	return Period{obs.NewDate(y, m, 1), obs.NewDate(y, m, obs.DaysIn(y, m)), fmt.Sprintf("%04d-%02d", y, m)}
}

// AllPeriod covers every date.
func AllPeriod() Period { return Period{-1 << 30, 1 << 30, "all"} }

// Extreme is the result of stocktake extremes. Its JSON field names are part
// of the stable contract.
type Extreme struct {
	Indicator string    `json:"indicator"`
	Entity    Entity    `json:"entity"`
	Kind      Kind      `json:"kind"`
	Period    string    `json:"period"`
	Date      string    `json:"date"`  // first date on which the extreme value occurs
	Value     float64   `json:"value"` // in Unit (rounded to 6 decimals)
	Unit      string    `json:"unit"`
	Smoothing Smoothing `json:"smoothing"`
	// Ties lists the later dates in the period with the same value, if any.
	Ties []string `json:"ties,omitempty"`
}

// Extremes returns the maximum or minimum of s within p, with its date.
// Smoothing (daily series only) is applied to the whole series first, so a
// trailing mean early in January uses the preceding December. When several
// dates share the extreme value, Date is the first and Ties lists the others.
// It returns an error wrapping ErrNoData when p holds no value.
func Extremes(s obs.Series, kind Kind, p Period, sm Smoothing) (Extreme, error) {
	pts, sm, err := prepare(s, sm, nil)
	if err != nil {
		return Extreme{}, err
	}
	best := -1
	var ties []int
	for i, pt := range pts {
		if pt.Date < p.From || pt.Date > p.To {
			continue
		}
		switch {
		case best < 0 || kind.beats(pt.Value, pts[best].Value):
			best, ties = i, nil
		case equal(pt.Value, pts[best].Value):
			ties = append(ties, i)
		}
	}
	if best < 0 {
		return Extreme{}, fmt.Errorf("extremes of %s in %s: %w in the period", s.Indicator, p.Label, ErrNoData)
	}
	e := Extreme{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: kind, Period: p.Label,
		Date: formatDate(pts[best].Date, s.Frequency), Value: round6(pts[best].Value), Unit: s.Unit, Smoothing: sm}
	for _, i := range ties {
		e.Ties = append(e.Ties, formatDate(pts[i].Date, s.Frequency))
	}
	return e, nil
}

// prepare cuts s at asOf (when not nil) and then applies sm (daily series
// only; other frequencies are returned unsmoothed, with sm reported as none).
func prepare(s obs.Series, sm Smoothing, asOf *obs.Date) ([]obs.Point, Smoothing, error) {
	pts := s.Points
	if asOf != nil {
		pts = cut(pts, *asOf)
	}
	if s.Frequency != obs.Daily {
		return pts, Smoothing{}, nil
	}
	if err := sm.Validate(); err != nil {
		return nil, sm, err
	}
	if !sm.None() {
		pts = sm.Apply(pts)
	}
	return pts, sm, nil
}

// cut returns the prefix of pts dated on or before d.
func cut(pts []obs.Point, d obs.Date) []obs.Point {
	lo, hi := 0, len(pts)
	for lo < hi {
		m := (lo + hi) / 2
		if pts[m].Date <= d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return pts[:lo]
}
