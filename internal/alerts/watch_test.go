package alerts

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestWatchFailingProducer: two producers; in the second cycle one answers
// 500. The other is still updated (and its events detected), the failure is
// recorded per dataset, the failing dataset's data stay served, and the
// HTTP handlers answer throughout.
func TestWatchFailingProducer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st := openStore(t, filepath.Join(t.TempDir(), "st.db"))
	defer st.Close()
	rows := loadSST(t)
	m := newMirror(t)
	m.put(t, sstPath, truncate(t, rows, day(2023, 3, 14)))
	sea := dataset(t, "nsidc-g02135-south-v3")
	m.put(t, sea.Files[0].Path, testutil.ReadShared(t, sea.Files[0].Path))
	var failSea atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failSea.Load() && strings.Contains(r.URL.Path, "nsidc") {
			http.Error(w, "maintenance", http.StatusInternalServerError)
			return
		}
		http.FileServer(http.Dir(m.dir)).ServeHTTP(w, r)
	}))
	defer srv.Close()
	m.srv = srv
	api := httptest.NewServer(Handler(st, HTTPOptions{}))
	defer api.Close()
	var served, refused atomic.Int32
	go func() {
		for ctx.Err() == nil {
			resp, err := http.Get(api.URL + "/api/events?limit=5")
			if err == nil {
				if resp.StatusCode == 200 {
					served.Add(1)
				} else {
					refused.Add(1)
				}
				resp.Body.Close()
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()

	var cycles [][]ingest.Outcome
	wctx, stop := context.WithCancel(ctx)
	err := Watch(wctx, st, WatchOptions{
		Datasets: []catalog.Dataset{dataset(t, "climate-reanalyzer-sst.world"), sea},
		Ingest:   m.options(nil),
		Every:    20 * time.Millisecond,
		OnCycle: func(outs []ingest.Outcome, err error) {
			if err != nil {
				t.Errorf("cycle %d: %v", len(cycles)+1, err)
			}
			cycles = append(cycles, outs)
			if len(cycles) == 1 {
				// Before the second cycle: SST gets new days, NSIDC breaks.
				m.put(t, sstPath, truncate(t, rows, day(2023, 3, 17)))
				failSea.Store(true)
			} else {
				stop()
			}
		},
	})
	if err != context.Canceled {
		t.Fatalf("Watch returned %v", err)
	}
	if len(cycles) != 2 {
		t.Fatalf("%d cycles", len(cycles))
	}
	for i, want := range [][2]ingest.Status{{ingest.Ingested, ingest.Ingested}, {ingest.Ingested, ingest.Failed}} {
		if cycles[i][0].Status != want[0] || cycles[i][1].Status != want[1] {
			t.Errorf("cycle %d: %+v, want %v", i+1, cycles[i], want)
		}
	}
	fs, err := st.GetFetchState(ctx, sea.ID)
	if err != nil || fs.LastSuccess.IsZero() || fs.LastFailure.Before(fs.LastSuccess) || !strings.Contains(fs.LastError, "500") {
		t.Errorf("NSIDC fetch state %+v %v", fs, err)
	}
	if fs, _ := st.GetFetchState(ctx, "climate-reanalyzer-sst.world"); fs.LastSuccess.IsZero() || fs.LastError != "" {
		t.Errorf("SST fetch state %+v", fs)
	}
	r, _ := catalog.Resolve("seaice.south")
	se, _, err := st.Series(ctx, r, "")
	if err != nil || len(se.Points) < 10000 || se.Points[len(se.Points)-1].Date < obs.NewDate(2025, 1, 1) {
		t.Errorf("Antarctic data after the failed cycle: %d points, %v", len(se.Points), err)
	}
	evs, _, err := List(ctx, st, Query{Indicators: []string{"sst.world"}})
	if err != nil || !kinds(evs)["record-all-time 2023-03-16"] {
		t.Errorf("SST events after the second cycle: %v %v", kinds(evs), err)
	}
	cancel()
	if served.Load() == 0 || refused.Load() != 0 {
		t.Errorf("API answered %d times, refused %d", served.Load(), refused.Load())
	}
}

// TestCatchUpRunsOncePerVersion ingests without the detection hook (as after
// a failed hook): CatchUp detects, records the version scanned, and a second
// CatchUp leaves it alone.
func TestCatchUpRunsOncePerVersion(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, _ := catalog.DatasetByID("noaa-gml-co2-mlo-monthly")
	if _, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, ingest.Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	scan := func() (int64, string) {
		var id int64
		var at string
		if err := st.DB().QueryRowContext(ctx, "SELECT version_id, scanned_at FROM alert_scans WHERE dataset = ?", ds.ID).Scan(&id, &at); err != nil {
			t.Fatal(err)
		}
		return id, at
	}
	var n int
	st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM alert_scans").Scan(&n)
	if n != 0 {
		t.Fatalf("%d scans before CatchUp", n)
	}
	if err := CatchUp(ctx, st, []catalog.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	v, _, _ := st.CurrentVersion(ctx, ds.ID)
	id, at := scan()
	if id != v.ID {
		t.Fatalf("scanned version %d, current %d", id, v.ID)
	}
	st.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM events WHERE dataset = ? AND historical = 1", ds.ID).Scan(&n)
	if n == 0 {
		t.Fatal("no baseline events after CatchUp")
	}
	time.Sleep(2 * time.Millisecond)
	if err := CatchUp(ctx, st, []catalog.Dataset{ds}); err != nil {
		t.Fatal(err)
	}
	if _, at2 := scan(); at2 != at {
		t.Fatalf("second CatchUp rescanned: %s -> %s", at, at2)
	}
}
