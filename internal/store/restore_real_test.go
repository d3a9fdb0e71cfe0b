package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// storeState is what a restore must bring back: every value of every series
// of a dataset, the summaries' counts, the coverage rows and the events that
// hold (not retracted).
type storeState struct {
	values   map[string]float64 // "indicator entity date" → value
	counts   map[string]int     // "indicator entity" → Summary.Count
	coverage []string
	events   []string
}

func stateOf(t *testing.T, st *store.Store, ds catalog.Dataset) storeState {
	t.Helper()
	ctx := context.Background()
	s := storeState{values: map[string]float64{}, counts: map[string]int{}}
	sums, err := st.Summaries(ctx, ds.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range sums {
		s.counts[m.Indicator+" "+m.Entity] = m.Count
		se, _, err := st.SeriesByID(ctx, ds.ID, m.Indicator, m.Entity)
		if err != nil {
			t.Fatal(err)
		}
		if len(se.Points) != m.Count {
			t.Fatalf("%s: %d values, summary says %d", m.Indicator, len(se.Points), m.Count)
		}
		for _, p := range se.Points {
			s.values[fmt.Sprintf("%s %s %s", m.Indicator, m.Entity, p.Date)] = p.Value
		}
	}
	covs, err := st.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range covs {
		if c.Dataset == ds.ID {
			s.coverage = append(s.coverage, fmt.Sprintf("%s %s %s %s %d %d", c.Indicator, c.Unit, c.First, c.Last, c.Entities, c.Rows))
		}
	}
	evs, err := st.Events(ctx, store.EventFilter{Historical: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Dataset == ds.ID && !e.Retracted() {
			s.events = append(s.events, fmt.Sprintf("%s %s %s %s %s %v prev=%v %v %v rank=%d/%d %v %v",
				e.Indicator, e.Entity, e.Kind, e.Direction, e.Date, e.Value, e.HasPrev, e.PrevDate, e.PrevValue, e.Rank, e.Years, e.Record, e.RecordOpp))
		}
	}
	sort.Strings(s.events)
	return s
}

func retractedCount(t *testing.T, st *store.Store, ds catalog.Dataset) int {
	t.Helper()
	evs, err := st.Events(context.Background(), store.EventFilter{Historical: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Dataset == ds.ID && e.Retracted() {
			n++
		}
	}
	return n
}

// TestRestoreUndoesShrink replays issue 13 item 7 with the real Mauna Loa
// file: 'update --allow-shrink' with the file cut by its last 120 lines
// deletes 120 values and retracts events; restoring the first version brings
// back every value, the counts, the coverage and exactly the events that held
// after the first ingest, through the same detection an ingest runs.
func TestRestoreUndoesShrink(t *testing.T) {
	ctx := context.Background()
	root := testutil.SharedData(t)
	ds, ok := catalog.DatasetByID("noaa-gml-co2-mlo-monthly")
	if !ok {
		t.Fatal("co2.mlo dataset not in the catalog")
	}
	const rel = "noaa-gml/co2_mm_mlo.txt"
	full, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(strings.TrimRight(string(full), "\n"), "\n")
	cut := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cut, "noaa-gml"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cut, rel), []byte(strings.Join(lines[:len(lines)-120], "")), 0o644); err != nil {
		t.Fatal(err)
	}

	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hook := alerts.Hook(st, nil)
	run := func(mirror string, allowShrink bool) ingest.Outcome {
		t.Helper()
		outs, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, ingest.Options{Mirror: mirror, AllowShrink: allowShrink, AfterIngest: hook})
		if err != nil {
			t.Fatal(err)
		}
		if len(outs) != 1 || outs[0].Error != "" || outs[0].Status == ingest.Failed {
			t.Fatalf("outcomes %+v", outs)
		}
		return outs[0]
	}
	run(root, false)
	v1, ok, err := st.CurrentVersion(ctx, ds.ID)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	before := stateOf(t, st, ds)
	if len(before.values) < 800 || len(before.events) == 0 {
		t.Fatalf("first ingest: %d values, %d events", len(before.values), len(before.events))
	}

	out := run(cut, true)
	if out.Deleted != 120 {
		t.Fatalf("the cut file deleted %d values, want 120", out.Deleted)
	}
	shrunk := stateOf(t, st, ds)
	if len(shrunk.values) != len(before.values)-120 {
		t.Fatalf("after the cut: %d values, want %d", len(shrunk.values), len(before.values)-120)
	}
	retracted := retractedCount(t, st, ds)
	if retracted == 0 {
		t.Fatal("cutting ten years of CO2 retracted no event")
	}

	t.Logf("%d events hold after the first ingest, %d after the cut (%d retracted)", len(before.events), len(shrunk.events), retracted)
	res, err := st.Restore(ctx, ds.ID, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unchanged || res.Rows != 120 || res.Deleted != 0 {
		t.Fatalf("restore wrote %d and deleted %d values (unchanged %v), want 120 and 0", res.Rows, res.Deleted, res.Unchanged)
	}
	if _, _, err := alerts.Detect(ctx, st, ds, res.VersionID); err != nil {
		t.Fatal(err)
	}
	after := stateOf(t, st, ds)
	if len(after.values) != len(before.values) {
		t.Fatalf("restored %d values, want %d", len(after.values), len(before.values))
	}
	for k, v := range before.values {
		if got, ok := after.values[k]; !ok || got != v {
			t.Errorf("%s: restored %v (present %v), want %v", k, got, ok, v)
		}
	}
	if fmt.Sprint(after.counts) != fmt.Sprint(before.counts) {
		t.Errorf("counts %v, want %v", after.counts, before.counts)
	}
	if fmt.Sprint(after.coverage) != fmt.Sprint(before.coverage) {
		t.Errorf("coverage %v, want %v", after.coverage, before.coverage)
	}
	if strings.Join(after.events, "\n") != strings.Join(before.events, "\n") {
		t.Errorf("events that hold after the restore differ from those after the first ingest:\nafter restore:\n%s\nafter first ingest:\n%s",
			strings.Join(after.events, "\n"), strings.Join(before.events, "\n"))
	}

	// The restore is a new version that names the one it restored and
	// carries its checksum; the versions before it stay.
	cur, _, err := st.CurrentVersion(ctx, ds.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.ID != res.VersionID || cur.RestoredFrom != v1.ID || cur.SHA256 != v1.SHA256 || cur.Rows != v1.Rows {
		t.Errorf("current version %+v, want a new one restored from %d with sha256 %s and %d rows", cur, v1.ID, v1.SHA256, v1.Rows)
	}
	vs, err := st.Versions(ctx, ds.ID)
	if err != nil || len(vs) != 3 {
		t.Fatalf("%d versions (%v), want 3", len(vs), err)
	}
	// A restored value's lineage is the restore; an untouched value keeps
	// the first version.
	last := ds.Indicators[0].ID
	lin, err := st.Lineage(ctx, ds.ID, last, "", obs.NewDate(2026, 7, 1))
	if err != nil || lin.ID != res.VersionID || lin.RestoredFrom != v1.ID {
		t.Errorf("lineage of 2026-07: %+v %v, want version %d restored from %d", lin, err, res.VersionID, v1.ID)
	}
	lin, err = st.Lineage(ctx, ds.ID, last, "", obs.NewDate(1990, 1, 1))
	if err != nil || lin.ID != v1.ID {
		t.Errorf("lineage of 1990-01: %+v %v, want version %d", lin, err, v1.ID)
	}
	// Ingesting the full file again changes nothing: its bytes are the
	// restored version's.
	if out := run(root, false); out.Status != ingest.Unchanged || out.Rows != 0 || out.Deleted != 0 {
		t.Errorf("re-ingesting the first file after the restore wrote %d and deleted %d", out.Rows, out.Deleted)
	}
}
