package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// handleIndicators answers GET /api/indicators: the rows of `stocktake list
// --json` (with all=true, also the catalog indicators not stored yet).
func handleIndicators(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	all, err := q.boolean("all")
	if err != nil {
		return reply{}, err
	}
	rows, err := present.Indicators(ctx, s.st, all)
	if err != nil {
		return reply{}, err
	}
	return jsonReply(rows)
}

// handleSeries answers GET /api/series/{id}: the values of `stocktake show`,
// as JSON (present.Series) or CSV (present.WriteSeriesCSV).
func handleSeries(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	format, err := q.enum("format", "json", "json", "csv")
	if err != nil {
		return reply{}, err
	}
	se, src, sm, err := s.windowed(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	if format == "csv" {
		var b bytes.Buffer
		if err := present.WriteSeriesCSV(&b, se, src); err != nil {
			return reply{}, err
		}
		return reply{body: b.Bytes(), ctype: "text/csv; charset=utf-8", filename: fileName(se, "csv"), source: sourceHeader(src)}, nil
	}
	name := ""
	if !sm.None() {
		name = sm.String()
	}
	rp, err := jsonReply(present.NewSeries(se, src, name))
	rp.source = sourceHeader(src)
	return rp, err
}

// windowed reads the series of indicator id for the entity parameter,
// smoothed by the smooth parameter and cut to from..to. The smoothing runs
// over the whole series before the cut, so the first values of the window
// use the days before it.
func (s *Server) windowed(ctx context.Context, gc *genCache, id string, q query) (obs.Series, store.Source, analysis.Smoothing, error) {
	from, hasFrom, err := q.date("from")
	if err != nil {
		return obs.Series{}, store.Source{}, analysis.Smoothing{}, err
	}
	to, hasTo, err := q.dateEnd("to")
	if err != nil {
		return obs.Series{}, store.Source{}, analysis.Smoothing{}, err
	}
	if hasFrom && hasTo && from > to {
		return obs.Series{}, store.Source{}, analysis.Smoothing{}, badRequest("from %s is after to %s", from, to)
	}
	sm, err := q.smoothing()
	if err != nil {
		return obs.Series{}, store.Source{}, sm, err
	}
	_, se, src, err := s.seriesFor(ctx, gc, id, q)
	if err != nil {
		return se, src, sm, err
	}
	if se, err = smoothed(se, sm); err != nil {
		return se, src, sm, err
	}
	se.Points = window(se.Points, from, hasFrom, to, hasTo)
	return se, src, sm, nil
}

// fileName is the download name of a series: indicator[-entity].ext.
func fileName(se obs.Series, ext string) string {
	n := se.Indicator
	if se.Entity != "" {
		n += "-" + se.Entity
	}
	return strings.NewReplacer("@", "-v", "/", "-", `"`, "").Replace(n) + "." + ext
}

// handleClimatology answers GET /api/climatology/{id}: per-slot statistics
// over a baseline (analysis.Climatology plus "source"). Single missing days
// of daily series are filled by linear interpolation first (NSIDC's
// every-other-day era); for NSIDC sea ice with convention=daycount, day 366
// is filled as in NSIDC's own climatology file.
func handleClimatology(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	conv, err := q.convention()
	if err != nil {
		return reply{}, err
	}
	sm, err := q.smoothing()
	if err != nil {
		return reply{}, err
	}
	ref, se, src, err := s.seriesFor(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	b, err := q.baseline(ref)
	if err != nil {
		return reply{}, err
	}
	if err := checkSmoothing(se, sm); err != nil {
		return reply{}, err
	}
	opt := analysis.ClimatologyOptions{Baseline: b, Convention: conv, Smoothing: sm}
	if se.Frequency == obs.Daily {
		opt.Fill = 1
		opt.Day366FromNextYear = conv == analysis.DayCount && ref.Dataset.Format == "nsidc-extent-csv"
	}
	c, err := analysis.NewClimatology(se, opt)
	if err != nil {
		return reply{}, analysisErr(err)
	}
	return sourced(*c, src)
}

// handleLineage answers GET /api/lineage/{id}?date=D: the stored value on
// D and the dataset version that supplied it (present.ValueLineage).
func handleLineage(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	date, ok, err := q.date("date")
	if err != nil {
		return reply{}, err
	}
	if !ok {
		return reply{}, badRequest("date is required (YYYY-MM-DD, YYYY-MM or YYYY)")
	}
	ref, se, _, err := s.seriesFor(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	date = present.PeriodStart(date, se.Frequency)
	i := sort.Search(len(se.Points), func(i int) bool { return se.Points[i].Date >= date })
	if i == len(se.Points) || se.Points[i].Date != date {
		return reply{}, notFound("%s has no stored value on %s", se.Indicator, date.Format(se.Frequency))
	}
	v, err := s.st.Lineage(ctx, ref.Dataset.ID, se.Indicator, se.Entity, date)
	if err != nil {
		return reply{}, err
	}
	return jsonReply(present.NewValueLineage(se, se.Points[i], v))
}

// sourcedWithBaseline is sourced plus the indicator's anomaly baseline
// ("baseline": "1901-2000"), for results whose values are anomalies.
func sourcedWithBaseline[T any](v T, src store.Source, ref catalog.Ref) (reply, error) {
	rp, err := jsonReply(present.NewWithSource(v, src).WithBaseline(ref.Indicator.Baseline))
	rp.source = sourceHeader(src)
	return rp, err
}

// sourced encodes a result with its source (present.WithSource).
func sourced[T any](v T, src store.Source) (reply, error) {
	rp, err := jsonReply(present.NewWithSource(v, src))
	rp.source = sourceHeader(src)
	return rp, err
}

// handleExtremes answers GET /api/extremes/{id}: the maximum or minimum in
// a year, a month or the whole record (analysis.Extreme plus "source").
func handleExtremes(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	year, hasYear, err := q.integer("year", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	all, err := q.boolean("all")
	if err != nil {
		return reply{}, err
	}
	month := q.Get("month")
	if given(hasYear, month != "", all) > 1 {
		return reply{}, badRequest("give one of year, month or all=true")
	}
	p := analysis.AllPeriod()
	switch {
	case hasYear:
		p = analysis.YearPeriod(year)
	case month != "":
		d, err := parseMonth("month", month)
		if err != nil {
			return reply{}, err
		}
		p = analysis.MonthPeriod(d.Year(), d.Month())
	}
	sm, err := q.smoothing()
	if err != nil {
		return reply{}, err
	}
	ref, se, src, err := s.seriesFor(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	kind, err := q.kind(ref)
	if err != nil {
		return reply{}, err
	}
	if err := checkSmoothing(se, sm); err != nil {
		return reply{}, err
	}
	e, err := analysis.Extremes(se, kind, p, sm)
	if err != nil {
		return reply{}, analysisErr(err)
	}
	return sourcedWithBaseline(e, src, ref)
}

// parseMonth reads YYYY-MM.
func parseMonth(name, v string) (obs.Date, error) {
	if len(v) != 7 {
		return 0, badRequest("%s=%q: want YYYY-MM", name, v)
	}
	d, err := obs.ParseDate(v)
	if err != nil {
		return 0, badRequest("%s: %v", name, err)
	}
	return d, nil
}

// handleRecords answers GET /api/records/{id} with exactly one of on (a
// date), month (YYYY-MM) or year: analysis.OnResult, MonthResult or
// YearResult, each plus "source". as_of given as a year or a month means its
// last day. Daily series have single missing days filled before monthly
// means are taken (month=).
func handleRecords(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	on, month := q.Get("on"), q.Get("month")
	year, hasYear, err := q.integer("year", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	if given(on != "", month != "", hasYear) != 1 {
		return reply{}, badRequest("give exactly one of on=DATE, month=YYYY-MM or year=YYYY")
	}
	asOf, hasAsOf, err := q.dateEnd("as_of")
	if err != nil {
		return reply{}, err
	}
	conv, err := q.convention()
	if err != nil {
		return reply{}, err
	}
	sm, err := q.smoothing()
	if err != nil {
		return reply{}, err
	}
	ref, se, src, err := s.seriesFor(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	kind, err := q.kind(ref)
	if err != nil {
		return reply{}, err
	}
	if err := checkSmoothing(se, sm); err != nil {
		return reply{}, err
	}
	opt := analysis.Options{Kind: kind, Convention: conv, Smoothing: sm}
	if hasAsOf {
		opt.AsOf = &asOf
	}
	if se.Frequency == obs.Daily {
		opt.Fill = 1
	}
	switch {
	case on != "":
		d, err := obs.ParseDate(on)
		if err != nil {
			return reply{}, badRequest("on: %v", err)
		}
		if se.Frequency == obs.Daily && len(on) != 10 {
			return reply{}, badRequest("on=%q: %s is daily, give a day YYYY-MM-DD", on, se.Indicator)
		}
		if hasAsOf && d > asOf {
			return reply{}, badRequest("on %s is after as_of %s", d, asOf)
		}
		res, err := analysis.RecordOn(se, d, opt)
		if err != nil {
			return reply{}, analysisErr(err)
		}
		return sourcedWithBaseline(res, src, ref)
	case month != "":
		d, err := parseMonth("month", month)
		if err != nil {
			return reply{}, err
		}
		if hasAsOf && d > asOf {
			return reply{}, badRequest("month %s starts after as_of %s", month, asOf)
		}
		res, err := analysis.RecordMonth(se, d, opt)
		if err != nil {
			return reply{}, analysisErr(err)
		}
		return sourcedWithBaseline(res, src, ref)
	}
	if hasAsOf && asOf.Year() < year {
		return reply{}, badRequest("year %d starts after as_of %s", year, asOf)
	}
	res, err := analysis.RecordYear(se, year, opt)
	if err != nil {
		return reply{}, analysisErr(err)
	}
	return sourcedWithBaseline(res, src, ref)
}

// handleTrend answers GET /api/trend/{id}: the least-squares and Theil-Sen
// slopes per decade (analysis.TrendResult plus "source") of the values
// dated from..to, taken as annual means of complete years (basis=annual,
// the default for daily series; single missing days are filled first),
// monthly means of complete months (basis=monthly) or the values as
// published (basis=raw, the default for other frequencies).
func handleTrend(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	from, hasFrom, err := q.date("from")
	if err != nil {
		return reply{}, err
	}
	to, hasTo, err := q.dateEnd("to")
	if err != nil {
		return reply{}, err
	}
	ref, se, src, err := s.seriesFor(ctx, gc, r.PathValue("id"), q)
	if err != nil {
		return reply{}, err
	}
	// The default basis is the CLI's: annual means of complete years for
	// daily and monthly series (monthly anomalies are autocorrelated, which
	// would make the interval too narrow), the values as published otherwise.
	def := "raw"
	if se.Frequency == obs.Daily || se.Frequency == obs.Monthly {
		def = "annual"
	}
	basis, err := q.enum("basis", def, "raw", "monthly", "annual")
	if err != nil {
		return reply{}, err
	}
	pts := window(se.Points, from, hasFrom, to, hasTo)
	var words string
	switch basis {
	case "raw":
		words = "values as published"
	case "monthly":
		switch se.Frequency {
		case obs.Daily:
			pts = complete(analysis.Monthly(analysis.FillGaps(pts, 1), analysis.WMO511))
			words = "monthly means (complete months, WMO 5/11 rule)"
		case obs.Monthly:
			words = "values as published"
		default:
			return reply{}, badRequest("basis=monthly needs a daily or monthly series; %s is %s", se.Indicator, se.Frequency)
		}
	case "annual":
		switch se.Frequency {
		case obs.Daily:
			pts = complete(analysis.Annual(analysis.FillGaps(pts, 1), obs.Daily, analysis.WMO511))
			words = "annual means (complete years, WMO 5/11 rule for every month)"
		case obs.Annual:
			words = "values as published"
		case obs.Monthly:
			pts = complete(analysis.Annual(pts, obs.Monthly, analysis.WMO511))
			words = "annual means (years with all 12 months)"
		default:
			pts = complete(analysis.Annual(pts, se.Frequency, analysis.WMO511))
			words = "annual means (every year with a value)"
		}
	}
	tr, err := analysis.Trend(pts)
	if err != nil {
		return reply{}, analysisErr(err)
	}
	tr.Indicator, tr.Entity, tr.Unit, tr.Basis = se.Indicator, analysis.Entity(se.Entity), se.Unit, words
	return sourcedWithBaseline(tr, src, ref)
}

// complete returns the means of the complete aggregates as points.
func complete(as []analysis.Aggregate) []obs.Point {
	out := make([]obs.Point, 0, len(as))
	for _, a := range as {
		if a.Complete {
			out = append(out, obs.Point{Date: a.Date, Value: a.Value})
		}
	}
	return out
}

// nationalRef resolves the path's indicator and requires a national one.
func (s *Server) nationalRef(ctx context.Context, gc *genCache, id string) (catalog.Ref, error) {
	ref, err := s.resolve(ctx, gc, id)
	if err != nil {
		return ref, err
	}
	if !ref.Indicator.National {
		return ref, badRequest("%s is a global indicator; this endpoint needs a national one (co2.emissions, ch4.emissions, solar.capacity, ...)", ref.Indicator.ID)
	}
	return ref, nil
}

// handleRank answers GET /api/rank/{id}: `stocktake rank --json`
// (national.Ranking plus "source"). top=0 keeps every country; the default
// is 10, as on the command line.
func handleRank(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	year, _, err := q.integer("year", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	top, err := q.integerOr("top", 0, 100000, 10)
	if err != nil {
		return reply{}, err
	}
	cum, err := q.boolean("cumulative")
	if err != nil {
		return reply{}, err
	}
	since, hasSince, err := q.integer("since", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	if hasSince && !cum {
		return reply{}, badRequest("since applies only with cumulative=true")
	}
	ref, err := s.nationalRef(ctx, gc, r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	all, src, err := gc.loadAll(ctx, s.st, ref)
	if err != nil {
		return reply{}, err
	}
	if hasSince && year != 0 && since > year {
		return reply{}, badRequest("since %d is after year %d", since, year)
	}
	if first, last, ok := yearSpan(all, rankedEntity); ok && year != 0 && (year < first || year > last) {
		return reply{}, badRequest("year=%d is outside the data: %s covers %d-%d", year, ref.Indicator.ID, first, last)
	}
	rk, err := national.Rank(all, national.RankOptions{Year: year, Top: top, Cumulative: cum, Since: since})
	switch {
	case errors.Is(err, national.ErrNotCumulative):
		return reply{}, badRequest("%v", err)
	case err != nil && hasSince && rk.Year != 0 && since > rk.Year:
		// The year defaulted to the latest well-covered one, before since.
		return reply{}, badRequest("since %d is after year %d (the latest year ranked by default)", since, rk.Year)
	case err != nil:
		return reply{}, notFound("%v", err)
	}
	return sourced(rk, src)
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

// entitySeries finds one entity's series among all, or answers 404.
func entitySeries(all []obs.Series, ref catalog.Ref, code string) (obs.Series, error) {
	i := sort.Search(len(all), func(i int) bool { return all[i].Entity >= code })
	if i < len(all) && all[i].Entity == code {
		return all[i], nil
	}
	return obs.Series{}, notFound("no %s data for %s (%s) in the store; the producer may not report it, or run 'stocktake update'",
		ref.Indicator.ID, code, national.Name(code))
}

// peakRule reads min_years and min_below_pct over national.DefaultPeakRule.
func peakRule(q query) (national.PeakRule, error) {
	rule := national.DefaultPeakRule
	if k, ok, err := q.integer("min_years", 0, 1000); err != nil {
		return rule, err
	} else if ok {
		rule.MinYears = k
	}
	if p, ok, err := q.number("min_below_pct"); err != nil {
		return rule, err
	} else if ok {
		rule.MinBelowPct = p
	}
	if err := rule.Validate(); err != nil {
		return rule, badRequest("%v", err)
	}
	return rule, nil
}

// handlePeaks answers GET /api/peaks/{id}?entity=E[,E...]: `stocktake
// peaks --json`, one national.PeakResult plus "source" for one entity, an
// array of them for several.
func handlePeaks(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	rule, err := peakRule(q)
	if err != nil {
		return reply{}, err
	}
	asOf, _, err := q.integer("as_of", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	raw := q.list("entity")
	if len(raw) == 0 {
		return reply{}, badRequest("give entity=ISO3 (e.g. entity=CHN or entity=CHN,USA)")
	}
	ref, err := s.nationalRef(ctx, gc, r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	all, src, err := gc.loadAll(ctx, s.st, ref)
	if err != nil {
		return reply{}, err
	}
	var out []present.WithSource[national.PeakResult]
	for _, e := range raw {
		code, err := resolveEntity(e)
		if err != nil {
			return reply{}, err
		}
		se, err := entitySeries(all, ref, code)
		if err != nil {
			return reply{}, err
		}
		if first, last, ok := yearSpan([]obs.Series{se}, nil); ok && asOf != 0 && asOf < first {
			return reply{}, badRequest("as_of=%d is before the data: %s for %s covers %d-%d", asOf, ref.Indicator.ID, code, first, last)
		}
		p, err := national.Peak(se, rule, asOf)
		if err != nil {
			return reply{}, notFound("%v", err)
		}
		out = append(out, present.NewWithSource(p, src))
	}
	rp, err := jsonReply(out)
	if len(out) == 1 {
		rp, err = jsonReply(out[0])
	}
	rp.source = sourceHeader(src)
	return rp, err
}

// handleGrowth answers GET /api/growth/{id}?entity=E: `stocktake growth
// --json` (national.GrowthResult plus "source").
func handleGrowth(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	from, hasFrom, err := q.integer("from", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	to, hasTo, err := q.integer("to", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	if hasFrom && hasTo && from >= to {
		return reply{}, badRequest("growth needs a period of at least two years, got %d-%d", from, to)
	}
	ref, err := s.nationalRef(ctx, gc, r.PathValue("id"))
	if err != nil {
		return reply{}, err
	}
	code, err := entityFor(ref, q.Get("entity"))
	if err != nil {
		return reply{}, err
	}
	all, src, err := gc.loadAll(ctx, s.st, ref)
	if err != nil {
		return reply{}, err
	}
	se, err := entitySeries(all, ref, code)
	if err != nil {
		return reply{}, err
	}
	// A period outside the entity's data, or shorter than two years once the
	// defaults are applied, is a bad parameter (400); a year inside the data
	// without a value (a gap) is nothing stored (404).
	if first, last, ok := yearSpan([]obs.Series{se}, nil); ok {
		for _, b := range []struct {
			name  string
			year  int
			given bool
		}{{"from", from, hasFrom}, {"to", to, hasTo}} {
			if b.given && (b.year < first || b.year > last) {
				return reply{}, badRequest("%s=%d is outside the data: %s for %s covers %d-%d", b.name, b.year, ref.Indicator.ID, code, first, last)
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
			return reply{}, badRequest("growth needs a period of at least two years, got %d-%d", f, l)
		}
	}
	g, err := national.Growth(se, from, to)
	if err != nil {
		return reply{}, notFound("%v", err)
	}
	return sourced(g, src)
}

// defaultCompareIndicators are the indicators compared unless told, as on
// the command line.
var defaultCompareIndicators = []string{"co2.emissions", "ch4.emissions", "electricity.coal", "electricity.coal.share",
	"solar.capacity", "wind.capacity", "wind.generation", "hydro.generation", "forest.loss"}

// handleCompare answers GET /api/compare: `stocktake compare --json`
// (present.Comparison). Entities come from entities=E,E,... or from a= and
// b=; indicators default to defaultCompareIndicators (those not stored are
// skipped unless named).
func handleCompare(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	year, _, err := q.integer("year", 1, 9999)
	if err != nil {
		return reply{}, err
	}
	raw := q.list("entities")
	if len(raw) > 0 && (q.Get("a") != "" || q.Get("b") != "") {
		return reply{}, badRequest("give entities=E,E,... or a= and b=, not both")
	}
	if len(raw) == 0 {
		for _, k := range []string{"a", "b"} {
			if v := strings.TrimSpace(q.Get(k)); v != "" {
				raw = append(raw, v)
			}
		}
	}
	if len(raw) == 0 {
		return reply{}, badRequest("give the entities to compare: a=CHN&b=USA or entities=CHN,USA,IND")
	}
	var codes []string
	for _, e := range raw {
		c, err := resolveEntity(e)
		if err != nil {
			return reply{}, err
		}
		codes = append(codes, c)
	}
	ids := q.list("indicators")
	named := len(ids) > 0
	if !named {
		ids = defaultCompareIndicators
	}
	out := present.Comparison{Entities: codes, Indicators: []present.WithSource[national.CompareRow]{}}
	// covered tells whether the year asked for is inside the data of at
	// least one compared indicator; a year outside all of them is a 400.
	covered, sawData := false, false
	for _, id := range ids {
		ref, err := s.nationalRef(ctx, gc, id)
		if err != nil {
			return reply{}, err
		}
		all, src, err := gc.loadAll(ctx, s.st, ref)
		if errors.Is(err, store.ErrNotFound) && !named {
			continue
		}
		if err != nil {
			return reply{}, err
		}
		if first, last, ok := yearSpan(all, nil); ok && year != 0 {
			inside := year >= first && year <= last
			if !inside && named {
				return reply{}, badRequest("year=%d is outside the data: %s covers %d-%d", year, ref.Indicator.ID, first, last)
			}
			covered, sawData = covered || inside, true
		}
		row, err := national.Compare(all, codes, year)
		if err != nil {
			if !named {
				continue
			}
			return reply{}, notFound("%v", err)
		}
		out.Indicators = append(out.Indicators, present.NewWithSource(row, src))
	}
	if sawData && !covered {
		return reply{}, badRequest("year=%d is outside the data of every compared indicator", year)
	}
	return jsonReply(out)
}

// handlePledges answers GET /api/pledges: `stocktake pledges --json`
// (present.PledgeReport), for one entity's pledges (and the collective ones
// it joined) or all.
func handlePledges(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	rule, err := peakRule(q)
	if err != nil {
		return reply{}, err
	}
	entity := ""
	if raw := q.Get("entity"); raw != "" {
		if entity, err = resolveEntity(raw); err != nil {
			return reply{}, err
		}
	}
	reg, err := national.Pledges()
	if err != nil {
		return reply{}, err
	}
	load := func(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, store.Source, error) {
		return gc.loadSeries(ctx, s.st, ref.Dataset.ID, ref.Indicator.ID, entity)
	}
	rep, err := present.AssessPledges(ctx, reg, entity, rule, load)
	if errors.Is(err, present.ErrNoPledge) {
		return reply{}, notFound("%v", err)
	}
	if err != nil {
		return reply{}, err
	}
	return jsonReply(rep)
}

// handleVersions answers GET /api/versions: the provenance history of
// `stocktake list --datasets --json` (store.Version rows, newest first), for
// one dataset or all.
func handleVersions(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	ds := q.Get("dataset")
	vs, err := s.st.Versions(ctx, ds)
	if err != nil {
		return reply{}, err
	}
	if ds != "" && len(vs) == 0 {
		if _, ok := catalog.DatasetByID(ds); !ok {
			return reply{}, notFound("unknown dataset %q (see /api/datasets)", ds)
		}
	}
	if vs == nil {
		vs = []store.Version{}
	}
	return jsonReply(vs)
}

// DatasetInfo is one row of GET /api/datasets: a catalog dataset (or a
// gridded series' dataset), its current stored version (null when nothing
// is stored) and its fetch state (null when it was never fetched from the
// producer, e.g. ingested from a mirror).
type DatasetInfo struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Producer   string            `json:"producer"`
	Citation   string            `json:"citation,omitempty"`
	Licence    string            `json:"licence"`
	Version    string            `json:"version"`
	URLs       []string          `json:"urls"`
	Indicators []string          `json:"indicators"`
	Current    *store.Version    `json:"current"`
	Fetch      *store.FetchState `json:"fetch"`
}

// handleDatasets answers GET /api/datasets.
func handleDatasets(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		return reply{}, err
	}
	states, err := s.st.FetchStates(ctx)
	if err != nil {
		return reply{}, err
	}
	current := map[string]store.Version{}
	for _, v := range vs {
		if _, seen := current[v.Dataset]; !seen && v.Current {
			current[v.Dataset] = v
		}
	}
	fetch := map[string]store.FetchState{}
	for _, f := range states {
		fetch[f.Dataset] = f
	}
	var out []DatasetInfo
	add := func(d DatasetInfo) {
		if v, ok := current[d.ID]; ok {
			d.Current = &v
			delete(current, d.ID)
		}
		if f, ok := fetch[d.ID]; ok {
			d.Fetch = &f
		}
		out = append(out, d)
	}
	for _, d := range catalog.Datasets() {
		info := DatasetInfo{ID: d.ID, Title: d.Title, Producer: d.Producer, Citation: d.Citation, Licence: d.Licence,
			Version: d.Version, URLs: []string{}, Indicators: []string{}}
		for _, f := range d.Files {
			info.URLs = append(info.URLs, f.URL)
		}
		for _, ind := range d.Indicators {
			info.Indicators = append(info.Indicators, ind.ID)
		}
		add(info)
	}
	for _, id := range sortedKeys(current) {
		ind := strings.TrimPrefix(id, "grid:")
		ref := present.GridRef(id, ind, "", "")
		add(DatasetInfo{ID: id, Title: ref.Dataset.Title, Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence,
			Version: ref.Dataset.Version, URLs: []string{}, Indicators: []string{ind}})
	}
	return jsonReply(out)
}

// handleOpenAPI answers GET /api/openapi.json.
func handleOpenAPI(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	return jsonReply(s.openAPI())
}

// Health is the body of GET /healthz.
type Health struct {
	Status      string `json:"status"` // "ok", or "unavailable" when the store cannot be read
	Version     string `json:"version"`
	DataVersion string `json:"data_version"`
	Datasets    int    `json:"datasets"` // datasets with a current version
}

// handleHealth answers GET /healthz: 200 when the store can be read, 503
// otherwise.
func handleHealth(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	vs, err := s.st.Versions(ctx, "")
	if err != nil {
		s.log.Error("health check", "err", err)
		return reply{}, &apiError{http.StatusServiceUnavailable, "store unavailable"}
	}
	n := map[string]bool{}
	for _, v := range vs {
		if v.Current {
			n[v.Dataset] = true
		}
	}
	rp, err := jsonReply(Health{Status: "ok", Version: s.opts.Version, DataVersion: gc.version, Datasets: len(n)})
	rp.noStore = true
	return rp, err
}

// handleMetrics answers GET /metrics in the Prometheus text format.
func handleMetrics(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	var b bytes.Buffer
	if err := s.writeMetrics(ctx, &b); err != nil {
		return reply{}, err
	}
	return reply{body: b.Bytes(), ctype: "text/plain; version=0.0.4; charset=utf-8", noStore: true}, nil
}

// handleEvents answers GET /api/events: one page of record events
// (alerts.EventsPage), newest update first. The parameters are read by
// alerts.ParseEventsQuery (after the route table refused unknown and
// repeated ones); an unknown indicator is a 404.
func handleEvents(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	aq, err := alerts.ParseEventsQuery(q.Values)
	if err != nil {
		return reply{}, alertsErr(err)
	}
	evs, next, err := alerts.List(ctx, s.st, aq)
	if err != nil {
		return reply{}, err
	}
	return jsonReply(alerts.NewEventsPage(evs, next))
}

// handleFeed answers GET /feed.xml: the Atom 1.0 feed of the latest
// delivered record events, optionally for some indicators only.
func handleFeed(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	inds, err := alerts.ParseFeedQuery(q.Values)
	if err != nil {
		return reply{}, alertsErr(err)
	}
	opt := alerts.HTTPOptions{}
	evs, _, err := alerts.List(ctx, s.st, alerts.Query{Indicators: inds, Limit: opt.FeedLimitOrDefault()})
	if err != nil {
		return reply{}, err
	}
	return reply{body: opt.FeedXML(r, evs, inds), ctype: "application/atom+xml; charset=utf-8"}, nil
}

// alertsErr gives a parameter error of the alerts package the status it
// answers with (400 or 404).
func alertsErr(err error) error {
	status := alerts.StatusOf(err)
	if status >= 500 {
		return err
	}
	return &apiError{status, err.Error()}
}
