package query

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/store"
)

// DefaultEventsLimit is the number of record events on a page when the
// request gives no limit; MaxEventsLimit is the largest page.
const (
	DefaultEventsLimit = 50
	MaxEventsLimit     = 1000
)

// EventsRequest asks for one page of record events, most recently updated
// first (stocktake events, GET /api/events). Fields hold the raw text of
// the flags or query parameters; "" means the default.
type EventsRequest struct {
	// Indicator keeps the events of these indicators: comma-separated
	// catalog ids without @VERSION (events come from each indicator's
	// default dataset); "" keeps all.
	Indicator string
	// Kind keeps the events of these kinds: comma-separated, among
	// alerts.EventKinds() (record kinds and the Paris threshold kinds such
	// as above-1.5-day); "" keeps all.
	Kind string
	// Since keeps events updated at or after this time: RFC 3339 or
	// YYYY-MM-DD (midnight UTC).
	Since string
	// Limit is the number of events per page, 1 to MaxEventsLimit
	// (default DefaultEventsLimit).
	Limit string
	// Cursor continues a previous page: its Next value.
	Cursor string
	// Historical includes the silent baseline events of each dataset's
	// first scan: true, 1 or yes; false, 0, no or "" exclude them.
	Historical string
}

// EventsResult is one page of events and the cursor of the next page (""
// on the last page).
type EventsResult struct {
	Events []alerts.Event
	Next   string
}

// JSON is the page's JSON shape, the same on both surfaces:
// {"events": [...], "next": cursor or null}.
func (r EventsResult) JSON() alerts.EventsPage { return alerts.NewEventsPage(r.Events, r.Next) }

// parse checks the request and returns the alerts query it asks.
func (req EventsRequest) parse() (alerts.Query, error) {
	var q alerts.Query
	for _, id := range strings.Split(req.Indicator, ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if strings.Contains(id, "@") {
			return q, invalid("{indicator=}%q: give indicator ids without @VERSION (events come from each indicator's default dataset)", id)
		}
		if _, err := catalog.Resolve(id); err != nil {
			return q, unknown("unknown indicator %q (see 'stocktake list')", id)
		}
		q.Indicators = append(q.Indicators, id)
	}
	for _, k := range strings.Split(req.Kind, ",") {
		k = strings.TrimSpace(k)
		if k == "" {
			continue
		}
		if !slices.Contains(alerts.EventKinds(), alerts.Kind(k)) {
			return q, invalid("{kind=}%q: want one or more of %s", k, alerts.EventKindsText())
		}
		q.Kinds = append(q.Kinds, alerts.Kind(k))
	}
	q.Limit = DefaultEventsLimit
	if req.Limit != "" {
		n, err := strconv.Atoi(req.Limit)
		if err != nil || n < 1 || n > MaxEventsLimit {
			return q, invalid("{limit=}%q: want an integer from 1 to %d", req.Limit, MaxEventsLimit)
		}
		q.Limit = n
	}
	if req.Cursor != "" {
		if !validCursor(req.Cursor) {
			return q, invalid("{cursor=}%q: want the next value of a previous page (<updated_at>/<id>)", req.Cursor)
		}
		q.Cursor = req.Cursor
	}
	if req.Since != "" {
		t, err := time.Parse(time.RFC3339, req.Since)
		if err != nil {
			t, err = time.Parse("2006-01-02", req.Since)
		}
		if err != nil {
			return q, invalid("{since=}%q: want an RFC 3339 time or YYYY-MM-DD", req.Since)
		}
		q.Since = t
	}
	switch strings.ToLower(req.Historical) {
	case "", "false", "0", "no":
	case "true", "1", "yes":
		q.Historical = true
	default:
		return q, invalid("{historical=}%q: want true or false", req.Historical)
	}
	return q, nil
}

// validCursor reports whether c has the form of a page's next cursor:
// "<updated_at>/<id>", an RFC 3339 time and a positive event id.
func validCursor(c string) bool {
	t, id, ok := strings.Cut(c, "/")
	if !ok {
		return false
	}
	if _, err := time.Parse(time.RFC3339Nano, t); err != nil {
		return false
	}
	n, err := strconv.ParseInt(id, 10, 64)
	return err == nil && n > 0
}

// Events answers an EventsRequest: one page of events.
func Events(ctx context.Context, st store.EventStore, req EventsRequest) (EventsResult, error) {
	q, err := req.parse()
	if err != nil {
		return EventsResult{}, err
	}
	evs, next, err := alerts.List(ctx, st, q)
	if err != nil {
		return EventsResult{}, err
	}
	return EventsResult{Events: evs, Next: next}, nil
}

// AllEvents answers an EventsRequest by following every page from the
// request's cursor to the last one (stocktake events --all): the events of
// all pages, in order, with Next "". Limit is the size of each page read.
// Pages are read one after another, not in one snapshot: the cursor only
// moves back in time, so no event appears twice, but an event updated
// while the pages are read moves ahead of the cursor and is left out (a
// new request lists it first).
func AllEvents(ctx context.Context, st store.EventStore, req EventsRequest) (EventsResult, error) {
	var all []alerts.Event
	for {
		page, err := Events(ctx, st, req)
		if err != nil {
			return EventsResult{}, err
		}
		all = append(all, page.Events...)
		if page.Next == "" {
			return EventsResult{Events: all}, nil
		}
		req.Cursor = page.Next
	}
}
