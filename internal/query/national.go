package query

import (
	"context"
	"errors"
	"sort"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// nationalRef resolves an indicator and requires a national one.
func nationalRef(ctx context.Context, st Store, id string) (catalog.Ref, error) {
	ref, err := Resolve(ctx, st, id)
	if err != nil {
		return ref, err
	}
	if !ref.Indicator.National {
		return ref, invalid("%s is a global indicator; this question needs a national one (co2.emissions, ch4.emissions, solar.capacity, ...)", ref.Indicator.ID)
	}
	return ref, nil
}

// loadAll reads every entity's series of a national indicator.
func loadAll(ctx context.Context, st Store, ref catalog.Ref) ([]obs.Series, store.Source, error) {
	all, src, err := st.AllSeries(ctx, ref)
	return all, src, storeErr(err)
}

// rankedEntity reports whether an entity code is one Rank ranks (a country
// or a historical country, not an aggregate or World).
func rankedEntity(code string) bool {
	e, ok := national.Lookup(code)
	return ok && e.Ranked()
}

// yearSpan returns the first and last year with a value among the series of
// all whose entity keep accepts (every entity when keep is nil); ok is false
// when none has a value. National series are annual and sorted by date.
func yearSpan(all []obs.Series, keep func(code string) bool) (first, last int, ok bool) {
	for _, se := range all {
		if len(se.Points) == 0 || (keep != nil && !keep(se.Entity)) {
			continue
		}
		f, l := se.Points[0].Date.Year(), se.Points[len(se.Points)-1].Date.Year()
		if !ok || f < first {
			first = f
		}
		if !ok || l > last {
			last = l
		}
		ok = true
	}
	return first, last, ok
}

// entitySeries finds one entity's series among all (sorted by entity).
func entitySeries(all []obs.Series, ref catalog.Ref, code string) (obs.Series, error) {
	i := sort.Search(len(all), func(i int) bool { return all[i].Entity >= code })
	if i < len(all) && all[i].Entity == code {
		return all[i], nil
	}
	return obs.Series{}, notFound("no %s data for %s (%s) in the store; the producer may not report it, or run 'stocktake update'",
		ref.Indicator.ID, code, national.Name(code))
}

// RankRequest asks for countries ranked by a national indicator (stocktake
// rank, GET /api/rank/{id}). Top defaults to 10; 0 keeps every country.
type RankRequest struct {
	ID         string
	Year       string // default: the latest well-covered year
	Top        string
	Cumulative string // true or false
	Since      string // first year summed with Cumulative
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// Rank answers a RankRequest.
func Rank(ctx context.Context, st Store, req RankRequest) (present.WithSource[national.Ranking], error) {
	var zero present.WithSource[national.Ranking]
	lang, err := parseLang(req.Lang)
	if err != nil {
		return zero, err
	}
	y, _, err := year("year", req.Year)
	if err != nil {
		return zero, err
	}
	top, hasTop, err := integer("top", req.Top, 0, 100000)
	if err != nil {
		return zero, invalid("{top=}%q: want 0 (all) or a positive number", req.Top)
	}
	if !hasTop {
		top = 10
	}
	cum, err := boolean("cumulative", req.Cumulative)
	if err != nil {
		return zero, err
	}
	since, hasSince, err := year("since", req.Since)
	if err != nil {
		return zero, err
	}
	if hasSince && !cum {
		return zero, invalid("{since} applies only with {cumulative}")
	}
	if hasSince && y != 0 && since > y {
		return zero, invalid("{since=}%d is after {year=}%d", since, y)
	}
	ref, err := nationalRef(ctx, st, req.ID)
	if err != nil {
		return zero, err
	}
	var all []obs.Series
	var src store.Source
	if y != 0 && !cum {
		all, src, err = rankWindow(ctx, st, ref, y)
		if err != nil {
			return zero, err
		}
	}
	if all == nil {
		if all, src, err = loadAll(ctx, st, ref); err != nil {
			return zero, err
		}
	}
	if first, last, ok := yearSpan(all, rankedEntity); ok && y != 0 && (y < first || y > last) {
		return zero, invalid("{year=}%d is outside the data: %s covers %d-%d", y, ref.Indicator.ID, first, last)
	}
	rk, err := national.Rank(all, national.RankOptions{Year: y, Top: top, Cumulative: cum, Since: since})
	switch {
	case errors.Is(err, national.ErrNotCumulative):
		return zero, invalid("%v", err)
	case err != nil && hasSince && rk.Year != 0 && since > rk.Year:
		// The year defaulted to the latest well-covered one, before since.
		return zero, invalid("{since=}%d is after {year=}%d (the latest year ranked by default)", since, rk.Year)
	case err != nil:
		return zero, notFound("%v", err)
	}
	localizeRanking(lang, &rk)
	return present.NewWithSource(rk, src), nil
}

// rankInputs returns the entity codes national.Rank reads: World and every
// known entity that is not an aggregate (countries, historical countries
// and the other non-aggregate entities, which enter the world sum). Codes
// it ignores (aggregates, unknown codes) are not read.
func rankInputs() []string {
	out := []string{national.World}
	for _, e := range national.Entities() {
		if e.Kind != national.Aggregate && e.Code != national.World {
			out = append(out, e.Code)
		}
	}
	return out
}

// rankWindow reads what a non-cumulative ranking of year y needs: the
// values of y (the ranked value, the world row or sum) and of y-1 (the
// change from the previous year) of the entities rankInputs names, in SQL,
// so that its cost follows the answer and not the number of years or of
// other entities stored. national.Rank computes from them exactly the
// ranking it computes from whole series. It returns nil series (and no error) when no ranked entity has a value in y:
// the caller then reads the whole series, whose span names the years the
// data cover in the error it reports.
func rankWindow(ctx context.Context, st Store, ref catalog.Ref, y int) ([]obs.Series, store.Source, error) {
	all, src, err := st.AllSeriesWindow(ctx, ref, store.Years(y-1, y), rankInputs())
	if errors.Is(err, store.ErrNotFound) {
		return nil, src, nil
	}
	if err != nil {
		return nil, src, err
	}
	for _, se := range all {
		if n := len(se.Points); n > 0 && rankedEntity(se.Entity) && se.Points[n-1].Date.Year() == y {
			return all, src, nil
		}
	}
	return nil, src, nil
}

// PeakRule reads the peak rule fields over national.DefaultPeakRule.
func PeakRule(minYears, minBelowPct string) (national.PeakRule, error) {
	rule := national.DefaultPeakRule
	if k, ok, err := integer("min_years", minYears, 0, 1000); err != nil {
		return rule, err
	} else if ok {
		rule.MinYears = k
	}
	if minBelowPct != "" {
		p, err := parseFloat(minBelowPct)
		if err != nil {
			return rule, invalid("{min_below_pct=}%q: want a number", minBelowPct)
		}
		rule.MinBelowPct = p
	}
	if err := rule.Validate(); err != nil {
		return rule, invalid("%v", err)
	}
	return rule, nil
}

// PeaksRequest asks for the peak year of national indicators for entities
// (stocktake peaks, GET /api/peaks/{id}). IDs and Entities may hold several
// comma-separated items.
type PeaksRequest struct {
	IDs                   []string
	Entities              []string
	AsOf                  string // a year: use only the values up to it
	MinYears, MinBelowPct string
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// Peaks answers a PeaksRequest: one result per indicator and entity, in
// that order.
func Peaks(ctx context.Context, st Store, req PeaksRequest) ([]present.WithSource[national.PeakResult], error) {
	rule, err := PeakRule(req.MinYears, req.MinBelowPct)
	if err != nil {
		return nil, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return nil, err
	}
	asOf, _, err := year("as_of", req.AsOf)
	if err != nil {
		return nil, err
	}
	raw := list(req.Entities...)
	if len(raw) == 0 {
		return nil, invalid("give {entity} ISO3 (e.g. CHN, or CHN,USA)")
	}
	var codes []string
	for _, e := range raw {
		c, err := resolveEntity(e)
		if err != nil {
			return nil, err
		}
		codes = append(codes, c)
	}
	var out []present.WithSource[national.PeakResult]
	for _, id := range list(req.IDs...) {
		ref, err := nationalRef(ctx, st, id)
		if err != nil {
			return nil, err
		}
		all, src, err := loadAll(ctx, st, ref)
		if err != nil {
			return nil, err
		}
		for _, code := range codes {
			se, err := entitySeries(all, ref, code)
			if err != nil {
				return nil, err
			}
			if first, last, ok := yearSpan([]obs.Series{se}, nil); ok && asOf != 0 && asOf < first {
				return nil, invalid("{as_of=}%d is before the data: %s for %s covers %d-%d", asOf, ref.Indicator.ID, code, first, last)
			}
			p, err := national.Peak(se, rule, asOf)
			if err != nil {
				return nil, notFound("%v", err)
			}
			localizePeak(lang, &p, rule)
			out = append(out, present.NewWithSource(p, src))
		}
	}
	return out, nil
}

// GrowthRequest asks for year-on-year changes, compound growth and trend of
// one entity (stocktake growth, GET /api/growth/{id}).
type GrowthRequest struct {
	ID, Entity string
	From, To   string // years; default the entity's first and last
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// Growth answers a GrowthRequest. A period outside the entity's data, or
// shorter than two years once the defaults are applied, is Invalid; a year
// inside the data without a value is NotFound.
func Growth(ctx context.Context, st Store, req GrowthRequest) (present.WithSource[national.GrowthResult], error) {
	var zero present.WithSource[national.GrowthResult]
	lang, err := parseLang(req.Lang)
	if err != nil {
		return zero, err
	}
	from, hasFrom, err := year("from", req.From)
	if err != nil {
		return zero, err
	}
	to, hasTo, err := year("to", req.To)
	if err != nil {
		return zero, err
	}
	if hasFrom && hasTo && from >= to {
		return zero, invalid("growth needs a period of at least two years, got %d-%d", from, to)
	}
	ref, err := nationalRef(ctx, st, req.ID)
	if err != nil {
		return zero, err
	}
	code, err := Entity(ref, req.Entity)
	if err != nil {
		return zero, err
	}
	all, src, err := loadAll(ctx, st, ref)
	if err != nil {
		return zero, err
	}
	se, err := entitySeries(all, ref, code)
	if err != nil {
		return zero, err
	}
	if first, last, ok := yearSpan([]obs.Series{se}, nil); ok {
		for _, b := range []struct {
			name  string
			year  int
			given bool
		}{{"from", from, hasFrom}, {"to", to, hasTo}} {
			if b.given && (b.year < first || b.year > last) {
				return zero, invalid("{%s=}%d is outside the data: %s for %s covers %d-%d", b.name, b.year, ref.Indicator.ID, code, first, last)
			}
		}
		f, l := from, to
		if !hasFrom {
			f = first
		}
		if !hasTo {
			l = last
		}
		if f >= l {
			return zero, invalid("growth needs a period of at least two years, got %d-%d", f, l)
		}
	}
	g, err := national.Growth(se, from, to)
	if err != nil {
		return zero, notFound("%v", err)
	}
	g.Name = countryName(lang, g.Entity, g.Name)
	return present.NewWithSource(g, src), nil
}

// DefaultCompareIndicators are the indicators compared unless told.
var DefaultCompareIndicators = []string{"co2.emissions", "ch4.emissions", "electricity.coal", "electricity.coal.share",
	"solar.capacity", "wind.capacity", "wind.generation", "hydro.generation", "forest.loss"}

// CompareRequest asks for countries side by side (stocktake compare, GET
// /api/compare). Indicators default to DefaultCompareIndicators, of which
// those not stored are skipped; named ones must be stored.
type CompareRequest struct {
	Entities   []string
	Indicators []string
	Year       string // default: per indicator, the latest year every entity has
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// Compare answers a CompareRequest.
func Compare(ctx context.Context, st Store, req CompareRequest) (present.Comparison, error) {
	y, _, err := year("year", req.Year)
	if err != nil {
		return present.Comparison{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return present.Comparison{}, err
	}
	raw := list(req.Entities...)
	if len(raw) == 0 {
		return present.Comparison{}, invalid("give the {entities} to compare (e.g. CHN,USA,IND)")
	}
	var codes []string
	for _, e := range raw {
		c, err := resolveEntity(e)
		if err != nil {
			return present.Comparison{}, err
		}
		codes = append(codes, c)
	}
	ids := list(req.Indicators...)
	named := len(ids) > 0
	if !named {
		ids = DefaultCompareIndicators
	}
	out := present.Comparison{Entities: codes, Indicators: []present.WithSource[national.CompareRow]{}}
	// covered tells whether the year asked for is inside the data of at
	// least one compared indicator; a year outside all of them is Invalid.
	covered, sawData := false, false
	for _, id := range ids {
		ref, err := nationalRef(ctx, st, id)
		if err != nil {
			return out, err
		}
		all, src, err := st.AllSeries(ctx, ref)
		if errors.Is(err, store.ErrNotFound) && !named {
			continue
		}
		if err != nil {
			return out, storeErr(err)
		}
		if first, last, ok := yearSpan(all, nil); ok && y != 0 {
			inside := y >= first && y <= last
			if !inside && named {
				return out, invalid("{year=}%d is outside the data: %s covers %d-%d", y, ref.Indicator.ID, first, last)
			}
			covered, sawData = covered || inside, true
		}
		row, err := national.Compare(all, codes, y)
		if err != nil {
			if !named {
				continue
			}
			return out, notFound("%v", err)
		}
		out.Indicators = append(out.Indicators, present.NewWithSource(row, src))
	}
	if sawData && !covered {
		return out, invalid("{year=}%d is outside the data of every compared indicator", y)
	}
	localizeComparison(lang, &out)
	return out, nil
}

// PledgesRequest asks for climate commitments with progress measured from
// the data (stocktake pledges, GET /api/pledges), for one entity's pledges
// (and the collective ones it joined) or all.
type PledgesRequest struct {
	Entity                string
	MinYears, MinBelowPct string
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// Pledges answers a PledgesRequest.
func Pledges(ctx context.Context, st Store, req PledgesRequest) (present.PledgeReport, error) {
	rule, err := PeakRule(req.MinYears, req.MinBelowPct)
	if err != nil {
		return present.PledgeReport{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return present.PledgeReport{}, err
	}
	entity := ""
	if req.Entity != "" {
		if entity, err = resolveEntity(req.Entity); err != nil {
			return present.PledgeReport{}, err
		}
	}
	reg, err := national.Pledges()
	if err != nil {
		return present.PledgeReport{}, err
	}
	load := func(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, store.Source, error) {
		return st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, entity)
	}
	rep, err := AssessPledges(ctx, reg, entity, rule, load)
	if errors.Is(err, ErrNoPledge) {
		return rep, notFound("%v", err)
	}
	if err == nil {
		localizePledges(lang, &rep, rule)
	}
	return rep, storeErr(err)
}
