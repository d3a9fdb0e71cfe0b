package watch

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestReplicas is the shared deployment in one process: two API servers
// (serve replicas) and two watchers, each with its own store handle (its
// own connection pool, as separate processes have) on one database. The
// producer publishes the world SST file twice (to 14 and then to 17 March
// 2023), with a webhook registered in between. Required: one dataset
// version per distinct file (no double ingest), each webhook message sent
// once (no double delivery), and both replicas giving the same answer,
// which includes the second file's days once it is in (the replicas see
// another process's ingest). On PostgreSQL exactly one watcher runs cycles
// (the advisory-lock lease); with SQLite, whose lease is per process, both
// may, and the store's serialised writers and delivery leases alone must
// keep the counts right.
func TestReplicas(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db := testutil.DB(t)
	open := func() *store.Store {
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	watchers := []*store.Store{open(), open()}
	replicas := []*store.Store{open(), open()}

	rows := sstRows(t)
	dir, n := t.TempDir(), 0
	put(t, dir, &n, sstPath, truncate(t, rows, day(2023, 3, 14)))
	producer := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer producer.Close()

	var mu sync.Mutex
	received := map[string]int{} // webhook-id → times received
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		received[r.Header.Get(alerts.HeaderWebhookID)]++
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	ds := dataset(t, "climate-reanalyzer-sst.world")
	wctx, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	cycles := make([]atomic.Int32, len(watchers))
	for i, st := range watchers {
		d := alerts.NewDeliverer(st, alerts.DelivererOptions{AllowPrivateTargets: true, Poll: 20 * time.Millisecond})
		wg.Add(2)
		go func() { defer wg.Done(); d.Run(wctx) }()
		go func() {
			defer wg.Done()
			Run(wctx, st, Options{
				Datasets: []catalog.Dataset{ds},
				Ingest: ingest.Options{
					Fetcher: fetch.New(fetch.Options{Retries: -1, Timeout: 10 * time.Second, AllowPrivateTargets: true}),
					URLFor:  func(f catalog.File) string { return producer.URL + "/" + f.Path },
				},
				Every: 30 * time.Millisecond, Deliverer: d,
				OnCycle: func([]ingest.Outcome, error) { cycles[i].Add(1) },
			})
		}()
	}
	defer func() { stop(); wg.Wait() }()

	// waitFor polls cond until it holds or the test's time runs out.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for !cond() {
			if ctx.Err() != nil {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	scanned := func(k int) func() bool {
		return func() bool {
			vs, err := replicas[0].Versions(ctx, ds.ID)
			if err != nil || len(vs) < k {
				return false
			}
			v, _, ok, err := replicas[0].EventScan(ctx, ds.ID)
			return err == nil && ok && v == vs[0].ID
		}
	}
	waitFor("the first file's ingest and baseline scan", scanned(1))

	servers := make([]*api.Server, len(replicas))
	for i, st := range replicas {
		servers[i] = api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler), CheckInterval: 20 * time.Millisecond,
			Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
		defer servers[i].Close()
	}
	const target = "/api/series/sst.world?from=2023-03-10"
	answer := func(s *api.Server) string {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body)
		}
		return rec.Body.String()
	}
	// Both replicas answer (and cache) the first file's data.
	for _, s := range servers {
		if a := answer(s); !strings.Contains(a, "2023-03-14") || strings.Contains(a, "2023-03-15") {
			t.Fatalf("first answer does not end on 14 March:\n%s", a)
		}
	}

	if _, err := alerts.AddWebhook(ctx, replicas[0], receiver.URL, nil, alerts.NewSecret(), true); err != nil {
		t.Fatal(err)
	}
	put(t, dir, &n, sstPath, truncate(t, rows, day(2023, 3, 17)))
	waitFor("the second file's ingest and scan", scanned(2))
	var dels []store.DeliveryRow
	waitFor("every delivery to be made", func() bool {
		var err error
		dels, err = replicas[1].Deliveries(ctx, 0)
		if err != nil || len(dels) == 0 {
			return false
		}
		for _, d := range dels {
			if d.State != "delivered" {
				return false
			}
		}
		return true
	})
	// Both replicas move to the new data and agree.
	var a0, a1 string
	waitFor("both replicas to serve the second file", func() bool {
		a0, a1 = answer(servers[0]), answer(servers[1])
		return strings.Contains(a0, "2023-03-17") && strings.Contains(a1, "2023-03-17")
	})
	if a0 != a1 {
		t.Errorf("the replicas disagree:\n%s\n%s", a0, a1)
	}
	time.Sleep(100 * time.Millisecond) // room for a second delivery or ingest, were there one
	stop()
	wg.Wait()

	vs, err := replicas[0].Versions(ctx, ds.ID)
	if err != nil || len(vs) != 2 {
		t.Errorf("%d versions of %s, want 2 (one per distinct file): %v", len(vs), ds.ID, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(received) != len(dels) {
		t.Errorf("the receiver got %d distinct messages, the outbox has %d deliveries", len(received), len(dels))
	}
	for id, k := range received {
		if k != 1 || id == "" {
			t.Errorf("message %q received %d times", id, k)
		}
	}
	c0, c1 := cycles[0].Load(), cycles[1].Load()
	if c0+c1 == 0 {
		t.Fatal("no watch cycle ran")
	}
	if testutil.Backend() == testutil.Postgres && c0 > 0 && c1 > 0 {
		t.Errorf("both watchers ran cycles (%d and %d): the lease let two leaders in", c0, c1)
	}
	t.Logf("%s: %d deliveries, watcher cycles %d and %d", testutil.Backend(), len(dels), c0, c1)
}
