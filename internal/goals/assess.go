package goals

import (
	"fmt"
	"math"
	"sort"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
)

// AllEntities is the Entity of a SeriesKey returned by Needs when the goal
// needs the indicator's series for every entity (a world value summed over
// countries).
const AllEntities = "*"

// Needs lists the series Assess reads for g: each indicator for the world
// and each contributor (for the EU, its OWID row and the rows of its 27
// members, used when the file has no EU row), or for every entity
// (AllEntities) when the world value is a sum over countries.
func (g Goal) Needs() []national.SeriesKey {
	var out []national.SeriesKey
	for _, ind := range g.Indicators {
		if g.WorldFrom == "sum" {
			out = append(out, national.SeriesKey{Indicator: ind, Entity: AllEntities})
			continue
		}
		out = append(out, national.SeriesKey{Indicator: ind, Entity: g.World})
		for _, c := range g.Contributors {
			out = append(out, national.SeriesKey{Indicator: ind, Entity: c})
			if c == EUCode {
				for _, m := range EU27 {
					out = append(out, national.SeriesKey{Indicator: ind, Entity: m})
				}
			}
		}
	}
	return out
}

// Options configures Assess.
type Options struct {
	// TrendYears is the number of most recent years the current trend is
	// fitted to (default 5).
	TrendYears int
	// AsOf, when non-zero, is the last year used.
	AsOf int
}

// Contribution is one entity's part in the change of the measured quantity
// since the baseline. For share-of-change goals SharePct is the entity's
// change as a percentage of the world's change (it can exceed 100 or be
// negative when others move the other way); for own-change goals (shares
// in %) only the entity's own change, in percentage points, is given.
type Contribution struct {
	Entity   string   `json:"entity"`
	Name     string   `json:"name"`
	Base     *float64 `json:"base,omitempty"`
	Latest   *float64 `json:"latest,omitempty"`
	Change   *float64 `json:"change,omitempty"`
	SharePct *float64 `json:"share_of_world_change_pct,omitempty"`
	// From says how the value was obtained when not from the entity's own
	// row ("sum of 27 member states").
	From  string `json:"from,omitempty"`
	Error string `json:"error,omitempty"`
}

// Assessment is what the data say about one goal, in Unit.
type Assessment struct {
	Goal     Goal      `json:"goal"`
	Unit     string    `json:"unit"`
	Baseline YearValue `json:"baseline"`
	// BaselineNote says how the baseline value was formed.
	BaselineNote string `json:"baseline_note"`
	// Path is the required path; nil for a goal without a figure
	// (decrease).
	Path *Path `json:"path,omitempty"`
	// RequiredStep is Path.AnnualStep(): the absolute change per year for a
	// linear path, the growth rate (fraction) for a compound one.
	RequiredStep *float64    `json:"required_step,omitempty"`
	Actual       []YearValue `json:"actual"`
	Latest       YearValue   `json:"latest"`
	// RequiredAtLatest is the path's value in the latest year; Gap =
	// actual - required (positive: above the path), GapPct relative to the
	// required value; OnTrack says whether the actual value is on the
	// goal's side of the path.
	RequiredAtLatest *float64 `json:"required_at_latest,omitempty"`
	Gap              *float64 `json:"gap,omitempty"`
	GapPct           *float64 `json:"gap_pct,omitempty"`
	OnTrack          *bool    `json:"on_track,omitempty"`
	// RequiredFromLatest is the step per year needed from the latest value
	// to reach the target on time (same kind as RequiredStep).
	RequiredFromLatest *float64 `json:"required_from_latest,omitempty"`
	ChangeSinceBase    float64  `json:"change_since_base"`
	ChangeSinceBasePct float64  `json:"change_since_base_pct"`
	Trend              Trend    `json:"trend"`
	// Reach is when the current trend reaches the target; nil for a goal
	// without a figure, whose Direction ("falling", "rising", "flat") the
	// trend gives instead.
	Reach         *Reach         `json:"reach,omitempty"`
	Direction     string         `json:"direction"`
	Contributions []Contribution `json:"contributions"`
}

// entityValues returns the yearly sum of g's indicators for one entity:
// only years where every indicator has a value.
func entityValues(g Goal, data map[national.SeriesKey]obs.Series, entity string) (map[int]float64, bool) {
	out := map[int]float64{}
	count := map[int]int{}
	for _, ind := range g.Indicators {
		s, ok := data[national.SeriesKey{Indicator: ind, Entity: entity}]
		if !ok {
			return nil, false
		}
		for _, p := range s.Points {
			out[p.Date.Year()] += p.Value
			count[p.Date.Year()]++
		}
	}
	for y, n := range count {
		if n != len(g.Indicators) {
			delete(out, y)
		}
	}
	return out, true
}

// worldValues returns the world's yearly values: the World row, or the sum
// over every country in data (aggregates excluded) for world_from sum.
func worldValues(g Goal, data map[national.SeriesKey]obs.Series) (map[int]float64, error) {
	if g.WorldFrom == "row" {
		v, ok := entityValues(g, data, g.World)
		if !ok {
			return nil, fmt.Errorf("goal %s: no %v series for %s", g.ID, g.Indicators, g.World)
		}
		return v, nil
	}
	out := map[int]float64{}
	n := 0
	// Sum in a fixed order (indicator, then entity): floating-point
	// addition is not associative, and map order is random, so the same
	// data must give the same digits on every call (the CLI and the API
	// are compared byte for byte).
	keys := make([]national.SeriesKey, 0, len(data))
	for k := range data {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Indicator != keys[j].Indicator {
			return keys[i].Indicator < keys[j].Indicator
		}
		return keys[i].Entity < keys[j].Entity
	})
	for _, k := range keys {
		s := data[k]
		if !contains(g.Indicators, k.Indicator) || !isCountry(k.Entity) {
			continue
		}
		n++
		for _, p := range s.Points {
			out[p.Date.Year()] += p.Value
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("goal %s: no country series of %v to sum", g.ID, g.Indicators)
	}
	return out, nil
}

// isCountry reports whether an entity counts in a sum over countries: any
// code that is not an aggregate (GFW's disputed-area codes included).
func isCountry(code string) bool {
	e, ok := national.Lookup(code)
	return !ok || e.Kind != national.Aggregate
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// baselineOf returns the baseline value from yearly values and a note.
func baselineOf(b Baseline, v map[int]float64) (float64, string, error) {
	first := b.Year
	if b.AverageFrom != 0 {
		first = b.AverageFrom
	}
	var sum float64
	for y := first; y <= b.Year; y++ {
		x, ok := v[y]
		if !ok {
			return 0, "", fmt.Errorf("no value for baseline year %d", y)
		}
		sum += x
	}
	if first == b.Year {
		return sum, fmt.Sprintf("value of %d", b.Year), nil
	}
	n := float64(b.Year - first + 1)
	return sum / n, fmt.Sprintf("mean of %d-%d, placed at %d", first, b.Year, b.Year), nil
}

// TargetValue returns the target in the indicator's unit for a baseline
// value, and false for a goal without a figure.
func (g Goal) TargetValue(base float64) (float64, bool) {
	switch g.Target.Kind {
	case Multiple:
		return base * g.Target.Value, true
	case ReductionPct:
		return base * (1 - g.Target.Value/100), true
	case Zero:
		return 0, true
	}
	return 0, false
}

func ptr[T any](v T) *T { return &v }

// Assess measures goal g with the series in data (keyed as g.Needs lists
// them; for AllEntities, every entity's series of the indicator).
func Assess(g Goal, data map[national.SeriesKey]obs.Series, opt Options) (Assessment, error) {
	if opt.TrendYears == 0 {
		opt.TrendYears = 5
	}
	if opt.TrendYears < 2 {
		return Assessment{}, fmt.Errorf("trend years %d: at least 2 are needed", opt.TrendYears)
	}
	ref, err := catalog.Resolve(g.Indicators[0])
	if err != nil {
		return Assessment{}, err
	}
	world, err := worldValues(g, data)
	if err != nil {
		return Assessment{}, err
	}
	a := Assessment{Goal: g, Unit: ref.Indicator.Unit}
	base, note, err := baselineOf(g.Baseline, world)
	if err != nil {
		return Assessment{}, fmt.Errorf("goal %s: world: %v", g.ID, err)
	}
	a.Baseline, a.BaselineNote = YearValue{g.Baseline.Year, base}, note
	first := g.Baseline.Year
	if g.Baseline.AverageFrom != 0 {
		first = g.Baseline.AverageFrom
	}
	var years []int
	for y := range world {
		if y >= first && (opt.AsOf == 0 || y <= opt.AsOf) {
			years = append(years, y)
		}
	}
	sort.Ints(years)
	for _, y := range years {
		a.Actual = append(a.Actual, YearValue{y, world[y]})
	}
	a.Latest = a.Actual[len(a.Actual)-1]
	if a.Latest.Year <= g.Baseline.Year {
		return Assessment{}, fmt.Errorf("goal %s: the data end in %d, not after the baseline year %d", g.ID, a.Latest.Year, g.Baseline.Year)
	}
	a.ChangeSinceBase = a.Latest.Value - base
	if base != 0 {
		a.ChangeSinceBasePct = 100 * a.ChangeSinceBase / base
	}
	// The trend: the last TrendYears years with values, up to the latest.
	var tail []YearValue
	for _, v := range a.Actual {
		if v.Year > a.Latest.Year-opt.TrendYears {
			tail = append(tail, v)
		}
	}
	kind := g.Path
	a.Trend, err = FitTrend(kind, tail)
	if err != nil {
		return Assessment{}, fmt.Errorf("goal %s: %v", g.ID, err)
	}
	switch slope := a.Trend.b; {
	case slope > 0:
		a.Direction = "rising"
	case slope < 0:
		a.Direction = "falling"
	default:
		a.Direction = "flat"
	}
	if target, ok := g.TargetValue(base); ok {
		p := Path{Kind: g.Path, BaseYear: g.Baseline.Year, Base: base, TargetYear: g.Target.Year, Target: target}
		if err := p.Validate(); err != nil {
			return Assessment{}, fmt.Errorf("goal %s: %v", g.ID, err)
		}
		a.Path = &p
		a.RequiredStep = ptr(p.AnnualStep())
		req := p.At(float64(a.Latest.Year))
		gap := a.Latest.Value - req
		a.RequiredAtLatest, a.Gap = &req, &gap
		if req != 0 {
			a.GapPct = ptr(100 * gap / req)
		}
		a.OnTrack = ptr((p.Increasing() && gap >= 0) || (!p.Increasing() && gap <= 0))
		if s, ok := p.RequiredFrom(a.Latest.Year, a.Latest.Value); ok {
			a.RequiredFromLatest = &s
		}
		r := WhenReached(a.Trend, target, p.Increasing(), a.Latest)
		a.Reach = &r
	}
	for _, c := range g.Contributors {
		a.Contributions = append(a.Contributions, contribution(g, data, c, a))
	}
	return a, nil
}

// contribution computes one contributor's part of the change since the
// baseline.
func contribution(g Goal, data map[national.SeriesKey]obs.Series, entity string, a Assessment) Contribution {
	c := Contribution{Entity: entity, Name: national.Name(entity)}
	v, ok := entityValues(g, data, entity)
	if entity == EUCode && (!ok || !hasYears(g, v, a.Latest.Year)) {
		// No EU row, or one that stops before the latest year (the OWID
		// electricity mix has no 2023 row for the EU): the sum of the 27
		// member states, when every one of them has every needed year.
		if m, ok2 := sumOf(g, data, EU27, a.Latest.Year); ok2 {
			v, ok = m, true
			c.From = "sum of the 27 EU member states' rows"
		}
	}
	if !ok && g.WorldFrom == "sum" {
		// Files without a World row list only the countries concerned
		// (tropical countries for primary forest): a country without a
		// row has none of the quantity.
		v, ok = map[int]float64{}, true
		c.From = "no row in the file: counted as zero"
	}
	if !ok {
		c.Error = fmt.Sprintf("no %v series for %s", g.Indicators, entity)
		return c
	}
	fill := g.WorldFrom == "sum"
	get := func(y int) (float64, bool) {
		x, ok := v[y]
		if !ok && fill {
			return 0, true
		}
		return x, ok
	}
	bv := map[int]float64{}
	first := g.Baseline.Year
	if g.Baseline.AverageFrom != 0 {
		first = g.Baseline.AverageFrom
	}
	for y := first; y <= g.Baseline.Year; y++ {
		if x, ok := get(y); ok {
			bv[y] = x
		}
	}
	base, _, err := baselineOf(g.Baseline, bv)
	if err != nil {
		c.Error = fmt.Sprintf("%s: %v", entity, err)
		return c
	}
	latest, ok := get(a.Latest.Year)
	if !ok {
		c.Error = fmt.Sprintf("%s: no value for %d", entity, a.Latest.Year)
		return c
	}
	change := latest - base
	c.Base, c.Latest, c.Change = &base, &latest, &change
	if g.Contribution == "share-of-change" && a.ChangeSinceBase != 0 && !math.IsNaN(change) {
		c.SharePct = ptr(100 * change / a.ChangeSinceBase)
	}
	return c
}

// hasYears reports whether v has the baseline years of g and year latest.
func hasYears(g Goal, v map[int]float64, latest int) bool {
	first := g.Baseline.Year
	if g.Baseline.AverageFrom != 0 {
		first = g.Baseline.AverageFrom
	}
	for y := first; y <= g.Baseline.Year; y++ {
		if _, ok := v[y]; !ok {
			return false
		}
	}
	_, ok := v[latest]
	return ok
}

// sumOf returns the yearly sum over members of g's quantity for the
// baseline years and year latest. For a goal whose world is a sum over
// countries (files that list only the countries concerned), members without
// a row count as zero and the sum needs no member; otherwise every member
// must have every one of those years, and false is returned when one has
// not. A sum of shares in % means nothing, so own-change goals never sum.
func sumOf(g Goal, data map[national.SeriesKey]obs.Series, members []string, latest int) (map[int]float64, bool) {
	if g.Contribution == "own-change" {
		return nil, false
	}
	out := map[int]float64{}
	for _, m := range members {
		v, ok := entityValues(g, data, m)
		if !ok || !hasYears(g, v, latest) {
			if g.WorldFrom == "sum" {
				continue
			}
			return nil, false
		}
		for y, x := range v {
			out[y] += x
		}
	}
	return out, true
}
