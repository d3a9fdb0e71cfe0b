package alerts

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

const sstPath = "climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json"

// reanalyzerRows is a Climate Reanalyzer daily JSON file, kept generic so
// that truncated copies keep every field.
type reanalyzerRow map[string]any

// sstRows holds the world SST file parsed once per test process (see
// loadSST).
var sstRows struct {
	once sync.Once
	rows []reanalyzerRow
	err  error
}

// loadSST returns the rows of the shared world SST file. The file is parsed
// once per test process and the same rows are returned to every caller,
// which must treat them as read-only (truncate and dailyValues copy what
// they change).
func loadSST(t testing.TB) []reanalyzerRow {
	t.Helper()
	data := testutil.ReadShared(t, sstPath)
	sstRows.once.Do(func() {
		sstRows.err = json.Unmarshal(data, &sstRows.rows)
	})
	if sstRows.err != nil {
		t.Fatalf("%s: %v", sstPath, sstRows.err)
	}
	return sstRows.rows
}

// truncate returns the file as it would have been published on the day
// `last`: later years dropped, later days of last's year set to null (day
// count from 1 January), the Preliminary row dropped.
func truncate(t testing.TB, rows []reanalyzerRow, last time.Time) []byte {
	t.Helper()
	var out []reanalyzerRow
	for _, r := range rows {
		name, _ := r["name"].(string)
		y, err := strconv.Atoi(name)
		if len(name) != 4 || err != nil {
			if len(name) == 9 { // climatology rows "1991-2020"
				out = append(out, r)
			}
			continue
		}
		if y > last.Year() {
			continue
		}
		if y == last.Year() {
			c := reanalyzerRow{}
			for k, v := range r {
				c[k] = v
			}
			data := slices.Clone(r["data"].([]any))
			for i := last.YearDay(); i < len(data); i++ { // YearDay is 1-based: index YearDay-1 is `last`
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

// dailyValues reads the year rows of the file into date -> value, by day
// count from 1 January, independently of the production parser.
func dailyValues(rows []reanalyzerRow, last time.Time) map[time.Time]float64 {
	out := map[time.Time]float64{}
	for _, r := range rows {
		name, _ := r["name"].(string)
		y, err := strconv.Atoi(name)
		if len(name) != 4 || err != nil {
			continue
		}
		for i, v := range r["data"].([]any) {
			d := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i)
			if f, ok := v.(float64); ok && d.Year() == y && !d.After(last) {
				out[d] = f
			}
		}
	}
	return out
}

type firedKey struct {
	kind Kind
	date string
}

// expectedEvents computes, with plain loops over the file's values (up to
// and including day), the events that day establishes: a record for the
// calendar date, an all-time record, a month record when day is the month's
// last day, and a streak of record days reaching a milestone.
func expectedEvents(vals map[time.Time]float64, day time.Time) []firedKey {
	v, ok := vals[day]
	if !ok {
		return nil
	}
	var out []firedKey
	isDayRecord := func(d time.Time) bool {
		x, ok := vals[d]
		if !ok {
			return false
		}
		earlier := false
		for y := 1900; y < d.Year(); y++ {
			o := time.Date(y, d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
			ov, ok := vals[o]
			if !ok || o.Month() != d.Month() {
				continue
			}
			earlier = true
			if ov >= x {
				return false
			}
		}
		return earlier
	}
	if isDayRecord(day) {
		out = append(out, firedKey{DayRecord, day.Format("2006-01-02")})
	}
	allTime, earlier := true, false
	for d, x := range vals {
		if d.Before(day) {
			earlier = true
			if x >= v {
				allTime = false
			}
		}
	}
	if allTime && earlier {
		out = append(out, firedKey{AllTime, day.Format("2006-01-02")})
	}
	if day.AddDate(0, 0, 1).Month() != day.Month() {
		mean := func(y int) (float64, bool) {
			sum, n := 0.0, 0
			for d := time.Date(y, day.Month(), 1, 0, 0, 0, 0, time.UTC); d.Month() == day.Month(); d = d.AddDate(0, 0, 1) {
				if x, ok := vals[d]; ok {
					sum += x
					n++
				}
			}
			return sum / float64(n), n >= 28 // every month of the file is complete
		}
		m, _ := mean(day.Year())
		rec, any := true, false
		for y := 1900; y < day.Year(); y++ {
			if o, ok := mean(y); ok {
				any = true
				if o >= m {
					rec = false
				}
			}
		}
		if rec && any {
			out = append(out, firedKey{MonthRec, day.Format("2006-01")})
		}
	}
	run := 0
	for d := day; isDayRecord(d); d = d.AddDate(0, 0, -1) {
		run++
	}
	if slices.Contains(DailyStreakMilestones, run) {
		out = append(out, firedKey{Streak, day.Format("2006-01-02")})
	}
	return out
}

// mirror is a temporary mirror folder served over HTTP, as the producer
// would serve it.
type mirror struct {
	dir string
	srv *httptest.Server
	n   int
}

func newMirror(t *testing.T) *mirror {
	m := &mirror{dir: t.TempDir()}
	m.srv = httptest.NewServer(http.FileServer(http.Dir(m.dir)))
	t.Cleanup(m.srv.Close)
	return m
}

// put writes a file into the mirror with a modification time one hour after
// the previous file's, so that conditional requests see every change.
func (m *mirror) put(t testing.TB, rel string, data []byte) {
	t.Helper()
	p := filepath.Join(m.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	m.n++
	mt := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(m.n) * time.Hour)
	if err := os.Chtimes(p, mt, mt); err != nil {
		t.Fatal(err)
	}
}

func (m *mirror) options(hook func(ctx context.Context, ds catalog.Dataset, versionID int64) error) ingest.Options {
	return ingest.Options{
		Fetcher:     fetch.New(fetch.Options{Retries: -1, Timeout: 10 * time.Second, AllowPrivateTargets: true}),
		URLFor:      func(f catalog.File) string { return m.srv.URL + "/" + f.Path },
		AfterIngest: hook,
	}
}

// TestMain runs the package's tests on SQLite and, when PostgreSQL testing
// is on, again on PostgreSQL (testutil.RunBackends). Each test's database
// (testutil.DB) is a copy of one migrated once per run (migratedTemplate).
// The SQLite stores of detectShared are kept across both runs (they do not
// depend on the backend being run) and closed at the end.
func TestMain(m *testing.M) {
	code := testutil.RunBackends(m, testutil.Options{Template: migratedTemplate})
	closeDetected()
	os.Exit(code)
}

// migratedTemplate is the package's testutil.Options.Template: it applies
// the store's migrations to the empty database at dsn, as the first
// store.Open of every test's database did.
func migratedTemplate(dsn string) error {
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		return err
	}
	return st.Close()
}

func openStore(t *testing.T, path string) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func dataset(t testing.TB, id string) catalog.Dataset {
	t.Helper()
	ds, ok := catalog.DatasetByID(id)
	if !ok {
		t.Fatalf("no dataset %s", id)
	}
	return ds
}

// TestReplaySST2023 is the acceptance test of issue 7: the world SST file
// truncated at 2023-03-01 is the baseline; extending it one day at a time to
// 2023-04-30 fires exactly the events computed independently for each day,
// and running again fires nothing.
func TestReplaySST2023(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rows := loadSST(t)
	ds := dataset(t, "climate-reanalyzer-sst.world")
	st := openStore(t, testutil.DB(t))
	defer st.Close()
	m := newMirror(t)
	var fired, retracted []Event
	hook := func(ctx context.Context, ds catalog.Dataset, versionID int64) error {
		n, r, err := Detect(ctx, st, ds, versionID)
		fired = append(fired, n...)
		retracted = append(retracted, r...)
		return err
	}
	opts := m.options(hook)
	run := func(day time.Time) {
		t.Helper()
		m.put(t, sstPath, truncate(t, rows, day))
		outs, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, opts)
		if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
			t.Fatalf("%s: %+v %v", day.Format("2006-01-02"), outs, err)
		}
	}
	start := time.Date(2023, 3, 1, 0, 0, 0, 0, time.UTC)
	run(start)
	if len(fired) != 0 {
		t.Fatalf("baseline fired %d events, want none: %v", len(fired), fired[0].Sentence)
	}
	hist := 0
	stored, err := st.Events(context.Background(), store.EventFilter{Historical: true})
	for _, e := range stored {
		if e.Historical {
			hist++
		}
	}
	if err != nil || hist < 1000 {
		t.Fatalf("baseline stored %d historical events (%v), want the whole history's", hist, err)
	}
	all := dailyValues(rows, time.Date(2023, 4, 30, 0, 0, 0, 0, time.UTC))
	var want, got []firedKey
	for day := start.AddDate(0, 0, 1); !day.After(time.Date(2023, 4, 30, 0, 0, 0, 0, time.UTC)); day = day.AddDate(0, 0, 1) {
		before := len(fired)
		run(day)
		w := expectedEvents(all, day)
		want = append(want, w...)
		var g []firedKey
		for _, e := range fired[before:] {
			g = append(g, firedKey{e.Kind, e.Date})
			if e.Historical || e.Retracted || e.Indicator != "sst.world" || e.Direction != "max" {
				t.Errorf("%s: unexpected event %+v", day.Format("2006-01-02"), e)
			}
		}
		got = append(got, g...)
		sortKeys(w)
		sortKeys(g)
		if fmt.Sprint(w) != fmt.Sprint(g) {
			t.Errorf("%s: fired %v, want %v", day.Format("2006-01-02"), g, w)
		}
	}
	if len(retracted) != 0 {
		t.Errorf("retracted %d events while only appending data", len(retracted))
	}
	// The span holds records of every kind; the counts guard against an
	// independent computation that would agree with an empty detector.
	counts := map[Kind]int{}
	for _, k := range want {
		counts[k.kind]++
	}
	if counts[DayRecord] < 30 || counts[AllTime] < 5 || counts[MonthRec] != 2 || counts[Streak] < 2 {
		t.Errorf("expected event counts look wrong: %v", counts)
	}
	t.Logf("fired %d events: %v", len(got), counts)

	// The headline of the issue, as a sentence.
	var headline *Event
	for i, e := range fired {
		if e.Kind == AllTime && e.Date == "2023-03-16" {
			headline = &fired[i]
		}
	}
	if headline == nil {
		t.Fatal("no all-time record on 2023-03-16")
	}
	// Climate Reanalyzer writes three decimals: values and margin are
	// written to 0.001 (docs/records.md).
	if want := "Global SST 21.004 °C on 16 March 2023 — highest on record, previous 20.991 °C on 6 March 2016 (by 0.013 °C)."; headline.Sentence != want {
		t.Errorf("sentence:\n got %s\nwant %s", headline.Sentence, want)
	}
	if headline.Previous == nil || headline.Previous.Value != 20.991 || headline.Value != 21.004 || headline.Margin == nil || *headline.Margin != 0.013 {
		t.Errorf("headline event: %+v", headline)
	}

	// Running again: the same bytes are unchanged (no hook), and Detect on
	// the current version finds nothing new.
	before := len(fired)
	outs, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, opts)
	if err != nil || outs[0].Status == ingest.Ingested {
		t.Fatalf("re-run: %+v %v", outs, err)
	}
	cur, _, _ := st.CurrentVersion(ctx, ds.ID)
	n, r, err := Detect(ctx, st, ds, cur.ID)
	if err != nil || len(n) != 0 || len(r) != 0 || len(fired) != before {
		t.Fatalf("re-run fired %d new and %d retracted (%v)", len(n), len(r), err)
	}
}

func sortKeys(k []firedKey) {
	sort.Slice(k, func(i, j int) bool {
		if k[i].date != k[j].date {
			return k[i].date < k[j].date
		}
		return k[i].kind < k[j].kind
	})
}

var _ = obs.Daily
