package store

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// TestReadsNeverMixVersions alternates two versions of a file (every value
// differs between them) while readers read the series: every answer's
// values must be those of the file whose sha256 it reports. Before reads
// went through one transaction, the points and the source were read in two
// statements and an ingest committing in between produced the new values
// with the old checksum.
func TestReadsNeverMixVersions(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(1981, 9, 1)
	const n = 3000
	file := func(offset float64) *obs.Parsed {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = 20 + float64(i%365)/100 + offset
		}
		return &obs.Parsed{Series: []obs.Series{daily("x", d0, vals...)}}
	}
	versions := []struct {
		sha    string
		offset float64
		p      *obs.Parsed
	}{{"sha-a", 0, file(0)}, {"sha-b", 0.5, file(0.5)}}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "sha-a"}, versions[0].p, Replace); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var writes atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer stop.Store(true)
		for i := 1; i <= 30; i++ {
			v := versions[i%2]
			if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: v.sha}, v.p, Replace); err != nil {
				t.Error(err)
				return
			}
			writes.Add(1)
		}
	}()
	errs := make(chan error, 4)
	var reads atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				se, src, err := s.SeriesByID(ctx, "ds", "x", "")
				if err != nil {
					errs <- err
					return
				}
				reads.Add(1)
				want := map[string]float64{"sha-a": 0, "sha-b": 0.5}
				off, ok := want[src.SHA256]
				if !ok || len(se.Points) != n {
					errs <- fmt.Errorf("answer with sha256 %q and %d points", src.SHA256, len(se.Points))
					return
				}
				for i, p := range se.Points {
					if w := 20 + float64(i%365)/100 + off; p.Value != w {
						errs <- fmt.Errorf("point %d = %v with the sha256 of %s, whose value is %v", i, p.Value, src.SHA256, w)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if writes.Load() != 30 || reads.Load() < 10 {
		t.Fatalf("%d writes and %d reads: the test did not overlap reads with updates", writes.Load(), reads.Load())
	}
}

// TestSnapshotIsStable checks that a snapshot keeps seeing the data of the
// moment it was opened while an ingest commits, and that the generation
// changes with the data.
func TestSnapshotIsStable(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2020, 1, 1)
	if g, err := s.Generation(ctx); err != nil || g != 0 {
		t.Fatalf("empty store generation %d %v", g, err)
	}
	r1, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "one"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 3)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	sn, err := s.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer sn.Close()
	if sn.Generation() != r1.VersionID {
		t.Fatalf("generation %d, want %d", sn.Generation(), r1.VersionID)
	}
	r2, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "two"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 4, 5)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	se, src, err := sn.SeriesByID(ctx, "ds", "x", "")
	if err != nil || len(se.Points) != 3 || se.Points[2].Value != 3 || src.SHA256 != "one" {
		t.Fatalf("snapshot after a commit: %v %+v %v", se.Points, src, err)
	}
	se, src, err = s.SeriesByID(ctx, "ds", "x", "")
	if err != nil || len(se.Points) != 4 || se.Points[2].Value != 4 || src.SHA256 != "two" {
		t.Fatalf("fresh read: %v %+v %v", se.Points, src, err)
	}
	if g, _ := s.Generation(ctx); g != r2.VersionID {
		t.Fatalf("generation %d after the second ingest, want %d", g, r2.VersionID)
	}
	if dv, _ := s.DataVersion(ctx, "ds"); dv != r2.VersionID {
		t.Fatalf("data version %d, want %d", dv, r2.VersionID)
	}
	if dv, _ := s.DataVersion(ctx, "other"); dv != 0 {
		t.Fatalf("data version of an unknown dataset: %d", dv)
	}
}

// TestChangedSince checks the earliest changed date recorded per version:
// an appended day, a revision in the past, a removed series, and a version
// that changes nothing; unknown when the starting version is not the
// dataset's.
func TestChangedSince(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2000, 1, 1)
	ing := func(sha string, se ...obs.Series) IngestResult {
		t.Helper()
		r, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: sha, AllowShrink: true}, &obs.Parsed{Series: se}, Replace)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	f := func(since, upTo int64, wantFrom obs.Date, wantChanged, wantOK bool) {
		t.Helper()
		from, changed, ok, err := s.ChangedSince(ctx, "ds", since, upTo)
		if err != nil || ok != wantOK || changed != wantChanged || (changed && from != wantFrom) {
			t.Errorf("ChangedSince(%d, %d) = %s %v %v %v, want %s %v %v", since, upTo, from, changed, ok, err, wantFrom, wantChanged, wantOK)
		}
	}
	r1 := ing("1", daily("x", d0, 1, 2, 3), daily("y", d0+1, 5))
	r2 := ing("2", daily("x", d0, 1, 2, 3, 4), daily("y", d0+1, 5))
	if r2.ChangedFrom != d0+3 {
		t.Errorf("appended day: changed from %s", r2.ChangedFrom)
	}
	f(r1.VersionID, r2.VersionID, d0+3, true, true)
	r3 := ing("3", daily("x", d0, 1, 2.5, 3, 4), daily("y", d0+1, 5))
	f(r2.VersionID, r3.VersionID, d0+1, true, true)
	f(r1.VersionID, r3.VersionID, d0+1, true, true)
	r4 := ing("4", daily("x", d0, 1, 2.5, 3, 4), daily("y", d0+1, 5.0), daily("z", d0+9, 1))
	f(r3.VersionID, r4.VersionID, d0+9, true, true)
	r5 := ing("5", daily("x", d0, 1, 2.5, 3, 4), daily("y", d0+1, 5))
	f(r4.VersionID, r5.VersionID, d0+9, true, true) // z removed
	r6 := ing("6", daily("x", d0, 1, 2.5, 3, 4), daily("y", d0+1, 5))
	if r6.Unchanged {
		t.Fatal("different bytes were taken as unchanged")
	}
	f(r5.VersionID, r6.VersionID, 0, false, true)
	f(999, r6.VersionID, 0, false, false)
}
