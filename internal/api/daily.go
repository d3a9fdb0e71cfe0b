package api

import (
	"context"
	"math"
	"net/http"

	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// The daily view's types are defined with its question (internal/query).
type (
	Num          = qry.Num
	Band         = qry.Band
	YearValues   = qry.YearValues
	DailyYears   = qry.DailyYears
	DailyRecords = qry.DailyRecords
)

// roundTo6 rounds to 6 decimals, as every computed number of the API.
func roundTo6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// dailyFor computes DailyYears for indicator id with the entity, smooth and
// baseline parameters, its title in lang ("" for English): the data of
// /api/daily and of the spaghetti chart.
func (s *Server) dailyFor(ctx context.Context, gc *genCache, id string, q query, lang string) (*DailyYears, store.Source, error) {
	return qry.DailyView(ctx, s.qs(gc), qry.DailyRequest{ID: id, Entity: q.Get("entity"), Smooth: q.Get("smooth"), Baseline: q.Get("baseline"), Lang: lang})
}

// handleDaily answers GET /api/daily/{id} (see DailyYears).
func handleDaily(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	d, src, err := s.dailyFor(ctx, gc, r.PathValue("id"), q, lang)
	if err != nil {
		return reply{}, err
	}
	rp, err := jsonReply(d)
	rp.source = sourceHeader(src)
	return rp, err
}
