package alerts

import (
	"context"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestCatchUpRunsOncePerVersion ingests without the detection hook (as after
// a failed hook): CatchUp detects, records the version scanned, and a second
// CatchUp leaves it alone.
func TestCatchUpRunsOncePerVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, _ := catalog.DatasetByID("noaa-gml-co2-mlo-monthly")
	if _, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, ingest.Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	scan := func() (int64, time.Time) {
		id, at, ok, err := st.EventScan(ctx, ds.ID)
		if err != nil || !ok {
			t.Fatalf("no scan recorded: %v", err)
		}
		return id, at
	}
	if _, _, ok, err := st.EventScan(ctx, ds.ID); ok || err != nil {
		t.Fatalf("a scan before CatchUp (%v)", err)
	}
	if err := CatchUp(ctx, st, []catalog.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	v, _, _ := st.CurrentVersion(ctx, ds.ID)
	id, at := scan()
	if id != v.ID {
		t.Fatalf("scanned version %d, current %d", id, v.ID)
	}
	if evs, err := st.Events(ctx, store.EventFilter{Indicators: []string{"co2.mlo"}, Historical: true}); err != nil || len(evs) == 0 || !evs[0].Historical {
		t.Fatalf("no baseline events after CatchUp (%v)", err)
	}
	time.Sleep(2 * time.Millisecond)
	if err := CatchUp(ctx, st, []catalog.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	if _, at2 := scan(); !at2.Equal(at) {
		t.Fatalf("second CatchUp rescanned: %s -> %s", at, at2)
	}
}
