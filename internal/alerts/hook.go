package alerts

import (
	"context"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/store"
)

// Hook returns an ingest.Options.AfterIngest hook that runs Detect and then
// wakes d (when not nil) so queued webhooks go out at once. It is the one
// line 'stocktake update' needs:
//
//	opts.AfterIngest = alerts.Hook(st, nil)
func Hook(st store.EventStore, d *Deliverer) func(ctx context.Context, ds catalog.Dataset, versionID int64) error {
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
func CatchUp(ctx context.Context, st store.EventStore, datasets []catalog.Dataset) error {
	for _, ds := range datasets {
		v, ok, err := st.CurrentVersion(ctx, ds.ID)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		scanned, _, ok, err := st.EventScan(ctx, ds.ID)
		if err != nil {
			return err
		}
		if err := catchUpThresholds(ctx, st, ds, v.ID); err != nil { // thresholds.go
			return err
		}
		if ok && scanned == v.ID {
			continue
		}
		if _, _, err := Detect(ctx, st, ds, v.ID); err != nil {
			return err
		}
	}
	return nil
}
