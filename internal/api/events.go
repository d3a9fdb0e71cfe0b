package api

import (
	"context"
	"net/http"

	"github.com/stocktake/stocktake/internal/alerts"

	qry "github.com/stocktake/stocktake/internal/query"
)

// handleEvents answers GET /api/events: one page of record events
// (qry.Events), {"events": [...], "next": cursor or null}, the JSON of
// stocktake events --json.
func handleEvents(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	res, err := qry.Events(ctx, s.st, qry.EventsRequest{Indicator: q.Get("indicator"), Since: q.Get("since"),
		Limit: q.Get("limit"), Cursor: q.Get("cursor"), Historical: q.Get("historical")})
	if err != nil {
		return reply{}, err
	}
	l, err := requestLang(r)
	if err != nil {
		return reply{}, err
	}
	res.Events = alerts.Localize(res.Events, l)
	return jsonReply(res.JSON())
}
