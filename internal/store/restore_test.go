package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// datasetState renders every stored value and climatology slot of dataset
// "ds", so two states compare as strings.
func datasetState(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	sums, err := s.Summaries(ctx, "ds")
	if err != nil {
		t.Fatal(err)
	}
	out := ""
	for _, m := range sums {
		se, _, err := s.SeriesByID(ctx, "ds", m.Indicator, m.Entity)
		if err != nil {
			t.Fatal(err)
		}
		out += fmt.Sprintf("%s n=%d %s..%s: %v\n", m.Indicator, m.Count, m.First, m.Last, se.Points)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT s.indicator, c.baseline, c.convention, c.slot, c.value FROM climatologies c
		JOIN series s ON s.id = c.series_id WHERE s.dataset = 'ds' ORDER BY 1, 2, 4`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ind, base, conv string
		var slot int
		var v *float64
		if err := rows.Scan(&ind, &base, &conv, &slot, &v); err != nil {
			t.Fatal(err)
		}
		if v == nil {
			out += fmt.Sprintf("clim %s %s %s %d null\n", ind, base, conv, slot)
		} else {
			out += fmt.Sprintf("clim %s %s %s %d %v\n", ind, base, conv, slot, *v)
		}
	}
	return out
}

func ingestDS(t *testing.T, s *Store, sha string, p *obs.Parsed) IngestResult {
	t.Helper()
	res, err := s.Ingest(context.Background(), VersionInfo{Dataset: "ds", SHA256: sha, Source: "file-" + sha, AllowShrink: true}, p, Replace)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRestoreRevisedValues: a version that revises a value, deletes one,
// adds one, drops a whole series and changes a climatology slot is undone
// exactly by restoring the version before it; restoring the later version
// then brings its state back too (a restore is itself undoable).
func TestRestoreRevisedValues(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2020, 1, 1)
	v1 := &obs.Parsed{
		Series:        []obs.Series{daily("x", d0, 1, 2, 3, 4, 5), daily("y", d0, 10, 11)},
		Climatologies: []obs.Climatology{{Indicator: "x", Baseline: "1991-2020", Convention: "c", Values: []float64{0.5, math.NaN(), 0.7}}},
	}
	r1 := ingestDS(t, s, "a", v1)
	state1 := datasetState(t, s)

	x2 := daily("x", d0, 1, 2.5, 3, 4) // 2020-01-02 revised, 2020-01-05 deleted
	x2.Points = append(x2.Points, obs.Point{Date: d0 + 9, Value: 9})
	v2 := &obs.Parsed{
		Series:        []obs.Series{x2}, // y is gone
		Climatologies: []obs.Climatology{{Indicator: "x", Baseline: "1991-2020", Convention: "c", Values: []float64{0.5, 0.6}}},
	}
	r2 := ingestDS(t, s, "b", v2)
	state2 := datasetState(t, s)
	if state2 == state1 {
		t.Fatal("the second version changed nothing")
	}
	// History keeps the revised value, the deleted ones and the changed
	// and removed climatology slots, nothing else.
	var nh, nch int
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM observation_history WHERE superseded_by = ? AND version_id = ?", r2.VersionID, r1.VersionID).Scan(&nh); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM climatology_history WHERE superseded_by = ?", r2.VersionID).Scan(&nch); err != nil {
		t.Fatal(err)
	}
	if nh != 4 || nch != 2 { // 2.0, 5.0, and y's 10 and 11; slots 1 (NULL → 0.6) and 2 (removed)
		t.Errorf("history rows: %d observations, %d climatology slots; want 4 and 2", nh, nch)
	}
	var old float64
	if err := s.db.QueryRowContext(context.Background(), "SELECT value FROM observation_history WHERE date = ? AND superseded_by = ?", int64(d0+1), r2.VersionID).Scan(&old); err != nil || old != 2 {
		t.Errorf("history of the revised value: %v %v, want 2", old, err)
	}

	r3, err := s.Restore(ctx, "ds", r1.VersionID)
	if err != nil {
		t.Fatal(err)
	}
	if got := datasetState(t, s); got != state1 {
		t.Errorf("after restoring version %d:\n%s\nwant:\n%s", r1.VersionID, got, state1)
	}
	// 2.5 → 2, 5 and y's two values back: 4 rows; the added 2020-01-10 deleted.
	if r3.Rows != 4 || r3.Deleted != 1 || r3.ChangedFrom != d0 {
		t.Errorf("restore result %+v, want 4 rows, 1 deleted, changed from %s", r3, d0)
	}
	cur, _, err := s.CurrentVersion(ctx, "ds")
	if err != nil || cur.ID != r3.VersionID || cur.RestoredFrom != r1.VersionID || cur.SHA256 != "a" || cur.Source != "file-a" {
		t.Errorf("current version %+v (%v)", cur, err)
	}
	// Unchanged values keep their version; the restored value names the
	// restore.
	if v, err := s.Lineage(ctx, "ds", "x", "", d0); err != nil || v.ID != r1.VersionID {
		t.Errorf("lineage of an untouched value: %+v %v", v, err)
	}
	if v, err := s.Lineage(ctx, "ds", "x", "", d0+1); err != nil || v.ID != r3.VersionID || v.RestoredFrom != r1.VersionID {
		t.Errorf("lineage of the restored value: %+v %v", v, err)
	}

	// The restore is undoable: version 2 comes back exactly.
	if _, err := s.Restore(ctx, "ds", r2.VersionID); err != nil {
		t.Fatal(err)
	}
	if got := datasetState(t, s); got != state2 {
		t.Errorf("after restoring version %d:\n%s\nwant:\n%s", r2.VersionID, got, state2)
	}
	// And version 1 again, through two restores.
	if _, err := s.Restore(ctx, "ds", r1.VersionID); err != nil {
		t.Fatal(err)
	}
	if got := datasetState(t, s); got != state1 {
		t.Errorf("after restoring version %d again:\n%s\nwant:\n%s", r1.VersionID, got, state1)
	}
	// Restoring the current version changes nothing.
	cur, _, _ = s.CurrentVersion(ctx, "ds")
	if res, err := s.Restore(ctx, "ds", cur.ID); err != nil || !res.Unchanged {
		t.Errorf("restoring the current version: %+v %v", res, err)
	}
	hs, err := s.VersionHistory(ctx, "ds")
	if err != nil || len(hs) != 5 {
		t.Fatalf("history %+v %v", hs, err)
	}
	for _, h := range hs {
		if !h.Restorable {
			t.Errorf("version %d not restorable", h.ID)
		}
	}
}

// TestRestoreRefuses: unknown versions, gridded datasets and versions
// followed by one ingested without history are refused and change nothing.
func TestRestoreRefuses(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2020, 1, 1)
	r1 := ingestDS(t, s, "a", &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 3)}})
	r2 := ingestDS(t, s, "b", &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2)}})
	if _, err := s.Restore(ctx, "ds", r2.VersionID+10); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown version: %v", err)
	}
	if _, err := s.Restore(ctx, "other", r1.VersionID); !errors.Is(err, ErrNotFound) {
		t.Errorf("version of another dataset: %v", err)
	}
	g, err := s.Ingest(ctx, VersionInfo{Dataset: "grid:t", SHA256: "g"}, &obs.Parsed{Series: []obs.Series{daily("t", d0, 1)}}, Merge)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Restore(ctx, "grid:t", g.VersionID); !errors.Is(err, ErrNotRestorable) {
		t.Errorf("gridded dataset: %v", err)
	}
	// As if version 2 had been ingested before migration 00007.
	if _, err := s.db.ExecContext(context.Background(), "UPDATE dataset_versions SET history = 0 WHERE id = ?", r2.VersionID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Restore(ctx, "ds", r1.VersionID); !errors.Is(err, ErrNotRestorable) {
		t.Errorf("version before a version without history: %v", err)
	}
	hs, err := s.VersionHistory(ctx, "ds")
	if err != nil || len(hs) != 2 || !hs[0].Restorable || hs[1].Restorable {
		t.Errorf("history %+v %v: want version %d restorable and %d not", hs, err, r2.VersionID, r1.VersionID)
	}
	if got := values(t, s); !equal(got, []float64{1, 2}) {
		t.Errorf("refused restores changed the values: %v", got)
	}
	if vs, _ := s.Versions(ctx, "ds"); len(vs) != 2 {
		t.Errorf("refused restores added versions: %d", len(vs))
	}
}

// TestBackupWhileIngesting: a backup taken while another goroutine ingests
// is a consistent database (one committed state: its observation count is
// that of one of the two alternating versions and equals its summaries and
// coverage), opens as a store, and refuses an existing path; the file is
// private (0600).
func TestBackupWhileIngesting(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if s.IsPostgres() {
		// PostgreSQL is backed up with pg_dump: Backup refuses, saying so,
		// and creates nothing.
		path := filepath.Join(t.TempDir(), "b.db")
		if err := s.Backup(ctx, path); err == nil || !strings.Contains(err.Error(), "pg_dump") {
			t.Fatalf("Backup on PostgreSQL: %v, want a refusal naming pg_dump", err)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Fatalf("the refused backup created %s: %v", path, err)
		}
		return
	}
	d0 := obs.NewDate(1990, 1, 1)
	mk := func(n int, add float64) *obs.Parsed {
		var p obs.Parsed
		for k := 0; k < 20; k++ {
			vals := make([]float64, n)
			for i := range vals {
				vals[i] = float64(i) + add
			}
			se := daily(fmt.Sprintf("s%02d", k), d0, vals...)
			p.Series = append(p.Series, se)
		}
		return &p
	}
	a, b := mk(3000, 0), mk(2500, 0.5) // 60 000 and 50 000 values
	ingestDS(t, s, "a", a)

	var stop atomic.Bool
	var wg sync.WaitGroup
	var ingests atomic.Int64
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; !stop.Load(); i++ {
			p, sha := b, "b"
			if i%2 == 1 {
				p, sha = a, "a"
			}
			if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: sha, AllowShrink: true}, p, Replace); err != nil {
				t.Error(err)
				return
			}
			ingests.Add(1)
		}
	}()
	dir := t.TempDir()
	var paths []string
	for i := 0; i < 3; i++ {
		path := filepath.Join(dir, fmt.Sprintf("copy%d.db", i))
		if err := s.Backup(ctx, path); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	stop.Store(true)
	wg.Wait()
	if ingests.Load() == 0 {
		t.Error("no ingest ran during the backups")
	}
	final := filepath.Join(dir, "final.db")
	if err := s.Backup(ctx, final); err != nil {
		t.Fatal(err)
	}
	paths = append(paths, final)

	count := func(db *Store) (obsN, sumN, covN, versions int) {
		t.Helper()
		if err := db.db.QueryRowContext(context.Background(), `SELECT (SELECT COUNT(*) FROM observations), (SELECT SUM(n) FROM series),
			(SELECT SUM(n) FROM coverage), (SELECT COUNT(*) FROM dataset_versions)`).Scan(&obsN, &sumN, &covN, &versions); err != nil {
			t.Fatal(err)
		}
		return
	}
	srcObs, _, _, srcVersions := count(s)
	for _, path := range paths {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
		}
		c, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		o, sn, cv, nv := count(c)
		if (o != 60000 && o != 50000) || sn != o || cv != o {
			t.Errorf("%s: %d observations, summaries %d, coverage %d: not one committed state", filepath.Base(path), o, sn, cv)
		}
		if path == final && (o != srcObs || nv != srcVersions) {
			t.Errorf("final copy: %d observations and %d versions, the database has %d and %d", o, nv, srcObs, srcVersions)
		}
		c.Close()
	}
	if err := s.Backup(ctx, final); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	if fi, err := os.Stat(final); err != nil || fi.Size() == 0 {
		t.Errorf("the refused backup damaged the existing file: %v", err)
	}
}
