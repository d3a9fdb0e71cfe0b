// Command store-bench measures the store against its floor and its scaling.
// It is a benchmark, not a test; run it with bench/store/run.sh.
//
//  1. Ingest: every catalog dataset of the shared data folder is ingested
//     end to end (read, parse, store: ingest.Run), then the stored rows are
//     ingested again through store.Ingest alone, and the same rows are
//     inserted into the same schema by the sqlite3 command-line shell (C
//     SQLite, multi-row INSERT statements in one transaction): the floor.
//     Record-event detection (alerts.Detect, the baseline scan of every
//     dataset) is timed on top.
//  2. Scaling: the stored data are copied at 1× and at 10× (nine synthetic
//     copies of every series placed in the years before it, so each series
//     spans ten times the years; and, for rank, nine synthetic copies of
//     every country), and list (Coverage), rank --year 2023 (one year of
//     the ranked countries) and a 1991–2020 climatology window are timed on
//     both. The windowed reads are compared with whole-series reads, which
//     is what the queries did before.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

func main() {
	data := flag.String("data", "", "shared data folder (../shared/data)")
	dir := flag.String("dir", os.TempDir(), "scratch folder for the databases")
	reps := flag.Int("reps", 15, "repetitions of each read; the median is reported")
	quick := flag.Bool("quick", false, "ingest once instead of three times (the ingest figures are then single runs)")
	flag.Parse()
	if *data == "" {
		fmt.Fprintln(os.Stderr, "usage: store-bench -data ../shared/data [-dir /tmp/x]")
		os.Exit(2)
	}
	if err := run(context.Background(), *data, *dir, *reps, *quick); err != nil {
		fmt.Fprintln(os.Stderr, "store-bench:", err)
		os.Exit(1)
	}
}

// dataset is one ingested dataset as stored: its series.
type dataset struct {
	id     string
	series []obs.Series
}

func run(ctx context.Context, data, dir string, reps int, quick bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fmt.Printf("machine: %d CPUs (nproc), %s, Go %s; %s; load %s\n", runtime.NumCPU(), cpuModel(), runtime.Version(), time.Now().UTC().Format(time.RFC3339), loadAvg())

	// 1. End-to-end ingest of the shared data, then detection; the fastest
	// of three runs (the machine may be shared).
	var ids []catalog.Dataset
	for _, ds := range catalog.Datasets() {
		if _, err := os.Stat(filepath.Join(data, ds.Files[0].Path)); err == nil {
			ids = append(ids, ds)
		}
	}
	var e2e, detect time.Duration
	var sets []dataset
	var rows int
	runs := 3
	if quick {
		runs = 1
	}
	for rep := 0; rep < runs; rep++ {
		e, d, s, r, err := endToEnd(ctx, filepath.Join(dir, "e2e.db"), data, ids)
		if err != nil {
			return err
		}
		if rep == 0 || e < e2e {
			e2e = e
		}
		if rep == 0 || d < detect {
			detect = d
		}
		sets, rows = s, r
	}
	var storeOnly, floor time.Duration
	for rep := 0; rep < runs; rep++ {
		// Store alone, the same rows.
		so, err := timeIngest(ctx, filepath.Join(dir, "storeonly.db"), sets)
		if err != nil {
			return err
		}
		// The floor: C SQLite, same schema, same rows.
		fl, err := sqliteFloor(ctx, dir, sets)
		if err != nil {
			return err
		}
		if rep == 0 || so < storeOnly {
			storeOnly = so
		}
		if rep == 0 || fl < floor {
			floor = fl
		}
	}
	fmt.Printf("\ningest of %d datasets, %d series, %d observations (fastest of %d runs)\n", len(sets), countSeries(sets), rows, runs)
	fmt.Printf("  %-44s %9s %7s\n", "method", "time", "ratio")
	line := func(name string, d time.Duration) {
		fmt.Printf("  %-44s %9s %6.1f×\n", name, d.Round(time.Millisecond), float64(d)/float64(floor))
	}
	line("sqlite3 CLI (C SQLite), floor", floor)
	line("store.Ingest (same rows)", storeOnly)
	line("ingest.Run (read + parse + store)", e2e)
	line("alerts.Detect (baseline scan, all datasets)", detect)
	line("ingest.Run + alerts.Detect", e2e+detect)

	// 2. Scaling.
	one := filepath.Join(dir, "x1.db")
	ten := filepath.Join(dir, "x10.db")
	tenEnt := filepath.Join(dir, "x10e.db")
	if _, err := timeIngest(ctx, one, sets); err != nil {
		return err
	}
	if _, err := timeIngest(ctx, ten, scaleYears(sets, 10)); err != nil {
		return err
	}
	if _, err := timeIngest(ctx, tenEnt, scaleEntities(sets, 10)); err != nil {
		return err
	}
	fmt.Printf("\nscaling (median of at least %d runs; 10× years: every series spans ten times the years; 10× entities: ten times the countries)\n", reps)
	fmt.Printf("  %-52s %10s %10s %10s %7s\n", "read", "1×", "10×", "", "ratio")
	co2, err := catalog.Resolve("co2.emissions")
	if err != nil {
		return err
	}
	sst, err := catalog.Resolve("sst.world")
	if err != nil {
		return err
	}
	var ranked []string
	for _, e := range national.Entities() {
		if e.Ranked() {
			ranked = append(ranked, e.Code)
		}
	}
	list := func(ctx context.Context, s *store.Store) (int, error) {
		c, err := s.Coverage(ctx)
		return len(c), err
	}
	rankWindow := func(ctx context.Context, s *store.Store) (int, error) {
		all, _, err := s.AllSeriesWindow(ctx, co2, store.Years(2023, 2023), ranked)
		return points(all), err
	}
	rankWhole := func(ctx context.Context, s *store.Store) (int, error) {
		all, _, err := s.AllSeries(ctx, co2)
		return points(all), err
	}
	climWindow := func(ctx context.Context, s *store.Store) (int, error) {
		se, _, err := s.SeriesWindow(ctx, sst.Dataset.ID, sst.Indicator.ID, "", store.Years(1991, 2020))
		return len(se.Points), err
	}
	climWhole := func(ctx context.Context, s *store.Store) (int, error) {
		se, _, err := s.Series(ctx, sst, "")
		return len(se.Points), err
	}
	for _, p := range []struct {
		name      string
		tenDB     string
		f         func(context.Context, *store.Store) (int, error)
		shouldFix bool
	}{
		{"list (Coverage from series summaries), 10× years", ten, list, true},
		{"list (Coverage from series summaries), 10× entities", tenEnt, list, false},
		{"rank --year 2023: ranked countries, one year, 10× years", ten, rankWindow, true},
		{"rank --year 2023: ranked countries, one year, 10× entities", tenEnt, rankWindow, true},
		{"  before: every country's whole series, 10× years", ten, rankWhole, false},
		{"climatology 1991-2020 of sst.world, 10× years", ten, climWindow, true},
		{"  before: the whole series, 10× years", ten, climWhole, false},
		{"query.Rank co2.emissions --year 2023, 10× years", ten, queryRank(co2, false), true},
		{"query.Rank co2.emissions --year 2023, 10× entities", tenEnt, queryRank(co2, false), true},
		{"  before: query.Rank from whole series, 10× years", ten, queryRank(co2, true), false},
		{"  before: query.Rank from whole series, 10× entities", tenEnt, queryRank(co2, true), false},
		{"query.Climatology sst.world 1991-2020, 10× years", ten, queryClim(false), true},
		{"  before: query.Climatology from the whole series", ten, queryClim(true), false},
	} {
		a, na, err := timeRead(ctx, one, reps, p.f)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		b, nb, err := timeRead(ctx, p.tenDB, reps, p.f)
		if err != nil {
			return fmt.Errorf("%s: %w", p.name, err)
		}
		fmt.Printf("  %-52s %10s %10s %10s %6.2f×\n", p.name, a.Round(time.Microsecond), b.Round(time.Microsecond), fmt.Sprintf("n=%d/%d", na, nb), float64(b)/float64(a))
	}
	ia, da, ra, err := timeUpdate(ctx, one, sets, sst.Dataset)
	if err != nil {
		return err
	}
	ib, db, rb, err := timeUpdate(ctx, ten, scaleYears(sets, 10), sst.Dataset)
	if err != nil {
		return err
	}
	fmt.Printf("  %-52s %10s %10s %10s %6.2f×\n", "update sst.world by one day: store.Ingest", ia.Round(time.Microsecond), ib.Round(time.Microsecond), "", float64(ib)/float64(ia))
	fmt.Printf("  %-52s %10s %10s %10s %6.2f×\n", "update sst.world by one day: alerts.Detect", da.Round(time.Microsecond), db.Round(time.Microsecond), "", float64(db)/float64(da))
	fmt.Printf("  %-52s %10s %10s %10s %6.2f×\n", "  of which: reading its series whole (as Detect does)", ra.Round(time.Microsecond), rb.Round(time.Microsecond), "", float64(rb)/float64(ra))
	return nil
}

// wholeStore answers the windowed reads of query.Store with whole series:
// what the questions read before they asked for windows.
type wholeStore struct{ *store.Store }

func (w wholeStore) SeriesWindow(ctx context.Context, dataset, indicator, entity string, _ store.Window) (obs.Series, store.Source, error) {
	return w.SeriesByID(ctx, dataset, indicator, entity)
}

func (w wholeStore) AllSeriesWindow(ctx context.Context, ref catalog.Ref, _ store.Window, _ []string) ([]obs.Series, store.Source, error) {
	return w.AllSeries(ctx, ref)
}

// queryStore is s itself, or s with whole-series windowed reads (before).
func queryStore(s *store.Store, before bool) query.Store {
	if before {
		return wholeStore{s}
	}
	return s
}

// queryRank times the question rank --year 2023 (query.Rank, every
// country) end to end; the count is the number of countries ranked.
func queryRank(ref catalog.Ref, before bool) func(context.Context, *store.Store) (int, error) {
	return func(ctx context.Context, s *store.Store) (int, error) {
		r, err := query.Rank(ctx, queryStore(s, before), query.RankRequest{ID: ref.Indicator.ID, Year: "2023", Top: "0"})
		return r.Result.Countries, err
	}
}

// queryClim times the question climatology sst.world --baseline 1991-2020
// (query.Climatology); the count is the number of values in the baseline.
func queryClim(before bool) func(context.Context, *store.Store) (int, error) {
	return func(ctx context.Context, s *store.Store) (int, error) {
		r, err := query.Climatology(ctx, queryStore(s, before), query.ClimatologyRequest{ID: "sst.world", Baseline: "1991-2020"})
		if err != nil {
			return 0, err
		}
		n := 0
		for _, sl := range r.Climatology.Slots {
			n += sl.N
		}
		return n, nil
	}
}

// timeUpdate scans the dataset's history for record events (untimed), then
// times an update that appends one day to each of its series: the ingest
// and the record-event detection that follows it; readTime is the part of
// detection's cost that reading the default indicators' whole series takes
// (timed separately, after detection).
func timeUpdate(ctx context.Context, path string, sets []dataset, ds catalog.Dataset) (ingestTime, detectTime, readTime time.Duration, err error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, 0, 0, err
	}
	defer st.Close()
	v, _, err := st.CurrentVersion(ctx, ds.ID)
	if err != nil {
		return 0, 0, 0, err
	}
	if _, _, err := alerts.Detect(ctx, st, ds, v.ID); err != nil {
		return 0, 0, 0, err
	}
	var series []obs.Series
	for _, d := range sets {
		if d.id != ds.ID {
			continue
		}
		for _, se := range d.series {
			last := se.Points[len(se.Points)-1]
			se.Points = append(se.Points[:len(se.Points):len(se.Points)], obs.Point{Date: last.Date + 1, Value: last.Value})
			series = append(series, se)
		}
	}
	t0 := time.Now()
	r, err := st.Ingest(ctx, store.VersionInfo{Dataset: ds.ID, SHA256: "update", Source: "bench"}, &obs.Parsed{Series: series}, store.Replace)
	if err != nil {
		return 0, 0, 0, err
	}
	ingestTime = time.Since(t0)
	t0 = time.Now()
	if _, _, err := alerts.Detect(ctx, st, ds, r.VersionID); err != nil {
		return 0, 0, 0, err
	}
	detectTime = time.Since(t0)
	t0 = time.Now()
	for _, ind := range ds.Indicators {
		if !ind.Default || ind.IsUncertainty() || ind.National {
			continue
		}
		if _, _, err := st.Series(ctx, catalog.Ref{Indicator: ind, Dataset: ds}, ""); err != nil && !errors.Is(err, store.ErrNotFound) {
			return 0, 0, 0, err
		}
	}
	return ingestTime, detectTime, time.Since(t0), nil
}

// endToEnd ingests the datasets from the mirror into a fresh database with
// ingest.Run, then runs the baseline record-event scan of each, and returns
// both times and the stored series.
func endToEnd(ctx context.Context, path, data string, ids []catalog.Dataset) (ingestTime, detectTime time.Duration, sets []dataset, rows int, err error) {
	removeDB(path)
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, 0, nil, 0, err
	}
	defer st.Close()
	t0 := time.Now()
	outs, err := ingest.Run(ctx, st, ids, ingest.Options{Mirror: data})
	if err != nil {
		return 0, 0, nil, 0, err
	}
	ingestTime = time.Since(t0)
	for _, o := range outs {
		if o.Status != ingest.Ingested {
			return 0, 0, nil, 0, fmt.Errorf("%s: %s %s", o.Dataset, o.Status, o.Error)
		}
	}
	t0 = time.Now()
	for _, ds := range ids {
		v, _, err := st.CurrentVersion(ctx, ds.ID)
		if err != nil {
			return 0, 0, nil, 0, err
		}
		if _, _, err := alerts.Detect(ctx, st, ds, v.ID); err != nil {
			return 0, 0, nil, 0, err
		}
	}
	detectTime = time.Since(t0)
	sets, rows, err = readBack(ctx, st)
	return ingestTime, detectTime, sets, rows, err
}

func points(ss []obs.Series) int {
	n := 0
	for _, s := range ss {
		n += len(s.Points)
	}
	return n
}

func countSeries(sets []dataset) int {
	n := 0
	for _, d := range sets {
		n += len(d.series)
	}
	return n
}

// readBack returns every stored series of every dataset.
func readBack(ctx context.Context, st *store.Store) ([]dataset, int, error) {
	sums, err := st.Summaries(ctx, "")
	if err != nil {
		return nil, 0, err
	}
	var out []dataset
	rows := 0
	for _, m := range sums {
		se, _, err := st.SeriesByID(ctx, m.Dataset, m.Indicator, m.Entity)
		if err != nil {
			return nil, 0, err
		}
		if len(out) == 0 || out[len(out)-1].id != m.Dataset {
			out = append(out, dataset{id: m.Dataset})
		}
		out[len(out)-1].series = append(out[len(out)-1].series, se)
		rows += len(se.Points)
	}
	return out, rows, nil
}

// timeIngest creates a fresh database at path and times store.Ingest of
// every dataset (one transaction each) and closing the database.
func timeIngest(ctx context.Context, path string, sets []dataset) (time.Duration, error) {
	removeDB(path)
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	for _, d := range sets {
		if _, err := st.Ingest(ctx, store.VersionInfo{Dataset: d.id, SHA256: "bench", Source: "bench"}, &obs.Parsed{Series: d.series}, store.Replace); err != nil {
			st.Close()
			return 0, fmt.Errorf("%s: %w", d.id, err)
		}
	}
	// Closing checkpoints the WAL into the database file, as the sqlite3
	// shell does when it exits: both times include it.
	if err := st.Close(); err != nil {
		return 0, err
	}
	return time.Since(t0), nil
}

// sqliteFloor writes the rows as SQL (not timed) and times the sqlite3 shell
// loading them into a database with the same (migrated) schema.
func sqliteFloor(ctx context.Context, dir string, sets []dataset) (time.Duration, error) {
	path := filepath.Join(dir, "floor.db")
	removeDB(path)
	st, err := store.Open(ctx, path) // the same schema, by the same migrations
	if err != nil {
		return 0, err
	}
	st.Close()
	sqlPath := filepath.Join(dir, "floor.sql")
	f, err := os.Create(sqlPath)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	fmt.Fprintln(w, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; BEGIN;")
	seriesID := 0
	for vi, d := range sets {
		vid := vi + 1
		fmt.Fprintf(w, "INSERT INTO dataset_versions (id, dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, row_count, current) VALUES (%d, '%s', '', 'bench', 'bench', 0, '', '', 0, 1);\n", vid, d.id)
		for _, se := range d.series {
			seriesID++
			fmt.Fprintf(w, "INSERT INTO series (id, dataset, indicator, entity, unit, frequency, first_date, last_date, n, version_id) VALUES (%d, '%s', '%s', '%s', '%s', '%s', %d, %d, %d, %d);\n",
				seriesID, d.id, se.Indicator, se.Entity, strings.ReplaceAll(se.Unit, "'", "''"), se.Frequency, se.Points[0].Date, se.Points[len(se.Points)-1].Date, len(se.Points), vid)
			for lo := 0; lo < len(se.Points); lo += 200 {
				w.WriteString("INSERT INTO observations (series_id, date, value, version_id) VALUES ")
				for i, p := range se.Points[lo:min(lo+200, len(se.Points))] {
					if i > 0 {
						w.WriteString(",")
					}
					fmt.Fprintf(w, "(%d,%d,%s,%d)", seriesID, p.Date, formatFloat(p.Value), vid)
				}
				w.WriteString(";\n")
			}
		}
	}
	fmt.Fprintln(w, "COMMIT;")
	if err := w.Flush(); err != nil {
		return 0, err
	}
	f.Close()
	in, err := os.Open(sqlPath)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	cmd := exec.CommandContext(ctx, "sqlite3", path)
	cmd.Stdin = in
	cmd.Stderr = os.Stderr
	t0 := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("sqlite3: %w (apt-get install sqlite3)", err)
	}
	return time.Since(t0), nil
}

func formatFloat(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.17g", v)
}

// scaleYears returns the datasets with k-1 synthetic copies of every series
// placed in the years before it, so each series spans k times the years.
func scaleYears(sets []dataset, k int) []dataset {
	out := make([]dataset, len(sets))
	for i, d := range sets {
		out[i] = dataset{id: d.id}
		for _, se := range d.series {
			first, last := se.Points[0].Date.Year(), se.Points[len(se.Points)-1].Date.Year()
			span := last - first + 1
			big := se
			big.Points = nil
			for c := k - 1; c >= 0; c-- {
				prev := obs.Date(math.MinInt32)
				for _, p := range se.Points {
					y, m, dd := p.Date.YMD()
					if m == 2 && dd == 29 && !leap(y-c*span) {
						continue
					}
					nd := obs.NewDate(y-c*span, m, dd)
					if nd <= prev {
						continue
					}
					prev = nd
					big.Points = append(big.Points, obs.Point{Date: nd, Value: p.Value})
				}
			}
			out[i].series = append(out[i].series, big)
		}
	}
	return out
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// scaleEntities returns the datasets with k-1 synthetic copies of every
// national series under made-up entity codes (which no ranking includes).
func scaleEntities(sets []dataset, k int) []dataset {
	out := make([]dataset, len(sets))
	for i, d := range sets {
		out[i] = dataset{id: d.id, series: append([]obs.Series(nil), d.series...)}
		for _, se := range d.series {
			if se.Entity == "" {
				continue
			}
			for c := 1; c < k; c++ {
				cp := se
				cp.Entity = fmt.Sprintf("SYN%d_%s", c, se.Entity)
				out[i].series = append(out[i].series, cp)
			}
		}
	}
	return out
}

// timeRead opens the database and returns the median time of reps calls of
// f and the size of its answer.
func timeRead(ctx context.Context, path string, reps int, f func(context.Context, *store.Store) (int, error)) (time.Duration, int, error) {
	st, err := store.Open(ctx, path)
	if err != nil {
		return 0, 0, err
	}
	defer st.Close()
	if _, err := f(ctx, st); err != nil { // warm the page cache
		return 0, 0, err
	}
	var ds []time.Duration
	n := 0
	start := time.Now()
	// At least reps runs; fast reads run for up to half a second more
	// (at most 201 runs), since their times are in microseconds.
	for i := 0; i < reps || (i < 201 && time.Since(start) < 500*time.Millisecond); i++ {
		t0 := time.Now()
		if n, err = f(ctx, st); err != nil {
			return 0, 0, err
		}
		ds = append(ds, time.Since(t0))
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], n, nil
}

func removeDB(path string) {
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suf)
	}
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:3], " ")
}
