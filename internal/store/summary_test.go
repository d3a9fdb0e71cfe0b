package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// TestSummaryFollowsIngests checks that the per-series summary (and so
// Coverage) equals what grouping over the observations gives, after a first
// ingest, a replacement that revises, adds and drops values, and merges.
func TestSummaryFollowsIngests(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2000, 1, 1)
	check := func(stage string) {
		t.Helper()
		got, err := s.Summaries(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT s.dataset, s.indicator, s.entity, MIN(o.date), MAX(o.date), COUNT(*)
			FROM series s JOIN observations o ON o.series_id = s.id GROUP BY s.id ORDER BY s.dataset, s.indicator, s.entity`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		i := 0
		for rows.Next() {
			var m Summary
			var first, last int64
			if err := rows.Scan(&m.Dataset, &m.Indicator, &m.Entity, &first, &last, &m.Count); err != nil {
				t.Fatal(err)
			}
			if i >= len(got) {
				t.Fatalf("%s: summary misses %s %s %s", stage, m.Dataset, m.Indicator, m.Entity)
			}
			g := got[i]
			if g.Dataset != m.Dataset || g.Indicator != m.Indicator || g.Entity != m.Entity || g.First != obs.Date(first) || g.Last != obs.Date(last) || g.Count != m.Count {
				t.Errorf("%s: summary %+v, observations say %s..%s n=%d", stage, g, obs.Date(first), obs.Date(last), m.Count)
			}
			i++
		}
		if i != len(got) {
			t.Errorf("%s: %d summaries for %d stored series", stage, len(got), i)
		}
	}
	nat := func(entity string, vals ...float64) obs.Series {
		se := daily("co2", d0, vals...)
		se.Entity = entity
		return se
	}
	r1, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "1"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, 1, 2, 3), nat("CHN", 5, 6), nat("USA", 7)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	check("first ingest")
	r2, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "2", AllowShrink: true}, &obs.Parsed{Series: []obs.Series{daily("x", d0+1, 2, 3.5, 4, 5), nat("CHN", 5, 6)}}, Replace)
	if err != nil {
		t.Fatal(err)
	}
	check("replace")
	sums, _ := s.Summaries(ctx, "ds")
	if len(sums) != 2 || sums[0].Entity != "CHN" || sums[0].Version != r1.VersionID || sums[1].Indicator != "x" || sums[1].Version != r2.VersionID {
		t.Errorf("summary versions: %+v (want CHN unchanged since %d, x changed by %d)", sums, r1.VersionID, r2.VersionID)
	}
	for i, day := range []obs.Date{d0 + 10, d0 - 5, d0 + 10, d0 + 2} {
		if _, err := s.Ingest(ctx, VersionInfo{Dataset: "grid:G", SHA256: string(rune('a' + i))}, &obs.Parsed{Series: []obs.Series{daily("g", day, float64(i))}}, Merge); err != nil {
			t.Fatal(err)
		}
	}
	check("merges")
	cov, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Coverage{
		{Dataset: "ds", Indicator: "co2", Unit: "u", Frequency: obs.Daily, Entities: 1, First: d0, Last: d0 + 1, Rows: 2},
		{Dataset: "grid:G", Indicator: "g", Unit: "u", Frequency: obs.Daily, Entities: 1, First: d0 - 5, Last: d0 + 10, Rows: 3},
		{Dataset: "ds", Indicator: "x", Unit: "u", Frequency: obs.Daily, Entities: 1, First: d0 + 1, Last: d0 + 4, Rows: 4},
	}
	if len(cov) != len(want) {
		t.Fatalf("coverage %+v", cov)
	}
	for i := range want {
		if cov[i] != want[i] {
			t.Errorf("coverage %d: %+v, want %+v", i, cov[i], want[i])
		}
	}
}

// TestWindowedReads checks that windowed reads return exactly the values in
// the window, filter entities, and tell an unknown series (ErrNotFound) from
// an empty window.
func TestWindowedReads(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mk := func(entity string, firstYear, years int) obs.Series {
		se := obs.Series{Indicator: "co2", Entity: entity, Unit: "Mt", Frequency: obs.Annual}
		for y := firstYear; y < firstYear+years; y++ {
			se.Points = append(se.Points, obs.Point{Date: obs.NewDate(y, 1, 1), Value: float64(y)})
		}
		return se
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "nat", SHA256: "1"}, &obs.Parsed{Series: []obs.Series{mk("CHN", 1900, 124), mk("FRA", 1850, 100), mk("USA", 1800, 224)}}, Replace); err != nil {
		t.Fatal(err)
	}
	ref := catalog.Ref{Dataset: catalog.Dataset{ID: "nat"}, Indicator: catalog.Indicator{ID: "co2"}}
	all, _, err := s.AllSeriesWindow(ctx, ref, Years(2023, 2023), nil)
	if err != nil || len(all) != 2 || all[0].Entity != "CHN" || all[1].Entity != "USA" || len(all[0].Points) != 1 || all[1].Points[0].Value != 2023 {
		t.Fatalf("year 2023: %+v %v", all, err)
	}
	some, _, err := s.AllSeriesWindow(ctx, ref, Years(1900, 1909), []string{"FRA", "ZZZ"})
	if err != nil || len(some) != 1 || some[0].Entity != "FRA" || len(some[0].Points) != 10 || some[0].Points[0].Value != 1900 {
		t.Fatalf("FRA 1900s: %+v %v", some, err)
	}
	if none, _, err := s.AllSeriesWindow(ctx, ref, Years(1700, 1710), nil); err != nil || len(none) != 0 {
		t.Fatalf("empty window: %+v %v", none, err)
	}
	se, src, err := s.SeriesWindow(ctx, "nat", "co2", "USA", Years(1991, 2020))
	if err != nil || len(se.Points) != 30 || se.Points[0].Value != 1991 || se.Points[29].Value != 2020 || src.SHA256 != "1" {
		t.Fatalf("1991-2020: %d points %+v %v", len(se.Points), src, err)
	}
	if _, _, err := s.SeriesWindow(ctx, "nat", "co2", "DEU", Years(1991, 2020)); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown entity: %v", err)
	}
	other := catalog.Ref{Dataset: catalog.Dataset{ID: "nat"}, Indicator: catalog.Indicator{ID: "ch4"}}
	if _, _, err := s.AllSeriesWindow(ctx, other, Years(2023, 2023), nil); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown indicator: %v", err)
	}
}

// TestShrinkGuardInterior checks that values lost inside a series (a year
// set to null) are refused and named even under the 2% guard, while a
// re-dated value, a dropped bad day and a few scattered losses pass.
func TestShrinkGuardInterior(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(1982, 1, 1)
	const n = 42 * 365 // about 15 000 daily values, like the OISST series
	full := make([]float64, n)
	for i := range full {
		full[i] = float64(i % 1000)
	}
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "full"}, &obs.Parsed{Series: []obs.Series{daily("x", d0, full...)}}, Replace); err != nil {
		t.Fatal(err)
	}
	without := func(drop func(obs.Date) bool) obs.Series {
		se := daily("x", d0, full...)
		var kept []obs.Point
		for _, p := range se.Points {
			if !drop(p.Date) {
				kept = append(kept, p)
			}
		}
		se.Points = kept
		return se
	}
	f := func(sha string, se obs.Series, wantErr string, wantStored int) {
		t.Helper()
		_, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: sha}, &obs.Parsed{Series: []obs.Series{se}}, Replace)
		if wantErr == "" && err != nil || wantErr != "" && (!errors.Is(err, ErrShrink) || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("%s: err %v, want %q", sha, err, wantErr)
		}
		if got := len(values(t, s)); got != wantStored {
			t.Errorf("%s: %d values stored, want %d", sha, got, wantStored)
		}
	}
	y1990 := obs.NewDate(1990, 1, 1)
	// 320 values of 1990 set to null: 2% of 15 330 is 306, so the old
	// guard let 320 through only by a hair; here the year is named.
	f("null-1990", without(func(d obs.Date) bool { return d >= y1990 && d < y1990+320 }), "x: 320 values of 1990 would be deleted", n)
	// A smaller hole (59 values of 2001, 0.4%) is refused too.
	f("null-2001", without(func(d obs.Date) bool { return d.Year() == 2001 && d.Month() <= 2 }), "x: 59 values of 2001 would be deleted", n)
	// Losses spread over years are named by year, largest first.
	day := func(d obs.Date) int { _, _, dd := d.YMD(); return dd }
	f("spread", without(func(d obs.Date) bool {
		return (d.Year() == 1995 && d.Month() == 3) || (d.Year() == 1996 && d.Month() == 2 && day(d) <= 20) || (d.Year() == 1997 && day(d) == 1) ||
			(d.Year() == 1998 && d.Month() == 5 && day(d) <= 3)
	}), "x: 31 values of 1995, 20 values of 1996, 12 values of 1997, 3 values of 1 other years would be deleted", n)
	// One bad day dropped passes.
	bad := obs.NewDate(1985, 6, 10)
	f("one-bad-day", without(func(d obs.Date) bool { return d == bad }), "", n-1)
	// A re-dated value (the bad day back, its neighbour gone) loses nothing.
	f("redated", without(func(d obs.Date) bool { return d == bad+1 }), "", n-1)
	// A few scattered losses (the first of each month of 2010, 12 of 15 330
	// values, within the tolerance of 30) pass.
	f("scattered", without(func(d obs.Date) bool { return d == bad+1 || (d.Year() == 2010 && day(d) == 1) }), "", n-13)
}

// TestAppendThenRevise checks the append-only shortcut of Replace (values
// up to the stored last date unchanged): appended values get the new
// version and old ones keep theirs; a later revision inside the series is
// still found, and a file equal to the stored values except one changed
// old value is not taken for an append.
func TestAppendThenRevise(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	d0 := obs.NewDate(2024, 1, 1)
	ing := func(sha string, vals ...float64) IngestResult {
		t.Helper()
		r, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: sha}, &obs.Parsed{Series: []obs.Series{daily("x", d0, vals...)}}, Replace)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	lineage := func(day obs.Date, want int64) {
		t.Helper()
		if v, err := s.Lineage(ctx, "ds", "x", "", day); err != nil || v.ID != want {
			t.Errorf("%s: version %d (%v), want %d", day, v.ID, err, want)
		}
	}
	r1 := ing("1", 1, 2, 3)
	r2 := ing("2", 1, 2, 3, 4)
	if r2.Rows != 1 || r2.ChangedFrom != d0+3 {
		t.Errorf("append: %+v", r2)
	}
	lineage(d0+2, r1.VersionID)
	lineage(d0+3, r2.VersionID)
	r3 := ing("3", 1, 9, 3, 4, 5)
	if r3.Rows != 2 || r3.ChangedFrom != d0+1 {
		t.Errorf("revision and append: %+v", r3)
	}
	if got := values(t, s); !equal(got, []float64{1, 9, 3, 4, 5}) {
		t.Fatalf("values %v", got)
	}
	lineage(d0, r1.VersionID)
	lineage(d0+1, r3.VersionID)
	lineage(d0+3, r2.VersionID)
	lineage(d0+4, r3.VersionID)
	r4 := ing("4", 1, 9, 3, 4, 5.5, 6)
	if r4.Rows != 2 {
		t.Errorf("revised last value and append: %+v", r4)
	}
	if got := values(t, s); !equal(got, []float64{1, 9, 3, 4, 5.5, 6}) {
		t.Fatalf("values %v", got)
	}
}
