// Package watch runs stocktake's update loop: an update cycle (fetch, parse,
// store, record-event detection) at a fixed interval with jitter, for
// 'stocktake watch'. It sits above ingest and alerts, so that neither
// imports the other.
package watch

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
)

// Options configures Run.
type Options struct {
	Datasets []catalog.Dataset
	// Ingest is passed to ingest.Run on every cycle; its AfterIngest is
	// replaced by alerts.Hook(st, Deliverer).
	Ingest ingest.Options
	// Every is the interval between the starts of two cycles, spread by
	// ±Jitter (a fraction, default 0.1 = ±10%).
	Every  time.Duration
	Jitter float64
	// Deliverer, when not nil, is woken after each cycle.
	Deliverer *alerts.Deliverer
	// OnCycle, when not nil, receives each cycle's outcomes.
	OnCycle func([]ingest.Outcome, error)
	Logger  *slog.Logger
}

// Run runs an update cycle at once and then every opt.Every (± jitter)
// until ctx is done, and returns ctx's error. A failing dataset is reported
// in its outcome and in the store's fetch state (last failure and error),
// never blocks the others, and its last good data stay stored and served.
// Before the first cycle it runs alerts.CatchUp.
//
// Only one watcher per database works: a cycle runs only while this one
// holds the store's "watch" lease (Store.TryLease: a PostgreSQL advisory
// lock, so of several 'watch' processes on one PostgreSQL database one
// ingests and delivers and the others stand by, taking over when it
// stops). A standby retries the lease at every interval and does not call
// Options.OnCycle.
func Run(ctx context.Context, st *store.Store, opt Options) error {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Jitter <= 0 {
		opt.Jitter = 0.1
	}
	var lease *store.Lease
	defer func() { lease.Release() }()
	ing := opt.Ingest
	ing.AfterIngest = alerts.Hook(st, opt.Deliverer)
	for {
		if lease != nil && !lease.Held(ctx) {
			opt.Logger.Warn("watch lease lost; standing by")
			lease.Release()
			lease = nil
		}
		if lease == nil {
			l, ok, err := st.TryLease(ctx, "watch")
			switch {
			case err != nil:
				opt.Logger.Warn("taking the watch lease failed", "err", err)
			case !ok:
				opt.Logger.Info("another watch holds the lease; standing by")
			default:
				lease = l
				if err := alerts.CatchUp(ctx, st, opt.Datasets); err != nil {
					opt.Logger.Warn("alerts catch-up failed", "err", err)
				}
			}
		}
		if lease == nil { // standing by: no cycle, OnCycle not called
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(NextDelay(opt.Every, opt.Jitter)):
			}
			continue
		}
		outs, err := ingest.Run(ctx, st, opt.Datasets, ing)
		failed := 0
		for _, o := range outs {
			if o.Status == ingest.Failed {
				failed++
			}
		}
		opt.Logger.Info("watch cycle done", "datasets", len(outs), "failed", failed, "err", err)
		if opt.OnCycle != nil {
			opt.OnCycle(outs, err)
		}
		if opt.Deliverer != nil {
			opt.Deliverer.Notify()
		}
		wait := NextDelay(opt.Every, opt.Jitter)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
}

// NextDelay returns every spread uniformly by ±jitter (a fraction of every).
func NextDelay(every time.Duration, jitter float64) time.Duration {
	return time.Duration(float64(every) * (1 + jitter*(2*rand.Float64()-1)))
}
