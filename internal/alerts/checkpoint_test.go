package alerts

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// fileAt returns a producer file as published on day last, with the values
// of the days in revised replaced.
type fileAt func(t *testing.T, last time.Time, revised map[time.Time]float64) []byte

// nsidcFile cuts an NSIDC daily extent CSV at last (header lines kept) and
// rewrites the extent of the revised days in the file's own layout.
func nsidcFile(path string) fileAt {
	return func(t *testing.T, last time.Time, revised map[time.Time]float64) []byte {
		t.Helper()
		var out []string
		for _, l := range nsidcLinesOf(t, path) {
			line := l.text
			if !l.header {
				if l.date.After(last) {
					continue
				}
				if v, ok := revised[l.date]; ok {
					f := slices.Clone(l.fields)
					f[3] = fmt.Sprintf("%11.3f", v)
					line = strings.Join(f, ",")
				}
			}
			out = append(out, line)
		}
		return []byte(strings.Join(out, "\n") + "\n")
	}
}

// nsidcLine is one line of an NSIDC daily extent CSV kept by nsidcFile: a
// header line, or a data line split at its first four commas with its date.
type nsidcLine struct {
	text   string
	header bool
	fields []string
	date   time.Time
}

// nsidcLines holds the kept lines of NSIDC files, by mirror path, read and
// parsed once per test process (see nsidcLinesOf).
var nsidcLines sync.Map

// nsidcLinesOf returns the header lines and the data lines (those with at
// least five fields) of a shared NSIDC file, parsed once per test process;
// callers must not modify them.
func nsidcLinesOf(t *testing.T, path string) []nsidcLine {
	t.Helper()
	if l, ok := nsidcLines.Load(path); ok {
		return l.([]nsidcLine)
	}
	var out []nsidcLine
	for i, line := range strings.Split(string(testutil.ReadShared(t, path)), "\n") {
		if i < 2 {
			out = append(out, nsidcLine{text: line, header: true})
			continue
		}
		f := strings.SplitN(line, ",", 5)
		if len(f) < 5 {
			continue
		}
		var y, m, d int
		if _, err := fmt.Sscanf(strings.Join(f[:3], " "), "%d %d %d", &y, &m, &d); err != nil {
			t.Fatalf("%s line %d: %v", path, i+1, err)
		}
		out = append(out, nsidcLine{text: line, fields: f, date: day(y, m, d)})
	}
	l, _ := nsidcLines.LoadOrStore(path, out)
	return l.([]nsidcLine)
}

// sstFile is the world SST file cut at last, with revised values.
func sstFile(t *testing.T, last time.Time, revised map[time.Time]float64) []byte {
	f := &sstFixture{rows: loadSST(t)}
	return f.revise(t, last, revised)
}

// detectPair holds two stores fed the same files: inc detects as Detect
// does (from checkpoints), full reads every series whole each time.
type detectPair struct {
	ds        catalog.Dataset
	path      string
	dir       string
	inc, full *store.Store
}

// step is what detect returned on one store.
type step struct {
	fired, retracted []string
	starts           map[string]obs.Date
}

func keysOf(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, fmt.Sprintf("%s %s %s %s %s", e.Indicator, e.Entity, e.Kind, e.Direction, e.Date))
	}
	slices.Sort(out)
	return out
}

// ingest publishes data and ingests it into both stores, running detect
// after each ingest, and returns what each detection did.
func (p *detectPair) ingest(t *testing.T, data []byte) (inc, full step) {
	t.Helper()
	file := filepath.Join(p.dir, filepath.FromSlash(p.path))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(st *store.Store, checkpoints bool) step {
		var s step
		outs, err := ingest.Run(context.Background(), st, []catalog.Dataset{p.ds}, ingest.Options{Mirror: p.dir,
			AfterIngest: func(ctx context.Context, ds catalog.Dataset, v int64) error {
				n, r, starts, err := detect(ctx, st, ds, v, checkpoints)
				s = step{keysOf(n), keysOf(r), starts}
				return err
			}})
		if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
			t.Fatalf("ingest: %+v %v", outs, err)
		}
		return s
	}
	return run(p.inc, true), run(p.full, false)
}

// restore restores version (of the inc store; both stores number their
// versions alike, since they ingest the same files in the same order) in
// both stores and detects.
func (p *detectPair) restore(t *testing.T, version int64) (inc, full step) {
	t.Helper()
	run := func(st *store.Store, checkpoints bool) step {
		ctx := context.Background()
		res, err := st.Restore(ctx, p.ds.ID, version)
		if err != nil || res.Unchanged {
			t.Fatalf("restore %d: %+v %v", version, res, err)
		}
		n, r, starts, err := detect(ctx, st, p.ds, res.VersionID, checkpoints)
		if err != nil {
			t.Fatal(err)
		}
		return step{keysOf(n), keysOf(r), starts}
	}
	return run(p.inc, true), run(p.full, false)
}

// eventTable renders every stored event (historical and retracted ones
// included) with every detail detection sets, one line per event in key
// order; ids and timestamps are left out.
func eventTable(t *testing.T, st *store.Store) []string {
	t.Helper()
	rows, err := st.Events(context.Background(), store.EventFilter{Historical: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s|%v|%s|%s|%t|%s|%v|%v|%t|%s|%d|%d|%d|%t|%t|v%d|hist=%t|retracted=%t %s v%d",
			r.Indicator, r.Entity, r.Kind, r.Direction, r.Date, r.Value, r.Unit, r.Smoothing,
			r.HasPrev, r.PrevDate, r.PrevValue, r.Margin, r.HasStreak, r.StreakFrom, r.StreakLen, r.Rank, r.Years, r.Record, r.RecordOpp,
			r.VersionID, r.Historical, r.Retracted(), r.RetractedReason, r.RetractedVersion))
	}
	slices.Sort(out)
	return out
}

// compare fails the test unless both stores' detections did the same and
// hold the same events.
func (p *detectPair) compare(t *testing.T, what string, inc, full step) {
	t.Helper()
	if fmt.Sprint(inc.fired) != fmt.Sprint(full.fired) || fmt.Sprint(inc.retracted) != fmt.Sprint(full.retracted) {
		t.Fatalf("%s: checkpointed detection fired %v and retracted %v; the full scan fired %v and retracted %v",
			what, inc.fired, inc.retracted, full.fired, full.retracted)
	}
	a, b := eventTable(t, p.inc), eventTable(t, p.full)
	if len(a) != len(b) {
		t.Fatalf("%s: %d events stored by checkpointed detection, %d by the full scan", what, len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("%s: events differ:\ncheckpointed %s\nfull scan    %s", what, a[i], b[i])
		}
	}
	for ind, s := range full.starts {
		if s != math.MinInt32 {
			t.Fatalf("%s: the full scan of %s started at %s", what, ind, s)
		}
	}
}

// TestIncrementalEqualsFullScan replays a sequence of updates on two stores
// fed the same files, one detecting from checkpoints (as Detect does) and
// one reading every series whole: appends day by day across a new year, a
// jump of several weeks, daily appends through a season of records, a
// revision of a value years back (before every checkpoint), a revision of
// last year's value (before the newest checkpoints but after an older
// one), more appends, and a restore of the version before the revisions.
// After each update both detections must have fired and retracted the same
// events and both stores must hold the same events with the same details;
// and the checkpointed detection must have started where the design says
// (from a checkpoint after appends, from the whole series after the old
// revision and after the restore). World SST (daily, no smoothing, record
// highs) and Antarctic sea ice (NSIDC's 5-day mean with gap filling, highs
// and lows, year-extremes) are replayed.
func TestIncrementalEqualsFullScan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		ds, ind, path string
		file          fileAt
		old, recent   float64 // revised values: one that makes records, one that takes them away
	}{
		{"climate-reanalyzer-sst.world", "sst.world", sstPath, sstFile, 25, 18},
		{"nsidc-g02135-south-v3", "seaice.south", "nsidc-g02135/S_seaice_extent_daily_v3.0.csv", nsidcFile("nsidc-g02135/S_seaice_extent_daily_v3.0.csv"), 0.9, 25},
	}
	for _, c := range cases {
		t.Run(c.ind, func(t *testing.T) {
			t.Parallel()
			p := &detectPair{ds: dataset(t, c.ds), path: c.path, dir: t.TempDir(),
				inc: openStore(t, testutil.DB(t)), full: openStore(t, testutil.DB(t))}
			defer p.inc.Close()
			defer p.full.Close()
			revised := map[time.Time]float64{}
			fired, retracted, fromCheckpoint := 0, 0, 0
			at := func(what string, inc, full step, want obs.Date) {
				t.Helper()
				p.compare(t, what, inc, full)
				fired += len(inc.fired)
				retracted += len(inc.retracted)
				got, ok := inc.starts[c.ind]
				if !ok {
					t.Fatalf("%s: %s was not computed", what, c.ind)
				}
				if want != 0 && got != want {
					t.Fatalf("%s: checkpointed detection started at %s, want %s", what, got, want)
				}
				if got != math.MinInt32 {
					fromCheckpoint++
				}
			}
			publish := func(last time.Time, want obs.Date) {
				t.Helper()
				inc, full := p.ingest(t, c.file(t, last, revised))
				at(last.Format("2006-01-02"), inc, full, want)
			}
			whole := obs.Date(math.MinInt32)
			publish(day(2022, 12, 28), whole) // the baseline
			for d := day(2022, 12, 29); !d.After(day(2023, 1, 4)); d = d.AddDate(0, 0, 1) {
				publish(d, obs.NewDate(2021, 1, 1))
			}
			publish(day(2023, 2, 25), obs.NewDate(2021, 1, 1))
			for d := day(2023, 2, 26); !d.After(day(2023, 3, 18)); d = d.AddDate(0, 0, 1) {
				publish(d, obs.NewDate(2022, 1, 1))
			}
			cur, _, err := p.inc.CurrentVersion(context.Background(), p.ds.ID)
			if err != nil {
				t.Fatal(err)
			}
			// A value of 2016 revised: every checkpoint (2021-2023) is
			// after it, so the whole series is read.
			revised[day(2016, 3, 10)] = c.old
			publish(day(2023, 3, 18), whole)
			// A value of June 2022 revised: the 2022 and 2023 checkpoints
			// are dropped, the 2021 one still holds and is used (the
			// reconcile window opens on 1 December 2021).
			revised[day(2022, 6, 15)] = c.recent
			publish(day(2023, 3, 18), obs.NewDate(2021, 1, 1))
			for d := day(2023, 3, 19); !d.After(day(2023, 3, 21)); d = d.AddDate(0, 0, 1) {
				publish(d, obs.NewDate(2022, 1, 1))
			}
			inc, full := p.restore(t, cur.ID)
			at("restore", inc, full, whole)
			delete(revised, day(2016, 3, 10))
			delete(revised, day(2022, 6, 15))
			for d := day(2023, 3, 19); !d.After(day(2023, 3, 22)); d = d.AddDate(0, 0, 1) {
				publish(d, obs.NewDate(2022, 1, 1))
			}
			// The replay must have exercised something: events fired and
			// retracted, and most updates computed from a checkpoint.
			if fired < 10 || retracted < 3 || fromCheckpoint < 30 {
				t.Errorf("fired %d, retracted %d, %d detections from a checkpoint: the replay checks too little", fired, retracted, fromCheckpoint)
			}
			t.Logf("%s: fired %d, retracted %d, %d detections from a checkpoint", c.ind, fired, retracted, fromCheckpoint)
		})
	}
}

// TestResumeFromEveryCheckpoint checks scanSeries' contract on whole real
// series: for the state at 1 January of every year (after the first), the
// facts computed from that state (encoded and decoded as stored) and the
// values from checkpointMargin days before it are exactly the facts of the
// whole scan dated on or after it, and the states the resumed scan reaches
// at later checkpoints are those of the whole scan. The series cover
// smoothing with gap filling over NSIDC's every-other-day era (both
// hemispheres, highs, lows and year-extremes), a daily series without
// smoothing and a monthly one.
func TestResumeFromEveryCheckpoint(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, testutil.DB(t))
	defer st.Close()
	var sets []catalog.Dataset
	for _, id := range []string{"climate-reanalyzer-sst.world", "nsidc-g02135-north-v3", "nsidc-g02135-south-v3", "noaa-gml-co2-mlo-monthly"} {
		sets = append(sets, dataset(t, id))
	}
	if _, err := ingest.Run(ctx, st, sets, ingest.Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	everyYear := func(first, last, after obs.Date) []obs.Date {
		var out []obs.Date
		for y := first.Year() + 1; y <= last.Year(); y++ {
			if d := obs.NewDate(y, 1, 1); d > after {
				out = append(out, d)
			}
		}
		return out
	}
	render := func(fs []fact) []string {
		var out []string
		for _, f := range fs {
			out = append(out, fmt.Sprintf("%+v", f))
		}
		slices.Sort(out)
		return out
	}
	for _, ds := range sets {
		ind := ds.Indicators[0]
		se, _, err := st.Series(ctx, catalog.Ref{Dataset: ds, Indicator: ind}, "")
		if err != nil {
			t.Fatal(err)
		}
		sm := SmoothingFor(ds)
		whole, states := scanSeriesAt(se, ind, sm, nil, everyYear)
		if len(states) < 10 || len(whole) < 100 {
			t.Fatalf("%s: %d facts and %d checkpoints: too few to check", ind.ID, len(whole), len(states))
		}
		for i, s := range states {
			b, err := s.encode()
			if err != nil {
				t.Fatal(err)
			}
			dec, err := decodeState(b, s.Date, len(Directions(ind)))
			if err != nil {
				t.Fatal(err)
			}
			part := se
			part.Points = nil
			for _, p := range se.Points {
				if p.Date >= s.Date-checkpointMargin {
					part.Points = append(part.Points, p)
				}
			}
			got, later := scanSeriesAt(part, ind, sm, dec, everyYear)
			var want []fact
			for _, f := range whole {
				if f.date >= s.Date {
					want = append(want, f)
				}
			}
			g, w := render(got), render(want)
			if !slices.Equal(g, w) {
				for k := 0; k < min(len(g), len(w)); k++ {
					if g[k] != w[k] {
						t.Fatalf("%s from %s: %d facts, want %d; first difference:\n got %s\nwant %s", ind.ID, s.Date, len(g), len(w), g[k], w[k])
					}
				}
				t.Fatalf("%s from %s: %d facts, want %d", ind.ID, s.Date, len(g), len(w))
			}
			if len(later) != len(states)-i-1 {
				t.Fatalf("%s from %s: %d later checkpoints, want %d", ind.ID, s.Date, len(later), len(states)-i-1)
			}
			for k, l := range later {
				lb, _ := l.encode()
				wb, _ := states[i+1+k].encode()
				if string(lb) != string(wb) {
					t.Fatalf("%s from %s: state at %s differs from the whole scan's", ind.ID, s.Date, l.Date)
				}
			}
		}
		size, _ := states[len(states)-1].encode()
		t.Logf("%s: %d facts, resumed from %d checkpoints; the last one takes %d bytes", ind.ID, len(whole), len(states), len(size))
	}
}
