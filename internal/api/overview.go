package api

import (
	"context"
	"net/http"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	qry "github.com/stocktake/stocktake/internal/query"
)

// The overview's types are defined with its question (internal/query).
type (
	Overview = qry.Overview
	Anomaly  = qry.Anomaly
	Change   = qry.Change
	Rise     = qry.Rise
	Sign     = qry.Sign
)

// memoSign is query.VitalSign, memoised in the cache by dataset (see genCache.signs)
// without its age, which is added for today; the dataset is recorded as a
// dependency either way.
func (s *Server) memoSign(ctx context.Context, gc *genCache, ref catalog.Ref, today *obs.Date) (Sign, bool, error) {
	recordDep(ctx, ref.Dataset.ID)
	k := signKey{dataset: ref.Dataset.ID, indicator: ref.Indicator.ID}
	gc.smu.Lock()
	m, hit := gc.signs[k]
	gc.smu.Unlock()
	if !hit {
		sg, ok, err := qry.VitalSign(ctx, s.qs(gc), ref, nil)
		if err != nil {
			return sg, ok, err
		}
		m = signMemo{sg, ok, sg.Latest.Date}
		if readsCurrent(ctx) {
			// Only a sign of the cache's own data version is memoised.
			gc.smu.Lock()
			gc.signs[k] = m
			gc.smu.Unlock()
		}
	}
	sg := m.sg
	if m.ok && today != nil {
		if last, err := obs.ParseDate(m.latest); err == nil {
			qry.WithAge(&sg, last, today)
		}
	}
	return sg, m.ok, nil
}

// handleOverview answers GET /api/overview (see Overview).
func handleOverview(s *Server, ctx context.Context, gc *genCache, r *http.Request, q query) (reply, error) {
	l, err := requestLang(r)
	if err != nil {
		return reply{}, err
	}
	now := obs.FromTime(s.opts.Now())
	today := &now
	if q.Has("v") {
		// The answer is sent as immutable: nothing in it may depend on the
		// current date.
		today = nil
	}
	refs := qry.VitalSigns()
	signs, ok := make([]Sign, len(refs)), make([]bool, len(refs))
	for i, ref := range refs {
		var err error
		if signs[i], ok[i], err = s.memoSign(ctx, gc, ref, today); err != nil {
			return reply{}, err
		}
	}
	return jsonReply(localizeOverview(qry.NewOverview(gc.version, today, signs, ok), l))
}
