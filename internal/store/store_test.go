package store

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestMain runs every test of the package on SQLite and, when PostgreSQL
// testing is on, again on PostgreSQL.
func TestMain(m *testing.M) { os.Exit(testutil.RunBackends(m, testutil.Options{})) }

// openTemp opens a fresh store of the backend under test (see
// testutil.RunBackends); a SQLite file goes in a folder Open must create.
func openTemp(t *testing.T) *Store {
	t.Helper()
	path := testutil.DB(t)
	if testutil.Backend() == testutil.SQLite {
		path = filepath.Join(t.TempDir(), "sub", "st.db")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func daily(ind string, start obs.Date, vals ...float64) obs.Series {
	se := obs.Series{Indicator: ind, Unit: "u", Frequency: obs.Daily}
	for i, v := range vals {
		se.Points = append(se.Points, obs.Point{Date: start + obs.Date(i), Value: v})
	}
	return se
}

var testRef = catalog.Ref{Dataset: catalog.Dataset{ID: "ds"}, Indicator: catalog.Indicator{ID: "x"}}

func values(t *testing.T, s *Store) []float64 {
	t.Helper()
	se, _, err := s.Series(context.Background(), testRef, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []float64
	for _, p := range se.Points {
		out = append(out, p.Value)
	}
	return out
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestIngestReplaceIdempotentAndHistory(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2023, 2, 17)
	v1 := VersionInfo{Dataset: "ds", ProducerVersion: "3.0", Source: "mirror/a.csv", SHA256: "aaa", Size: 10, Retrieved: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	p1 := &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 3)}}
	r, err := s.Ingest(ctx, v1, p1, Replace)
	if err != nil || r.Unchanged || r.Rows != 3 || r.Series != 1 {
		t.Fatalf("first ingest: %+v %v", r, err)
	}
	r, err = s.Ingest(ctx, v1, p1, Replace)
	if err != nil || !r.Unchanged {
		t.Fatalf("same bytes again must be a no-op: %+v %v", r, err)
	}
	if vs, _ := s.Versions(ctx, "ds"); len(vs) != 1 {
		t.Fatalf("no-op ingest added a version: %d", len(vs))
	}
	v2 := v1
	v2.SHA256 = "bbb"
	v2.AllowShrink = true // the new version drops the first day on purpose
	p2 := &obs.Parsed{Series: []obs.Series{daily("x", d0+1, 5, 6)}}
	if _, err := s.Ingest(ctx, v2, p2, Replace); err != nil {
		t.Fatal(err)
	}
	if got := values(t, s); !equal(got, []float64{5, 6}) {
		t.Fatalf("replace: got %v", got)
	}
	vs, _ := s.Versions(ctx, "ds")
	if len(vs) != 2 || !vs[0].Current || vs[1].Current || vs[0].SHA256 != "bbb" || vs[1].Rows != 3 {
		t.Fatalf("history: %+v", vs)
	}
	_, src, _ := s.Series(ctx, testRef, "")
	if src.SHA256 != "bbb" || src.Version != "3.0" || src.URL != "mirror/a.csv" || !src.Retrieved.Equal(v1.Retrieved) {
		t.Fatalf("source: %+v", src)
	}
	// Going back to the first bytes is a real change again, not a no-op.
	if r, _ := s.Ingest(ctx, v1, p1, Replace); r.Unchanged {
		t.Fatal("reverting to older bytes must be ingested")
	}
	if got := values(t, s); !equal(got, []float64{1, 2, 3}) {
		t.Fatalf("revert: got %v", got)
	}
}

func TestIngestFailureLeavesStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2000, 1, 1)
	good := VersionInfo{Dataset: "ds", SHA256: "good"}
	if _, err := s.Ingest(ctx, good, &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2)}}, Replace); err != nil {
		t.Fatal(err)
	}
	// A climatology for an indicator with no series fails in the middle of
	// the transaction, after the old observations were deleted.
	bad := &obs.Parsed{
		Series:        []obs.Series{daily("x", d0, 9, 9, 9)},
		Climatologies: []obs.Climatology{{Indicator: "nope", Baseline: "1991-2020", Convention: "daycount", Values: []float64{1}}},
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "bad"}, bad, Replace); err == nil {
		t.Fatal("want error")
	}
	if got := values(t, s); !equal(got, []float64{1, 2}) {
		t.Fatalf("store changed by failed ingest: %v", got)
	}
	if vs, _ := s.Versions(ctx, "ds"); len(vs) != 1 || vs[0].SHA256 != "good" || !vs[0].Current {
		t.Fatalf("versions changed by failed ingest: %+v", vs)
	}
	// Invalid parsed data (out of order) is refused before any write.
	unordered := daily("x", d0, 1, 2)
	unordered.Points[1].Date = d0 - 1
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "c"}, &obs.Parsed{Series: []obs.Series{unordered}}, Replace); err == nil {
		t.Fatal("want error for unordered points")
	}
	// A cancelled context aborts the transaction.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := s.Ingest(cctx, VersionInfo{Dataset: "ds", SHA256: "d"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, 7)}}, Replace); err == nil {
		t.Fatal("want error for cancelled context")
	}
	if got := values(t, s); !equal(got, []float64{1, 2}) {
		t.Fatalf("store changed: %v", got)
	}
}

func TestMergeAndClimatology(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2024, 7, 24)
	for i, v := range []float64{20.9, 21.0, 20.95} {
		vi := VersionInfo{Dataset: "ds", Source: "f" + string(rune('a'+i)), SHA256: string(rune('a' + i))}
		if _, err := s.Ingest(ctx, vi, &obs.Parsed{Series: []obs.Series{daily("x", d0+obs.Date(i), v)}}, Merge); err != nil {
			t.Fatal(err)
		}
	}
	// Re-processing day 2 with revised bytes replaces just that day.
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "b2"}, &obs.Parsed{Series: []obs.Series{daily("x", d0+1, 21.01)}}, Merge); err != nil {
		t.Fatal(err)
	}
	if got := values(t, s); !equal(got, []float64{20.9, 21.01, 20.95}) {
		t.Fatalf("merge: %v", got)
	}
	if ok, _ := s.HasVersion(ctx, "ds", "c"); !ok {
		t.Fatal("HasVersion(c) = false")
	}
	if ok, _ := s.HasVersion(ctx, "ds", "zzz"); ok {
		t.Fatal("HasVersion(zzz) = true")
	}

	ref := catalog.Ref{Dataset: catalog.Dataset{ID: "cr"}, Indicator: catalog.Indicator{ID: "sst"}}
	p := &obs.Parsed{
		Series:        []obs.Series{daily("sst", d0, 1)},
		Climatologies: []obs.Climatology{{Indicator: "sst", Baseline: "1991-2020", Convention: "daycount", Values: []float64{20.1, math.NaN(), 20.3}}},
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "cr", SHA256: "x"}, p, Replace); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Climatologies(ctx, ref, "")
	if err != nil || len(cs) != 1 || len(cs[0].Values) != 3 || cs[0].Values[0] != 20.1 || !math.IsNaN(cs[0].Values[1]) || cs[0].Convention != "daycount" {
		t.Fatalf("climatology: %+v %v", cs, err)
	}
}

func TestNotFoundAndCoverage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, _, err := s.Series(ctx, testRef, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("want ErrNotFound, got %v", err)
	}
	nat := []obs.Series{
		{Indicator: "co2", Entity: "CHN", Unit: "t", Frequency: obs.Annual, Points: []obs.Point{{Date: obs.NewDate(2000, 1, 1), Value: 3}, {Date: obs.NewDate(2001, 1, 1), Value: 4}}},
		{Indicator: "co2", Entity: "USA", Unit: "t", Frequency: obs.Annual, Points: []obs.Point{{Date: obs.NewDate(1990, 1, 1), Value: 5}}},
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "owid", SHA256: "s"}, &obs.Parsed{Series: nat}, Replace); err != nil {
		t.Fatal(err)
	}
	cov, err := s.Coverage(ctx)
	if err != nil || len(cov) != 1 {
		t.Fatalf("coverage: %+v %v", cov, err)
	}
	c := cov[0]
	if c.Entities != 2 || c.Rows != 3 || c.First.String() != "1990-01-01" || c.Last.String() != "2001-01-01" || c.Frequency != obs.Annual {
		t.Fatalf("coverage: %+v", c)
	}
	all, _, err := s.AllSeries(ctx, catalog.Ref{Dataset: catalog.Dataset{ID: "owid"}, Indicator: catalog.Indicator{ID: "co2"}})
	if err != nil || len(all) != 2 || all[0].Entity != "CHN" || len(all[0].Points) != 2 || all[1].Points[0].Value != 5 {
		t.Fatalf("all: %+v %v", all, err)
	}
}

func TestFetchState(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	at := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	if err := s.RecordFetchSuccess(ctx, "ds", "http://x", `"e1"`, "Mon", at); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordFetchFailure(ctx, "ds", "http://x", at.Add(time.Hour), "500 Internal Server Error"); err != nil {
		t.Fatal(err)
	}
	st, err := s.GetFetchState(ctx, "ds")
	if err != nil || st.ETag != `"e1"` || !st.LastSuccess.Equal(at) || st.LastError != "500 Internal Server Error" || !st.LastFailure.Equal(at.Add(time.Hour)) {
		t.Fatalf("%+v %v", st, err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	path := testutil.DB(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "a"}, &obs.Parsed{Series: []obs.Series{daily("x", 0, 1)}}, Replace); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got := values(t, s); !equal(got, []float64{1}) {
		t.Fatalf("after reopen: %v", got)
	}
}

// TestReplaceRefusesShrink checks the guard against truncated files: a new
// version that loses a series' latest dates, or more than 2% of the stored
// values, is refused and changes nothing; a small loss with the same last
// date passes (a producer dropping a bad day); AllowShrink accepts anything.
func TestReplaceRefusesShrink(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2020, 1, 1)
	vals := func(n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = float64(i)
		}
		return out
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "full"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, vals(200)...)}}, Replace); err != nil {
		t.Fatal(err)
	}
	f := func(sha string, allow bool, se obs.Series, wantErr string, wantValues int) {
		t.Helper()
		_, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: sha, AllowShrink: allow}, &obs.Parsed{Series: []obs.Series{se}}, Replace)
		if wantErr == "" && err != nil || wantErr != "" && (!errors.Is(err, ErrShrink) || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%s: err %v, want %q", sha, err, wantErr)
		}
		if got := len(values(t, s)); got != wantValues {
			t.Errorf("%s: %d values stored, want %d", sha, got, wantValues)
		}
	}
	// Cut after 150 days: the series would stop early.
	f("cut", false, daily("x", d0, vals(150)...), "the stored series goes to 2020-07-18, the new file stops at 2020-05-29", 200)
	// Same last day but 10 of 200 values missing (5%).
	holes := daily("x", d0, vals(200)...)
	holes.Points = append(holes.Points[:50:50], holes.Points[60:]...)
	f("holes", false, holes, "10 of the 200 stored values are not in it", 200)
	// One missing day of 200 (0.5%) is a revision, not truncation.
	one := daily("x", d0, vals(200)...)
	one.Points = append(one.Points[:50:50], one.Points[51:]...)
	f("one", false, one, "", 199)
	// Accepted on request.
	f("cut-accepted", true, daily("x", d0, vals(150)...), "", 150)

	// A series missing from the new file (a file cut at an entity
	// boundary), however small, is refused.
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "two", AllowShrink: true}, &obs.Parsed{Series: []obs.Series{daily("x", d0, vals(150)...), daily("y", d0, 1)}}, Replace); err != nil {
		t.Fatal(err)
	}
	_, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "no-y"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, vals(151)...)}}, Replace)
	if !errors.Is(err, ErrShrink) || !strings.Contains(err.Error(), "y: 1 stored values, the new file has none") {
		t.Errorf("vanished series: %v", err)
	}
	if got := len(values(t, s)); got != 150 {
		t.Errorf("after the refused file: %d values of x, want 150", got)
	}
	if y, _, err := s.SeriesByID(ctx, "ds", "y", ""); err != nil || len(y.Points) != 1 {
		t.Errorf("after the refused file: y %v %v", y.Points, err)
	}
}

// TestReplaceKeepsLineage revises one value, adds one and drops one: the
// unchanged values keep pointing at the first version, the revised and new
// ones at the second, the dropped one is gone.
func TestReplaceKeepsLineage(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2023, 2, 17)
	r1, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "v1"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 3), daily("y", d0, 7)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "v2", AllowShrink: true}, &obs.Parsed{Series: []obs.Series{daily("x", d0+1, 2, 3.5, 4)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	if r2.Rows != 2 {
		t.Errorf("rows written: %d, want 2 (one revised, one new)", r2.Rows)
	}
	if got := values(t, s); !equal(got, []float64{2, 3.5, 4}) {
		t.Fatalf("values: %v", got)
	}
	f := func(day obs.Date, want int64) {
		t.Helper()
		v, err := s.Lineage(ctx, "ds", "x", "", day)
		if err != nil || v.ID != want {
			t.Errorf("%s: version %d (%v), want %d", day, v.ID, err, want)
		}
	}
	f(d0+1, r1.VersionID)
	f(d0+2, r2.VersionID)
	f(d0+3, r2.VersionID)
	if _, err := s.Lineage(ctx, "ds", "x", "", d0); !errors.Is(err, ErrNotFound) {
		t.Errorf("dropped value still stored: %v", err)
	}
	if _, _, err := s.SeriesByID(ctx, "ds", "y", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("series absent from the new version still stored: %v", err)
	}
}
