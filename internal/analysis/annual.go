package analysis

import (
	"fmt"
	"math"
	"sort"

	"github.com/stocktake/stocktake/internal/obs"
)

// Annual values and annual rankings.
//
// The annual value of a year is the producer's published annual value where
// the producer publishes one (GISTEMP's J-D column, NOAA's 12-month value
// ending in December), since that is the number the producer announces and
// it is computed from unrounded monthly values. Otherwise it is the mean of a
// complete year (WMO completeness, see Annual), at one more digit than the
// inputs (MeanResolution). Incomplete years are never ranked.

// AnnualBasis says where annual values come from.
type AnnualBasis string

const (
	// BasisPublished: the producer's published annual value.
	BasisPublished AnnualBasis = "published annual value"
	// BasisMean: the mean of a complete year of the series' own values.
	BasisMean AnnualBasis = "mean of complete years"
)

// AnnualValue is one year's annual value.
type AnnualValue struct {
	Year  int     `json:"year"`
	Value float64 `json:"value"` // exact (rounded to 6 decimals only)
	// Uncertainty95 is the producer's 95% half-width for the year, when
	// known.
	Uncertainty95 *float64 `json:"uncertainty95,omitempty"`
}

// AnnualOptions control AnnualValues and RankAnnual.
type AnnualOptions struct {
	Kind Kind // Max ranks from the highest, Min from the lowest
	// Published holds the producer's annual values dated 1 January of their
	// year; empty means none is published and means of complete years are
	// used.
	Published []obs.Point
	// Resolution is the resolution of the series' own values (catalog);
	// PublishedResolution that of Published. 0 means unknown: values are
	// compared exactly (floating-point tie rule).
	Resolution, PublishedResolution float64
	// Uncertainty holds 95% half-widths dated like the annual values
	// (1 January); empty when the producer publishes none.
	Uncertainty []obs.Point
	// AsOf, when not nil, uses only data up to it: a published annual value
	// counts from 31 December of its year, a mean only for a year complete
	// by then.
	AsOf *obs.Date
	// Fill fills runs of at most Fill missing days before daily data are
	// aggregated (1 for NSIDC's every-other-day era).
	Fill int
}

// AnnualValues returns the annual value of every year that has one under
// opt (sorted by year), the basis used, the resolution of those values, and
// the years left out because they were incomplete (means only). An annual
// series is its own published annual values.
func AnnualValues(s obs.Series, opt AnnualOptions) (vals []AnnualValue, basis AnnualBasis, res float64, incomplete []int) {
	if len(opt.Published) > 0 {
		basis, res = BasisPublished, opt.PublishedResolution
		for _, p := range opt.Published {
			y := p.Date.Year()
			if opt.AsOf != nil && obs.NewDate(y, 12, 31) > *opt.AsOf {
				continue
			}
			vals = append(vals, AnnualValue{Year: y, Value: round6(p.Value)})
		}
	} else {
		basis, res = BasisMean, MeanResolution(opt.Resolution)
		if s.Frequency == obs.Annual {
			// An annual series is the producer's annual values (JMA's
			// ocean heat content): published, at its own resolution.
			basis, res = BasisPublished, opt.Resolution
		}
		pts := s.Points
		if opt.AsOf != nil {
			pts = cut(pts, *opt.AsOf)
		}
		if s.Frequency == obs.Daily {
			pts = FillGaps(pts, opt.Fill)
		}
		var last obs.Date
		if len(pts) > 0 {
			last = pts[len(pts)-1].Date
		}
		for _, a := range Annual(pts, s.Frequency, WMO511) {
			y := a.Date.Year()
			// A year the data do not reach the end of is in progress.
			inProgress := s.Frequency == obs.Daily && last < obs.NewDate(y, 12, 31)
			if !a.Complete || inProgress {
				incomplete = append(incomplete, y)
				continue
			}
			vals = append(vals, AnnualValue{Year: y, Value: round6(a.Value)})
		}
	}
	for i := range vals {
		if u, ok := lookup(opt.Uncertainty, obs.NewDate(vals[i].Year, 1, 1)); ok {
			vals[i].Uncertainty95 = u
		}
	}
	return vals, basis, res, incomplete
}

// AnnualRank is the result of ranking one year among all years
// ("stocktake records ID --annual YEAR").
type AnnualRank struct {
	Indicator string      `json:"indicator"`
	Entity    Entity      `json:"entity"`
	Kind      Kind        `json:"kind"`
	Year      int         `json:"year"`
	Value     float64     `json:"value"`
	Unit      string      `json:"unit"`
	Basis     AnnualBasis `json:"basis"`
	// Resolution is the resolution of the annual values; ranks and ties are
	// decided at it (0: exact comparison).
	Resolution float64 `json:"resolution"`
	// Rank is the competition rank in the direction of Kind (1 = most
	// extreme; years equal at Resolution share a rank); Of counts the
	// years ranked. Label is the natural-side wording ("2nd highest",
	// "lowest"; see NaturalOrdinal).
	Rank  int    `json:"rank"`
	Of    int    `json:"of"`
	Label string `json:"label"`
	// Record is true at rank 1 with no tie at Resolution and at least two
	// years, judged against every year up to AsOf (so a later year can
	// take the record away; compare Previous for "a record when it
	// happened").
	Record bool `json:"record"`
	// TiedAtPrecision lists the other years equal to Year at Resolution.
	TiedAtPrecision []int `json:"tied_at_precision"`
	// Previous is the most extreme earlier year (nil for the first year)
	// and Comparison the verdict of Year against it, with uncertainties
	// when known.
	Previous   *AnnualValue `json:"previous"`
	Comparison *Comparison  `json:"comparison"`
	// Indistinguishable lists the years (other than Year) whose value lies
	// within the combined 95% uncertainty of Year's value (see Compare);
	// nil when no uncertainty is published.
	Indistinguishable []int    `json:"indistinguishable,omitempty"`
	Uncertainty95     *float64 `json:"uncertainty95,omitempty"`
	Incomplete        []int    `json:"incomplete_excluded,omitempty"`
	AsOf              *string  `json:"as_of"`
}

// RankAnnual ranks year y's annual value among all years (see AnnualValues
// for the values used). It returns an error wrapping ErrNoData when y has no
// annual value under opt (not published, incomplete, or after AsOf).
func RankAnnual(s obs.Series, y int, opt AnnualOptions) (AnnualRank, error) {
	vals, basis, res, inc := AnnualValues(s, opt)
	t := -1
	for i, v := range vals {
		if v.Year == y {
			t = i
		}
	}
	if t < 0 {
		why := "no annual value"
		for _, iy := range inc {
			if iy == y {
				why = "an incomplete year (WMO completeness), so no annual value"
			}
		}
		return AnnualRank{}, fmt.Errorf("annual ranking: %s has %s for %d (basis: %s, as of %s): %w", s.Indicator, why, y, basis, asOfText(opt.AsOf), ErrNoData)
	}
	k := opt.Kind
	v := vals[t]
	r := AnnualRank{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: k, Year: y, Value: v.Value, Unit: s.Unit,
		Basis: basis, Resolution: res, Rank: 1, Of: len(vals), TiedAtPrecision: []int{}, Uncertainty95: v.Uncertainty95,
		Incomplete: inc, AsOf: asOfString(opt.AsOf)}
	hi, lo := 1, 1
	var prev *AnnualValue
	for i := range vals {
		if i == t {
			continue
		}
		o := vals[i]
		c := Compare(Max, o.Value, v.Value, res, nil, nil)
		switch c.Verdict {
		case VerdictRecord:
			hi++
		case VerdictShort:
			lo++
		default:
			r.TiedAtPrecision = append(r.TiedAtPrecision, o.Year)
		}
		if o.Year < y && (prev == nil || Compare(k, o.Value, prev.Value, res, nil, nil).Verdict == VerdictRecord) {
			prev = &vals[i]
		}
		if v.Uncertainty95 != nil && o.Uncertainty95 != nil && math.Abs(o.Value-v.Value) < math.Hypot(*v.Uncertainty95, *o.Uncertainty95) {
			r.Indistinguishable = append(r.Indistinguishable, o.Year)
		}
	}
	if k == Min {
		r.Rank = lo
	} else {
		r.Rank = hi
	}
	r.Label = NaturalOrdinal(hi, lo)
	r.Record = r.Rank == 1 && len(r.TiedAtPrecision) == 0 && r.Of > 1
	if prev != nil {
		pc := *prev
		r.Previous = &pc
		c := Compare(k, v.Value, prev.Value, res, v.Uncertainty95, prev.Uncertainty95)
		r.Comparison = &c
	}
	return r, nil
}

// AnnualExtreme is one year's maximum or minimum with its date and its rank
// among all years' extremes of the same kind.
type AnnualExtreme struct {
	Year  int     `json:"year"`
	Date  string  `json:"date"` // first date of the extreme (YYYY-MM-DD)
	Value float64 `json:"value"`
	// RankHigh and RankLow are competition ranks from the highest and from
	// the lowest (equal at the resolution share a rank); Label is the
	// natural-side wording, e.g. "lowest" or "2nd highest".
	RankHigh int    `json:"rank_high"`
	RankLow  int    `json:"rank_low"`
	Label    string `json:"label"`
}

// AnnualExtremesRanking is the result of "stocktake extremes ID
// --annual-ranking": every complete year's maximum (or minimum), in rank
// order.
type AnnualExtremesRanking struct {
	Indicator string    `json:"indicator"`
	Entity    Entity    `json:"entity"`
	Kind      Kind      `json:"kind"` // which extreme of each year
	Smoothing Smoothing `json:"smoothing"`
	// Order is the side the list is sorted from: "lowest first" for Min,
	// "highest first" for Max (the natural side of the extreme).
	Order      string          `json:"order"`
	Resolution float64         `json:"resolution"`
	Of         int             `json:"of"`
	Years      []AnnualExtreme `json:"years"`
	// Incomplete are years left out because some calendar month has no
	// value (the first and last, partial years of a series, and a year in
	// progress at AsOf).
	Incomplete []int   `json:"incomplete_excluded"`
	AsOf       *string `json:"as_of"`
}

// RankAnnualExtremes finds the kind extreme of every year of s (after
// cutting at asOf and applying sm, as Extremes does) and ranks them. A year
// is ranked only when every calendar month of it has at least one value, so
// that a partial first or last year cannot pose as a low maximum. res is
// the resolution of s's values; smoothed values are compared at
// MeanResolution(res). The list is sorted in the natural order of kind
// (lowest first for Min, highest first for Max), ties by year.
func RankAnnualExtremes(s obs.Series, kind Kind, sm Smoothing, res float64, asOf *obs.Date) (AnnualExtremesRanking, error) {
	if s.Frequency != obs.Daily && s.Frequency != obs.Monthly {
		return AnnualExtremesRanking{}, fmt.Errorf("annual extremes need daily or monthly values, but %s is %s", s.Indicator, s.Frequency)
	}
	pts, sm, err := prepare(s, sm, asOf)
	if err != nil {
		return AnnualExtremesRanking{}, err
	}
	if !sm.None() {
		res = MeanResolution(res)
	}
	out := AnnualExtremesRanking{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: kind, Smoothing: sm,
		Resolution: res, Incomplete: []int{}, Years: []AnnualExtreme{}, AsOf: asOfString(asOf), Order: "highest first"}
	if kind == Min {
		out.Order = "lowest first"
	}
	type ext struct {
		y int
		i int
	}
	var exts []ext
	for i := 0; i < len(pts); {
		y := pts[i].Date.Year()
		months := map[int]bool{}
		best := -1
		for ; i < len(pts) && pts[i].Date.Year() == y; i++ {
			months[pts[i].Date.Month()] = true
			if best < 0 || kind.beats(pts[i].Value, pts[best].Value) {
				best = i
			}
		}
		if len(months) < 12 {
			out.Incomplete = append(out.Incomplete, y)
			continue
		}
		exts = append(exts, ext{y, best})
	}
	if len(exts) == 0 {
		return out, fmt.Errorf("annual extremes of %s: no complete year: %w", s.Indicator, ErrNoData)
	}
	for _, e := range exts {
		v := pts[e.i].Value
		ae := AnnualExtreme{Year: e.y, Date: pts[e.i].Date.String(), Value: round6(v), RankHigh: 1, RankLow: 1}
		for _, o := range exts {
			switch Compare(Max, pts[o.i].Value, v, res, nil, nil).Verdict {
			case VerdictRecord:
				ae.RankHigh++
			case VerdictShort:
				ae.RankLow++
			}
		}
		ae.Label = NaturalOrdinal(ae.RankHigh, ae.RankLow)
		out.Years = append(out.Years, ae)
	}
	sort.SliceStable(out.Years, func(a, b int) bool {
		ra, rb := out.Years[a].RankHigh, out.Years[b].RankHigh
		if kind == Min {
			ra, rb = out.Years[a].RankLow, out.Years[b].RankLow
		}
		if ra != rb {
			return ra < rb
		}
		return out.Years[a].Year < out.Years[b].Year
	})
	out.Of = len(out.Years)
	return out, nil
}

// Ordinal returns the English ordinal of rank on the side of k: "highest",
// "2nd highest", "3rd lowest", "11th highest", "21st lowest".
func Ordinal(rank int, k Kind) string {
	side := "highest"
	if k == Min {
		side = "lowest"
	}
	if rank <= 1 {
		return side
	}
	return ordinalNumber(rank) + " " + side
}

// ordinalNumber writes 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st, 102nd...
func ordinalNumber(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// NaturalOrdinal words a value's place from the nearer end of a ranking of
// ranking, given its competition rank from the highest (rankHigh) and from
// the lowest (rankLow): "2nd lowest" rather than "45th highest of 46". When
// both ranks are equal (the middle) the high side is used.
func NaturalOrdinal(rankHigh, rankLow int) string {
	if rankLow < rankHigh {
		return Ordinal(rankLow, Min)
	}
	return Ordinal(rankHigh, Max)
}
