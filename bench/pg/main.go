// Command pg compares the PostgreSQL store with the SQLite one in the same
// run: ingest of ../shared/data (ingest.Run, then the record-event baseline
// scan alerts.CatchUp) and the API endpoints, cold (a new server, nothing
// cached, so the store is read) and warm (the cached answer). It prints
// markdown tables with the PostgreSQL/SQLite ratios.
//
// With -serve it instead starts a throwaway PostgreSQL cluster, ingests the
// shared data into it, prints the database URL on stdout and waits until
// stdin closes (bench/pg/run.sh uses that for the replica benchmark).
//
// Usage: go run ./bench/pg -data ../shared/data [-runs 3] [-reps 7]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// endpoints are the API requests compared; they read whole series,
// windows, rankings, listings and events.
var endpoints = []string{
	"/api/indicators",
	"/api/series/sst.world?from=2024-01",
	"/api/series/seaice.south",
	"/api/series/co2.emissions?entity=chn",
	"/api/rank/co2.emissions?year=2023",
	"/api/climatology/seaice.north",
	"/api/records/sst.world?on=2023-08-21",
	"/api/events?limit=50",
}

func main() {
	data := flag.String("data", "", "shared data folder (../shared/data)")
	runs := flag.Int("runs", 3, "ingest runs per backend (alternated); the fastest is reported")
	reps := flag.Int("reps", 7, "repetitions of each request; the median is reported")
	serve := flag.Bool("serve", false, "start a cluster, ingest, print the URL, wait for stdin to close")
	flag.Parse()
	if *data == "" {
		log.Fatal("-data is required")
	}
	ctx := context.Background()
	newDB, stop, err := testutil.StartPostgres()
	if err != nil {
		log.Fatal(err)
	}
	defer stop()
	if *serve {
		dsn, err := newDB()
		if err != nil {
			log.Fatal(err)
		}
		if _, _, err := load(ctx, dsn, *data); err != nil {
			log.Fatal(err)
		}
		fmt.Println(dsn)
		io.Copy(io.Discard, os.Stdin)
		return
	}
	dir, err := os.MkdirTemp("", "stocktake-bench-pg")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	names := []string{"SQLite", "PostgreSQL"}
	best := [2][2]time.Duration{} // backend × (ingest, ingest+scan)
	var stores [2]*store.Store
	for r := 0; r < *runs; r++ {
		for b := range 2 {
			db := filepath.Join(dir, fmt.Sprintf("r%d.db", r))
			if b == 1 {
				if db, err = newDB(); err != nil {
					log.Fatal(err)
				}
			}
			st, times, err := load(ctx, db, *data)
			if err != nil {
				log.Fatal(err)
			}
			for k := range 2 {
				if best[b][k] == 0 || times[k] < best[b][k] {
					best[b][k] = times[k]
				}
			}
			if stores[b] != nil {
				stores[b].Close()
			}
			stores[b] = st
		}
	}
	fmt.Printf("Ingest of the shared data, fastest of %d runs per backend (alternated):\n\n", *runs)
	fmt.Println("| step | SQLite | PostgreSQL | PostgreSQL/SQLite |")
	fmt.Println("|---|---|---|---|")
	for k, what := range []string{"`ingest.Run` (read, parse, check, store)", "`ingest.Run` + `alerts.CatchUp` (baseline record-event scan)"} {
		fmt.Printf("| %s | %s | %s | %.2f× |\n", what, round(best[0][k]), round(best[1][k]), float64(best[1][k])/float64(best[0][k]))
	}

	fmt.Printf("\nAPI requests, median of %d (cold: a new server, nothing cached; warm: the cached answer):\n\n", *reps)
	fmt.Println("| request | SQLite cold | PostgreSQL cold | ratio | SQLite warm | PostgreSQL warm | ratio |")
	fmt.Println("|---|---|---|---|---|---|---|")
	now := func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }
	for _, target := range endpoints {
		var cold, warm [2]time.Duration
		for b := range 2 {
			var cs, ws []time.Duration
			for range *reps {
				srv := api.NewServer(stores[b], api.Options{Version: "bench", Now: now, Logger: slog.New(slog.DiscardHandler)})
				d, code := timeGet(srv, target)
				if code != http.StatusOK {
					log.Fatalf("%s on %s: status %d", target, names[b], code)
				}
				cs = append(cs, d)
				w, _ := timeGet(srv, target)
				ws = append(ws, w)
				srv.Close()
			}
			cold[b], warm[b] = median(cs), median(ws)
		}
		fmt.Printf("| `%s` | %s | %s | %.2f× | %s | %s | %.2f× |\n", target, round(cold[0]), round(cold[1]), float64(cold[1])/float64(cold[0]),
			round(warm[0]), round(warm[1]), float64(warm[1])/float64(warm[0]))
	}
	for _, st := range stores {
		st.Close()
	}
}

// load opens db, ingests the shared data and runs the baseline scan, and
// returns the store and the two times.
func load(ctx context.Context, db, data string) (*store.Store, [2]time.Duration, error) {
	var times [2]time.Duration
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, times, err
	}
	t0 := time.Now()
	outs, err := ingest.Run(ctx, st, catalog.Datasets(), ingest.Options{Mirror: data})
	if err != nil {
		return nil, times, err
	}
	for _, o := range outs {
		if o.Status == ingest.Failed {
			return nil, times, fmt.Errorf("ingest %s: %s", o.Dataset, o.Error)
		}
	}
	times[0] = time.Since(t0)
	t1 := time.Now()
	if err := alerts.CatchUp(ctx, st, catalog.Datasets()); err != nil {
		return nil, times, err
	}
	times[1] = times[0] + time.Since(t1)
	return st, times, nil
}

func timeGet(h http.Handler, target string) (time.Duration, int) {
	rec := httptest.NewRecorder()
	t0 := time.Now()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return time.Since(t0), rec.Code
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000)
	default:
		return fmt.Sprintf("%d µs", d.Microseconds())
	}
}
