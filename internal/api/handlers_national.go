package api

import (
	"context"
	"net/http"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"

	qry "github.com/stocktake/stocktake/internal/query"
)

// This file holds the adapters of the national questions (internal/query).

// sourcedReplyP encodes a result and sets the X-Stocktake-Source header
// from its printed source.
func sourcedReplyP(v any, src present.Source) (reply, error) {
	rp, err := jsonReply(v)
	rp.source = sourceHeader(store.Source{Dataset: src.Dataset, Version: src.Version, SHA256: src.SHA256})
	return rp, err
}

// handleRank answers GET /api/rank/{id}: qry.Rank.
func handleRank(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Rank(ctx, s.qs(gc), qry.RankRequest{ID: r.PathValue("id"), Year: q.Get("year"), Top: q.Get("top"),
		Cumulative: q.Get("cumulative"), Since: q.Get("since"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return sourcedReplyP(res, res.Source)
}

// handlePeaks answers GET /api/peaks/{id}?entity=E[,E...]: qry.Peaks, one
// object for one entity, an array for several.
func handlePeaks(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Peaks(ctx, s.qs(gc), qry.PeaksRequest{IDs: []string{r.PathValue("id")}, Entities: []string{q.Get("entity")},
		AsOf: q.Get("as_of"), MinYears: q.Get("min_years"), MinBelowPct: q.Get("min_below_pct"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	if len(res) == 1 {
		return sourcedReplyP(res[0], res[0].Source)
	}
	return sourcedReplyP(res, res[0].Source)
}

// handleGrowth answers GET /api/growth/{id}?entity=E: qry.Growth.
func handleGrowth(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Growth(ctx, s.qs(gc), qry.GrowthRequest{ID: r.PathValue("id"), Entity: q.Get("entity"),
		From: q.Get("from"), To: q.Get("to"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return sourcedReplyP(res, res.Source)
}

// handleCompare answers GET /api/compare: qry.Compare. Entities come from
// entities=E,E,... or from a= and b=.
func handleCompare(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	ents := q.list("entities")
	if len(ents) > 0 && (q.Get("a") != "" || q.Get("b") != "") {
		return reply{}, badRequest("give entities=E,E,... or a= and b=, not both")
	}
	if len(ents) == 0 {
		ents = []string{q.Get("a"), q.Get("b")}
	}
	res, err := qry.Compare(ctx, s.qs(gc), qry.CompareRequest{Entities: ents, Indicators: q.list("indicators"), Year: q.Get("year"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}

// handlePledges answers GET /api/pledges: qry.Pledges.
func handlePledges(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Pledges(ctx, s.qs(gc), qry.PledgesRequest{Entity: q.Get("entity"), MinYears: q.Get("min_years"),
		MinBelowPct: q.Get("min_below_pct"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}
