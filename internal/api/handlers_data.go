package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// This file holds the adapters of the questions about one series: each
// handler copies the query parameters into the question's request
// (internal/query), calls it and encodes its result, exactly the JSON of the
// command's --json.

// cachedStore is the qry.Store of one data version: series are read
// through the version's cache (shared, never modified by the questions).
type cachedStore struct {
	s  *Server
	gc *genCache
}

func (c cachedStore) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, store.Source, error) {
	return c.gc.loadSeries(ctx, c.s.st, dataset, indicator, entity)
}

func (c cachedStore) AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, store.Source, error) {
	return c.gc.loadAll(ctx, c.s.st, ref)
}

// SeriesWindow cuts the window from the whole series when the cache holds
// it; otherwise it reads only the window from the store, through the same
// version check and dependency record as a cached load, without caching
// it (the answers computed from it are cached).
func (c cachedStore) SeriesWindow(ctx context.Context, dataset, indicator, entity string, w store.Window) (obs.Series, store.Source, error) {
	return c.gc.loadSeriesWindow(ctx, c.s.st, dataset, indicator, entity, w)
}

// AllSeriesWindow is SeriesWindow for every entity's series of a national
// indicator (see cachedStore.SeriesWindow).
func (c cachedStore) AllSeriesWindow(ctx context.Context, ref catalog.Ref, w store.Window, entities []string) ([]obs.Series, store.Source, error) {
	return c.gc.loadAllWindow(ctx, c.s.st, ref, w, entities)
}

func (c cachedStore) Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (store.Version, error) {
	recordDep(ctx, dataset)
	return c.s.st.Lineage(ctx, dataset, indicator, entity, date)
}

func (c cachedStore) VersionFiles(ctx context.Context, id int64) ([]store.VersionFile, error) {
	return c.s.st.VersionFiles(ctx, id)
}

// qs returns the qry.Store of the cache's data version.
func (s *Server) qs(gc *genCache) qry.Store { return cachedStore{s, gc} }

// sourcedReply encodes a result and sets the X-Stocktake-Source header.
func sourcedReply(v any, src store.Source) (reply, error) {
	rp, err := jsonReply(v)
	rp.source = sourceHeader(src)
	return rp, err
}

// handleSeries answers GET /api/series/{id}: qry.Series, as JSON
// (present.Series) or CSV (present.WriteSeriesCSV).
func handleSeries(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	format, err := q.enum("format", "json", "json", "csv")
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Series(ctx, s.qs(gc), seriesRequest(r.PathValue("id"), q))
	if err != nil {
		return reply{}, err
	}
	if format == "csv" {
		var b bytes.Buffer
		se := res.Windowed()
		if err := present.WriteSeriesCSV(&b, se, res.Source); err != nil {
			return reply{}, err
		}
		return reply{body: b.Bytes(), ctype: "text/csv; charset=utf-8", filename: fileName(se, "csv"), source: sourceHeader(res.Source)}, nil
	}
	return sourcedReply(res.JSON(), res.Source)
}

// seriesRequest reads the parameters of a series window.
func seriesRequest(id string, q query) qry.SeriesRequest {
	return qry.SeriesRequest{ID: id, Entity: q.Get("entity"), From: q.Get("from"), To: q.Get("to"), Smooth: q.Get("smooth")}
}

// windowed reads the series of indicator id for the entity parameter,
// smoothed by the smooth parameter and cut to from..to (qry.Series).
func (s *Server) windowed(ctx context.Context, gc *genCache, id string, q query) (obs.Series, store.Source, qry.Smoothing, error) {
	res, err := qry.Series(ctx, s.qs(gc), seriesRequest(id, q))
	if err != nil {
		return obs.Series{}, store.Source{}, qry.Smoothing{}, err
	}
	return res.Windowed(), res.Source, res.Smoothing, nil
}

// fileName is the download name of a series: indicator[-entity].ext.
func fileName(se obs.Series, ext string) string {
	n := se.Indicator
	if se.Entity != "" {
		n += "-" + se.Entity
	}
	return strings.NewReplacer("@", "-v", "/", "-", `"`, "").Replace(n) + "." + ext
}

// handleMeans answers GET /api/means/{id}: qry.Means (present.PeriodMeans).
func handleMeans(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, src, err := qry.Means(ctx, s.qs(gc), qry.MeansRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		Means: q.Get("means"), From: q.Get("from"), To: q.Get("to"), Smooth: q.Get("smooth")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res, src)
}

// handleClimatology answers GET /api/climatology/{id}: qry.Climatology.
func handleClimatology(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Climatology(ctx, s.qs(gc), qry.ClimatologyRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		Baseline: q.Get("baseline"), Convention: q.Get("convention"), Smooth: q.Get("smooth")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleAnomalies answers GET /api/anomalies/{id}: qry.Anomalies
// (present.AnomalySeries).
func handleAnomalies(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Anomalies(ctx, s.qs(gc), qry.AnomaliesRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		Baseline: q.Get("baseline"), Convention: q.Get("convention"), Smooth: q.Get("smooth"), From: q.Get("from"), To: q.Get("to")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleLineage answers GET /api/lineage/{id}?date=D: qry.Lineage
// (present.ValueLineage).
func handleLineage(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Lineage(ctx, s.qs(gc), qry.LineageRequest{ID: r.PathValue("id"), Entity: q.Get("entity"), Date: q.Get("date")})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res.JSON())
}

// handleExtremes answers GET /api/extremes/{id}: qry.Extremes.
func handleExtremes(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Extremes(ctx, s.qs(gc), qry.ExtremesRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		Year: q.Get("year"), Month: q.Get("month"), All: q.Get("all"), Kind: q.Get("kind"), Smooth: q.Get("smooth"),
		AnnualRanking: q.Get("annual_ranking")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleRecords answers GET /api/records/{id}: qry.Records.
func handleRecords(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Records(ctx, s.qs(gc), qry.RecordsRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		On: q.Get("on"), Month: q.Get("month"), Year: q.Get("year"), Annual: q.Get("annual"), AsOf: q.Get("as_of"), Kind: q.Get("kind"),
		Smooth: q.Get("smooth"), Convention: q.Get("convention")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleTrend answers GET /api/trend/{id}: qry.Trend.
func handleTrend(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Trend(ctx, s.qs(gc), qry.TrendRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		From: q.Get("from"), To: q.Get("to"), Basis: q.Get("basis"), Fit: q.Get("fit")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleAnnual answers GET /api/annual/{id}: qry.AnnualValues.
func handleAnnual(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.AnnualValues(ctx, s.qs(gc), qry.AnnualTableRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		Kind: q.Get("kind"), AsOf: q.Get("as_of"), Top: q.Get("top")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res.JSON(), res.Source)
}

// handleRanks answers GET /api/ranks/{id}: query.RanksOf.
func handleRanks(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, src, err := qry.RanksOf(ctx, s.qs(gc), qry.RanksRequest{ID: r.PathValue("id"), Entity: q.Get("entity"), Kind: q.Get("kind")})
	if err != nil {
		return reply{}, err
	}
	return sourcedReply(res, src)
}
