package api

import (
	"context"
	"net/http"

	qry "github.com/stocktake/stocktake/internal/query"
)

// This file answers the Paris Agreement and Global Stocktake questions
// (docs/paris.md): warming above 1850-1900 with its thresholds and the
// remaining carbon budget, and the goals of the first Global Stocktake.
// Each handler copies its parameters into the request of internal/query,
// so the bodies are exactly `stocktake warming --json` and
// `stocktake goals --json`.

// Parameters of the Paris routes.
var (
	pWarmingDataset = param{name: "dataset", in: "query", typ: "string",
		desc: "Datasets, comma-separated: era5, hadcrut5, noaa, gistemp (default all four).", example: "era5"}
	pWarmingYear = param{name: "year", in: "query", typ: "integer",
		desc: "Year of the threshold counts, annual value and long-term level (default: the latest year of ERA5).", example: 2024}
	pBudget = param{name: "budget", in: "query", typ: "string",
		desc: "Carbon budget id of goals.yaml (default every budget): ar6-1p5-50 or igcc2023-1p5-50.", example: "ar6-1p5-50"}
	pGoalEntity = param{name: "entity", in: "query", typ: "string",
		desc: "Report this entity's contribution (ISO3 code, name, or EU) instead of China, the United States, the EU and India.", example: "CHN"}
	pGoalAsOf = param{name: "as_of", in: "query", typ: "integer", desc: "Use only data up to this year.", example: 2022}
)

// handleWarming answers GET /api/warming: qry.WarmingAnswer.
func handleWarming(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.WarmingWithEvents(ctx, s.qs(gc), s.st, qry.WarmingRequest{Dataset: q.Get("dataset"), Year: q.Get("year"), Budget: q.Get("budget"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}

// handleGoals answers GET /api/goals: qry.Goals.
func handleGoals(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Goals(ctx, s.qs(gc), qry.GoalsRequest{Entity: q.Get("entity"), AsOf: q.Get("as_of"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}

// handleGoal answers GET /api/goals/{id}: qry.Goal.
func handleGoal(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Goal(ctx, s.qs(gc), qry.GoalsRequest{ID: r.PathValue("id"), Entity: q.Get("entity"), AsOf: q.Get("as_of"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}
