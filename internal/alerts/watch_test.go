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
