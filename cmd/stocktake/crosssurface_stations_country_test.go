package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// dlyLine writes one month of one element of a GHCN-Daily .dly file
// (readme section III): id, year, month, element, then 31 values in tenths
// each with three blank flags; days without a value are -9999.
func dlyLine(id string, year, month int, element string, values map[int]int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-11s%04d%02d%-4s", id, year, month, element)
	for d := 1; d <= 31; d++ {
		v, ok := values[d]
		if !ok {
			v = -9999
		}
		fmt.Fprintf(&b, "%5d   ", v)
	}
	return b.String() + "\n"
}

// apiGet decodes the JSON answer of a GET to srv into v, failing the test
// on any status but 200.
func apiGet(t *testing.T, srv http.Handler, target string, v any) {
	t.Helper()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.Bytes())
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatal(err)
	}
}

// stationLine writes one line of ghcnd-stations.txt (readme section IV).
func stationLine(id string, lat, lon, elev float64, name string) string {
	return fmt.Sprintf("%-11s %8.4f %9.4f %6.1f    %-30s\n", id, lat, lon, elev, name)
}

// TestStationNationalRecordISOCountry checks the national-record path of
// records-set against the ISO country: Jan Mayen (GHCN JN) and Svalbard
// (GHCN SV) are one ISO entry, SJ. A Jan Mayen station's all-time high of
// 5.0 °C on 10 January 2001 is its own GHCN code's highest, but not SJ's:
// a Svalbard station reached 8.0 °C in 2000. Svalbard's 9.0 °C on
// 20 January 2001 is SJ's record. Both surfaces agree, and the filter
// written SJM, SJ, ghcn:JN or ghcn:SV picks the stations it names.
func TestStationNationalRecordISOCountry(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := os.MkdirAll(src, 0o755); err != nil {
		t.Fatal(err)
	}
	const jn, sv = "JNW00001001", "SVW00001002"
	files := map[string]string{
		jn: dlyLine(jn, 2000, 1, "TMAX", map[int]int{1: 10, 2: 20, 3: 30}) +
			dlyLine(jn, 2001, 1, "TMAX", map[int]int{1: 25, 10: 50}),
		sv: dlyLine(sv, 2000, 1, "TMAX", map[int]int{1: 40, 5: 80}) +
			dlyLine(sv, 2001, 1, "TMAX", map[int]int{1: 30, 20: 90}),
	}
	files["ghcnd-stations"] = stationLine(sv, 78.25, 15.5, 28, "SVALBARD TEST") + stationLine(jn, 70.94, -8.67, 10, "JAN MAYEN TEST")
	for id, text := range files {
		if id == "ghcnd-stations" {
			if err := os.WriteFile(filepath.Join(src, id+".txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(src, id+".dly"), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, err := testutil.DBForRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv := stationSurfaces(t, db, src, filepath.Join(dir, "ghcnd"))

	const window = "--since=2001-01-02"
	for _, c := range []crossCase{
		{cli: []string{"records-set", window, "--until", "2001-01-31", "--min-years", "0"}, api: "/api/records-set?since=2001-01-02&until=2001-01-31&min_years=0"},
		{cli: []string{"records-set", window, "--until", "2001-01-31", "--min-years", "0", "--country", "SJM", "--lang", "zh-Hans"}, api: "/api/records-set?since=2001-01-02&until=2001-01-31&min_years=0&country=SJM&lang=zh-Hans"},
		{cli: []string{"records-set", window, "--until", "2001-01-31", "--min-years", "0", "--country", "ghcn:JN"}, api: "/api/records-set?since=2001-01-02&until=2001-01-31&min_years=0&country=ghcn:JN"},
	} {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}

	type rec struct {
		Station  string
		Date     string
		Value    float64
		National bool
		stationCountry
	}
	var set struct{ Records []rec }
	get := func(query string) []rec {
		t.Helper()
		set.Records = nil
		apiGet(t, srv, "/api/records-set?since=2001-01-02&until=2001-01-31&min_years=0"+query, &set)
		return set.Records
	}
	all := get("")
	want := []rec{
		{jn, "2001-01-10", 5, false, stationCountry{"JN", "SJ", "SJM", "Svalbard & Jan Mayen", "Jan Mayen [Norway]"}},
		{sv, "2001-01-20", 9, true, stationCountry{"SV", "SJ", "SJM", "Svalbard & Jan Mayen", "Svalbard [Norway]"}},
	}
	if fmt.Sprint(all) != fmt.Sprint(want) {
		t.Errorf("records set in January 2001:\n got %+v\nwant %+v", all, want)
	}
	for q, ids := range map[string]string{"SJM": jn + " " + sv, "sj": jn + " " + sv, "ghcn:JN": jn, "ghcn:sv": sv, "NOR": ""} {
		var got []string
		for _, r := range get("&country=" + q) {
			got = append(got, r.Station)
		}
		if strings.Join(got, " ") != ids {
			t.Errorf("country=%s: %v, want %q", q, got, ids)
		}
	}
	// The station list merges the ISO entry's GHCN codes in id order and
	// names the entry in the request's language.
	var list struct {
		Stations []struct {
			ID string
			stationCountry
		}
		Total int
	}
	apiGet(t, srv, "/api/stations?country=SJM&lang=zh-Hant", &list)
	if list.Total != 2 || list.Stations[0].ID != jn || list.Stations[1].ID != sv || list.Stations[0].Name != "挪威屬斯瓦巴及尖棉" || list.Stations[1].ISO3 != "SJM" {
		t.Errorf("stations of SJM in zh-Hant: %+v", list)
	}
}
