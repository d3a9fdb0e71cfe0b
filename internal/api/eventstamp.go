package api

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/stocktake/stocktake/internal/store"
)

// Stored record events change without a new data version: detection writes
// them after the ingest that caused them (another process's ingest is seen
// here, through the data version, before its detection has committed), and
// catch-up runs retract or reinstate events with no new version at all. A
// cached answer that embeds stored events (route.events: /api/warming's
// days_by_year[].latest_event) is therefore keyed by the events stamp as
// well as by the data version, so that it is recomputed, not served stale
// until the next ingest, once the events it shows have changed; it then
// agrees with /api/events, which is computed on every request.

// eventStamp is the server's view of the stored events: the stamp and when
// it was last read.
type eventStamp struct {
	stamp    atomic.Pointer[string]
	checked  atomic.Int64 // Unix ns of the last read; 0 forces a read
	checking atomic.Bool  // a request is re-reading it
}

// eventsStamp returns a text that changes whenever a stored event is
// inserted, updated, retracted or reinstated: the update time and id of the
// most recently updated event (every such write sets updated_at, and events
// are never deleted), "none" when there is none. It is re-read at most once
// per Options.CheckInterval, as the data version is (and at once after
// Invalidate); one request at a time re-reads, the others use the last
// stamp. A failed read keeps the last stamp and is logged.
func (s *Server) eventsStamp(ctx context.Context) string {
	es := &s.events
	now := time.Now().UnixNano()
	if last := es.stamp.Load(); last != nil && (now-es.checked.Load() < int64(s.opts.CheckInterval) || !es.checking.CompareAndSwap(false, true)) {
		return *last
	} else if last != nil {
		defer es.checking.Store(false)
	}
	rows, err := s.st.Events(ctx, store.EventFilter{Historical: true, Limit: 1})
	es.checked.Store(now)
	if err != nil {
		s.log.Error("reading the newest stored event", "err", err)
		if last := es.stamp.Load(); last != nil {
			return *last
		}
		return "unread"
	}
	stamp := "none"
	if len(rows) == 1 {
		stamp = strconv.FormatInt(rows[0].UpdatedAt.UnixNano(), 10) + "." + strconv.FormatInt(rows[0].ID, 10)
	}
	es.stamp.Store(&stamp)
	return stamp
}
