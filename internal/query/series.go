package query

import (
	"context"
	"math"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// SeriesRequest asks for an indicator's values (stocktake show, GET
// /api/series/{id}). Dates are YYYY-MM-DD, YYYY-MM or YYYY, inclusive.
type SeriesRequest struct {
	ID, Entity string
	From, To   string
	Smooth     string // none, 5d, Nd, Nd-centred (daily series only)
}

// SeriesResult is the window of values, smoothed over the whole series
// before the cut (so the first values use the days before the window).
type SeriesResult struct {
	Loaded
	Smoothing analysis.Smoothing
	Points    []obs.Point
}

// Windowed returns the series as a new obs.Series holding the window.
func (r SeriesResult) Windowed() obs.Series {
	se := r.Series
	se.Points = r.Points
	return se
}

// JSON is the result's JSON shape (present.Series).
func (r SeriesResult) JSON() present.Series {
	return present.NewSeries(r.Windowed(), r.Source, SmoothingName(r.Smoothing))
}

// SmoothingName is the "smoothing" member of printed series: "" when the
// values are the producer's own.
func SmoothingName(sm analysis.Smoothing) string {
	if sm.None() {
		return ""
	}
	return sm.String()
}

// Series answers a SeriesRequest.
func Series(ctx context.Context, st Store, req SeriesRequest) (SeriesResult, error) {
	w, err := window(req.From, req.To)
	if err != nil {
		return SeriesResult{}, err
	}
	sm, err := smoothing(req.Smooth)
	if err != nil {
		return SeriesResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return SeriesResult{}, err
	}
	if err := checkSmoothing(l.Series, sm); err != nil {
		return SeriesResult{}, err
	}
	pts := l.Series.Points
	if !sm.None() {
		pts = sm.Apply(pts)
	}
	return SeriesResult{Loaded: l, Smoothing: sm, Points: w.Keep(pts)}, nil
}

// MeansRequest asks for monthly or annual means with their completeness
// (stocktake show --means, GET /api/means/{id}). Periods are kept when they
// overlap from..to.
type MeansRequest struct {
	ID, Entity string
	Means      string // monthly (daily series) or annual (daily or monthly series)
	From, To   string
	Smooth     string
}

// MeansRule states the completeness rule of period means for people.
func MeansRule(freq obs.Frequency, means string) string {
	switch {
	case freq == obs.Daily && means == "monthly":
		return "WMO 5/11: a month is complete with at most 10 missing days and no run of 5 or more; single missing days are interpolated first"
	case freq == obs.Daily:
		return "a year is complete when its 12 months are (WMO 5/11 per month); single missing days are interpolated first"
	case freq == obs.Monthly && means == "annual":
		return "a year is complete with all 12 months"
	}
	return "every period with a value is complete"
}

// Means answers a MeansRequest. Single missing days of daily series are
// interpolated before the means; values present and the longest gap come
// from the published values, and the days after the last value of a period
// in progress are still to come, not a gap.
func Means(ctx context.Context, st Store, req MeansRequest) (present.PeriodMeans, store.Source, error) {
	var out present.PeriodMeans
	if req.Means != "monthly" && req.Means != "annual" {
		return out, store.Source{}, invalid("{means=}%q: want monthly or annual", req.Means)
	}
	w, err := window(req.From, req.To)
	if err != nil {
		return out, store.Source{}, err
	}
	sm, err := smoothing(req.Smooth)
	if err != nil {
		return out, store.Source{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return out, store.Source{}, err
	}
	se, src := l.Series, l.Source
	if err := checkSmoothing(se, sm); err != nil {
		return out, src, err
	}
	if req.Means == "monthly" && se.Frequency != obs.Daily {
		return out, src, invalid("{means} monthly needs a daily series; %s is %s", se.Indicator, se.Frequency)
	}
	if req.Means == "annual" && se.Frequency != obs.Daily && se.Frequency != obs.Monthly {
		return out, src, invalid("{means} annual needs a daily or monthly series; %s is %s", se.Indicator, se.Frequency)
	}
	raw := se.Points
	if !sm.None() {
		raw = sm.Apply(raw)
	}
	pts := raw
	if se.Frequency == obs.Daily {
		pts = analysis.FillGaps(pts, 1)
	}
	var aggs []analysis.Aggregate
	freq := obs.Monthly
	if req.Means == "monthly" {
		aggs = analysis.Monthly(pts, analysis.WMO511)
	} else {
		aggs = analysis.Annual(pts, se.Frequency, analysis.WMO511)
		freq = obs.Annual
	}
	out = present.PeriodMeans{Indicator: se.Indicator, Unit: se.Unit, Means: req.Means, Rule: MeansRule(se.Frequency, req.Means),
		Resolution: analysis.MeanResolution(l.Ref.Indicator.Resolution), Periods: []present.PeriodMean{}, Source: present.NewSource(src)}
	if se.Entity != "" {
		e := se.Entity
		out.Entity = &e
	}
	if name := SmoothingName(sm); name != "" {
		out.Smoothing = &name
	}
	if len(raw) == 0 {
		return out, src, nil
	}
	lastData := raw[len(raw)-1].Date
	for _, a := range aggs {
		end := a.Date + obs.Date(obs.DaysIn(a.Date.Year(), a.Date.Month())-1)
		if freq == obs.Annual {
			end = obs.NewDate(a.Date.Year(), 12, 31)
		}
		if w.HasFrom && end < w.From || w.HasTo && a.Date > w.To {
			continue
		}
		n, gap := presentIn(raw, se.Frequency, a.Date, min(end, lastData))
		out.Periods = append(out.Periods, present.PeriodMean{Date: a.Date.Format(freq), Value: round6(a.Value), N: n,
			Interpolated: a.N - n, Expected: a.Expected, LongestGap: gap, Complete: a.Complete && end <= lastData, InProgress: end > lastData})
	}
	return out, src, nil
}

// presentIn counts the published values of pts (daily, or monthly for
// annual means) dated from..to and the longest run of missing days (or
// months) in that span.
func presentIn(pts []obs.Point, freq obs.Frequency, from, to obs.Date) (n, gap int) {
	pos := func(d obs.Date) int { return int(d) }
	if freq == obs.Monthly {
		pos = func(d obs.Date) int { y, m, _ := d.YMD(); return y*12 + m - 1 }
	}
	prev := pos(from) - 1
	for _, p := range pts {
		if p.Date < from || p.Date > to {
			continue
		}
		n++
		gap = max(gap, pos(p.Date)-prev-1)
		prev = pos(p.Date)
	}
	return n, max(gap, pos(to)-prev)
}

// round6 rounds to 6 decimals, finer than any producer publishes, so that
// differences and means carry no floating-point residue.
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

// LineageRequest asks which file a stored value came from (stocktake
// lineage, GET /api/lineage/{id}).
type LineageRequest struct {
	ID, Entity string
	Date       string // the value's date; a monthly or annual series accepts any day of the period
}

// LineageResult is the value, its series and the version that supplied it.
type LineageResult struct {
	Loaded
	Point   obs.Point
	Version store.Version
	// Files are the version's files with their own checksums (the
	// version's sha256 of a multi-file dataset is a hash of the files'
	// hashes).
	Files []store.VersionFile
}

// JSON is the result's JSON shape (present.ValueLineage).
func (r LineageResult) JSON() present.ValueLineage {
	out := present.NewValueLineage(r.Series, r.Point, r.Version)
	out.Files = r.Files
	if out.Files == nil {
		out.Files = []store.VersionFile{}
	}
	return out
}

// Lineage answers a LineageRequest.
func Lineage(ctx context.Context, st Store, req LineageRequest) (LineageResult, error) {
	if req.Date == "" {
		return LineageResult{}, invalid("{date} is required (YYYY-MM-DD, YYYY-MM or YYYY)")
	}
	d, _, err := date("date", req.Date)
	if err != nil {
		return LineageResult{}, err
	}
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return LineageResult{}, err
	}
	se := l.Series
	d = present.PeriodStart(d, se.Frequency)
	i := searchDate(se.Points, d)
	if i == len(se.Points) || se.Points[i].Date != d {
		if len(se.Points) == 0 {
			return LineageResult{}, notFound("%s has no stored values", label(se.Indicator, se.Entity))
		}
		return LineageResult{}, notFound("%s has no stored value on %s (coverage %s to %s)", label(se.Indicator, se.Entity),
			d.Format(se.Frequency), se.Points[0].Date.Format(se.Frequency), se.Points[len(se.Points)-1].Date.Format(se.Frequency))
	}
	v, err := st.Lineage(ctx, l.Ref.Dataset.ID, se.Indicator, se.Entity, d)
	if err != nil {
		return LineageResult{}, storeErr(err)
	}
	files, err := st.VersionFiles(ctx, v.ID)
	if err != nil {
		return LineageResult{}, err
	}
	return LineageResult{Loaded: l, Point: se.Points[i], Version: v, Files: files}, nil
}

// searchDate returns the index of the first point dated on or after d.
func searchDate(pts []obs.Point, d obs.Date) int {
	lo, hi := 0, len(pts)
	for lo < hi {
		m := (lo + hi) / 2
		if pts[m].Date < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// label names a series in messages: the indicator id, then the entity of a
// national series.
func label(ind, entity string) string {
	if entity == "" {
		return ind
	}
	return ind + " " + entity
}
