package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	qry "github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// The store is built once per test binary by ingesting ../shared/data.
var (
	storeOnce sync.Once
	sharedSt  *store.Store
	sharedArc *stations.Archive // the station archive beside sharedSt
	storeErr  error
	storeDir  string
)

// TestMain runs the package's tests on SQLite and, when PostgreSQL testing
// is on, again on PostgreSQL; the shared store and server are rebuilt for
// each backend.
func TestMain(m *testing.M) {
	os.Exit(testutil.RunBackends(m, testutil.Options{Reset: func() {
		if sharedSrv != nil {
			sharedSrv.Close()
		}
		if sharedSt != nil {
			sharedSt.Close()
		}
		if sharedArc != nil {
			sharedArc.Close()
		}
		if storeDir != "" {
			os.RemoveAll(storeDir)
		}
		storeOnce, serverOnce = sync.Once{}, sync.Once{}
		sharedSt, sharedSrv, storeErr, storeDir = nil, nil, nil, ""
		sharedArc = nil
	}}))
}

// realStore returns the store holding every dataset of ../shared/data.
func realStore(t testing.TB) *store.Store {
	t.Helper()
	mirror := testutil.SharedData(t)
	storeOnce.Do(func() {
		ctx := context.Background()
		storeDir, storeErr = os.MkdirTemp("", "stocktake-api-test")
		if storeErr != nil {
			return
		}
		var db string
		if db, storeErr = testutil.DBForRun(storeDir); storeErr != nil {
			return
		}
		sharedSt, storeErr = store.Open(ctx, db)
		if storeErr != nil {
			return
		}
		_, storeErr = ingest.Run(ctx, sharedSt, catalog.Datasets(), ingest.Options{Mirror: mirror})
		if storeErr != nil {
			return
		}
		// The GHCN-Daily stations excerpt and Central Park file, for the
		// station routes.
		if sharedArc, storeErr = stations.Open(filepath.Join(storeDir, "ghcnd"), stations.Options{Buckets: 4}); storeErr != nil {
			return
		}
		_, storeErr = ingest.IngestStations(ctx, sharedSt, sharedArc, []string{filepath.Join(mirror, "noaa-ghcn-daily")})
	})
	if storeErr != nil {
		t.Fatal(storeErr)
	}
	return sharedSt
}

var (
	serverOnce sync.Once
	sharedSrv  *Server
)

// fixedNow is the clock of the test server, so that data ages are stable.
var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func testServer(t *testing.T) *Server {
	t.Helper()
	st := realStore(t)
	serverOnce.Do(func() {
		sharedSrv = NewServer(st, Options{Version: "test", Now: func() time.Time { return fixedNow },
			Logger: slog.New(slog.DiscardHandler), Stations: sharedArc})
	})
	return sharedSrv
}

type resp struct {
	code int
	h    http.Header
	body []byte
}

func get(t testing.TB, h http.Handler, target string, hdr ...string) resp {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// getJSON fetches target, requires 200 and decodes the body into v.
func getJSON(t *testing.T, h http.Handler, target string, v any) resp {
	t.Helper()
	r := get(t, h, target)
	if r.code != http.StatusOK {
		t.Fatalf("GET %s: %d %s", target, r.code, r.body)
	}
	if ct := r.h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v\n%s", target, err, r.body)
	}
	return r
}

func TestSeries(t *testing.T) {
	s := testServer(t)
	var got map[string]json.RawMessage
	getJSON(t, s, "/api/series/seaice.south?from=2023-02-17&to=2023-02-23", &got)
	keys := sortedKeys(got)
	if strings.Join(keys, ",") != "entity,frequency,indicator,points,source,unit" {
		t.Fatalf("keys %v", keys)
	}
	if string(got["entity"]) != "null" {
		t.Fatalf("entity %s, want null", got["entity"])
	}
	var se present.Series
	getJSON(t, s, "/api/series/seaice.south?from=2023-02-17&to=2023-02-23", &se)
	if len(se.Points) != 7 || se.Points[2].Date != "2023-02-19" || se.Points[2].Value != 1.766 || se.Unit != "10^6 km^2" {
		t.Fatalf("points %+v", se.Points)
	}
	if se.Source.Dataset != "nsidc-g02135-south-v3" || se.Source.Version != "3.0" || len(se.Source.SHA256) != 64 || se.Source.Retrieved == nil {
		t.Fatalf("source %+v", se.Source)
	}
	// The body is the CLI's JSON (present.Series) for the same values.
	ref, _ := catalog.Resolve("seaice.south")
	full, src, err := s.st.Series(context.Background(), ref, "")
	if err != nil {
		t.Fatal(err)
	}
	from, _ := obs.ParseDate("2023-02-17")
	to, _ := obs.ParseDate("2023-02-23")
	full.Points = qry.Window{From: from, To: to, HasFrom: true, HasTo: true}.Keep(full.Points)
	want, _ := json.Marshal(present.NewSeries(full, src, ""))
	r := get(t, s, "/api/series/seaice.south?from=2023-02-17&to=2023-02-23")
	if !bytes.Equal(bytes.TrimSpace(r.body), want) {
		t.Fatalf("body differs from present.NewSeries:\n%s\n%s", r.body, want)
	}

	// 5-day trailing mean: NSIDC's announced 2022 minimum, 1.924 on 25 February 2022.
	// 5-day trailing mean: the 2023 Antarctic minimum, 1.79 million km² on
	// 21 February 2023 (1.788 in the v3.0 file).
	getJSON(t, s, "/api/series/seaice.south?from=2023-02-21&to=2023-02-21&smooth=5d", &se)
	if se.Smoothing != "5d" || len(se.Points) != 1 || se.Points[0].Value < 1.7875 || se.Points[0].Value > 1.7885 {
		t.Fatalf("5d: %+v", se)
	}
	// Months and years: "to" at a coarser resolution means its last day.
	getJSON(t, s, "/api/series/co2.mlo?from=2023&to=2023", &se)
	if len(se.Points) != 12 || se.Points[0].Date != "2023-01" || se.Frequency != "monthly" {
		t.Fatalf("co2.mlo 2023: %+v", se.Points)
	}
	// National series need an entity, by code or name.
	getJSON(t, s, "/api/series/co2.emissions?entity=china&from=2023", &se)
	if se.Entity == nil || *se.Entity != "CHN" || len(se.Points) != 1 || se.Points[0].Date != "2023" {
		t.Fatalf("co2 CHN: %+v", se)
	}

	// CSV carries the provenance on every row.
	r = get(t, s, "/api/series/seaice.south?from=2023-02-19&to=2023-02-19&format=csv")
	if r.code != 200 || !strings.HasPrefix(r.h.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s", r.code, r.h)
	}
	lines := strings.Split(strings.TrimSpace(string(r.body)), "\n")
	if len(lines) != 2 || lines[0] != "date,value,indicator,entity,unit,dataset,version,sha256" ||
		!strings.HasPrefix(lines[1], "2023-02-19,1.766,seaice.south,,10^6 km^2,nsidc-g02135-south-v3,3.0,") {
		t.Fatalf("csv: %q", lines)
	}
	if !strings.Contains(r.h.Get("Content-Disposition"), "seaice.south.csv") {
		t.Fatalf("Content-Disposition %q", r.h.Get("Content-Disposition"))
	}
}

func TestErrors(t *testing.T) {
	s := testServer(t)
	f := func(target string, status int, contains string) {
		t.Helper()
		r := get(t, s, target)
		if r.code != status {
			t.Errorf("GET %s: status %d, want %d: %s", target, r.code, status, r.body)
			return
		}
		var e errorBody
		if err := json.Unmarshal(r.body, &e); err != nil || e.Status != status || !strings.Contains(e.Error, contains) {
			t.Errorf("GET %s: body %s, want status %d and %q", target, r.body, status, contains)
		}
		if r.h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: errors must not be cached: %q", target, r.h.Get("Cache-Control"))
		}
	}
	// 400: bad parameters.
	f("/api/series/seaice.south?from=2023-02-30", 400, "no such calendar date")
	f("/api/series/seaice.south?from=yesterday", 400, "from")
	f("/api/series/seaice.south?from=2023-03-01&to=2023-02-01", 400, "after")
	f("/api/series/seaice.south?form=2023", 400, `unknown parameter "form"`)
	f("/api/series/seaice.south?from=2023&from=2024", 400, "more than once")
	f("/api/series/seaice.south?smooth=fortnight", 400, "smooth")
	f("/api/series/co2.mlo?smooth=5d", 400, "daily")
	f("/api/series/seaice.south?format=xml", 400, "format")
	f("/api/series/seaice.south?entity=CHN", 400, "global indicator")
	f("/api/series/co2.emissions", 400, "national indicator")
	f("/api/records/sst.world", 400, "exactly one")
	f("/api/records/sst.world?on=2023-08-21&year=2023", 400, "exactly one")
	f("/api/records/sst.world?on=2023-08", 400, "daily")
	f("/api/records/sst.world?on=2023-08-21&as_of=2023-08-01", 400, "after")
	f("/api/records/sst.world?on=2023-08-21&kind=hottest", 400, "kind")
	f("/api/records/sst.world?on=2023-08-21&convention=julian", 400, "convention")
	f("/api/climatology/sst.world?baseline=2020-1991", 400, "baseline")
	f("/api/extremes/sst.world?year=2023&month=2023-06", 400, "one of")
	f("/api/rank/sst.world", 400, "global indicator")
	f("/api/rank/co2.emissions?since=1850", 400, "cumulative")
	f("/api/rank/co2.emissions?top=-1", 400, "top")
	f("/api/peaks/co2.emissions", 400, "entity")
	f("/api/peaks/co2.emissions?entity=CHN&min_years=0", 400, "peak rule")
	f("/api/growth/co2.emissions?entity=CHN&from=2020&to=2010", 400, "two years")
	f("/api/compare", 400, "entities")
	f("/api/daily/co2.mlo", 400, "daily")
	f("/api/chart/seaice.south.png?kind=pie", 400, "kind")
	f("/api/chart/seaice.south.png?width=10", 400, "width")
	f("/api/trend/sst.world?basis=weekly", 400, "basis")
	// 404: unknown indicator, entity or dataset, or nothing stored.
	f("/api/series/nope", 404, `unknown indicator "nope"`)
	f("/api/series/seaice.north@9", 404, "no version")
	f("/api/series/co2.emissions?entity=Atlantis", 404, "unknown entity")
	f("/api/series/co2.emissions?entity=VAT", 404, "not in the store")
	f("/api/series/seaice.south@4.0", 404, "not in the store") // v4 south is not in the mirror
	f("/api/records/sst.world?on=1970-01-01", 404, "no data")
	// National endpoints: a year or period outside the data is a bad
	// parameter (400); unknown indicators and entities are 404.
	f("/api/rank/co2.emissions?year=1700", 400, "year=1700 is outside the data")
	f("/api/rank/co2.emissions?year=2030", 400, "co2.emissions covers 1750-2023")
	f("/api/rank/co2.emissions?cumulative=true&since=2030", 400, "since=2030 is after year")
	f("/api/rank/solar.capacity?year=2023&cumulative=true", 400, "no cumulative ranking")
	f("/api/rank/nope", 404, `unknown indicator "nope"`)
	f("/api/growth/co2.emissions?entity=CHN&from=2030", 400, "from=2030 is outside the data")
	f("/api/growth/co2.emissions?entity=CHN&to=1700", 400, "to=1700 is outside the data")
	f("/api/growth/co2.emissions?entity=CHN&from=2023", 400, "two years, got 2023-2023")
	f("/api/growth/co2.emissions?entity=Atlantis&from=2030", 404, "unknown entity")
	f("/api/growth/nope?entity=CHN&from=2030", 404, `unknown indicator "nope"`)
	f("/api/peaks/co2.emissions?entity=CHN&as_of=1700", 400, "as_of=1700 is before the data")
	f("/api/compare?a=CHN&b=USA&indicators=co2.emissions&year=1700", 400, "year=1700 is outside the data")
	f("/api/compare?a=CHN&b=USA&year=1700", 400, "outside the data of every compared indicator")
	f("/api/compare?a=CHN&b=Atlantis&year=1700", 404, "unknown entity")
	// Record events and the feed follow the route table like every route.
	f("/api/events?foo=1", 400, `unknown parameter "foo"`)
	f("/api/events?page=abc", 400, `unknown parameter "page"`)
	f("/api/events?limit=-1", 400, "limit")
	f("/api/events?limit=abc", 400, "limit")
	f("/api/events?cursor=garbage", 400, "cursor")
	f("/api/events?cursor=yesterday/1", 400, "cursor")
	f("/api/events?since=yesterday", 400, "since")
	f("/api/events?historical=maybe", 400, "historical")
	f("/api/events?indicator=sst.world&indicator=co2.mlo", 400, "more than once")
	f("/api/events?indicator=seaice.north@4.0", 400, "@VERSION")
	f("/api/events?indicator=nope", 404, `unknown indicator "nope"`)
	f("/api/events?indicator=sst.world,nope", 404, `unknown indicator "nope"`)
	f("/feed.xml?indicator=nope", 404, `unknown indicator "nope"`)
	f("/feed.xml?foo=1", 400, `unknown parameter "foo"`)
	f("/feed.xml?v=1", 400, `unknown parameter "v"`)
	f("/api/peaks/co2.emissions?entity=VAT", 404, "no co2.emissions data")
	f("/api/pledges?entity=IND", 404, "no pledge")
	f("/api/versions?dataset=nope", 404, "unknown dataset")
	f("/api/chart/seaice.south.gif", 404, "png, svg or csv")
	f("/api/nothing/here", 404, "no such endpoint")
	f("/nothing", 404, "no such endpoint")

	// 405 for methods other than GET and HEAD, with the JSON error body.
	for _, target := range []string{"/api/series/seaice.south", "/feed.xml", "/api/events"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			req := httptest.NewRequest(method, target, nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			var e errorBody
			if rec.Code != 405 || rec.Header().Get("Allow") != "GET, HEAD" || json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Status != 405 {
				t.Errorf("%s %s: %d %v %s", method, target, rec.Code, rec.Header(), rec.Body)
			}
		}
	}
}

func TestETagGzipCache(t *testing.T) {
	s := testServer(t)
	target := "/api/series/sst.world?from=2023"
	r := get(t, s, target)
	etag := r.h.Get("ETag")
	if r.code != 200 || !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
		t.Fatalf("ETag %q", etag)
	}
	if cc := r.h.Get("Cache-Control"); cc != "public, max-age=60, must-revalidate" {
		t.Fatalf("Cache-Control %q", cc)
	}
	dv := r.h.Get("X-Stocktake-Data-Version")
	if len(dv) != 16 || !strings.HasPrefix(r.h.Get("X-Stocktake-Source"), "dataset=climate-reanalyzer-sst.world;") {
		t.Fatalf("headers %v", r.h)
	}
	// Same request, same strong ETag; If-None-Match answers 304 without a body.
	if r2 := get(t, s, target); r2.h.Get("ETag") != etag || !bytes.Equal(r2.body, r.body) {
		t.Fatal("ETag or body changed between identical requests")
	}
	nm := get(t, s, target, "If-None-Match", `"x", `+etag)
	if nm.code != http.StatusNotModified || len(nm.body) != 0 || nm.h.Get("ETag") != etag {
		t.Fatalf("If-None-Match: %d %q", nm.code, nm.body)
	}
	if get(t, s, target, "If-None-Match", `"other"`).code != 200 {
		t.Fatal("a different ETag must get the body")
	}
	// gzip when accepted: a distinct strong ETag, same content.
	gz := get(t, s, target, "Accept-Encoding", "br, gzip")
	if gz.h.Get("Content-Encoding") != "gzip" || gz.h.Get("ETag") != strings.TrimSuffix(etag, `"`)+`-gz"` || !strings.Contains(gz.h.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("gzip headers %v", gz.h)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Equal(plain, r.body) || len(gz.body) >= len(r.body) {
		t.Fatalf("gzip body: %d bytes -> %d, equal %v", len(r.body), len(gz.body), bytes.Equal(plain, r.body))
	}
	if nm := get(t, s, target, "Accept-Encoding", "gzip", "If-None-Match", gz.h.Get("ETag")); nm.code != 304 {
		t.Fatalf("If-None-Match with the gzip ETag: %d", nm.code)
	}
	if r := get(t, s, target, "Accept-Encoding", "gzip;q=0"); r.h.Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 refuses gzip")
	}
	// Small bodies are not compressed.
	if r := get(t, s, "/api/extremes/sst.world?year=2023", "Accept-Encoding", "gzip"); r.h.Get("Content-Encoding") != "" {
		t.Fatal("small body compressed")
	}
	// With v= the current data version the response is immutable.
	if cc := get(t, s, target+"&v="+dv).h.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
		t.Fatalf("immutable Cache-Control %q", cc)
	}
	if cc := get(t, s, target+"&v=0000000000000000").h.Get("Cache-Control"); !strings.Contains(cc, "must-revalidate") {
		t.Fatalf("stale v: Cache-Control %q", cc)
	}
	if cc := get(t, s, "/healthz").h.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("healthz Cache-Control %q", cc)
	}
	if cc := get(t, s, "/api/openapi.json").h.Get("Cache-Control"); cc != "public, max-age=86400" {
		t.Fatalf("openapi Cache-Control %q", cc)
	}
	// HEAD: headers without a body.
	req := httptest.NewRequest(http.MethodHead, target, nil)
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
		t.Fatalf("HEAD: %d %d", rec.Code, rec.Body.Len())
	}
}

func TestIndicatorsDatasetsVersions(t *testing.T) {
	s := testServer(t)
	var rows []present.Indicator
	getJSON(t, s, "/api/indicators", &rows)
	found := false
	for _, r := range rows {
		if r.Indicator == "seaice.south" && r.Default {
			found = true
			if r.First == nil || *r.First != "1978-10-26" || r.Source.Dataset != "nsidc-g02135-south-v3" || r.Source.SHA256 == "" || r.Licence == "" {
				t.Fatalf("seaice.south row %+v", r)
			}
		}
	}
	if !found || len(rows) < 40 {
		t.Fatalf("%d rows, seaice.south found %v", len(rows), found)
	}
	var all []present.Indicator
	getJSON(t, s, "/api/indicators?all=true", &all)
	if len(all) <= len(rows) {
		t.Fatalf("all=true lists %d, stored %d", len(all), len(rows))
	}
	var ds []DatasetInfo
	getJSON(t, s, "/api/datasets", &ds)
	var south *DatasetInfo
	for i := range ds {
		if ds[i].ID == "nsidc-g02135-south-v3" {
			south = &ds[i]
		}
	}
	if south == nil || south.Current == nil || !south.Current.Current || south.Licence == "" || len(south.URLs) != 1 {
		t.Fatalf("datasets: %+v", south)
	}
	var vs []store.Version
	getJSON(t, s, "/api/versions?dataset=nsidc-g02135-south-v3", &vs)
	if len(vs) != 1 || vs[0].SHA256 != south.Current.SHA256 || vs[0].Rows != 15334 {
		t.Fatalf("versions %+v", vs)
	}
	getJSON(t, s, "/api/versions", &vs)
	if len(vs) < 30 {
		t.Fatalf("all versions: %d", len(vs))
	}
	getJSON(t, s, "/api/versions?dataset=nsidc-g02135-south-v4", &vs)
	if len(vs) != 0 {
		t.Fatalf("v4 south is not in the mirror: %+v", vs)
	}
}

// record is the subset of the records engine's JSON the tests read.
type record struct {
	Date            string  `json:"date"`
	Value           float64 `json:"value"`
	Kind            string  `json:"kind"`
	RankForDate     int     `json:"rank_for_date"`
	RecordForDate   bool    `json:"record_for_date"`
	PreviousForDate *struct {
		Date  string  `json:"date"`
		Value float64 `json:"value"`
	} `json:"previous_for_date"`
	AsOf   *string        `json:"as_of"`
	Source present.Source `json:"source"`
}

func TestRecords(t *testing.T) {
	s := testServer(t)
	// The daily global SST of 21 August 2023 was a record for the date,
	// beating 2020.
	var r record
	getJSON(t, s, "/api/records/sst.world?on=2023-08-21", &r)
	if !r.RecordForDate || r.RankForDate != 1 || r.Value != 21.081 || r.PreviousForDate == nil || r.PreviousForDate.Date != "2020-08-21" || r.Source.Dataset != "climate-reanalyzer-sst.world" {
		t.Fatalf("sst.world 2023-08-21: %+v", r)
	}
	// Antarctic sea ice: 19 February 2023 was the lowest for the date, and a
	// record low when it happened.
	getJSON(t, s, "/api/records/seaice.south?on=2023-02-19&kind=min&as_of=2023-02-19", &r)
	if !r.RecordForDate || r.Value != 1.766 || r.Kind != "min" || r.AsOf == nil || *r.AsOf != "2023-02-19" {
		t.Fatalf("seaice.south 2023-02-19: %+v", r)
	}
	// as_of=2023 means up to 2023-12-31.
	getJSON(t, s, "/api/records/seaice.south?on=2023-02-19&kind=min&as_of=2023", &r)
	if r.AsOf == nil || *r.AsOf != "2023-12-31" {
		t.Fatalf("as_of year: %+v", r.AsOf)
	}
	var year struct {
		Year       int `json:"year"`
		RecordDays []struct {
			Date string `json:"date"`
		} `json:"record_days"`
		Streaks []struct {
			Days int `json:"days"`
		} `json:"streaks"`
	}
	getJSON(t, s, "/api/records/sst.world?year=2023", &year)
	if year.Year != 2023 || len(year.RecordDays) < 100 || len(year.Streaks) == 0 {
		t.Fatalf("sst.world 2023: %d record days, %d streaks", len(year.RecordDays), len(year.Streaks))
	}
	var month struct {
		Month    string  `json:"month"`
		Value    float64 `json:"value"`
		Rank     int     `json:"rank"`
		Complete bool    `json:"complete"`
		Days     int     `json:"days"`
	}
	getJSON(t, s, "/api/records/sst.world?month=2023-08", &month)
	if month.Month != "2023-08" || month.Rank != 1 || !month.Complete || month.Days != 31 {
		t.Fatalf("sst.world 2023-08: %+v", month)
	}
	getJSON(t, s, "/api/records/gmst.noaa?month=2023-06", &month)
	if month.Value != 1.06 || month.Rank != 3 {
		t.Fatalf("gmst.noaa 2023-06: %+v", month)
	}
	var anomaly struct {
		Baseline string
		Source   present.Source
	}
	getJSON(t, s, "/api/records/gmst.noaa?month=2023-06", &anomaly)
	if anomaly.Baseline != "1901-2000" || anomaly.Source.Dataset != "noaa-cag-global-land-ocean" {
		t.Fatalf("gmst.noaa 2023-06 baseline %q source %+v", anomaly.Baseline, anomaly.Source)
	}
}

func TestClimatologyExtremesTrend(t *testing.T) {
	s := testServer(t)
	var c struct {
		Baseline   string `json:"baseline"`
		Convention string `json:"convention"`
		Slots      []struct {
			Label string   `json:"label"`
			N     int      `json:"n"`
			Mean  *float64 `json:"mean"`
		} `json:"slots"`
		Source present.Source `json:"source"`
	}
	getJSON(t, s, "/api/climatology/sst.world", &c)
	if c.Baseline != "1991-2020" || c.Convention != "calendar" || len(c.Slots) != 366 || c.Slots[59].Label != "02-29" || c.Slots[59].N != 8 || c.Slots[0].N != 30 || c.Source.Dataset == "" {
		t.Fatalf("climatology: %s %s %d %+v", c.Baseline, c.Convention, len(c.Slots), c.Slots[59])
	}
	getJSON(t, s, "/api/climatology/seaice.north?convention=daycount", &c)
	if c.Baseline != "1981-2010" || c.Convention != "daycount" || c.Slots[365].N != 29 {
		t.Fatalf("NSIDC climatology: %s %s day 366 n=%d", c.Baseline, c.Convention, c.Slots[365].N)
	}
	getJSON(t, s, "/api/climatology/gmst.noaa?baseline=1991-2020", &c)
	if len(c.Slots) != 12 || c.Convention != "month" {
		t.Fatalf("monthly climatology: %d slots, %s", len(c.Slots), c.Convention)
	}
	var e struct {
		Date   string  `json:"date"`
		Value  float64 `json:"value"`
		Kind   string  `json:"kind"`
		Period string  `json:"period"`
	}
	getJSON(t, s, "/api/extremes/seaice.south?year=2023&kind=min", &e)
	if e.Date != "2023-02-19" || e.Value != 1.766 || e.Period != "2023" {
		t.Fatalf("extremes: %+v", e)
	}
	// The v3.0 file holds final values: the 2022 5-day minimum is 1.9758
	// on 25 February (NSIDC announced 1.92 from near-real-time data).
	getJSON(t, s, "/api/extremes/seaice.south?year=2022&kind=min&smooth=5d", &e)
	if e.Date != "2022-02-25" || e.Value != 1.9758 {
		t.Fatalf("2022 5-day minimum: %+v", e)
	}
	var tr struct {
		N     int     `json:"n"`
		Basis string  `json:"basis"`
		OLS   float64 `json:"ols_per_decade"`
		Unit  string  `json:"unit"`
	}
	getJSON(t, s, "/api/trend/sst.world?from=1982&to=2023", &tr)
	if tr.N != 42 || !strings.HasPrefix(tr.Basis, "annual means") || tr.OLS < 0.05 || tr.OLS > 0.3 || tr.Unit != "degC" {
		t.Fatalf("sst trend: %+v", tr)
	}
	getJSON(t, s, "/api/trend/co2.mlo?from=2000&to=2019&basis=raw", &tr)
	if tr.N != 240 || tr.OLS < 15 || tr.OLS > 25 {
		t.Fatalf("co2 trend: %+v", tr)
	}
}

func TestNational(t *testing.T) {
	s := testServer(t)
	var rk struct {
		Year      int `json:"year"`
		Countries int `json:"countries"`
		Ranking   []struct {
			Rank   int     `json:"rank"`
			Entity string  `json:"entity"`
			Share  float64 `json:"share_of_world"`
		} `json:"ranking"`
		Source present.Source `json:"source"`
	}
	getJSON(t, s, "/api/rank/co2.emissions?year=2023&top=3", &rk)
	if rk.Year != 2023 || len(rk.Ranking) != 3 || rk.Ranking[0].Entity != "CHN" || rk.Ranking[1].Entity != "USA" || rk.Ranking[0].Share < 30 || rk.Source.Dataset != "owid-co2-emissions" {
		t.Fatalf("rank: %+v", rk)
	}
	getJSON(t, s, "/api/rank/co2.emissions?cumulative=true&since=1750&top=2", &rk)
	if rk.Ranking[0].Entity != "USA" || rk.Ranking[1].Entity != "CHN" {
		t.Fatalf("cumulative rank: %+v", rk.Ranking)
	}
	getJSON(t, s, "/api/rank/solar.capacity?year=2023", &rk)
	if len(rk.Ranking) != 10 || rk.Ranking[0].Entity != "CHN" {
		t.Fatalf("default top: %d", len(rk.Ranking))
	}

	var pk struct {
		Entity   string         `json:"entity"`
		PeakYear int            `json:"peak_year"`
		Peaked   bool           `json:"peaked"`
		Source   present.Source `json:"source"`
	}
	getJSON(t, s, "/api/peaks/co2.emissions?entity=GBR", &pk)
	if pk.Entity != "GBR" || pk.PeakYear != 1971 || !pk.Peaked || pk.Source.Dataset == "" {
		t.Fatalf("peaks GBR: %+v", pk)
	}
	var pks []map[string]any
	getJSON(t, s, "/api/peaks/co2.emissions?entity=CHN,USA", &pks)
	if len(pks) != 2 || pks[0]["entity"] != "CHN" || pks[1]["entity"] != "USA" || pks[0]["peaked"] != false {
		t.Fatalf("peaks CHN,USA: %+v", pks)
	}

	var g struct {
		From, To int
		Years    []any `json:"years"`
	}
	getJSON(t, s, "/api/growth/solar.capacity?entity=IND&from=2015&to=2023", &g)
	if g.From != 2015 || g.To != 2023 || len(g.Years) != 9 {
		t.Fatalf("growth: %+v", g)
	}

	var cmp present.Comparison
	getJSON(t, s, "/api/compare?a=CHN&b=USA&indicators=solar.capacity,co2.emissions&year=2023", &cmp)
	if strings.Join(cmp.Entities, ",") != "CHN,USA" || len(cmp.Indicators) != 2 {
		t.Fatalf("compare: %+v", cmp)
	}
	row := cmp.Indicators[0].Result
	if row.Indicator != "solar.capacity" || row.Year != 2023 || *row.Cells[0].Rank != 1 || *row.Cells[1].Rank != 2 || cmp.Indicators[0].Source.Dataset != "owid-solar-capacity" {
		t.Fatalf("compare row: %+v", row)
	}
	getJSON(t, s, "/api/compare?entities=CHN,USA,IND", &cmp)
	if len(cmp.Entities) != 3 || len(cmp.Indicators) < 5 {
		t.Fatalf("compare defaults: %d indicators", len(cmp.Indicators))
	}

	var pl present.PledgeReport
	getJSON(t, s, "/api/pledges?entity=CHN", &pl)
	if !strings.HasPrefix(pl.Rule, "peaked =") || len(pl.Pledges) == 0 {
		t.Fatalf("pledges: %+v", pl)
	}
	var co2Peak *present.PledgeProgress
	for i, p := range pl.Pledges {
		if p.Pledge.ID == "chn-co2-peak-2030" {
			co2Peak = &pl.Pledges[i]
		}
		if !p.Pledge.AppliesTo("CHN") {
			t.Fatalf("pledge %s does not concern CHN", p.Pledge.ID)
		}
	}
	if co2Peak == nil || len(co2Peak.Measurements) != 1 || co2Peak.Measurements[0].Source == nil || co2Peak.Measurements[0].Peak == nil {
		t.Fatalf("chn-co2-peak-2030: %+v", co2Peak)
	}
	var allPl present.PledgeReport
	getJSON(t, s, "/api/pledges", &allPl)
	if len(allPl.Pledges) <= len(pl.Pledges) {
		t.Fatalf("all pledges %d, CHN %d", len(allPl.Pledges), len(pl.Pledges))
	}
}

func TestDailyYears(t *testing.T) {
	s := testServer(t)
	var d DailyYearsJSON
	getJSON(t, s, "/api/daily/seaice.south", &d)
	if d.Convention != "calendar" || len(d.Labels) != 366 || d.Labels[59] != "02-29" || d.Labels[365] != "12-31" || d.Baseline != "1981-2010" {
		t.Fatalf("layout: %s %d %s", d.Convention, len(d.Labels), d.Baseline)
	}
	if d.RecordKind != "min" || d.RecordYear != 2023 || d.Records.Min.Date != "2023-02-19" || d.Records.Min.Value != 1.766 {
		t.Fatalf("records: %s %d %+v", d.RecordKind, d.RecordYear, d.Records.Min)
	}
	years := map[int][]*float64{}
	for _, y := range d.Years {
		if len(y.Values) != 366 {
			t.Fatalf("year %d has %d slots", y.Year, len(y.Values))
		}
		years[y.Year] = y.Values
	}
	if v := years[2023][49]; v == nil || *v != 1.766 { // slot 49 = 19 February
		t.Fatalf("2023 slot 49: %v", v)
	}
	if years[2023][59] != nil || years[2024][59] == nil { // 29 February: null in common years
		t.Fatal("29 February slot")
	}
	for _, arr := range [][]*float64{d.Band.Mean, d.Band.Std, d.Band.Lower2SD, d.Band.Upper2SD, d.Band.P10, d.Band.P90} {
		if len(arr) != 366 || arr[0] == nil {
			t.Fatal("band arrays must have 366 slots")
		}
	}
	if *d.Band.Lower2SD[0] >= *d.Band.Mean[0] || *d.Band.P90[0] <= *d.Band.P10[0] || d.Band.N[0] != 29 {
		t.Fatalf("band slot 0: %v %v %v", *d.Band.Lower2SD[0], *d.Band.Mean[0], d.Band.N[0])
	}
	getJSON(t, s, "/api/daily/sst.world?smooth=5d&baseline=1982-2011", &d)
	if d.RecordKind != "max" || d.Smoothing != "5d" || d.Baseline != "1982-2011" || d.Source.Dataset != "climate-reanalyzer-sst.world" {
		t.Fatalf("sst daily: %s %s %s", d.RecordKind, d.Smoothing, d.Baseline)
	}
}

// DailyYearsJSON decodes DailyYears.
type DailyYearsJSON struct {
	Convention string     `json:"convention"`
	Labels     []string   `json:"labels"`
	Smoothing  string     `json:"smoothing"`
	Baseline   string     `json:"baseline"`
	Band       bandJSON   `json:"climatology"`
	Years      []yearJSON `json:"years"`
	RecordKind string     `json:"record_kind"`
	RecordYear int        `json:"record_year"`
	Records    struct {
		Max, Min struct {
			Date  string  `json:"date"`
			Value float64 `json:"value"`
		}
	} `json:"records"`
	Source present.Source `json:"source"`
}

type bandJSON struct {
	N                                  []int      `json:"n"`
	Mean, Std, Lower2SD, Upper2SD, P10 []*float64 `json:"-"`
	P90                                []*float64 `json:"p90"`
}

func (b *bandJSON) UnmarshalJSON(data []byte) error {
	var raw struct {
		N        []int      `json:"n"`
		Mean     []*float64 `json:"mean"`
		Std      []*float64 `json:"std"`
		Lower2SD []*float64 `json:"lower_2sd"`
		Upper2SD []*float64 `json:"upper_2sd"`
		P10      []*float64 `json:"p10"`
		P90      []*float64 `json:"p90"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	*b = bandJSON{raw.N, raw.Mean, raw.Std, raw.Lower2SD, raw.Upper2SD, raw.P10, raw.P90}
	return nil
}

type yearJSON struct {
	Year   int        `json:"year"`
	Values []*float64 `json:"values"`
}

func TestOverview(t *testing.T) {
	s := testServer(t)
	var o struct {
		Today string `json:"today"`
		Signs []struct {
			Indicator string        `json:"indicator"`
			Latest    present.Point `json:"latest"`
			Anomaly   *Anomaly      `json:"anomaly"`
			Record    record        `json:"record"`
			Sentence  *string       `json:"sentence"`
			Age       int           `json:"data_age_days"`
			Source    present.Source
			Licence   string `json:"licence"`
		} `json:"signs"`
	}
	getJSON(t, s, "/api/overview", &o)
	if o.Today != "2025-06-01" {
		t.Fatalf("today %s", o.Today)
	}
	byID := map[string]int{}
	for i, sg := range o.Signs {
		byID[sg.Indicator] = i
		if sg.Source.Dataset == "" || sg.Licence == "" || sg.Latest.Date == "" || sg.Record.RankForDate < 1 {
			t.Errorf("%s: incomplete %+v", sg.Indicator, sg)
		}
		if (sg.Sentence != nil) != sg.Record.RecordForDate {
			t.Errorf("%s: sentence %v but record_for_date %v", sg.Indicator, sg.Sentence, sg.Record.RecordForDate)
		}
	}
	for _, id := range []string{"seaice.north", "seaice.south", "sst.world", "t2m.world", "co2.mlo", "gmst.noaa", "oni"} {
		if _, ok := byID[id]; !ok {
			t.Errorf("overview lacks %s", id)
		}
	}
	if _, ok := byID["co2.mlo.weekly"]; ok {
		t.Error("weekly series are not vital signs of the overview")
	}
	south := o.Signs[byID["seaice.south"]]
	if south.Latest.Date != "2025-05-02" || south.Age != 30 || south.Anomaly == nil || south.Anomaly.Baseline != "1981-2010" || south.Anomaly.Basis != "climatology" {
		t.Fatalf("seaice.south: %+v %+v", south, south.Anomaly)
	}
	gm := o.Signs[byID["gmst.noaa"]]
	if gm.Anomaly == nil || gm.Anomaly.Basis != "published anomaly" || gm.Anomaly.Baseline != "1901-2000" || gm.Anomaly.Value != gm.Latest.Value {
		t.Fatalf("gmst.noaa anomaly: %+v", gm.Anomaly)
	}
}

func TestCharts(t *testing.T) {
	s := testServer(t)
	r := get(t, s, "/api/chart/seaice.south.png?kind=spaghetti&smooth=5d&width=800&height=450")
	if r.code != 200 || r.h.Get("Content-Type") != "image/png" {
		t.Fatalf("png: %d %s", r.code, r.body)
	}
	img, format, err := image.Decode(bytes.NewReader(r.body))
	if err != nil || format != "png" || img.Bounds().Dx() != 800 || img.Bounds().Dy() != 450 {
		t.Fatalf("png decode: %v %s %v", err, format, img.Bounds())
	}
	if !strings.Contains(r.h.Get("Content-Disposition"), "seaice.south-by-day.png") {
		t.Fatalf("Content-Disposition %q", r.h.Get("Content-Disposition"))
	}
	r = get(t, s, "/api/chart/co2.emissions.png?entity=CHN&from=1950")
	if _, _, err := image.Decode(bytes.NewReader(r.body)); err != nil || r.code != 200 {
		t.Fatalf("line png: %d %v", r.code, err)
	}
	r = get(t, s, "/api/chart/seaice.south.svg?from=2023-01-01&to=2023-06-30")
	svg := string(r.body)
	if r.code != 200 || r.h.Get("Content-Type") != "image/svg+xml" || !(strings.HasPrefix(svg, "<?xml") || strings.HasPrefix(svg, "<svg")) {
		t.Fatalf("svg: %d %.100s", r.code, svg)
	}
	for _, want := range []string{"Antarctic sea-ice extent", "million km²", "Source: NSIDC Sea Ice Index G02135", "sha256 de51a1ef1c46", "Licence: NSIDC"} {
		if !strings.Contains(svg, want) {
			t.Errorf("svg lacks %q", want)
		}
	}
	r = get(t, s, "/api/chart/sst.world.svg?kind=spaghetti")
	if !strings.Contains(string(r.body), "by day of year") {
		t.Error("spaghetti svg lacks its title")
	}
	r = get(t, s, "/api/chart/seaice.south.csv?kind=spaghetti")
	lines := strings.Split(string(r.body), "\n")
	if r.code != 200 || !strings.HasPrefix(lines[0], "date,year,slot,month_day,value,clim_mean_1981-2010,") {
		t.Fatalf("spaghetti csv header %q", lines[0])
	}
	if !strings.Contains(string(r.body), "\n2023-02-19,2023,49,02-19,1.766,") {
		t.Error("spaghetti csv lacks 2023-02-19")
	}
	r = get(t, s, "/api/chart/seaice.south.csv?from=2023-02-19&to=2023-02-19")
	if !strings.Contains(string(r.body), "2023-02-19,1.766,seaice.south") {
		t.Errorf("line csv: %s", r.body)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	s := testServer(t)
	get(t, s, "/api/series/seaice.south?from=2023-02-19&to=2023-02-19")
	get(t, s, "/api/series/nope")
	ctx := context.Background()
	at := time.Date(2025, 5, 3, 4, 5, 6, 0, time.UTC)
	if err := s.st.RecordFetchSuccess(ctx, "noaa-gml-co2-mlo-monthly", "https://gml.noaa.gov/x", `"e"`, "", at); err != nil {
		t.Fatal(err)
	}
	r := get(t, s, "/metrics")
	if r.code != 200 || !strings.HasPrefix(r.h.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics: %d %v", r.code, r.h)
	}
	m := string(r.body)
	for _, re := range []string{
		`(?m)^stocktake_http_requests_total\{route="getSeries",code="200"\} [1-9]\d*$`,
		`(?m)^stocktake_http_requests_total\{route="getSeries",code="404"\} [1-9]\d*$`,
		`(?m)^stocktake_http_request_duration_seconds_bucket\{route="getSeries",le="\+Inf"\} [1-9]\d*$`,
		`(?m)^stocktake_http_request_duration_seconds_bucket\{route="getSeries",le="0.005"\} \d+$`,
		`(?m)^stocktake_http_request_duration_seconds_count\{route="getSeries"\} [1-9]\d*$`,
		`(?m)^# TYPE stocktake_http_request_duration_seconds histogram$`,
		`(?m)^stocktake_dataset_last_update_timestamp_seconds\{dataset="nsidc-g02135-south-v3"\} \d+\.\d{3}$`,
		`(?m)^stocktake_dataset_fetch_success_timestamp_seconds\{dataset="noaa-gml-co2-mlo-monthly"\} 1746245106\.000$`,
		`(?m)^stocktake_dataset_rows\{dataset="nsidc-g02135-south-v3"\} 15334$`,
		`(?m)^stocktake_build_info\{version="test",commit="[^"]+",goversion="go[^"]+"\} 1$`,
		`(?m)^stocktake_cache_hits_total \d+$`,
	} {
		if !regexp.MustCompile(re).MatchString(m) {
			t.Errorf("metrics lack %s", re)
		}
	}
	// Every sample line is "name{labels} value" or "name value".
	sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eE]+$|^[a-zA-Z_:][a-zA-Z0-9_:]*(\{.*\})? \+Inf$`)
	for _, line := range strings.Split(strings.TrimSpace(m), "\n") {
		if !strings.HasPrefix(line, "#") && !sample.MatchString(line) {
			t.Errorf("bad sample line %q", line)
		}
	}
	var h Health
	getJSON(t, s, "/healthz", &h)
	if h.Status != "ok" || h.Version != "test" || h.Datasets < 30 || len(h.DataVersion) != 16 {
		t.Fatalf("health %+v", h)
	}
}

// TestOpenAPIMatchesRoutes walks the registered routes and the document's
// paths both ways: every route is documented with its query parameters, and
// every documented path is served by a route (not by the catch-all).
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := testServer(t)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Description string `json:"description"`
			Parameters  []struct {
				Name     string `json:"name"`
				In       string `json:"in"`
				Required bool   `json:"required"`
				Example  any    `json:"example"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	r := getJSON(t, s, "/api/openapi.json", &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	// Every $ref points at a defined schema.
	for _, m := range regexp.MustCompile(`"#/components/schemas/([^"]+)"`).FindAllStringSubmatch(string(r.body), -1) {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("dangling $ref %s", m[1])
		}
	}
	registered := map[string]*route{}
	for _, rt := range s.routes {
		registered[rt.path] = rt
	}
	// Routes -> document.
	for path, rt := range registered {
		item, ok := doc.Paths[path]
		if !ok {
			t.Errorf("route %s is not documented", path)
			continue
		}
		op, ok := item["get"]
		if !ok || op.OperationID != rt.name || len(item) != 1 {
			t.Errorf("route %s: operations %v", path, sortedKeys(item))
		}
		docParams := map[string]bool{}
		for _, p := range op.Parameters {
			docParams[p.In+":"+p.Name] = true
			// Query examples are those of the route's example request, so
			// that they work together (the example request answers 200,
			// checked below), with the parameter's type.
			if p.In == "query" && p.Example != nil && p.Name != "v" {
				if !strings.Contains(rt.example, p.Name+"="+fmt.Sprint(p.Example)) {
					t.Errorf("%s: example %s=%v is not the example request's (%s)", path, p.Name, p.Example, rt.example)
				}
				for _, q := range rt.params {
					if q.name == p.Name && q.typ == "integer" {
						if _, isNum := p.Example.(float64); !isNum {
							t.Errorf("%s: integer parameter %s has example %#v", path, p.Name, p.Example)
						}
					}
				}
			}
		}
		for _, p := range rt.params {
			if !docParams[p.in+":"+p.name] {
				t.Errorf("%s: parameter %s not documented", path, p.name)
			}
		}
		for _, name := range sortedKeys(docParams) {
			in, n, _ := strings.Cut(name, ":")
			if in == "query" && !rt.allows(n) {
				t.Errorf("%s: documented parameter %s is refused by the route", path, n)
			}
			if in == "path" && !strings.Contains(path, "{"+n+"}") {
				t.Errorf("%s: path parameter %s not in the path", path, n)
			}
		}
	}
	// Document -> routes: every documented path has a route, and the
	// route's documented example is answered by that route with 200.
	for path, item := range doc.Paths {
		rt, ok := registered[path]
		if !ok {
			t.Errorf("documented path %s has no route", path)
			continue
		}
		if rt.example == "" {
			t.Errorf("%s: no example", path)
			continue
		}
		req := httptest.NewRequest(http.MethodGet, rt.example, nil)
		if _, pattern := s.mux.Handler(req); pattern != path {
			t.Errorf("example %s is routed to %q, not %s", rt.example, pattern, path)
		}
		if resp := get(t, s, rt.example); resp.code != 200 {
			t.Errorf("documented path %s: GET %s: %d %s", path, rt.example, resp.code, resp.body)
		}
		if !strings.Contains(item["get"].Description, "Example: GET "+rt.example) {
			t.Errorf("%s: the document does not show the example", path)
		}
	}
	// The registered patterns are exactly the route table plus the
	// catch-alls: walk the mux with each route's path.
	paths := sortedKeys(registered)
	sort.Strings(paths)
	for _, p := range paths {
		req := httptest.NewRequest(http.MethodGet, strings.NewReplacer("{id}", "x", "{file}", "x.png").Replace(p), nil)
		_, pattern := s.mux.Handler(req)
		if pattern != p {
			t.Errorf("mux routes %s to %q", p, pattern)
		}
	}
}

func TestUIAndCatchAll(t *testing.T) {
	st := realStore(t)
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "dashboard "+r.URL.Path) })
	s := New(st, Options{UI: ui})
	if r := get(t, s, "/index.html"); r.code != 200 || string(r.body) != "dashboard /index.html" {
		t.Fatalf("UI: %d %s", r.code, r.body)
	}
	if r := get(t, s, "/api/unknown"); r.code != 404 || !strings.Contains(string(r.body), `"status":404`) {
		t.Fatalf("API catch-all: %d %s", r.code, r.body)
	}
	if r := get(t, s, "/healthz"); r.code != 200 {
		t.Fatalf("healthz with UI: %d", r.code)
	}
	if !regexp.MustCompile(`stocktake_http_requests_total\{route="ui",code="200"\} 1`).Match(get(t, s, "/metrics").body) {
		t.Error("UI requests are not counted")
	}
}

// TestInvalidation ingests into a store of its own while the server runs:
// the data version and the answers change after Invalidate, and without it
// once the check interval has passed.
func TestInvalidation(t *testing.T) {
	ctx := context.Background()
	mirror := testutil.SharedData(t)
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	only := func(ids ...string) []catalog.Dataset {
		ds, err := ingest.Select(ids)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	if _, err := ingest.Run(ctx, st, only("noaa-gml-co2-mlo-monthly"), ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{CheckInterval: time.Hour})
	r1 := get(t, s, "/api/series/ch4.global?from=2023")
	if r1.code != 404 {
		t.Fatalf("ch4 before ingest: %d", r1.code)
	}
	v1 := get(t, s, "/api/series/co2.mlo?from=2023").h.Get("X-Stocktake-Data-Version")
	if _, err := ingest.Run(ctx, st, only("noaa-gml-ch4-global"), ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	// Within the check interval the cached answer stands...
	if r := get(t, s, "/api/series/co2.mlo?from=2023"); r.h.Get("X-Stocktake-Data-Version") != v1 {
		t.Fatal("data version changed before the check interval")
	}
	// ...until Invalidate.
	s.Invalidate()
	r2 := get(t, s, "/api/series/ch4.global?from=2023")
	if r2.code != 200 || r2.h.Get("X-Stocktake-Data-Version") == v1 {
		t.Fatalf("after Invalidate: %d %s", r2.code, r2.h.Get("X-Stocktake-Data-Version"))
	}
	// A server with a short check interval notices on its own.
	s2 := NewServer(st, Options{CheckInterval: time.Nanosecond})
	before := get(t, s2, "/healthz").h.Get("X-Stocktake-Data-Version")
	if _, err := ingest.Run(ctx, st, only("noaa-gml-n2o-global"), ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond)
	after := get(t, s2, "/api/series/n2o.global?from=2023")
	if after.code != 200 || after.h.Get("X-Stocktake-Data-Version") == before {
		t.Fatalf("periodic check: %d %s", after.code, after.body)
	}
}

func TestHumanNumber(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 2.5: "2.5", 12000: "12,000", -25000.5: "-25,000.5", 1e10: "10 billion",
		3.5e6: "3.5 million", 2e12: "2 trillion", 9999: "9999"} {
		if got := humanNumber(in); got != want {
			t.Errorf("humanNumber(%g) = %q, want %q", in, got, want)
		}
	}
}

// TestNiceTicks checks the value-axis labels: a round step, as many
// decimals as the step needs and no floating-point residue (the sea-ice
// axis once read "1.2000000000000002").
func TestNiceTicks(t *testing.T) {
	f := func(min, max float64, want string) {
		t.Helper()
		var labels []string
		for _, tk := range niceTicks(min, max, 5) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, " "); got != want {
			t.Errorf("niceTicks(%g, %g) = %q, want %q", min, max, got, want)
		}
	}
	f(1.05, 2.3, "1.2 1.4 1.6 1.8 2.0 2.2")
	f(-0.43, 1.29, "-0.4 -0.2 0.0 0.2 0.4 0.6 0.8 1.0 1.2")
	f(20.1, 21.2, "20.2 20.4 20.6 20.8 21.0 21.2")
	f(0, 12500, "0 2000 4000 6000 8000 10,000 12,000")
	f(0, 1.2e10, "0 2 billion 4 billion 6 billion 8 billion 10 billion 12 billion")
	f(310, 425, "320 340 360 380 400 420")
	f(3, 3, "3")
}

// TestDateTicks checks the time-axis labels of short line charts.
func TestDateTicks(t *testing.T) {
	f := func(from, to, want string) {
		t.Helper()
		a, _ := obs.ParseDate(from)
		b, _ := obs.ParseDate(to)
		var labels []string
		for _, tk := range (dateTicks{}).Ticks(float64(a.Time().Unix()), float64(b.Time().Unix())) {
			if tk.Label != "" {
				labels = append(labels, tk.Label)
			}
		}
		if got := strings.Join(labels, "|"); got != want {
			t.Errorf("%s..%s: %q, want %q", from, to, got, want)
		}
	}
	f("2023-02-01", "2023-03-01", "1 Feb|8 Feb|15 Feb|22 Feb|1 Mar")
	f("2023-01-10", "2023-04-01", "Feb 2023|Mar 2023|Apr 2023")
	f("2022-01-01", "2024-06-01", "Jan 2022|Apr 2022|Jul 2022|Oct 2022|Jan 2023|Apr 2023|Jul 2023|Oct 2023|Jan 2024|Apr 2024")
}

// TestLargeBodiesFromDisk checks that a large cached body (the whole daily
// SST series, about 600 KB) is sent from its copy on disk over a real
// connection (the sendfile path) byte for byte as built in memory, and that
// Close removes the copies.
func TestLargeBodiesFromDisk(t *testing.T) {
	s := NewServer(realStore(t), Options{})
	srv := httptest.NewServer(s)
	defer srv.Close()
	fetch := func() []byte {
		// Ask for the identity encoding: Go's client otherwise asks for gzip.
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/series/sst.world", nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 || resp.ContentLength != int64(len(b)) {
			t.Fatalf("status %d, %d bytes of %d: %v", resp.StatusCode, len(b), resp.ContentLength, err)
		}
		return b
	}
	first, second := fetch(), fetch() // computed, then served from the cache
	if !bytes.Equal(first, second) || len(first) < spillMin {
		t.Fatalf("bodies differ or too small: %d and %d bytes", len(first), len(second))
	}
	var se struct {
		Points []struct{ Date string } `json:"points"`
	}
	if err := json.Unmarshal(second, &se); err != nil || len(se.Points) != 16411 {
		t.Fatalf("%d points, %v", len(se.Points), err)
	}
	dir := s.spillDir
	if files, _ := os.ReadDir(dir); dir == "" || len(files) == 0 {
		t.Fatal("no body spilled to disk")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("spill folder left behind: %v", err)
	}
}

// TestLineage traces single values to their files: the Antarctic value
// of 21 February 2023 to the NSIDC v3.0 CSV (the sha256 of the shared file),
// a national value to the OWID file; unknown dates are 404, a missing date
// 400.
func TestLineage(t *testing.T) {
	s := NewServer(realStore(t), Options{})
	var l present.ValueLineage
	getJSON(t, s, "/api/lineage/seaice.south?date=2023-02-21", &l)
	sum := sha256.Sum256(testutil.ReadShared(t, "nsidc-g02135/S_seaice_extent_daily_v3.0.csv"))
	if l.Date != "2023-02-21" || l.Value != 1.797 || l.Entity != nil || l.Version.Dataset != "nsidc-g02135-south-v3" ||
		l.Version.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasSuffix(l.Version.Source, "S_seaice_extent_daily_v3.0.csv") || !l.Version.Current {
		t.Fatalf("seaice.south 2023-02-21: %+v", l)
	}
	getJSON(t, s, "/api/lineage/co2.emissions?date=2023&entity=china", &l)
	if l.Entity == nil || *l.Entity != "CHN" || l.Date != "2023" || l.Version.Dataset != "owid-co2-emissions" || l.Value < 1e10 {
		t.Fatalf("co2.emissions CHN 2023: %+v", l)
	}
	// A day inside a month names the monthly value.
	getJSON(t, s, "/api/lineage/co2.mlo?date=2024-06-15", &l)
	if l.Date != "2024-06" || l.Value != 426.91 || l.Version.Dataset != "noaa-gml-co2-mlo-monthly" {
		t.Fatalf("co2.mlo 2024-06-15: %+v", l)
	}
	if r := get(t, s, "/api/lineage/seaice.south?date=1970-01-01"); r.code != http.StatusNotFound {
		t.Errorf("no value: %d %s", r.code, r.body)
	}
	if r := get(t, s, "/api/lineage/seaice.south"); r.code != http.StatusBadRequest {
		t.Errorf("no date: %d %s", r.code, r.body)
	}
}

// TestEventsAndFeedHTTP checks that /api/events and /feed.xml follow the
// API's HTTP conventions (strong ETag, 304 on If-None-Match, gzip with
// Vary, Cache-Control) and that they are never answered from the server's
// cache: events written without a new data version (a catch-up's baseline)
// show at once, with a new ETag.
func TestEventsAndFeedHTTP(t *testing.T) {
	ctx := context.Background()
	mirror := testutil.SharedData(t)
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := ingest.Select([]string{"noaa-gml-co2-mlo-monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{CheckInterval: time.Hour})
	defer s.Close()
	type page struct {
		Events []struct {
			ID        int64  `json:"id"`
			Indicator string `json:"indicator"`
			Sentence  string `json:"sentence"`
		} `json:"events"`
		Next *string `json:"next"`
	}
	target := "/api/events?historical=1&limit=20"
	var before page
	r0 := getJSON(t, s, target, &before)
	if len(before.Events) != 0 || before.Next != nil {
		t.Fatalf("events before detection: %s", r0.body)
	}
	// The baseline scan writes events but no dataset version.
	if err := alerts.CatchUp(ctx, st, ds); err != nil {
		t.Fatal(err)
	}
	var after page
	r := getJSON(t, s, target, &after)
	if r.h.Get("X-Stocktake-Data-Version") != r0.h.Get("X-Stocktake-Data-Version") {
		t.Fatal("the baseline scan changed the data version; the test no longer shows what it means to")
	}
	if len(after.Events) != 20 || after.Next == nil || after.Events[0].Indicator != "co2.mlo" || after.Events[0].Sentence == "" {
		t.Fatalf("events after detection: %d events, next %v", len(after.Events), after.Next)
	}
	if r.h.Get("ETag") == r0.h.Get("ETag") {
		t.Fatal("new events kept the old ETag")
	}
	checkConventions := func(target, ctype string) {
		t.Helper()
		r := get(t, s, target)
		etag := r.h.Get("ETag")
		if r.code != 200 || !strings.HasPrefix(r.h.Get("Content-Type"), ctype) || !regexp.MustCompile(`^"[0-9a-f]{32}"$`).MatchString(etag) {
			t.Fatalf("GET %s: %d %q ETag %q", target, r.code, r.h.Get("Content-Type"), etag)
		}
		if sum := sha256.Sum256(r.body); etag != `"`+hex.EncodeToString(sum[:16])+`"` {
			t.Errorf("GET %s: ETag %s is not the body's hash", target, etag)
		}
		if cc := r.h.Get("Cache-Control"); cc != "no-cache" {
			t.Errorf("GET %s: Cache-Control %q, want no-cache", target, cc)
		}
		if r2 := get(t, s, target); r2.h.Get("ETag") != etag || !bytes.Equal(r2.body, r.body) {
			t.Errorf("GET %s: ETag or body changed between identical requests", target)
		}
		if nm := get(t, s, target, "If-None-Match", `"other", `+etag); nm.code != http.StatusNotModified || len(nm.body) != 0 || nm.h.Get("ETag") != etag {
			t.Errorf("GET %s with If-None-Match: %d %q", target, nm.code, nm.body)
		}
		if other := get(t, s, target, "If-None-Match", `"other"`); other.code != 200 {
			t.Errorf("GET %s with another ETag: %d", target, other.code)
		}
		gz := get(t, s, target, "Accept-Encoding", "gzip")
		if gz.h.Get("Content-Encoding") != "gzip" || gz.h.Get("ETag") != strings.TrimSuffix(etag, `"`)+`-gz"` || gz.h.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("GET %s gzip headers: %v", target, gz.h)
		}
		zr, err := gzip.NewReader(bytes.NewReader(gz.body))
		if err != nil {
			t.Fatal(err)
		}
		if plain, _ := io.ReadAll(zr); !bytes.Equal(plain, r.body) {
			t.Errorf("GET %s: gzip body differs", target)
		}
		if nm := get(t, s, target, "Accept-Encoding", "gzip", "If-None-Match", gz.h.Get("ETag")); nm.code != http.StatusNotModified {
			t.Errorf("GET %s with the gzip ETag: %d", target, nm.code)
		}
		req := httptest.NewRequest(http.MethodHead, target, nil)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
			t.Errorf("HEAD %s: %d, %d bytes", target, rec.Code, rec.Body.Len())
		}
	}
	checkConventions(target, "application/json")

	// Delivered events appear in the feed; the baseline does not.
	if r := get(t, s, "/feed.xml"); r.code != 200 || bytes.Contains(r.body, []byte("<entry>")) {
		t.Fatalf("feed before delivery: %d %s", r.code, r.body)
	}
	if _, err := st.ExecForTesting(ctx, "UPDATE events SET historical = 0 WHERE id IN (SELECT id FROM events ORDER BY id DESC LIMIT 5)"); err != nil {
		t.Fatal(err)
	}
	feed := get(t, s, "/feed.xml?indicator=co2.mlo")
	if n := bytes.Count(feed.body, []byte("<entry>")); feed.code != 200 || n != 5 {
		t.Fatalf("feed: %d, %d entries", feed.code, n)
	}
	checkConventions("/feed.xml?indicator=co2.mlo", "application/atom+xml")
	var delivered page
	getJSON(t, s, "/api/events?indicator=co2.mlo", &delivered)
	if len(delivered.Events) != 5 || delivered.Next != nil {
		t.Fatalf("delivered events: %d, next %v", len(delivered.Events), delivered.Next)
	}

	// An empty feed is dated by a fixed time, so its ETag holds from one
	// second to the next.
	empty := get(t, s, "/feed.xml?indicator=sst.world")
	time.Sleep(1100 * time.Millisecond)
	if again := get(t, s, "/feed.xml?indicator=sst.world"); empty.code != 200 || again.h.Get("ETag") != empty.h.Get("ETag") {
		t.Errorf("empty feed: ETag %q then %q", empty.h.Get("ETag"), again.h.Get("ETag"))
	}
	// The OpenAPI document lists both routes' parameters and their 304.
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	getJSON(t, s, "/api/openapi.json", &doc)
	for path, want := range map[string]string{"/api/events": "limit,cursor,indicator,since,historical,lang,Accept-Language", "/feed.xml": "indicator,lang,Accept-Language"} {
		op := doc.Paths[path]["get"]
		var names []string
		for _, p := range op.Parameters {
			names = append(names, p.Name)
		}
		if strings.Join(names, ",") != want || op.Responses["304"] == nil {
			t.Errorf("OpenAPI %s: parameters %v, responses %v", path, names, sortedKeys(op.Responses))
		}
	}
	// The events routes do not count as cache hits or misses.
	m := get(t, s, "/metrics").body
	if !regexp.MustCompile(`(?m)^stocktake_cache_hits_total 0$`).Match(m) {
		t.Errorf("cache hits counted for the events routes:\n%s", regexp.MustCompile(`(?m)^stocktake_cache_.*$`).FindAll(m, -1))
	}
}

// TestCacheSurvivesUpdate checks that an update invalidates only the
// answers that depend on the datasets it changed, and that the overview is
// rebuilt for the new data before the new version is served.
func TestCacheSurvivesUpdate(t *testing.T) {
	ctx := context.Background()
	mirror := testutil.SharedData(t)
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	only := func(ids ...string) []catalog.Dataset {
		ds, err := ingest.Select(ids)
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	if _, err := ingest.Run(ctx, st, only("noaa-gml-co2-mlo-monthly", "noaa-gml-n2o-global"), ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{CheckInterval: time.Hour, Now: func() time.Time { return fixedNow }})
	defer s.Close()
	co2 := "/api/series/co2.mlo?from=2023"
	if r := get(t, s, co2); r.code != 200 {
		t.Fatalf("co2: %d", r.code)
	}
	if r := get(t, s, "/api/overview"); r.code != 200 || bytes.Contains(r.body, []byte(`"ch4.global"`)) {
		t.Fatalf("overview before: %d", r.code)
	}
	before := s.gen.Load()
	kept := before.lookup(co2)
	if kept == nil {
		t.Fatal("co2 answer not cached")
	}
	if _, err := ingest.Run(ctx, st, only("noaa-gml-ch4-global"), ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	s.Invalidate()
	after := s.gen.Load()
	if after == before || after.gen == before.gen {
		t.Fatal("no new data version after the update")
	}
	// The CO2 answer does not depend on the CH4 dataset: same entry.
	if after.lookup(co2) != kept {
		t.Error("the CO2 answer was dropped by an update of CH4")
	}
	// The overview was rebuilt for the new data before the swap.
	ov := after.lookup("/api/overview?@" + fixedNow.Format("2006-01-02"))
	if ov == nil || !bytes.Contains(ov.body, []byte(`"ch4.global"`)) {
		t.Fatalf("overview not rebuilt with CH4: %v", ov != nil)
	}
	if after.lookup("/api/overview?v="+after.version+"@"+fixedNow.Format("2006-01-02")) == nil {
		t.Error("the dashboard's overview (v=) was not rebuilt")
	}
	start := time.Now()
	r := get(t, s, "/api/overview")
	took := time.Since(start)
	if r.code != 200 || !bytes.Contains(r.body, []byte(`"ch4.global"`)) {
		t.Fatalf("overview after: %d", r.code)
	}
	t.Logf("first /api/overview after the update: %v", took)
}

// BenchmarkOverviewAfterUpdate measures, on the whole of ../shared/data,
// the first /api/overview after an update of one dataset (sst.world's):
// the rebuild runs before the swap, so the visitor's request is a cache
// hit. The rebuild's own cost is reported as rebuild-ms (paid once per
// update, not by a visitor), next to cold-ms, the overview computed from
// nothing as before.
func BenchmarkOverviewAfterUpdate(b *testing.B) {
	st := realStore(b)
	var first, rebuild, cold time.Duration
	for i := 0; i < b.N; i++ {
		s := NewServer(st, Options{CheckInterval: time.Hour, Now: func() time.Time { return fixedNow }})
		t0 := time.Now()
		if r := get(b, s, "/api/overview"); r.code != 200 {
			b.Fatalf("overview: %d", r.code)
		}
		cold += time.Since(t0)
		cur := s.gen.Load()
		ds := maps.Clone(cur.datasets)
		if _, ok := ds["climate-reanalyzer-sst.world"]; !ok {
			b.Fatal("no sst.world dataset in the store")
		}
		// As if a new version of the SST file had been ingested: the
		// current cache is made to hold an older version of it (loads are
		// checked against the store, so the new cache keeps the real one).
		cur.datasets = maps.Clone(ds)
		cur.datasets["climate-reanalyzer-sst.world"]--
		t0 = time.Now()
		s.genMu.Lock()
		s.swapTo(cur.gen+1, ds)
		s.genMu.Unlock()
		rebuild += time.Since(t0)
		t0 = time.Now()
		if r := get(b, s, "/api/overview"); r.code != 200 {
			b.Fatalf("overview after the update: %d", r.code)
		}
		first += time.Since(t0)
		s.Close()
	}
	n := float64(b.N)
	b.ReportMetric(float64(first.Microseconds())/1000/n, "first-ms")
	b.ReportMetric(float64(rebuild.Microseconds())/1000/n, "rebuild-ms")
	b.ReportMetric(float64(cold.Microseconds())/1000/n, "cold-ms")
}
