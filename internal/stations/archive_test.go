package stations

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/ghcnd"
	"github.com/stocktake/stocktake/internal/testutil"
)

func centralParkPath(t *testing.T) string {
	return filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily", "USW00094728.dly")
}

func open(t *testing.T, buckets int) *Archive {
	t.Helper()
	a, err := Open(t.TempDir(), Options{Buckets: buckets, MemoryLimit: "512MB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func ingest(t *testing.T, a *Archive, paths ...string) *IngestReport {
	t.Helper()
	var src []Source
	for _, p := range paths {
		src = append(src, Source{Path: p})
	}
	rep, err := a.Ingest(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// day is one synthetic daily value.
type day struct {
	date  obs.Date
	el    string
	value int
	q     byte // quality flag, 0 for blank
}

// writeDLY writes a .dly file for station holding the given values, in
// GHCN's exact layout (months in order, missing slots -9999).
func writeDLY(t *testing.T, dir, station string, days []day) string {
	t.Helper()
	type key struct {
		y, m int
		el   string
	}
	months := map[key]*[31]string{}
	var order []key
	for _, d := range days {
		y, m, dd := d.date.YMD()
		k := key{y, m, d.el}
		if months[k] == nil {
			var slots [31]string
			for i := range slots {
				slots[i] = "-9999   "
			}
			months[k] = &slots
			order = append(order, k)
		}
		q := d.q
		if q == 0 {
			q = ' '
		}
		months[k][dd-1] = fmt.Sprintf("%5d %c%c", d.value, q, 'X')
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.y != b.y {
			return a.y < b.y
		}
		if a.m != b.m {
			return a.m < b.m
		}
		return a.el < b.el
	})
	var b strings.Builder
	for _, k := range order {
		fmt.Fprintf(&b, "%s%04d%02d%s%s\n", station, k.y, k.m, k.el, strings.Join(months[k][:], ""))
	}
	path := filepath.Join(dir, station+".dly")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// yearsOf returns one TMAX value of base+year%7 on 1 July of every year from
// y0 to y1, plus extra values.
func yearsOf(y0, y1, base int, extra ...day) []day {
	var out []day
	for y := y0; y <= y1; y++ {
		out = append(out, day{obs.NewDate(y, 7, 1), "TMAX", base + y%7, 0})
	}
	return append(out, extra...)
}

func TestCentralParkArchive(t *testing.T) {
	a := open(t, 8)
	rep := ingest(t, a, centralParkPath(t))
	// The SQL loader and the Go parser agree on what the file holds.
	if len(rep.Ingested) != 1 || rep.Stats.Values != 391566 || rep.Stats.Flagged != 128 {
		t.Fatalf("report %+v", rep)
	}
	sum, err := a.Summarize(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Values != int64(rep.Stats.Values) || sum.Flagged != 128 || sum.Stations != 1 {
		t.Errorf("archive holds %+v, parser saw %+v", sum, rep.Stats)
	}
	p := rep.Ingested[0]
	if p.Name != "USW00094728.dly" || p.Unit != "station:USW00094728" || p.Size != 4081860 || len(p.SHA256) != 64 || p.Retrieved.IsZero() {
		t.Errorf("provenance %+v", p)
	}
	// A second ingest of the same file does nothing.
	rep2 := ingest(t, a, centralParkPath(t))
	if len(rep2.Ingested) != 0 || len(rep2.Unchanged) != 1 || len(rep2.Rewritten) != 0 {
		t.Errorf("second ingest %+v", rep2)
	}
	// Provenance survives reopening.
	b, err := Open(a.Dir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if fs := b.Files(); len(fs) != 1 || fs[0].SHA256 != p.SHA256 || fs[0].Stats != p.Stats || b.Buckets() != 8 {
		t.Errorf("reopened manifest %+v", fs)
	}
}

func TestCentralParkRecords(t *testing.T) {
	a := open(t, 8)
	ingest(t, a, centralParkPath(t))
	ctx := context.Background()
	const cp = "USW00094728"
	q := Query{MinYears: DefaultMinYears}
	one := func(e Extreme, scope Scope, q Query, m, d int) Record {
		t.Helper()
		rs, err := a.StationRecords(ctx, cp, e, scope, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Month == m && r.Day == d {
				return r
			}
		}
		t.Fatalf("no %v %s record for %d-%d among %d", e, scope, m, d, len(rs))
		return Record{}
	}
	// NWS New York, Central Park climate records: all-time high 106 °F
	// (41.1 °C) on 9 July 1936; all-time low −15 °F (−26.1 °C) on 9 February
	// 1934. GHCN holds them as 411 and −261 tenths of °C.
	hi := one(RecordHigh, AllTime, q, 0, 0)
	if hi.Value != 411 || hi.Date != obs.NewDate(1936, 7, 9) || len(hi.Ties) != 0 || hi.Float() != 41.1 {
		t.Errorf("all-time high %+v", hi)
	}
	if hi.Years != 152 { // 1869..2020; the file ends in January 2020
		t.Errorf("length of record %d years, want 152", hi.Years)
	}
	lo := one(RecordLow, AllTime, q, 0, 0)
	if lo.Value != -261 || lo.Date != obs.NewDate(1934, 2, 9) {
		t.Errorf("all-time low %+v", lo)
	}
	// Calendar-day records reported by NWS New York: 104 °F (40.0 °C) on
	// 22 July 2011, and −1 °F (−18.2 °C in GHCN) on 14 February 2016, both the
	// record for their date.
	if r := one(RecordHigh, Day, q, 7, 22); r.Value != 400 || r.Date != obs.NewDate(2011, 7, 22) {
		t.Errorf("22 July record high %+v", r)
	}
	if r := one(RecordLow, Day, q, 2, 14); r.Value != -182 || r.Date != obs.NewDate(2016, 2, 14) {
		t.Errorf("14 February record low %+v", r)
	}
	// As of the day before, the 22 July record was 38.3 °C from 1957.
	before := obs.NewDate(2011, 7, 21)
	if r := one(RecordHigh, Day, Query{AsOf: &before, MinYears: 30}, 7, 22); r.Value != 383 || r.Date != obs.NewDate(1957, 7, 22) {
		t.Errorf("22 July record as of 2011-07-21 %+v", r)
	}
	// Monthly records: the July high is the all-time high; 366 day records.
	if r := one(RecordHigh, Month, q, 7, 0); r.Value != 411 || r.Date != obs.NewDate(1936, 7, 9) {
		t.Errorf("July record %+v", r)
	}
	if rs, _ := a.StationRecords(ctx, cp, RecordHigh, Day, q); len(rs) != 366 {
		t.Errorf("%d day records, want 366", len(rs))
	}
	if rs, _ := a.StationRecords(ctx, cp, RecordHigh, Month, q); len(rs) != 12 {
		t.Errorf("%d month records, want 12", len(rs))
	}
	// A minimum length of record longer than the station's gives nothing.
	if rs, err := a.StationRecords(ctx, cp, RecordHigh, AllTime, Query{MinYears: 200}); err != nil || len(rs) != 0 {
		t.Errorf("min 200 years: %v %v", rs, err)
	}
	if _, err := a.StationRecords(ctx, "USW00000001", RecordHigh, AllTime, q); !errors.Is(err, ErrNoStation) {
		t.Errorf("unknown station: %v", err)
	}
	// Records set on 22 July 2011: the day record fell (previous 38.3 °C in
	// 1957), the all-time record did not.
	d := obs.NewDate(2011, 7, 22)
	set, err := a.RecordsSet(ctx, d, d, RecordHigh, Day, q)
	if err != nil {
		t.Fatal(err)
	}
	if len(set) != 1 || set[0].Value != 400 || set[0].Previous != 383 || set[0].PreviousDate != obs.NewDate(1957, 7, 22) || set[0].Tie || set[0].Station != cp {
		t.Errorf("records set on %s: %+v", d, set)
	}
	if set, err := a.RecordsSet(ctx, d, d, RecordHigh, AllTime, q); err != nil || len(set) != 0 {
		t.Errorf("all-time records set on %s: %+v %v", d, set, err)
	}
	// The all-time record itself, found by a window that holds it.
	set, err = a.RecordsSet(ctx, obs.NewDate(1936, 7, 1), obs.NewDate(1936, 7, 31), RecordHigh, AllTime, q)
	if err != nil || len(set) == 0 || set[len(set)-1].Value != 411 || set[len(set)-1].Date != obs.NewDate(1936, 7, 9) {
		t.Errorf("July 1936 all-time records: %+v %v", set, err)
	}
	// Runs: checked against a direct count over the parsed file.
	runs, err := a.Runs(ctx, cp, "TMAX", TenthsFromFahrenheit(90), true, 3, 1, Query{})
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs %v %v", runs, err)
	}
	want := longestRun(t, centralParkPath(t), "TMAX", TenthsFromFahrenheit(90))
	if runs[0].Days != want.Days || runs[0].Start != want.Start || runs[0].End != want.End {
		t.Errorf("longest 90 °F run %+v, direct count %+v", runs[0], want)
	}
}

// longestRun counts the longest run directly from the parser's values.
func longestRun(t *testing.T, path, el string, thr int32) Run {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var best, cur Run
	var last obs.Date = -1 << 30
	_, err = ghcnd.ParseDLY(path, f, func(v ghcnd.Value) error {
		if v.Element != el || v.Flagged() {
			return nil
		}
		if v.Value >= thr {
			if v.Date == last+1 && cur.Days > 0 {
				cur.End, cur.Days = v.Date, cur.Days+1
			} else {
				cur = Run{Start: v.Date, End: v.Date, Days: 1}
			}
			if cur.Days > best.Days {
				best = cur
			}
		} else {
			cur = Run{}
		}
		last = v.Date
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return best
}

func TestFlagsGapsAndRuns(t *testing.T) {
	dir := t.TempDir()
	const st = "USC00000001"
	var days []day
	// 1981-2020 with 2001-2005 missing (a gap), 1 July each year 30.0 °C.
	for y := 1981; y <= 2020; y++ {
		if y >= 2001 && y <= 2005 {
			continue
		}
		days = append(days, day{obs.NewDate(y, 7, 1), "TMAX", 300, 0})
	}
	// A flagged 60.0 °C must not become the record; 35.0 °C is.
	days = append(days, day{obs.NewDate(1990, 8, 1), "TMAX", 600, 'X'}, day{obs.NewDate(1995, 8, 2), "TMAX", 350, 0})
	// A run of 4 days at or above 32.2 °C (90 °F), broken by a missing day,
	// then 2 more; and a run of 3 where the middle day is exactly 90 °F.
	for i, v := range []int{330, 340, 322, 325, -1, 330, 331} {
		if v >= 0 {
			days = append(days, day{obs.NewDate(2010, 6, 1) + obs.Date(i), "TMAX", v, 0})
		}
	}
	for i, v := range []int{323, 322, 400, 321} {
		days = append(days, day{obs.NewDate(2012, 6, 1) + obs.Date(i), "TMAX", v, 0})
	}
	a := open(t, 4)
	rep := ingest(t, a, writeDLY(t, dir, st, days))
	if rep.Stats.Flagged != 1 {
		t.Errorf("flagged = %d", rep.Stats.Flagged)
	}
	ctx := context.Background()
	rs, err := a.StationRecords(ctx, st, RecordHigh, AllTime, Query{MinYears: 30})
	if err != nil || len(rs) != 1 || rs[0].Value != 400 || rs[0].Date != obs.NewDate(2012, 6, 3) {
		t.Fatalf("record %+v %v", rs, err)
	}
	// The gap years do not count towards the length of record: 35 years.
	if rs[0].Years != 35 {
		t.Errorf("years = %d, want 35", rs[0].Years)
	}
	if rs, _ := a.StationRecords(ctx, st, RecordHigh, AllTime, Query{MinYears: 36}); len(rs) != 0 {
		t.Errorf("min 36 years gave %+v", rs)
	}
	// As of 2011 the record was the unflagged 35.0 °C of 1995, not the 60.0.
	asOf := obs.NewDate(2011, 1, 1)
	if rs, _ := a.StationRecords(ctx, st, RecordHigh, AllTime, Query{AsOf: &asOf}); len(rs) != 1 || rs[0].Value != 350 || rs[0].Date != obs.NewDate(1995, 8, 2) {
		t.Errorf("as of 2011: %+v", rs)
	}
	runs, err := a.Runs(ctx, st, "TMAX", TenthsFromFahrenheit(90), true, 2, 0, Query{})
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(runs)
	want := fmt.Sprint([]Run{
		{st, "TMAX", 322, true, obs.NewDate(2010, 6, 1), obs.NewDate(2010, 6, 4), 4},
		{st, "TMAX", 322, true, obs.NewDate(2012, 6, 1), obs.NewDate(2012, 6, 3), 3},
		{st, "TMAX", 322, true, obs.NewDate(2010, 6, 6), obs.NewDate(2010, 6, 7), 2},
	})
	if got != want {
		t.Errorf("runs\n got %s\nwant %s", got, want)
	}
	if TenthsFromCelsius(32.2) != 322 || TenthsFromFahrenheit(-15) != -261 || TenthsFromFahrenheit(106) != 411 {
		t.Errorf("threshold conversions")
	}
}

func TestNationalRecord(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 4)
	ingest(t, a,
		writeDLY(t, dir, "XX000000001", yearsOf(1961, 2020, 300, day{obs.NewDate(1990, 7, 2), "TMAX", 455, 0})),
		writeDLY(t, dir, "XX000000002", yearsOf(1961, 2020, 300, day{obs.NewDate(2019, 7, 25), "TMAX", 462, 0})),
		// Higher, but too short a record (10 years).
		writeDLY(t, dir, "XX000000003", yearsOf(2011, 2020, 300, day{obs.NewDate(2015, 7, 2), "TMAX", 499, 0})),
		// Higher, but another country.
		writeDLY(t, dir, "YY000000001", yearsOf(1961, 2020, 300, day{obs.NewDate(2015, 7, 2), "TMAX", 510, 0})),
	)
	ctx := context.Background()
	rs, err := a.NationalRecord(ctx, "XX", RecordHigh, Query{MinYears: 30})
	if err != nil || len(rs) != 1 || rs[0].Station != "XX000000002" || rs[0].Value != 462 || rs[0].Date != obs.NewDate(2019, 7, 25) {
		t.Fatalf("national record %+v %v", rs, err)
	}
	// As of 2018 the record was the first station's.
	asOf := obs.NewDate(2018, 12, 31)
	rs, err = a.NationalRecord(ctx, "XX", RecordHigh, Query{MinYears: 30, AsOf: &asOf})
	if err != nil || len(rs) != 1 || rs[0].Station != "XX000000001" || rs[0].Value != 455 {
		t.Errorf("national record as of 2018 %+v %v", rs, err)
	}
	// Without a minimum length the short station holds it.
	if rs, _ := a.NationalRecord(ctx, "XX", RecordHigh, Query{}); len(rs) != 1 || rs[0].Station != "XX000000003" {
		t.Errorf("no minimum: %+v", rs)
	}
	// Records set in a week of 2019 across all stations: the new national
	// record is also the station's all-time record.
	set, err := a.RecordsSet(ctx, obs.NewDate(2019, 7, 20), obs.NewDate(2019, 7, 26), RecordHigh, AllTime, Query{MinYears: 30})
	if err != nil || len(set) != 1 || set[0].Station != "XX000000002" || set[0].Previous != 306 {
		t.Errorf("records set: %+v %v", set, err)
	}
}

// snapshot returns the archive's files (name → sha256) with their mod times.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		fi, _ := d.Info()
		rel, _ := filepath.Rel(dir, p)
		out[rel] = fmt.Sprintf("%x %d", sha256.Sum256(b), fi.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestIncrementalRewritesOnlyChangedPartitions(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 4)
	// Two stations in different buckets.
	s1, s2 := "XX000000001", "XX000000002"
	if a.Bucket(s1) == a.Bucket(s2) {
		t.Fatalf("test stations share bucket %d", a.Bucket(s1))
	}
	p1 := writeDLY(t, dir, s1, yearsOf(1961, 2020, 300))
	p2 := writeDLY(t, dir, s2, yearsOf(1961, 2020, 300))
	ingest(t, a, p1, p2)
	before := snapshot(t, a.Dir())
	// Station 2 gets a new value in 2020: only its bucket's 2020 partition
	// should change (its other decades are rewritten with the same content
	// because a station file replaces the whole station).
	p2 = writeDLY(t, dir, s2, yearsOf(1961, 2020, 300, day{obs.NewDate(2020, 8, 1), "TMAX", 444, 0}))
	rep := ingest(t, a, p1, p2)
	if len(rep.Ingested) != 1 || rep.Ingested[0].Name != s2+".dly" || len(rep.Unchanged) != 1 {
		t.Fatalf("report %+v", rep)
	}
	after := snapshot(t, a.Dir())
	b1 := fmt.Sprintf("b=%03d", a.Bucket(s1))
	for name, h := range before {
		if strings.Contains(name, b1) && after[name] != h {
			t.Errorf("%s of the unchanged station's bucket was rewritten", name)
		}
	}
	for _, r := range rep.Rewritten {
		if !strings.Contains(r, fmt.Sprintf("b=%03d", a.Bucket(s2))) {
			t.Errorf("rewrote %s outside the changed bucket", r)
		}
	}
	rs, err := a.StationRecords(context.Background(), s2, RecordHigh, AllTime, Query{})
	if err != nil || len(rs) != 1 || rs[0].Value != 444 {
		t.Errorf("after update %+v %v", rs, err)
	}
	// A by-year file replaces one year: only the partitions of its decade
	// change, in every bucket.
	yf := filepath.Join(dir, "1975.csv")
	os.WriteFile(yf, []byte(s1+",19750704,TMAX,390,,,X,\n"+s2+",19750704,TMAX,395,,,X,0700\n"), 0o644)
	before = snapshot(t, a.Dir())
	rep = ingest(t, a, p1, p2, yf)
	after = snapshot(t, a.Dir())
	for name, h := range before {
		changed := after[name] != h
		inDecade := strings.Contains(name, "d=1970")
		if name == "manifest.json" {
			continue
		}
		if changed != inDecade {
			t.Errorf("%s changed=%v, want %v", name, changed, inDecade)
		}
	}
	if len(rep.Rewritten) != 2 {
		t.Errorf("rewritten %v", rep.Rewritten)
	}
	// The year file replaced 1975 at both stations (1 July 1975 is gone).
	d := obs.NewDate(1975, 7, 1)
	rs, _ = a.StationRecords(context.Background(), s1, RecordHigh, Day, Query{})
	for _, r := range rs {
		for _, x := range append([]obs.Date{r.Date}, r.Ties...) {
			if x == d {
				t.Errorf("1 July 1975 survived the year file: %+v", r)
			}
		}
		if r.Month == 7 && r.Day == 4 && (r.Value != 390 || r.Date != obs.NewDate(1975, 7, 4)) {
			t.Errorf("4 July record %+v, want the year file's 390", r)
		}
	}
	if sum, _ := a.Summarize(context.Background()); sum.Values != 60+61 {
		t.Errorf("archive holds %d values, want 121", sum.Values)
	}
	// Station 1 now starts in 1991: the partitions of its bucket for the
	// 1960s to 1980s empty and are removed.
	p1 = writeDLY(t, dir, s1, yearsOf(1991, 2020, 300))
	rep = ingest(t, a, p1, p2, yf)
	if len(rep.Rewritten) != 7 { // 1960s-1980s removed, 1990s-2020s rewritten
		t.Errorf("rewritten %v, want 7 partitions", rep.Rewritten)
	}
	parts, _ := a.Partitions()
	for _, p := range parts {
		if strings.Contains(p, b1) && p < filepath.Join("values", b1, "d=1990") {
			t.Errorf("partition %s survived", p)
		}
	}
	if sum, _ := a.Summarize(context.Background()); sum.Values != 30+61 {
		t.Errorf("archive holds %d values, want 91", sum.Values)
	}
}

func TestBadInputLeavesArchiveUnchanged(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 4)
	good := writeDLY(t, dir, "XX000000001", yearsOf(1961, 2020, 300))
	ingest(t, a, good)
	before := snapshot(t, a.Dir())
	body, _ := os.ReadFile(good)
	lines := strings.SplitAfter(string(body), "\n")
	cases := []struct {
		name, body, want string
	}{
		{"truncated", strings.Join(lines[:10], "") + lines[10][:150], "XX000000002.dly:11: record is 150 characters long"},
		{"malformed", strings.Join(lines[:3], "") + strings.Replace(lines[3], "TMAX", "T?AX", 1) + strings.Join(lines[4:], ""),
			"XX000000002.dly:4: columns 18-21: element \"T?AX\""},
		{"wrong station", strings.ReplaceAll(string(body), "XX000000001", "XX000000009"), "holds station XX000000009"},
	}
	for _, c := range cases {
		bad := filepath.Join(t.TempDir(), "XX000000002.dly")
		// The first line is a good line of the bad file's own station.
		os.WriteFile(bad, []byte(strings.ReplaceAll(c.body, "XX000000001", "XX000000002")), 0o644)
		if c.name == "wrong station" {
			os.WriteFile(bad, []byte(c.body), 0o644)
		}
		// The good file changes too, in the same batch: nothing may land.
		os.WriteFile(good, bytes.Replace(body, []byte("  301 "), []byte("  309 "), 1), 0o644)
		_, err := a.Ingest(context.Background(), []Source{{Path: good}, {Path: bad}})
		var pe *parse.Error
		if err == nil || !strings.Contains(err.Error(), c.want) || (c.name != "wrong station" && !errors.As(err, &pe)) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
		if after := snapshot(t, a.Dir()); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Errorf("%s: archive changed", c.name)
		}
		os.WriteFile(good, body, 0o644)
	}
	// -9999 is the missing marker, never a value: a file of only missing
	// slots adds no value and no record.
	miss := writeDLY(t, dir, "XX000000003", []day{{obs.NewDate(2000, 1, 1), "TMAX", -9999, 0}})
	rep := ingest(t, a, miss)
	if rep.Stats.Values != 0 || rep.Stats.Missing != 31 {
		t.Errorf("missing-only file %+v", rep.Stats)
	}
	if _, err := a.StationRecords(context.Background(), "XX000000003", RecordHigh, AllTime, Query{}); err == nil {
		// The bucket may exist through another station; the station itself has no values.
		rs, _ := a.StationRecords(context.Background(), "XX000000003", RecordHigh, AllTime, Query{})
		if len(rs) != 0 {
			t.Errorf("records from missing values: %+v", rs)
		}
	}
	// A file name that is neither a station nor a year is refused up front.
	odd := filepath.Join(dir, "stations.txt")
	os.WriteFile(odd, []byte("x"), 0o644)
	if _, err := a.Ingest(context.Background(), []Source{{Path: odd}}); err == nil || !strings.Contains(err.Error(), "not a GHCN-Daily data file name") {
		t.Errorf("odd name: %v", err)
	}
}

func TestSentence(t *testing.T) {
	r := SetRecord{Record: Record{Station: "USW00094728", Element: "TMAX", Highest: true, Scope: Day, Month: 7, Day: 22,
		Value: 400, Date: obs.NewDate(2011, 7, 22)}, Previous: 383, PreviousDate: obs.NewDate(1957, 7, 22)}
	want := "NY CITY CNTRL PARK (USW00094728) set a record high for 22 July of 40.0 °C (104 °F) on 22 July 2011, beating 38.3 °C (101 °F) set on 22 July 1957."
	if got := r.Sentence("NY CITY CNTRL PARK"); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	r.Tie, r.Value, r.Scope = true, 383, AllTime
	if got := r.Sentence(""); got != "USW00094728 tied an all-time record high of 38.3 °C (101 °F) on 22 July 2011, equalling 38.3 °C (101 °F) set on 22 July 1957." {
		t.Errorf("tie: %s", got)
	}
	if r.UID() != "ghcnd:USW00094728:TMAX:max:all-time:2011-07-22" {
		t.Errorf("uid %s", r.UID())
	}
}

// TestGzipAndCSVInputs ingests the real file gzipped and, converted to
// by-station CSV, into a second archive; both hold the same values as the
// plain file.
func TestGzipAndCSVInputs(t *testing.T) {
	data, err := os.ReadFile(centralParkPath(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	gzPath := filepath.Join(dir, "USW00094728.dly.gz")
	os.WriteFile(gzPath, gz.Bytes(), 0o644)
	var csv bytes.Buffer
	csv.WriteString("ID,DATE,ELEMENT,DATA_VALUE,M_FLAG,Q_FLAG,S_FLAG,OBS_TIME\n")
	fl := func(c byte) string {
		if c == ' ' {
			return ""
		}
		return string(c)
	}
	ghcnd.ParseDLY("x", bytes.NewReader(data), func(v ghcnd.Value) error {
		y, m, d := v.Date.YMD()
		fmt.Fprintf(&csv, "%s,%04d%02d%02d,%s,%d,%s,%s,%s,0700\n", v.Station, y, m, d, v.Element, v.Value, fl(v.MFlag), fl(v.QFlag), fl(v.SFlag))
		return nil
	})
	csvPath := filepath.Join(dir, "USW00094728.csv")
	os.WriteFile(csvPath, csv.Bytes(), 0o644)
	ctx := context.Background()
	for _, p := range []string{gzPath, csvPath} {
		a := open(t, 4)
		rep := ingest(t, a, p)
		sum, err := a.Summarize(ctx)
		if err != nil || sum.Values != 391566 || sum.Flagged != 128 || rep.Stats.Values != 391566 {
			t.Errorf("%s: %+v %+v %v", p, sum, rep.Stats, err)
		}
		rs, err := a.StationRecords(ctx, "USW00094728", RecordLow, AllTime, Query{MinYears: 30})
		if err != nil || len(rs) != 1 || rs[0].Value != -261 || rs[0].Date != obs.NewDate(1934, 2, 9) {
			t.Errorf("%s: record low %+v %v", p, rs, err)
		}
	}
}

// TestRecordsSetPathsAgree checks the monthly-extremes path of RecordsSet
// (all-time and month scopes) and the calendar-day-extremes path (day scope)
// against the full scan of daily values, over windows that start mid-month,
// span months, a year end and a decade boundary, on the real file, for all
// stations and for one; and, for the day scope, an archive without the
// calendar-day-extremes files (written before they existed) answers the same.
func TestRecordsSetPathsAgree(t *testing.T) {
	a := open(t, 4)
	ingest(t, a, centralParkPath(t))
	ctx := context.Background()
	windows := [][2]obs.Date{
		{obs.NewDate(1936, 7, 9), obs.NewDate(1936, 7, 9)},
		{obs.NewDate(1936, 7, 1), obs.NewDate(1936, 7, 31)},
		{obs.NewDate(1934, 1, 20), obs.NewDate(1934, 3, 5)},
		{obs.NewDate(1917, 12, 15), obs.NewDate(1918, 1, 20)},
		{obs.NewDate(2011, 7, 22), obs.NewDate(2011, 7, 22)},
		{obs.NewDate(1870, 1, 1), obs.NewDate(1872, 12, 31)},
		{obs.NewDate(1979, 12, 20), obs.NewDate(1980, 1, 15)},
		{obs.NewDate(2019, 2, 1), obs.NewDate(2020, 1, 31)},
	}
	total := 0
	for _, w := range windows {
		for _, e := range []Extreme{RecordHigh, RecordLow, WettestDay} {
			for _, sc := range []Scope{AllTime, Month, Day} {
				for _, min := range []int{0, 30} {
					q := Query{MinYears: min}
					if min == 30 {
						q.Station = "USW00094728"
					}
					fast, err1 := a.RecordsSet(ctx, w[0], w[1], e, sc, q)
					slow, err2 := a.recordsSetScan(ctx, w[0], w[1], e, sc, q)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if fmt.Sprint(fast) != fmt.Sprint(slow) {
						t.Errorf("%v %v %s min %d:\nextremes %v\nscan     %v", w, e, sc, min, fast, slow)
					}
					total += len(fast)
				}
			}
		}
	}
	if total < 20 {
		t.Errorf("only %d records compared", total)
	}
	// Without the calendar-day-extremes files the day scope scans, and
	// answers the same.
	w := windows[4]
	withFiles, err := a.RecordsSet(ctx, w[0], w[1], RecordHigh, Day, Query{MinYears: 30})
	if err != nil || len(withFiles) == 0 {
		t.Fatalf("no record set on %v (%v)", w, err)
	}
	parts, err := a.Partitions()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if err := os.Remove(dayExtremesPath(filepath.Join(a.dir, p))); err != nil {
			t.Fatal(err)
		}
	}
	without, err := a.RecordsSet(ctx, w[0], w[1], RecordHigh, Day, Query{MinYears: 30})
	if err != nil || fmt.Sprint(without) != fmt.Sprint(withFiles) {
		t.Errorf("without the calendar-day extremes: %v (%v), want %v", without, err, withFiles)
	}
	// Asked together, the day question scans and the others do not; the
	// answers are the same as alone.
	qs := []Question{{RecordHigh, Day}, {RecordHigh, Month}, {RecordLow, Day}, {RecordHigh, AllTime}}
	many, err := a.RecordsSetMany(ctx, w[0], w[1], qs, Query{MinYears: 30})
	if err != nil {
		t.Fatal(err)
	}
	for k, x := range qs {
		one, err := a.recordsSetScan(ctx, w[0], w[1], x.Extreme, x.Scope, Query{MinYears: 30})
		if err != nil || fmt.Sprint(many[k]) != fmt.Sprint(one) {
			t.Errorf("without the calendar-day extremes, %v %s together: %v (%v), want %v", x.Extreme, x.Scope, many[k], err, one)
		}
	}
	if fmt.Sprint(many[0]) != fmt.Sprint(withFiles) {
		t.Errorf("without the calendar-day extremes, together: %v, want %v", many[0], withFiles)
	}
}

// TestClimatology checks the Central Park TMAX climatology of 22 July over
// 1869-2010 against the daily values themselves: the lowest and highest are
// the extremes StationRecords gives as of 2010, and 2011's value is the
// 40.0 °C record.
func TestClimatology(t *testing.T) {
	a := open(t, 2)
	ingest(t, a, centralParkPath(t))
	ctx := context.Background()
	days, first, last, err := a.Climatology(ctx, "USW00094728", "TMAX", 2011)
	if err != nil {
		t.Fatal(err)
	}
	if first != 1869 || last != 2010 || len(days) != 366 {
		t.Fatalf("period %d-%d, %d days", first, last, len(days))
	}
	asOf := obs.NewDate(2010, 12, 31)
	hi, err := a.StationRecords(ctx, "USW00094728", RecordHigh, Day, Query{AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	lo, err := a.StationRecords(ctx, "USW00094728", LowestHigh, Day, Query{AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range days {
		if d.Max != float64(hi[i].Value) || d.Min != float64(lo[i].Value) || d.Month != hi[i].Month || d.Day != hi[i].Day {
			t.Errorf("%d-%d: min %v max %v, want %v %v", d.Month, d.Day, d.Min, d.Max, lo[i].Value, hi[i].Value)
		}
		if !(d.Min <= d.P10 && d.P10 <= d.P90 && d.P90 <= d.Max) {
			t.Errorf("%d-%d: percentiles out of order %+v", d.Month, d.Day, d)
		}
		if d.Month == 7 && d.Day == 22 && (!d.Has || d.Value != 400) {
			t.Errorf("22 July 2011: %+v", d)
		}
	}
}

// TestNationalRecordPathsAgree checks NationalRecord, which reads the
// monthly extremes, against the scan of every daily value: for both extremes
// and precipitation, with and without a minimum length, as of dates that end
// a month and that cut one short (a day of a record's own month),
// on three stations of one country with a tie across two of them and a
// quality-flagged higher value; and, without the monthly-extremes files, the
// scan's answer.
func TestNationalRecordPathsAgree(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 4)
	ingest(t, a,
		writeDLY(t, dir, "XX000000001", yearsOf(1951, 2020, 300,
			day{obs.NewDate(1990, 7, 2), "TMAX", 455, 0}, day{obs.NewDate(2019, 7, 28), "TMAX", 462, 0},
			day{obs.NewDate(1990, 1, 5), "TMIN", -201, 0}, day{obs.NewDate(1990, 1, 6), "PRCP", 1201, 0})),
		writeDLY(t, dir, "XX000000002", yearsOf(1961, 2020, 300,
			day{obs.NewDate(2019, 7, 25), "TMAX", 462, 0}, day{obs.NewDate(2019, 7, 3), "TMAX", 462, 0},
			day{obs.NewDate(2020, 7, 9), "TMAX", 540, 'X'}, day{obs.NewDate(1975, 2, 1), "TMIN", -230, 0})),
		writeDLY(t, dir, "XX000000003", yearsOf(2011, 2020, 300, day{obs.NewDate(2015, 7, 2), "TMAX", 499, 0})),
		centralParkPath(t),
	)
	ctx := context.Background()
	asOfs := []*obs.Date{nil}
	for _, d := range []obs.Date{obs.NewDate(2019, 7, 26), obs.NewDate(1990, 1, 31)} {
		asOfs = append(asOfs, &d)
	}
	compared := 0
	if rs, err := a.NationalRecord(ctx, "ZZ", RecordHigh, Query{}); err != nil || len(rs) != 0 {
		t.Errorf("a country without stations: %+v %v", rs, err)
	}
	for _, country := range []string{"XX", "US"} {
		for _, e := range []Extreme{RecordHigh, RecordLow, WettestDay} {
			for _, min := range []int{0, 30} {
				for _, asOf := range asOfs {
					q := Query{MinYears: min, AsOf: asOf}
					fast, err1 := a.NationalRecord(ctx, country, e, q)
					slow, err2 := a.nationalRecordScan(ctx, country, e, q)
					if err1 != nil || err2 != nil {
						t.Fatal(err1, err2)
					}
					if fmt.Sprint(fast) != fmt.Sprint(slow) {
						t.Errorf("%s %v min %d as of %v:\nextremes %+v\nscan     %+v", country, e, min, asOf, fast, slow)
					}
					compared += len(fast)
				}
			}
		}
	}
	if compared < 30 {
		t.Errorf("only %d records compared", compared)
	}
	// The tie: both stations reached 46.2 °C in July 2019; the flagged 54.0
	// does not count.
	rs, err := a.NationalRecord(ctx, "XX", RecordHigh, Query{MinYears: 30})
	if err != nil || len(rs) != 2 || rs[0].Station != "XX000000002" || rs[0].Value != 462 ||
		rs[0].Date != obs.NewDate(2019, 7, 3) || fmt.Sprint(rs[0].Ties) != fmt.Sprint([]obs.Date{obs.NewDate(2019, 7, 25)}) ||
		rs[1].Station != "XX000000001" || rs[1].Date != obs.NewDate(2019, 7, 28) || rs[1].Years != 70 {
		t.Errorf("tied national record: %+v %v", rs, err)
	}
	parts, err := a.Partitions()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		if err := os.Remove(extremesPath(filepath.Join(a.dir, p))); err != nil {
			t.Fatal(err)
		}
	}
	without, err := a.NationalRecord(ctx, "XX", RecordHigh, Query{MinYears: 30})
	if err != nil || fmt.Sprint(without) != fmt.Sprint(rs) {
		t.Errorf("without the monthly extremes: %+v (%v), want %+v", without, err, rs)
	}
}

// synthStations writes .dly files of six stations with TMAX, TMIN and PRCP
// values on a coarse grid (so that ties are common), missing months and a
// missing year, quality-flagged outliers that must be ignored, and records
// of different lengths (ending in 2015 for one, 2021 for the others), and
// returns their paths.
func synthStations(t *testing.T, dir string) []string {
	t.Helper()
	type st struct {
		id     string
		y0, y1 int
		gap    int // a missing year (0 for none)
	}
	list := []st{
		{"XX000000011", 1985, 2015, 0}, // ended before the newest decade
		{"XX000000012", 1985, 2021, 0},
		{"XX000000013", 1990, 2021, 2005},
		{"XX000000014", 1991, 2021, 0}, // 30 years before 2021
		{"XX000000015", 2000, 2021, 0}, // too short for a 30-year minimum
		{"XX000000016", 1988, 2021, 1999},
	}
	rng := rand.New(rand.NewPCG(7, 16))
	var paths []string
	for _, s := range list {
		var days []day
		for y := s.y0; y <= s.y1; y++ {
			if y == s.gap {
				continue
			}
			last := 12
			if y == 2021 {
				last = 8 // the archive ends in August 2021
			}
			for m := 1; m <= last; m++ {
				if rng.IntN(40) == 0 {
					continue // a missing month
				}
				for d := 1; d <= obs.DaysIn(y, m); d++ {
					date := obs.NewDate(y, m, d)
					season := 100 - 80*math.Cos(2*math.Pi*float64(date-obs.NewDate(y, 1, 1))/365.25)
					hi := int(season) + 5*rng.IntN(9) // steps of 0.5 °C: many ties
					days = append(days, day{date, "TMAX", hi, 0}, day{date, "TMIN", hi - 60 - 5*rng.IntN(5), 0})
					if rng.IntN(3) == 0 {
						days = append(days, day{date, "PRCP", 10 * rng.IntN(30), 0})
					}
					if rng.IntN(500) == 0 { // a flagged outlier beyond every real value
						days[len(days)-2].value, days[len(days)-2].q = 900, 'X'
						days[len(days)-1].value, days[len(days)-1].q = -900, 'G'
					}
				}
			}
		}
		paths = append(paths, writeDLY(t, dir, s.id, days))
	}
	return paths
}

// TestRecordsSetLayoutsAgree checks every path of RecordsSet against the full
// scan on a synthetic archive whose newest decade (2020) is stored in date
// order and whose older decades are in station order, except one station's
// bucket for the 2010s, written in date order when 2010 was the newest decade
// and kept so: windows of one day, across a month, a year and a decade
// boundary, on the first day of the newest decade, on 29 February, of 365
// days and of more than a year, in an older decade and after the last value;
// highest and lowest, three scopes, minimum lengths of 0 and 30 or 31 years,
// all stations and one.
func TestRecordsSetLayoutsAgree(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 6) // the first station alone in its bucket
	paths := synthStations(t, dir)
	for _, p := range paths[1:] {
		if a.Bucket(strings.TrimSuffix(filepath.Base(p), ".dly")) == a.Bucket("XX000000011") {
			t.Fatalf("%s shares the first station's bucket", p)
		}
	}
	ingest(t, a, paths[0]) // alone: its bucket's 2010s partition is the newest decade, so in date order
	ingest(t, a, paths...)
	ctx := context.Background()
	// The layout: the 2020s partitions and the first station's 2010s
	// partition in date order, the other partitions in station order.
	ordered := func(rel string) (byDate, byStation bool) {
		var nd, ns int
		err := a.db.QueryRow(`SELECT count(*) FILTER (WHERE le IS NOT NULL AND (element, date, station) < (le, ld, ls)),
			count(*) FILTER (WHERE le IS NOT NULL AND (element, station, date) < (le, ls, ld)) FROM (
			SELECT element, station, date, lag(element) OVER w AS le, lag(station) OVER w AS ls, lag(date) OVER w AS ld
			FROM read_parquet(`+quote(filepath.Join(a.dir, rel))+`, hive_partitioning=false, file_row_number=true)
			WINDOW w AS (ORDER BY file_row_number))`).Scan(&nd, &ns)
		if err != nil {
			t.Fatal(err)
		}
		return nd == 0, ns == 0
	}
	parts, err := a.Partitions()
	if err != nil {
		t.Fatal(err)
	}
	first := fmt.Sprintf("b=%03d", a.Bucket("XX000000011"))
	var dateOrdered int
	for _, p := range parts {
		byDate, byStation := ordered(p)
		want := strings.Contains(p, "d=2020") || strings.Contains(p, first+string(filepath.Separator)+"d=2010")
		if want && !byDate || !want && !byStation {
			t.Errorf("%s: in date order %v, in station order %v; want it in date order: %v", p, byDate, byStation, want)
		}
		if byDate {
			dateOrdered++
		}
	}
	if dateOrdered < 2 {
		t.Errorf("only %d partitions in date order", dateOrdered)
	}
	d := obs.NewDate
	windows := [][2]obs.Date{
		{d(2021, 7, 15), d(2021, 7, 15)},
		{d(2021, 6, 25), d(2021, 7, 5)},
		{d(2020, 12, 20), d(2021, 1, 10)},
		{d(2019, 12, 25), d(2020, 1, 5)},
		{d(2020, 1, 1), d(2020, 1, 1)},
		{d(2020, 2, 29), d(2020, 2, 29)},
		{d(2020, 3, 1), d(2021, 2, 28)},
		{d(2019, 6, 1), d(2021, 6, 30)},
		{d(2015, 7, 15), d(2015, 7, 20)},
		{d(2021, 9, 1), d(2021, 9, 30)},
	}
	// Every question of a window is also asked in one RecordsSetMany call
	// (all nine), and again as a subset in another order with a repeat;
	// each answer must be the single question's, record for record.
	var all []Question
	for _, e := range []Extreme{RecordHigh, RecordLow, WettestDay} {
		for _, sc := range []Scope{AllTime, Month, Day} {
			all = append(all, Question{e, sc})
		}
	}
	subset := []Question{all[5], all[0], all[4], all[5], all[2]} // RecordLow day, RecordHigh all-time, RecordLow month, ...
	total, ties, flaggedSeen, jointSeen := 0, 0, false, 0
	for i, w := range windows {
		for j, min := range []int{0, 30 + i%2} {
			q := Query{MinYears: min}
			if (i+j)%2 == 1 {
				q.Station = "XX000000014"
			}
			many, err := a.RecordsSetMany(ctx, w[0], w[1], all, q)
			if err != nil || len(many) != len(all) {
				t.Fatalf("%v %+v: %d answers to %d questions (%v)", w, q, len(many), len(all), err)
			}
			some, err := a.RecordsSetMany(ctx, w[0], w[1], subset, q)
			if err != nil || len(some) != len(subset) {
				t.Fatalf("%v %+v: %d answers to %d questions (%v)", w, q, len(some), len(subset), err)
			}
			for k, x := range all {
				fast, err1 := a.RecordsSet(ctx, w[0], w[1], x.Extreme, x.Scope, q)
				slow, err2 := a.recordsSetScan(ctx, w[0], w[1], x.Extreme, x.Scope, q)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if fmt.Sprint(fast) != fmt.Sprint(slow) {
					t.Errorf("%v %v %s %+v:\nfast %v\nscan %v", w, x.Extreme, x.Scope, q, fast, slow)
				}
				if !reflect.DeepEqual(many[k], fast) {
					t.Errorf("%v %v %s %+v, nine questions together:\njoint  %v\nsingle %v", w, x.Extreme, x.Scope, q, many[k], fast)
				}
				for n, y := range subset {
					if y == x && !reflect.DeepEqual(some[n], fast) {
						t.Errorf("%v %v %s %+v, question %d of %v:\njoint  %v\nsingle %v", w, x.Extreme, x.Scope, q, n, subset, some[n], fast)
					}
				}
				total += len(fast)
				jointSeen += len(many[k])
				for _, r := range fast {
					if r.Tie {
						ties++
					}
					if r.Value == 900 || r.Value == -900 || r.Previous == 900 || r.Previous == -900 {
						flaggedSeen = true
					}
				}
			}
		}
	}
	if total < 200 || ties < 10 || flaggedSeen || jointSeen != total {
		t.Errorf("%d records compared (%d from the joint calls), %d ties, a flagged value counted: %v", total, jointSeen, ties, flaggedSeen)
	}
	// The questions' own checks: an unknown scope, a window ending before
	// it starts, and no question.
	if _, err := a.RecordsSetMany(ctx, d(2021, 7, 15), d(2021, 7, 15), []Question{{RecordHigh, "week"}}, Query{}); err == nil {
		t.Error("an unknown scope was accepted")
	}
	if _, err := a.RecordsSetMany(ctx, d(2021, 7, 15), d(2021, 7, 14), all, Query{}); err == nil {
		t.Error("a window ending before it starts was accepted")
	}
	if res, err := a.RecordsSetMany(ctx, d(2021, 7, 15), d(2021, 7, 15), nil, Query{}); err != nil || len(res) != 0 {
		t.Errorf("no question: %v, %v", res, err)
	}
}
