package main

import (
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// TestRecordsSetSeveralQuestions checks the list form of records-set
// (--extreme record-high,record-low --scope all; the API's
// extreme=...&scope=all) on two synthetic stations over 9-10 January 2001,
// with no minimum length of record:
//
//   - a Canadian station's 30.0 °C on the 10th beats its 5.0 °C of
//     10 January 2000 at every scope, a national high (its country's only
//     station);
//   - a U.S. station's 15.0 °C high on the 10th ties its 10 January 2000 at
//     the month and day scopes but not its all-time 20.0 °C (1 February
//     2000); its −6.0 °C low on the 9th is a January record only (beating
//     −5.0 °C of 1 January 2000; no earlier 9 January), and its −12.0 °C
//     low on the 10th beats −10.0 °C (all-time, 1 February 2000), the 9th's
//     −6.0 °C (January: each day is judged on the days before it, the
//     window's included) and −2.0 °C (10 January 2000).
//
// Both surfaces give the same answer, it holds exactly these nine records
// in the order date, station, question, and it equals the six
// single-question answers merged; a single question keeps its echo.
func TestRecordsSetSeveralQuestions(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	const us, ca = "USW00000001", "CA000000002"
	files := map[string]string{
		us + ".dly": dlyLine(us, 2000, 1, "TMAX", map[int]int{1: 100, 10: 150}) +
			dlyLine(us, 2000, 1, "TMIN", map[int]int{1: -50, 10: -20}) +
			dlyLine(us, 2000, 2, "TMAX", map[int]int{1: 200}) +
			dlyLine(us, 2000, 2, "TMIN", map[int]int{1: -100}) +
			dlyLine(us, 2001, 1, "TMAX", map[int]int{9: 120, 10: 150}) +
			dlyLine(us, 2001, 1, "TMIN", map[int]int{9: -60, 10: -120}),
		ca + ".dly": dlyLine(ca, 2000, 1, "TMAX", map[int]int{10: 50}) +
			dlyLine(ca, 2000, 1, "TMIN", map[int]int{10: 0}) +
			dlyLine(ca, 2001, 1, "TMAX", map[int]int{10: 300}) +
			dlyLine(ca, 2001, 1, "TMIN", map[int]int{10: 10}),
		"ghcnd-stations.txt": stationLine(us, 40.0, -75.0, 10, "US TEST") + stationLine(ca, 45.0, -75.0, 10, "CA TEST"),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, err := testutil.DBForRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := stationSurfaces(t, db, src, filepath.Join(dir, "ghcnd"))

	const window = "since=2001-01-09&until=2001-01-10&min_years=0"
	cli := []string{"records-set", "--since", "2001-01-09", "--until", "2001-01-10", "--min-years", "0"}
	with := func(args ...string) []string { return append(append([]string{}, cli...), args...) }
	for _, c := range []crossCase{
		{cli: with("--extreme", "record-high,record-low", "--scope", "all"), api: "/api/records-set?" + window + "&extreme=record-high,record-low&scope=all"},
		{cli: with("--extreme", "all", "--scope", "day,all-time", "--country", "USA"), api: "/api/records-set?" + window + "&extreme=all&scope=day,all-time&country=USA"},
		{cli: with("--scope", "day,day"), api: "/api/records-set?" + window + "&scope=day,day", exit: 2, status: 400, fragment: `"day,day" names day twice`},
		{cli: with("--extreme", "all,record-low"), api: "/api/records-set?" + window + "&extreme=all,record-low", exit: 2, status: 400, fragment: "or all alone"},
		{cli: with("--scope", "year,day"), api: "/api/records-set?" + window + "&scope=year,day", exit: 2, status: 400, fragment: `"year": want all-time, month or day`},
		{cli: with("--extreme", "record-high,"), api: "/api/records-set?" + window + "&extreme=record-high,", exit: 2, status: 400, fragment: "with no blank item"},
	} {
		t.Run(strings.Join(c.cli[7:], " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}

	type rec struct {
		Station      string
		Date         string
		Extreme      string
		Scope        string
		Value        float64
		Tie          bool
		Previous     float64
		PreviousDate string `json:"previous_date"`
		National     bool
	}
	type answer struct {
		Extreme, Scope string
		Records        []rec
	}
	var got answer
	apiGet(t, srv, "/api/records-set?"+window+"&extreme=record-high,record-low&scope=all", &got)
	want := []rec{
		{us, "2001-01-09", "record-low", "month", -6, false, -5, "2000-01-01", false},
		{ca, "2001-01-10", "record-high", "all-time", 30, false, 5, "2000-01-10", true},
		{ca, "2001-01-10", "record-high", "month", 30, false, 5, "2000-01-10", false},
		{ca, "2001-01-10", "record-high", "day", 30, false, 5, "2000-01-10", false},
		{us, "2001-01-10", "record-high", "month", 15, true, 15, "2000-01-10", false},
		{us, "2001-01-10", "record-high", "day", 15, true, 15, "2000-01-10", false},
		{us, "2001-01-10", "record-low", "all-time", -12, false, -10, "2000-02-01", true},
		{us, "2001-01-10", "record-low", "month", -12, false, -6, "2001-01-09", false},
		{us, "2001-01-10", "record-low", "day", -12, false, -2, "2000-01-10", false},
	}
	if got.Extreme != "record-high,record-low" || got.Scope != "all-time,month,day" || !reflect.DeepEqual(got.Records, want) {
		t.Errorf("six questions together: %s at %s\n got %+v\nwant %+v", got.Extreme, got.Scope, got.Records, want)
	}

	// The same records, field for field, as the six questions asked one by
	// one and merged by date and station (the questions' order kept); a
	// single question echoes its own names.
	var together struct{ Records []map[string]any }
	apiGet(t, srv, "/api/records-set?"+window+"&extreme=record-high,record-low&scope=all", &together)
	var merged []map[string]any
	for _, e := range []string{"record-high", "record-low"} {
		for _, sc := range []string{"all-time", "month", "day"} {
			var one struct {
				Extreme, Scope string
				Records        []map[string]any
			}
			apiGet(t, srv, "/api/records-set?"+window+"&extreme="+e+"&scope="+sc, &one)
			if one.Extreme != e || one.Scope != sc {
				t.Errorf("extreme=%s&scope=%s echoes %q and %q", e, sc, one.Extreme, one.Scope)
			}
			merged = append(merged, one.Records...)
		}
	}
	sort.SliceStable(merged, func(i, j int) bool {
		a, b := merged[i], merged[j]
		if a["date"] != b["date"] {
			return a["date"].(string) < b["date"].(string)
		}
		return a["station"].(string) < b["station"].(string)
	})
	if len(merged) != len(want) || !reflect.DeepEqual(together.Records, merged) {
		t.Errorf("together and one by one differ:\ntogether %v\none by one %v", together.Records, merged)
	}
}
