package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// stationsCases are the station requests of the cross-surface table, asked
// of a database and archive holding the real Central Park file
// (USW00094728.dly) and the stations excerpt. Values checked against NWS New
// York's Central Park records: 106 °F (41.1 °C) on 9 July 1936, −15 °F
// (−26.1 °C) on 9 February 1934 (beating −13 °F of 30 December 1917),
// 104 °F (40.0 °C) on 22 July 2011 beating 101 °F (38.3 °C) of 1957, −1 °F
// (−18.2 °C) on 14 February 2016 beating 2 °F of 1916.
var stationsCases = []crossCase{
	{cli: []string{"stations", "--country", "US", "--name", "park"}, api: "/api/stations?country=US&name=park"},
	{cli: []string{"stations", "--near", "40.758,-73.985", "--radius", "25"}, api: "/api/stations?near=40.758,-73.985&radius=25"},
	{cli: []string{"station-records", "USW00094728"}, api: "/api/stations/USW00094728/records"},
	{cli: []string{"station-records", "usw00094728", "--extreme", "record-high", "--scope", "day", "--month", "7"}, api: "/api/stations/usw00094728/records?extreme=record-high&scope=day&month=7"},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "US"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=US"},
	{cli: []string{"records-set", "--since", "1934-02-01", "--until", "1934-02", "--extreme", "record-low"}, api: "/api/records-set?since=1934-02-01&until=1934-02&extreme=record-low"},
	{cli: []string{"records-set", "--since", "2011-07-22", "--until", "2011-07-22", "--scope", "day"}, api: "/api/records-set?since=2011-07-22&until=2011-07-22&scope=day"},
	{cli: []string{"records-set", "--since", "2016-02-14", "--until", "2016-02-14", "--extreme", "record-low", "--scope", "day", "--country", "CA"}, api: "/api/records-set?since=2016-02-14&until=2016-02-14&extreme=record-low&scope=day&country=CA"},
	{cli: []string{"records-set", "--until", "2016-02-14"}, api: "/api/records-set?until=2016-02-14", exit: 2, status: 400, fragment: "is required: the first day of the window"},
	{cli: []string{"records-set", "--since", "2016-02-14", "--scope", "year"}, api: "/api/records-set?since=2016-02-14&scope=year", exit: 2, status: 400, fragment: `"year": want all-time, month or day`},
	{cli: []string{"station-records", "USW00014732"}, api: "/api/stations/USW00014732/records", exit: 1, status: 404, fragment: "station USW00014732 has no records in the store"},
	{cli: []string{"stations", "--near", "91,0"}, api: "/api/stations?near=91,0", exit: 2, status: 400, fragment: `"91,0": want LAT,LON in decimal degrees`},
	{cli: []string{"station-climatology", "USW00094728"}, api: "/api/stations/USW00094728/climatology"},
	{cli: []string{"station-climatology", "usw00094728", "--element", "TMAX", "--year", "2011"}, api: "/api/stations/usw00094728/climatology?element=TMAX&year=2011"},
	{cli: []string{"station-climatology", "USW00094728", "--element", "prcp", "--year", "2011"}, api: "/api/stations/USW00094728/climatology?element=prcp&year=2011"},
	{cli: []string{"station-climatology", "USW00094728", "--element", "SNOW"}, api: "/api/stations/USW00094728/climatology?element=SNOW", exit: 2, status: 400, fragment: `"SNOW": want TMAX, TMIN or PRCP`},
	{cli: []string{"station-climatology", "USW00014732"}, api: "/api/stations/USW00014732/climatology", exit: 1, status: 404, fragment: "station USW00014732 has no values in the archive"},
	// Countries: GHCN's FIPS codes are not ISO's (countries.ParseStationCountry).
	{cli: []string{"stations", "--country", "USA", "--name", "park", "--lang", "zh-Hant"}, api: "/api/stations?country=USA&name=park&lang=zh-Hant"},
	{cli: []string{"stations", "--country", "ghcn:us", "--lang", "zh-Hans"}, api: "/api/stations?country=ghcn:us&lang=zh-Hans"},
	{cli: []string{"stations", "--country", "BFA"}, api: "/api/stations?country=BFA"},
	{cli: []string{"stations", "--country", "bf"}, api: "/api/stations?country=bf", exit: 2, status: 400,
		fragment: `"bf": BF is ambiguous: in ISO 3166 it is Burkina Faso (GHCN-Daily code UV), in GHCN-Daily's FIPS codes it is Bahamas, The (ISO BHS)`},
	{cli: []string{"stations", "--country", "CN"}, api: "/api/stations?country=CN"},
	{cli: []string{"stations", "--country", "ghcn:CH"}, api: "/api/stations?country=ghcn:CH"},
	{cli: []string{"stations", "--country", "CHE"}, api: "/api/stations?country=CHE"},
	{cli: []string{"stations", "--country", "CH"}, api: "/api/stations?country=CH", exit: 2, status: 400,
		fragment: `"CH": CH is ambiguous: in ISO 3166 it is Switzerland (GHCN-Daily code SZ), in GHCN-Daily's FIPS codes it is China (ISO CHN); give CHE or ghcn:SZ for the first, CHN or ghcn:CH for the second`},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "SZ"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=SZ", exit: 2, status: 400,
		fragment: `"SZ": SZ is ambiguous: in ISO 3166 it is Swaziland (GHCN-Daily code WZ), in GHCN-Daily's FIPS codes it is Switzerland (ISO CHE)`},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "UK"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=UK", exit: 2, status: 400,
		fragment: `"UK": UK is not an ISO 3166 code of a country GHCN-Daily lists; GHCN-Daily's FIPS code UK is United Kingdom: give GBR (ISO alpha-3) or ghcn:UK`},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "ghcn:CN"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=ghcn:CN", exit: 2, status: 400,
		fragment: `GHCN-Daily has no country code CN`},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "usa", "--lang", "zh-Hant"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=usa&lang=zh-Hant"},
	{cli: []string{"records-set", "--since", "1936-07-01", "--until", "1936-07-31", "--country", "CN"}, api: "/api/records-set?since=1936-07-01&until=1936-07-31&country=CN"},
	{cli: []string{"station-records", "USW00094728", "--extreme", "record-high", "--lang", "zh-Hans"}, api: "/api/stations/USW00094728/records?extreme=record-high&lang=zh-Hans"},
	{cli: []string{"station-climatology", "USW00094728", "--year", "2011", "--lang", "zh-Hant"}, api: "/api/stations/USW00094728/climatology?year=2011&lang=zh-Hant"},
}

// TestCrossSurfaceStations ingests the real Central Park file through the
// CLI, runs stationsCases on both surfaces and checks the answers' values.
func TestCrossSurfaceStations(t *testing.T) {
	dir := t.TempDir()
	db, err := testutil.DBForRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily")
	srv := stationSurfaces(t, db, src, filepath.Join(dir, "ghcnd"))
	for _, c := range stationsCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}

	apiJSON := func(target string, v any) {
		t.Helper()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != 200 {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.Bytes())
		}
		if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
			t.Fatal(err)
		}
	}
	type source struct {
		File, SHA256 string
		Retrieved    time.Time
	}
	var set struct {
		Records []struct {
			Station, Date   string
			PreviousDate    string `json:"previous_date"`
			Value, Previous float64
			National, Tie   bool
			Sentence        string
			Source          *source
		}
	}
	check := func(target, date string, value, previous float64, prevDate string, national bool) {
		t.Helper()
		apiJSON(target, &set)
		if len(set.Records) != 1 {
			t.Fatalf("%s: %d records, want 1", target, len(set.Records))
		}
		r := set.Records[0]
		if r.Station != "USW00094728" || r.Date != date || r.Value != value || r.Previous != previous || r.PreviousDate != prevDate || r.National != national || r.Tie {
			t.Errorf("%s: %+v; want %s %.1f beating %.1f of %s, national %v", target, r, date, value, previous, prevDate, national)
		}
		if r.Source == nil || r.Source.File != "USW00094728.dly" || len(r.Source.SHA256) != 64 || r.Source.Retrieved.IsZero() {
			t.Errorf("%s: source %+v", target, r.Source)
		}
	}
	check("/api/records-set?since=1936-07-01&until=1936-07-31&country=US", "1936-07-09", 41.1, 40, "1918-08-07", true)
	check("/api/records-set?since=1934-02-01&until=1934-02&extreme=record-low", "1934-02-09", -26.1, -25, "1917-12-30", true)
	check("/api/records-set?since=2011-07-22&until=2011-07-22&scope=day", "2011-07-22", 40, 38.3, "1957-07-22", false)
	check("/api/records-set?since=2016-02-14&until=2016-02-14&extreme=record-low&scope=day", "2016-02-14", -18.2, -16.7, "1916-02-14", false)
	if !strings.Contains(set.Records[0].Sentence, "record low for 14 February of -18.2 °C (-1 °F)") {
		t.Errorf("sentence %q", set.Records[0].Sentence)
	}
	apiJSON("/api/records-set?since=2016-02-14&until=2016-02-14&extreme=record-low&scope=day&country=CA", &set)
	if len(set.Records) != 0 {
		t.Errorf("country CA: %d records, want none", len(set.Records))
	}

	testStationCountries(t, db, apiJSON)

	var recs struct {
		Station struct{ Name string }
		Records []struct {
			Extreme, Date string
			Value         float64
			Month, Day    int
		}
		Source *source
	}
	apiJSON("/api/stations/USW00094728/records", &recs)
	type valueOn struct {
		value float64
		date  string
	}
	want := map[string]valueOn{"record-high": {41.1, "1936-07-09"}, "record-low": {-26.1, "1934-02-09"}}
	for _, r := range recs.Records {
		if w, ok := want[r.Extreme]; ok && (w.value != r.Value || w.date != r.Date) {
			t.Errorf("%s = %v on %s, want %v", r.Extreme, r.Value, r.Date, w)
		}
		delete(want, r.Extreme)
	}
	if len(want) != 0 || recs.Station.Name != "NY CITY CNTRL PARK" || recs.Source == nil || recs.Source.File != "USW00094728.dly" {
		t.Errorf("station records: missing %v, station %q, source %+v", want, recs.Station.Name, recs.Source)
	}
	apiJSON("/api/stations/USW00094728/records?extreme=record-high&scope=day&month=7", &recs)
	if len(recs.Records) != 31 || recs.Records[21].Day != 22 || recs.Records[21].Value != 40 || recs.Records[21].Date != "2011-07-22" {
		t.Errorf("July calendar-day highs: %d records, 22 July %+v", len(recs.Records), recs.Records[min(21, len(recs.Records)-1)])
	}

	// The climatology of 2011's highs: on 22 July the highest of 1869-2010
	// is 1957's 38.3 °C (101 °F), and 2011's value its 40.0 °C record; the
	// percentiles lie between the extremes. The CLI's text prints the
	// same numbers on the day's line, and the source beside them.
	var clim struct {
		Year      int
		FirstYear int `json:"first_year"`
		LastYear  int `json:"last_year"`
		Unit      string
		Days      []struct {
			Month, Day, Years         int
			Min, P10, P90, Max, Value *float64
		}
		Source *source
	}
	apiJSON("/api/stations/USW00094728/climatology?element=TMAX&year=2011", &clim)
	if clim.Year != 2011 || clim.FirstYear != 1869 || clim.LastYear != 2010 || clim.Unit != "degC" || len(clim.Days) != 366 || clim.Source == nil || clim.Source.File != "USW00094728.dly" {
		t.Fatalf("climatology: year %d, reference %d-%d, unit %s, %d days, source %+v", clim.Year, clim.FirstYear, clim.LastYear, clim.Unit, len(clim.Days), clim.Source)
	}
	jul22 := clim.Days[31+29+31+30+31+30+21]
	if jul22.Month != 7 || jul22.Day != 22 || jul22.Max == nil || *jul22.Max != 38.3 || jul22.Value == nil || *jul22.Value != 40 ||
		*jul22.Min > *jul22.P10 || *jul22.P10 > *jul22.P90 || *jul22.P90 > *jul22.Max || jul22.Years != 142 {
		t.Errorf("22 July 2011 against 1869-2010: %+v (max %v, value %v), want max 38.3, value 40, 142 years", jul22, deref(jul22.Max), deref(jul22.Value))
	}
	text := runCLI(t, db, "station-climatology", "USW00094728", "--year", "2011")
	line := ""
	for _, l := range strings.Split(text.stdout, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "07-22 ") {
			line = strings.Join(strings.Fields(l), " ")
		}
	}
	want22 := fmt.Sprintf("07-22 %.1f %.1f %.1f 38.3 142 40.0", *jul22.Min, *jul22.P10, *jul22.P90)
	if text.code != 0 || line != want22 || !strings.Contains(text.stdout, "source: noaa-ghcn-daily USW00094728.dly sha256 "+clim.Source.SHA256) ||
		!strings.Contains(text.stdout, "TMAX in degC, 2011 against 1869-2010") {
		t.Errorf("station-climatology text: exit %d, 22 July line %q (want %q):\n%.400s", text.code, line, want22, text.stdout)
	}
	help := runCLI(t, db, "station-climatology", "--help")
	for _, w := range []string{"°C", "mm", "0.1*(n-1)", "type 7", "stocktake station-climatology USW00094728 --element TMIN --year 2019 --json"} {
		if !strings.Contains(help.stdout, w) {
			t.Errorf("station-climatology --help lacks %q", w)
		}
	}
}

// deref returns *p, or NaN for nil (for messages).
func deref(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// stationCountry is the country part of a station in the JSON of both
// surfaces.
type stationCountry struct {
	Country  string
	ISO2     string `json:"country_iso2"`
	ISO3     string `json:"country_iso3"`
	Name     string `json:"country_name"`
	GHCNName string `json:"country_ghcn_name"`
}

// testStationCountries checks the country fields of the station answers
// (the cross-surface cases above check that both surfaces agree): Central
// Park is in the United States in every language, the filter echoes what it
// read, CH and CN are never China's and Switzerland's codes swapped, and the
// national-record path keeps its answer when the filter is written ISO.
func testStationCountries(t *testing.T, db string, apiJSON func(string, any)) {
	t.Helper()
	type filter struct {
		ISO2, ISO3, Name string
		GHCN             []string
	}
	var list struct {
		Country  *filter
		Stations []stationCountry
		Total    int
	}
	names := map[string]string{"en": "United States", "zh-Hant": "美國", "zh-Hans": "美国"}
	for lang, name := range names {
		apiJSON("/api/stations?id=USW00094728&lang="+lang, &list)
		if len(list.Stations) != 1 || list.Stations[0] != (stationCountry{"US", "US", "USA", name, "United States"}) {
			t.Errorf("Central Park in %s: %+v, want US/USA %s", lang, list.Stations, name)
		}
		var recs struct{ Station stationCountry }
		apiJSON("/api/stations/USW00094728/records?lang="+lang, &recs)
		if recs.Station.Name != name || recs.Station.ISO3 != "USA" {
			t.Errorf("station records in %s: %+v", lang, recs.Station)
		}
	}
	apiJSON("/api/stations?country=BFA", &list)
	if list.Total != 1 || list.Stations[0].Country != "UV" || list.Stations[0].ISO3 != "BFA" || list.Stations[0].Name != "Burkina Faso" ||
		list.Country == nil || list.Country.ISO3 != "BFA" || fmt.Sprint(list.Country.GHCN) != "[UV]" {
		t.Errorf("country=BFA: %+v %+v", list.Country, list.Stations)
	}
	for q, want := range map[string]filter{
		"CN":      {"CN", "CHN", "China", []string{"CH"}},
		"ghcn:CH": {"CN", "CHN", "China", []string{"CH"}},
		"CHN":     {"CN", "CHN", "China", []string{"CH"}},
		"CHE":     {"CH", "CHE", "Switzerland", []string{"SZ"}},
		"ghcn:SZ": {"CH", "CHE", "Switzerland", []string{"SZ"}},
		"SWZ":     {"SZ", "SWZ", "Swaziland", []string{"WZ"}},
		"UMI":     {"UM", "UMI", "U.S. Outlying Islands", []string{"JQ", "LQ", "MQ", "WQ"}},
	} {
		list.Country = nil
		apiJSON("/api/stations?country="+q, &list)
		if list.Country == nil || list.Country.ISO3 != want.ISO3 || list.Country.Name != want.Name || fmt.Sprint(list.Country.GHCN) != fmt.Sprint(want.GHCN) || list.Total != 0 {
			t.Errorf("country=%s: %+v, %d stations; want %+v and none (the store has only U.S. and Burkina Faso stations)", q, list.Country, list.Total, want)
		}
	}
	apiJSON("/api/stations?country=CN&lang=zh-Hant", &list)
	if list.Country == nil || list.Country.Name != "中國" {
		t.Errorf("country=CN in zh-Hant: %+v", list.Country)
	}

	// Records set: the 1936 all-time high is Central Park's and a national
	// record of the United States whichever way the country is written;
	// China (CN, ghcn:CH) has none.
	var set struct {
		Country *filter
		Records []struct {
			stationCountry
			Station  string
			National bool
		}
	}
	for _, q := range []string{"USA", "us", "ghcn:US", ""} {
		set.Country = nil // absent without a filter: Unmarshal would keep the last one
		apiJSON("/api/records-set?since=1936-07-01&until=1936-07-31&country="+q, &set)
		if len(set.Records) != 1 || !set.Records[0].National || set.Records[0].stationCountry != (stationCountry{"US", "US", "USA", "United States", "United States"}) {
			t.Errorf("records-set country=%q: %+v", q, set.Records)
		}
		if (q == "") != (set.Country == nil) {
			t.Errorf("records-set country=%q: echo %+v", q, set.Country)
		}
	}
	for _, q := range []string{"CN", "ghcn:CH", "CHE", "BFA"} {
		apiJSON("/api/records-set?since=1936-07-01&until=1936-07-31&country="+q, &set)
		if len(set.Records) != 0 {
			t.Errorf("records-set country=%s: %d records, want none", q, len(set.Records))
		}
	}

	// The CLI's text names the country beside GHCN's code.
	text := runCLI(t, db, "stations", "--id", "USW00094728", "--lang", "zh-Hant")
	if text.code != 0 || !strings.Contains(text.stdout, "美國, USA; GHCN US") {
		t.Errorf("stations text in zh-Hant: exit %d\n%s", text.code, text.stdout)
	}
	text = runCLI(t, db, "stations", "--country", "ghcn:CH")
	if text.code != 0 || !strings.Contains(text.stdout, "country: China (CN, CHN; GHCN CH)") {
		t.Errorf("stations --country ghcn:CH text: exit %d\n%s", text.code, text.stdout)
	}
}

// stationSurfaces ingests the GHCN-Daily files of src into a new archive at
// arcDir through the CLI, and returns an API server over db and that
// archive (its clock at 2025-06-01 noon UTC). STOCKTAKE_ARCHIVE is set to
// arcDir for the test, so that CLI runs read the same archive.
func stationSurfaces(t *testing.T, db, src, arcDir string) *api.Server {
	t.Helper()
	if r := runCLI(t, db, "stations", "ingest", "--archive", arcDir, src, "--json"); r.code != 0 {
		t.Fatalf("stations ingest: exit %d: %s", r.code, r.stderr)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	arc, err := stations.Open(arcDir, stations.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler), Stations: arc,
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	t.Cleanup(func() { srv.Close() })
	t.Setenv("STOCKTAKE_ARCHIVE", arcDir)
	return srv
}
