package query

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// ClimatologyRequest asks for per-slot statistics over a baseline
// (stocktake climatology, GET /api/climatology/{id}). Empty fields take the
// indicator's defaults: DefaultBaseline and DefaultConvention.
type ClimatologyRequest struct {
	ID, Entity string
	Baseline   string // Y0-Y1
	Convention string // calendar or daycount
	Smooth     string
}

// ClimatologyResult is the climatology and the series it was computed from.
type ClimatologyResult struct {
	Loaded
	Climatology *analysis.Climatology
	// Coverage is the part of the baseline the data cover.
	Coverage analysis.Coverage
}

// JSON is the result's JSON shape, with "baseline_used" (the baseline
// labelled with the years actually covered, see CoverageOf).
func (r ClimatologyResult) JSON() present.WithSource[analysis.Climatology] {
	return present.NewWithSource(*r.Climatology, r.Source).With("baseline_used", r.Coverage.Label)
}

// CoverageOf reports which years of baseline b a loaded series covers
// (years with at least one value: every value of the baseline enters the
// climatology, and the climatology's per-slot N says how many years each
// day or month used; analysis.BaselineCoverage, which counts complete
// years only, would call NSIDC's 1981-2010 "28 of 30 years" because of the
// 1987-88 gap), so
// that every surface labels a partly covered baseline with the years
// actually used: N2O from 2001 against 1991-2020 is "2001–2020, 20 of 30
// years". A baseline with no covered year is refused by the climatology
// itself (no values in the baseline).
func CoverageOf(l Loaded, b analysis.Baseline) analysis.Coverage {
	c := analysis.Coverage{Baseline: b, Of: b.To - b.From + 1, Years: []int{}}
	for _, p := range l.Series.Points {
		if y := p.Date.Year(); b.Contains(y) && (len(c.Years) == 0 || c.Years[len(c.Years)-1] != y) {
			c.Years = append(c.Years, y)
		}
	}
	c.Covered = len(c.Years)
	c.Full = c.Covered == c.Of
	switch {
	case c.Covered == 0:
		c.Label = "no year of " + b.String()
	case c.Full:
		c.Label, c.From, c.To = b.String(), b.From, b.To
	default:
		c.From, c.To = c.Years[0], c.Years[c.Covered-1]
		c.Label = fmt.Sprintf("%04d–%04d, %d of %d years", c.From, c.To, c.Covered, c.Of)
	}
	return c
}

// ClimatologyOptions is the one definition of a climatology used by every
// question that needs one (climatology, anomalies, the overview's anomaly):
// single missing days of daily series are filled by linear interpolation
// first (NSIDC's every-other-day era), and NSIDC sea ice in the day-count
// convention fills day 366 from common years' following 1 January, as
// NSIDC's own climatology file does (analysis.NSIDCClimatology), so that
// the 1981-2010 day-count climatology of NSIDC sea ice reproduces NSIDC's.
func ClimatologyOptions(l Loaded, b analysis.Baseline, conv analysis.Convention, sm analysis.Smoothing) analysis.ClimatologyOptions {
	opt := analysis.ClimatologyOptions{Baseline: b, Convention: conv, Smoothing: sm}
	if l.Series.Frequency == obs.Daily {
		opt.Fill = 1
		opt.Day366FromNextYear = conv == analysis.DayCount && IsNSIDCSeaIce(l.Ref)
	}
	return opt
}

// ClimatologyOf computes the climatology of a loaded series with
// ClimatologyOptions.
func ClimatologyOf(l Loaded, b analysis.Baseline, conv analysis.Convention, sm analysis.Smoothing) (*analysis.Climatology, error) {
	c, err := analysis.NewClimatology(l.Series, ClimatologyOptions(l, b, conv, sm))
	return c, analysisErr(err)
}

// climatologyParams reads the baseline, convention and smoothing of a
// request once the series is loaded.
func climatologyParams(l Loaded, rb, rc, rs string) (analysis.Baseline, analysis.Convention, analysis.Smoothing, error) {
	sm, err := smoothing(rs)
	if err != nil {
		return analysis.Baseline{}, 0, sm, err
	}
	b, err := baseline(rb, l.Ref)
	if err != nil {
		return b, 0, sm, err
	}
	conv, err := convention(rc, DefaultConvention(l.Ref))
	if err != nil {
		return b, conv, sm, err
	}
	return b, conv, sm, checkSmoothing(l.Series, sm)
}

// Climatology answers a ClimatologyRequest.
func Climatology(ctx context.Context, st Store, req ClimatologyRequest) (ClimatologyResult, error) {
	if _, err := smoothing(req.Smooth); err != nil {
		return ClimatologyResult{}, err
	}
	if _, err := convention(req.Convention, analysis.Calendar); err != nil {
		return ClimatologyResult{}, err
	}
	l, err := loadBaseline(ctx, st, req.ID, req.Entity, req.Baseline, req.Smooth)
	if err != nil {
		return ClimatologyResult{}, err
	}
	b, conv, sm, err := climatologyParams(l, req.Baseline, req.Convention, req.Smooth)
	if err != nil {
		return ClimatologyResult{}, err
	}
	c, err := ClimatologyOf(l, b, conv, sm)
	if err != nil {
		return ClimatologyResult{}, err
	}
	return ClimatologyResult{Loaded: l, Climatology: c, Coverage: CoverageOf(l, b)}, nil
}

// baselineMargin is the number of days read on each side of a baseline
// for a climatology smoothed by sm: the climatology's own gap filling (one
// day), the smoothing's gap filling and its window reach that far from a
// day of the baseline, and day 366 of the day-count convention reads
// 1 January of the year after. Every value the climatology uses is then
// computed exactly as from the whole series.
func baselineMargin(sm analysis.Smoothing) obs.Date {
	return obs.Date(1+1+max(sm.Fill, 0)+1+max(sm.Days, 0)) + 1
}

// loadBaseline is load for a climatology over the baseline field rb (the
// indicator's default when empty) with smoothing rs: only the baseline's
// years and baselineMargin days on each side are read, so a fixed-baseline
// climatology costs the same however many years are stored. The loaded
// series is cut to that window, which CoverageOf and ClimatologyOf use
// only inside the baseline. When rb or rs is invalid, the whole series is
// loaded so that the errors come in the same order as for any question.
func loadBaseline(ctx context.Context, st Store, id, entity, rb, rs string) (Loaded, error) {
	ref, err := Resolve(ctx, st, id)
	if err != nil {
		return Loaded{}, err
	}
	code, err := Entity(ref, entity)
	if err != nil {
		return Loaded{Ref: ref}, err
	}
	b, berr := baseline(rb, ref)
	sm, serr := smoothing(rs)
	if berr != nil || serr != nil {
		return load(ctx, st, id, entity)
	}
	m := baselineMargin(sm)
	w := store.Window{From: obs.NewDate(b.From, 1, 1) - m, To: obs.NewDate(b.To, 12, 31) + m}
	se, src, err := st.SeriesWindow(ctx, ref.Dataset.ID, ref.Indicator.ID, code, w)
	if err != nil {
		return Loaded{Ref: ref}, storeErr(err)
	}
	return Loaded{Ref: ref, Series: se, Source: src}, nil
}

// AnomaliesRequest asks for departures from a baseline's mean for the same
// slot (stocktake anomalies, GET /api/anomalies/{id}); for series that are
// already anomalies this re-bases them. Empty fields take the indicator's
// defaults as in ClimatologyRequest; from..to cut the output only.
type AnomaliesRequest struct {
	ID, Entity string
	Baseline   string
	Convention string
	Smooth     string
	From, To   string
}

// AnomaliesResult holds the anomalies in the window, the climatology they
// depart from and the series.
type AnomaliesResult struct {
	Loaded
	Baseline    analysis.Baseline
	Climatology *analysis.Climatology // nil for annual series
	Smoothing   analysis.Smoothing
	Points      []obs.Point
	Coverage    analysis.Coverage
}

// JSON is the result's JSON shape (present.AnomalySeries). The convention
// of annual series is "year" (one slot: the mean of the baseline's years).
func (r AnomaliesResult) JSON() present.AnomalySeries {
	se := r.Series
	se.Points = r.Points
	out := present.AnomalySeries{Series: present.NewSeries(se, r.Source, SmoothingName(r.Smoothing)), Baseline: r.Baseline.String(),
		BaselineUsed: r.Coverage.Label, Convention: "year"}
	if r.Climatology != nil {
		out.Convention = r.Climatology.Convention.String()
	}
	return out
}

// annualAnomalies departs every value of an annual series from the mean
// of the values dated in the baseline's years (all of them needed: a
// baseline the data do not cover is NotFound).
func annualAnomalies(l Loaded, b analysis.Baseline, w Window) (AnomaliesResult, error) {
	var sum float64
	n := 0
	for _, p := range l.Series.Points {
		if y := p.Date.Year(); y >= b.From && y <= b.To {
			sum += p.Value
			n++
		}
	}
	if n < b.To-b.From+1 {
		return AnomaliesResult{}, notFound("anomalies of %s vs %s: the data have %d of its %d years", l.Series.Indicator, b, n, b.To-b.From+1)
	}
	mean := sum / float64(n)
	pts := make([]obs.Point, len(l.Series.Points))
	for i, p := range l.Series.Points {
		pts[i] = obs.Point{Date: p.Date, Value: round6(p.Value - mean)}
	}
	return AnomaliesResult{Loaded: l, Baseline: b, Points: w.Keep(pts), Coverage: CoverageOf(l, b)}, nil
}

// AnomalyPoints returns every value of a loaded series minus the mean of
// its slot in c (computed with ClimatologyOf and the same smoothing), after
// the same gap filling and smoothing as the climatology, rounded to 1e-6
// (differences of means carry float noise in the last bits, finer than any
// producer's precision). Values whose slot has no mean are left out.
func AnomalyPoints(l Loaded, c *analysis.Climatology, sm analysis.Smoothing) []obs.Point {
	pts := l.Series.Points
	if l.Series.Frequency == obs.Daily {
		pts = analysis.FillGaps(pts, 1)
		if !sm.None() {
			pts = sm.Apply(pts)
		}
	}
	out := analysis.Anomalies(pts, c)
	for i := range out {
		out[i].Value = round6(out[i].Value)
	}
	return out
}

// Anomalies answers an AnomaliesRequest.
func Anomalies(ctx context.Context, st Store, req AnomaliesRequest) (AnomaliesResult, error) {
	w, err := window(req.From, req.To)
	if err != nil {
		return AnomaliesResult{}, err
	}
	if _, err := smoothing(req.Smooth); err != nil {
		return AnomaliesResult{}, err
	}
	if _, err := convention(req.Convention, analysis.Calendar); err != nil {
		return AnomaliesResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return AnomaliesResult{}, err
	}
	b, conv, sm, err := climatologyParams(l, req.Baseline, req.Convention, req.Smooth)
	if err != nil {
		return AnomaliesResult{}, err
	}
	if f := l.Series.Frequency; f == obs.Annual {
		return annualAnomalies(l, b, w)
	} else if f != obs.Daily && f != obs.Monthly {
		return AnomaliesResult{}, invalid("anomalies need daily, monthly or annual data; %s is %s", l.Series.Indicator, f)
	}
	c, err := ClimatologyOf(l, b, conv, sm)
	if err != nil {
		return AnomaliesResult{}, err
	}
	return AnomaliesResult{Loaded: l, Baseline: b, Climatology: c, Smoothing: sm, Points: w.Keep(AnomalyPoints(l, c, sm)), Coverage: CoverageOf(l, b)}, nil
}

// ExtremesRequest asks for the maximum or minimum in a year, a month or the
// whole record (stocktake extremes, GET /api/extremes/{id}). At most one of
// Year, Month and All; none means the whole record.
type ExtremesRequest struct {
	ID, Entity string
	Year       string
	Month      string // YYYY-MM
	All        string // true or false
	Kind       string // max or min; empty is the indicator's headline extreme
	Smooth     string
	// AnnualRanking ("true") lists every complete year's extreme of Kind
	// in rank order instead (no Year, Month or All).
	AnnualRanking string
}

// ExtremesResult is the extreme with its series, or the annual ranking.
type ExtremesResult struct {
	Loaded
	Extreme analysis.Extreme
	Ranking *analysis.AnnualExtremesRanking
}

// JSON is the result's JSON shape.
func (r ExtremesResult) JSON() any {
	if r.Ranking != nil {
		return present.NewWithSource(*r.Ranking, r.Source).WithBaseline(r.Ref.Indicator.Baseline)
	}
	return present.NewWithSource(r.Extreme, r.Source).WithBaseline(r.Ref.Indicator.Baseline)
}

// Extremes answers an ExtremesRequest.
func Extremes(ctx context.Context, st Store, req ExtremesRequest) (ExtremesResult, error) {
	y, hasYear, err := year("year", req.Year)
	if err != nil {
		return ExtremesResult{}, err
	}
	all, err := boolean("all", req.All)
	if err != nil {
		return ExtremesResult{}, err
	}
	ranking, err := boolean("annual_ranking", req.AnnualRanking)
	if err != nil {
		return ExtremesResult{}, err
	}
	if given(hasYear, req.Month != "", all, ranking) > 1 {
		return ExtremesResult{}, invalid("give one of {year} Y, {month} YYYY-MM, {all} or {annual_ranking}")
	}
	p := analysis.AllPeriod()
	switch {
	case hasYear:
		p = analysis.YearPeriod(y)
	case req.Month != "":
		m, err := month("month", req.Month)
		if err != nil {
			return ExtremesResult{}, err
		}
		p = analysis.MonthPeriod(m.Year(), m.Month())
	}
	sm, err := smoothing(req.Smooth)
	if err != nil {
		return ExtremesResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return ExtremesResult{}, err
	}
	k, err := kind(req.Kind, l.Ref)
	if err != nil {
		return ExtremesResult{}, err
	}
	if err := checkSmoothing(l.Series, sm); err != nil {
		return ExtremesResult{}, err
	}
	if ranking {
		r, err := analysis.RankAnnualExtremes(l.Series, k, sm, l.Ref.Indicator.Resolution, nil)
		if err != nil {
			if errors.Is(err, analysis.ErrNoData) {
				return ExtremesResult{}, analysisErr(err)
			}
			return ExtremesResult{}, invalid("{annual_ranking}: %v", err)
		}
		return ExtremesResult{Loaded: l, Ranking: &r}, nil
	}
	e, err := analysis.Extremes(l.Series, k, p, sm)
	if err != nil {
		return ExtremesResult{}, analysisErr(err)
	}
	return ExtremesResult{Loaded: l, Extreme: e}, nil
}

// RecordsRequest asks "was it a record?" (stocktake records, GET
// /api/records/{id}) with exactly one of On (a date), Month (YYYY-MM), Year
// or Annual (a year ranked among all years by its annual value). AsOf given
// as a year or a month means its last day.
type RecordsRequest struct {
	ID, Entity string
	On         string
	Month      string
	Year       string
	Annual     string
	AsOf       string
	Kind       string
	Smooth     string
	Convention string // calendar (default) or daycount
}

// RecordsResult holds exactly one of On, Month, Year and Annual.
type RecordsResult struct {
	Loaded
	On     *analysis.OnResult
	Month  *analysis.MonthResult
	Year   *analysis.YearResult
	Annual *analysis.AnnualRank
}

// JSON is the result's JSON shape: the one result with its source and the
// indicator's anomaly baseline; for a three-month series (ONI) the season
// of the value and of the previous record ("season", "previous_season").
func (r RecordsResult) JSON() any {
	b := r.Ref.Indicator.Baseline
	switch {
	case r.On != nil:
		w := present.NewWithSource(*r.On, r.Source).WithBaseline(b)
		if r.Ref.Indicator.Seasonal {
			w = w.With("season", SeasonOf(r.On.Date))
			if p := r.On.PreviousForDate; p != nil {
				w = w.With("previous_season", SeasonOf(p.Date))
			}
		}
		return w
	case r.Month != nil:
		w := present.NewWithSource(*r.Month, r.Source).WithBaseline(b)
		if r.Ref.Indicator.Seasonal {
			w = w.With("season", SeasonOf(r.Month.Month))
			if p := r.Month.Previous; p != nil {
				w = w.With("previous_season", SeasonOf(p.Month))
			}
		}
		return w
	case r.Annual != nil:
		return present.NewWithSource(*r.Annual, r.Source).WithBaseline(b)
	}
	return present.NewWithSource(*r.Year, r.Source).WithBaseline(b)
}

// SeasonOf labels a date of a three-month series (YYYY-MM or YYYY-MM-DD,
// dated by the centre month) by its season, "MJJ 2026"; other text is
// returned unchanged.
func SeasonOf(d string) string {
	t, err := obs.ParseDate(d)
	if err != nil || len(d) < 7 {
		return d
	}
	return analysis.FormatSeason(t)
}

// Records answers a RecordsRequest. Single missing days of daily series are
// filled before monthly means are taken.
func Records(ctx context.Context, st Store, req RecordsRequest) (RecordsResult, error) {
	y, hasYear, err := year("year", req.Year)
	if err != nil {
		return RecordsResult{}, err
	}
	ay, hasAnnual, err := year("annual", req.Annual)
	if err != nil {
		return RecordsResult{}, err
	}
	if given(req.On != "", req.Month != "", hasYear, hasAnnual) != 1 {
		return RecordsResult{}, invalid("give exactly one of {on} DATE, {month} YYYY-MM, {year} Y or {annual} Y")
	}
	asOf, hasAsOf, err := dateEnd("as_of", req.AsOf)
	if err != nil {
		return RecordsResult{}, err
	}
	conv, err := convention(req.Convention, analysis.Calendar)
	if err != nil {
		return RecordsResult{}, err
	}
	opt := analysis.Options{Convention: conv}
	if hasAsOf {
		opt.AsOf = &asOf
	}
	var on, mon obs.Date
	switch {
	case req.On != "":
		if on, _, err = date("on", req.On); err != nil {
			return RecordsResult{}, err
		}
		if hasAsOf && on > asOf {
			return RecordsResult{}, invalid("{on=}%s is after {as_of=}%s", req.On, req.AsOf)
		}
	case req.Month != "":
		if mon, err = month("month", req.Month); err != nil {
			return RecordsResult{}, err
		}
		if hasAsOf && mon > asOf {
			return RecordsResult{}, invalid("{month=}%s starts after {as_of=}%s", req.Month, req.AsOf)
		}
	case hasAnnual:
		if req.Convention != "" && req.Convention != "calendar" {
			return RecordsResult{}, invalid("{convention} does not apply to {annual}: a year is ranked by its annual value")
		}
		if req.Smooth != "" {
			return RecordsResult{}, invalid("{smooth} does not apply to {annual}: a year is ranked by its annual value")
		}
		if hasAsOf && asOf.Year() < ay {
			return RecordsResult{}, invalid("{annual=}%d starts after {as_of=}%s", ay, req.AsOf)
		}
	default:
		if hasAsOf && asOf.Year() < y {
			return RecordsResult{}, invalid("{year=}%d starts after {as_of=}%s", y, req.AsOf)
		}
	}
	if opt.Smoothing, err = smoothing(req.Smooth); err != nil {
		return RecordsResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return RecordsResult{}, err
	}
	se := l.Series
	if opt.Kind, err = kind(req.Kind, l.Ref); err != nil {
		return RecordsResult{}, err
	}
	if err := checkSmoothing(se, opt.Smoothing); err != nil {
		return RecordsResult{}, err
	}
	opt.Fill = recordFill(se)
	out := RecordsResult{Loaded: l}
	prec, err := PrecisionOf(ctx, st, l)
	if err != nil {
		return out, err
	}
	opt = prec.options(opt)
	switch {
	case hasAnnual:
		r, err := AnnualRankOf(ctx, st, l, prec, ay, opt.Kind, opt.AsOf)
		if err != nil {
			return out, err
		}
		out.Annual = &r
	case req.On != "":
		if len(req.On) != 10 && (se.Frequency == obs.Daily || se.Frequency == obs.Weekly) {
			return out, invalid("{on=}%s: %s is %s, give a day YYYY-MM-DD (or use {month})", req.On, se.Indicator, se.Frequency)
		}
		if len(req.On) == 4 && se.Frequency == obs.Monthly {
			// A year is not a month: "--on 2024" used to answer January.
			return out, invalid("{on=}%s names a year, but %s is monthly: give {on} YYYY-MM (or {month=}%s-MM) for a month, {annual=}%s to rank the year's annual value, or {year=}%s for every record month of the year", req.On, se.Indicator, req.On, req.On, req.On)
		}
		r, err := analysis.RecordOn(se, on, opt)
		if err != nil {
			return out, analysisErr(err)
		}
		out.On = &r
	case req.Month != "":
		r, err := analysis.RecordMonth(se, mon, opt)
		if err != nil {
			return out, analysisErr(err)
		}
		out.Month = &r
	default:
		r, err := analysis.RecordYear(se, y, opt)
		if err != nil {
			return out, analysisErr(err)
		}
		out.Year = &r
	}
	return out, nil
}

// recordFill is the gap filling of every records question: single missing
// days of daily series are interpolated (NSIDC's every-other-day era), so
// that the years compared for a date or month are the same everywhere.
func recordFill(se obs.Series) int {
	if se.Frequency == obs.Daily {
		return 1
	}
	return 0
}

// RecordOn is the records question for one date of a loaded series with
// all data, the calendar convention, no smoothing and kind: what
// `records --on DATE --kind KIND` answers, for the overview's latest values.
func RecordOn(l Loaded, d obs.Date, k analysis.Kind) (analysis.OnResult, error) {
	return RecordOnAt(l, Precision{}, d, k)
}

// RecordOnAt is RecordOn at the precision and uncertainty of prec
// (PrecisionOf): what `records --on DATE --kind KIND` answers.
func RecordOnAt(l Loaded, prec Precision, d obs.Date, k analysis.Kind) (analysis.OnResult, error) {
	opt := prec.options(analysis.Options{Kind: k, Convention: analysis.Calendar, Fill: recordFill(l.Series)})
	r, err := analysis.RecordOn(l.Series, d, opt)
	return r, analysisErr(err)
}

// TrendRequest asks for the linear trend per decade (stocktake trend, GET
// /api/trend/{id}). Basis is annual (annual means of complete years; the
// default for daily and monthly series), monthly (monthly means of
// complete months) or raw (the values as published; the default
// otherwise). From..To select the fitted periods by their start date.
type TrendRequest struct {
	ID, Entity string
	From, To   string
	Basis      string
	// Fit is linear (the default) or quadratic (adds the acceleration,
	// twice the quadratic coefficient, with its intervals).
	Fit string
}

// TrendResult is the trend with its series. The linear trend always
// carries the interval corrected for autocorrelation (analysis.TrendAR1,
// the lag-1 autocorrelation of the residuals at the fitted frequency);
// Quadratic is set for Fit quadratic.
type TrendResult struct {
	Loaded
	Trend     analysis.TrendResult
	Quadratic *analysis.QuadraticResult
}

// JSON is the result's JSON shape: the linear trend, with a "quadratic"
// member for Fit quadratic.
func (r TrendResult) JSON() present.WithSource[analysis.TrendResult] {
	w := present.NewWithSource(r.Trend, r.Source).WithBaseline(r.Ref.Indicator.Baseline)
	if r.Quadratic != nil {
		w = w.With("quadratic", r.Quadratic)
	}
	return w
}

// Trend answers a TrendRequest. The one basis: single missing days of
// daily series are filled first, then the means of the periods are taken
// over the whole series, then the periods starting inside from..to are
// kept; incomplete periods in the window are left out and listed
// (Incomplete), never silently used.
func Trend(ctx context.Context, st Store, req TrendRequest) (TrendResult, error) {
	w, err := window(req.From, req.To)
	if err != nil {
		return TrendResult{}, err
	}
	if b := req.Basis; b != "" && b != "raw" && b != "monthly" && b != "annual" {
		return TrendResult{}, invalid("{basis=}%q: want one of raw, monthly, annual", b)
	}
	if f := req.Fit; f != "" && f != "linear" && f != "quadratic" {
		return TrendResult{}, invalid("{fit=}%q: want linear or quadratic", f)
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return TrendResult{}, err
	}
	se := l.Series
	basis := req.Basis
	if basis == "" {
		// Monthly anomalies are autocorrelated, which would make the
		// interval too narrow: daily and monthly series are fitted on
		// annual means by default.
		basis = "raw"
		if se.Frequency == obs.Daily || se.Frequency == obs.Monthly {
			basis = "annual"
		}
	}
	in := se.Points
	if se.Frequency == obs.Daily && basis != "raw" {
		in = analysis.FillGaps(in, 1)
	}
	var aggs []analysis.Aggregate
	var words string
	switch {
	case basis == "raw", basis == "monthly" && se.Frequency == obs.Monthly, basis == "annual" && se.Frequency == obs.Annual:
		words = "values as published"
	case basis == "monthly" && se.Frequency == obs.Daily:
		aggs = analysis.Monthly(in, analysis.WMO511)
		words = "monthly means (complete months, WMO 5/11 rule; single missing days interpolated)"
	case basis == "monthly":
		return TrendResult{}, invalid("{basis} monthly needs a daily or monthly series; %s is %s", se.Indicator, se.Frequency)
	case se.Frequency == obs.Daily:
		aggs = analysis.Annual(in, obs.Daily, analysis.WMO511)
		words = "annual means (complete years, WMO 5/11 rule for every month; single missing days interpolated)"
	case se.Frequency == obs.Monthly:
		aggs = analysis.Annual(in, obs.Monthly, analysis.WMO511)
		words = "annual means (years with all 12 months)"
	default:
		aggs = analysis.Annual(in, se.Frequency, analysis.WMO511)
		words = "annual means (every year with a value)"
	}
	var pts []obs.Point
	var incomplete []string
	if aggs == nil {
		pts = w.Keep(in)
	} else {
		freq := obs.Annual
		if basis == "monthly" {
			freq = obs.Monthly
		}
		for _, a := range aggs {
			if w.HasFrom && a.Date < w.From || w.HasTo && a.Date > w.To {
				continue
			}
			if !a.Complete {
				incomplete = append(incomplete, a.Date.Format(freq))
				continue
			}
			pts = append(pts, obs.Point{Date: a.Date, Value: a.Value})
		}
	}
	tr, err := analysis.TrendAR1(pts)
	if err != nil && tr.N == 0 {
		return TrendResult{}, analysisErr(err)
	}
	if err != nil {
		// The fit exists but the effective sample size is too small for a
		// corrected interval: say so rather than show only the OLS one.
		tr.Corrected, tr.CorrectedNote = nil, err.Error()
	}
	tr.Indicator, tr.Entity, tr.Unit, tr.Basis, tr.Incomplete = se.Indicator, analysis.Entity(se.Entity), se.Unit, words, incomplete
	out := TrendResult{Loaded: l, Trend: tr}
	if req.Fit == "quadratic" {
		q, err := analysis.Quadratic(pts)
		if err != nil && q.N == 0 {
			return TrendResult{}, analysisErr(err)
		}
		q.Indicator, q.Entity, q.Unit = se.Indicator, analysis.Entity(se.Entity), se.Unit
		if err != nil {
			return TrendResult{}, notFound("{fit} quadratic: %v", err)
		}
		out.Quadratic = &q
	}
	return out, nil
}

// IsNoData reports whether err means nothing is stored for the request.
func IsNoData(err error) bool {
	var qe *Error
	return errors.As(err, &qe) && qe.Kind == NotFound
}

// DailyRequest asks for the daily view of an indicator (every year by
// calendar day with the climatology band; GET /api/daily/{id} and the
// spaghetti chart).
type DailyRequest struct {
	ID, Entity string
	Smooth     string
	Baseline   string // default: DefaultBaseline
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// DailyInput is what the daily view is computed from: the loaded series
// and the checked smoothing and baseline.
type DailyInput struct {
	Loaded
	Smoothing analysis.Smoothing
	Baseline  analysis.Baseline
}

// Daily validates a DailyRequest and loads its series.
func Daily(ctx context.Context, st Store, req DailyRequest) (DailyInput, error) {
	sm, err := smoothing(req.Smooth)
	if err != nil {
		return DailyInput{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return DailyInput{}, err
	}
	b, err := baseline(req.Baseline, l.Ref)
	if err != nil {
		return DailyInput{}, err
	}
	if err := checkSmoothing(l.Series, sm); err != nil {
		return DailyInput{}, err
	}
	return DailyInput{Loaded: l, Smoothing: sm, Baseline: b}, nil
}
