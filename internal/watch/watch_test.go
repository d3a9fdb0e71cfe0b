package watch

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestMain runs the package's tests on SQLite and, when PostgreSQL testing
// is on, again on PostgreSQL (testutil.RunBackends).
func TestMain(m *testing.M) { os.Exit(testutil.RunBackends(m, testutil.Options{})) }

const sstPath = "climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json"

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// sstRows is the Climate Reanalyzer world SST file of the shared data, kept
// generic so that truncated copies keep every field.
func sstRows(t *testing.T) []map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal(testutil.ReadShared(t, sstPath), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// truncate returns the file as published on the day `last`: later years
// dropped, later days of last's year null, non-year rows other than the
// climatologies ("1991-2020") dropped.
func truncate(t *testing.T, rows []map[string]any, last time.Time) []byte {
	t.Helper()
	var out []map[string]any
	for _, r := range rows {
		name, _ := r["name"].(string)
		y, err := strconv.Atoi(name)
		if len(name) != 4 || err != nil {
			if len(name) == 9 {
				out = append(out, r)
			}
			continue
		}
		if y > last.Year() {
			continue
		}
		if y == last.Year() {
			c := map[string]any{}
			for k, v := range r {
				c[k] = v
			}
			data := slices.Clone(r["data"].([]any))
			for i := last.YearDay(); i < len(data); i++ {
				data[i] = nil
			}
			c["data"] = data
			r = c
		}
		out = append(out, r)
	}
	b, err := json.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// put writes a file into the mirror folder with a modification time one
// hour later than the previous one, so conditional requests see changes.
func put(t *testing.T, dir string, n *int, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	*n++
	mt := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(*n) * time.Hour)
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func dataset(t *testing.T, id string) catalog.Dataset {
	t.Helper()
	ds, ok := catalog.DatasetByID(id)
	if !ok {
		t.Fatalf("no dataset %s", id)
	}
	return ds
}

// TestWatchFailingProducer: two producers; in the second cycle one answers
// 500. The other is still updated (and its events detected), the failure is
// recorded per dataset, the failing dataset's data stay served, and the
// HTTP handlers answer throughout.
func TestWatchFailingProducer(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rows := sstRows(t)
	dir, n := t.TempDir(), 0
	put(t, dir, &n, sstPath, truncate(t, rows, day(2023, 3, 14)))
	sea := dataset(t, "nsidc-g02135-south-v3")
	put(t, dir, &n, sea.Files[0].Path, testutil.ReadShared(t, sea.Files[0].Path))
	var failSea atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if failSea.Load() && strings.Contains(r.URL.Path, "nsidc") {
			http.Error(w, "maintenance", http.StatusInternalServerError)
			return
		}
		http.FileServer(http.Dir(dir)).ServeHTTP(w, r)
	}))
	defer srv.Close()
	api := httptest.NewServer(alerts.Handler(st, alerts.HTTPOptions{}))
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
	err = Run(wctx, st, Options{
		Datasets: []catalog.Dataset{dataset(t, "climate-reanalyzer-sst.world"), sea},
		Ingest: ingest.Options{
			Fetcher: fetch.New(fetch.Options{Retries: -1, Timeout: 10 * time.Second, AllowPrivateTargets: true}),
			URLFor:  func(f catalog.File) string { return srv.URL + "/" + f.Path },
		},
		Every: 20 * time.Millisecond,
		OnCycle: func(outs []ingest.Outcome, err error) {
			if err != nil {
				t.Errorf("cycle %d: %v", len(cycles)+1, err)
			}
			cycles = append(cycles, outs)
			if len(cycles) == 1 {
				// Before the second cycle: SST gets new days, NSIDC breaks.
				put(t, dir, &n, sstPath, truncate(t, rows, day(2023, 3, 17)))
				failSea.Store(true)
			} else {
				stop()
			}
		},
	})
	if err != context.Canceled {
		t.Fatalf("Run returned %v", err)
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
	evs, _, err := alerts.List(ctx, st, alerts.Query{Indicators: []string{"sst.world"}})
	found := false
	for _, e := range evs {
		found = found || (e.Kind == alerts.AllTime && e.Date == "2023-03-16")
	}
	if err != nil || !found {
		t.Errorf("SST events after the second cycle: no record-all-time on 2023-03-16 in %d events (%v)", len(evs), err)
	}
	cancel()
	if served.Load() == 0 || refused.Load() != 0 {
		t.Errorf("API answered %d times, refused %d", served.Load(), refused.Load())
	}
}
