package api

import (
	"context"
	"net/http"

	qry "github.com/stocktake/stocktake/internal/query"
)

// handleRecent answers GET /api/events/recent: the records of the recent
// past found by any scan, first-load ones included, grouped into runs, and
// the latest record of each kind per vital sign (qry.Recent), the JSON of
// stocktake events --recent --json.
func handleRecent(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	lang, err := langParam(r)
	if err != nil {
		return reply{}, err
	}
	res, err := qry.Recent(ctx, s.st, qry.RecentRequest{Recent: q.Get("recent"), Indicator: q.Get("indicator"), Lang: lang})
	if err != nil {
		return reply{}, err
	}
	return jsonReply(res)
}
