package alerts

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
)

// Hook returns an ingest.Options.AfterIngest hook that runs Detect and then
// wakes d (when not nil) so queued webhooks go out at once. It is the one
// line 'stocktake update' needs:
//
//	opts.AfterIngest = alerts.Hook(st, nil)
func Hook(st *store.Store, d *Deliverer) func(ctx context.Context, ds catalog.Dataset, versionID int64) error {
	return func(ctx context.Context, ds catalog.Dataset, versionID int64) error {
		_, _, err := Detect(ctx, st, ds, versionID)
		if d != nil {
			d.Notify()
		}
		return err
	}
}

// CatchUp runs Detect on the current version of every dataset whose last
// completed detection was for another version (or never ran), so that
// datasets ingested without the hook, or whose hook failed, get their
// baseline or their missed events. Datasets already scanned at their current
// version cost one query. It is idempotent.
func CatchUp(ctx context.Context, st *store.Store, datasets []catalog.Dataset) error {
	for _, ds := range datasets {
		v, ok, err := st.CurrentVersion(ctx, ds.ID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		var scanned int64
		err = st.DB().QueryRowContext(ctx, "SELECT version_id FROM alert_scans WHERE dataset = ?", ds.ID).Scan(&scanned)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if scanned == v.ID {
			continue
		}
		if _, _, err := Detect(ctx, st, ds, v.ID); err != nil {
			return err
		}
	}
	return nil
}

// WatchOptions configures Watch.
type WatchOptions struct {
	Datasets []catalog.Dataset
	// Ingest is passed to ingest.Run on every cycle; its AfterIngest is
	// replaced by Hook(st, Deliverer).
	Ingest ingest.Options
	// Every is the interval between the starts of two cycles, spread by
	// ±Jitter (a fraction, default 0.1 = ±10%).
	Every  time.Duration
	Jitter float64
	// Deliverer, when not nil, is woken after each cycle.
	Deliverer *Deliverer
	// OnCycle, when not nil, receives each cycle's outcomes.
	OnCycle func([]ingest.Outcome, error)
	Logger  *slog.Logger
}

// Watch runs an update cycle at once and then every opt.Every (± jitter)
// until ctx is done, and returns ctx's error. A failing dataset is reported
// in its outcome and in the store's fetch state (last failure and error),
// never blocks the others, and its last good data stay stored and served.
// Before the first cycle it runs CatchUp.
func Watch(ctx context.Context, st *store.Store, opt WatchOptions) error {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Jitter <= 0 {
		opt.Jitter = 0.1
	}
	if err := CatchUp(ctx, st, opt.Datasets); err != nil {
		opt.Logger.Warn("alerts catch-up failed", "err", err)
	}
	ing := opt.Ingest
	ing.AfterIngest = Hook(st, opt.Deliverer)
	for {
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
