package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestMain runs the package's tests on SQLite and, when PostgreSQL testing
// is on, again on PostgreSQL (testutil.RunBackends).
func TestMain(m *testing.M) { os.Exit(testutil.RunBackends(m, testutil.Options{})) }

func vitalSigns(t *testing.T) []catalog.Dataset {
	t.Helper()
	var out []catalog.Dataset
	for _, d := range catalog.Datasets() {
		if len(d.Indicators) > 0 && !d.Indicators[0].National {
			out = append(out, d)
		}
	}
	if len(out) < 15 {
		t.Fatalf("only %d vital-sign datasets in the catalog", len(out))
	}
	return out
}

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func byDataset(outs []Outcome) map[string]Outcome {
	m := map[string]Outcome{}
	for _, o := range outs {
		m[o.Dataset] = o
	}
	return m
}

func point(t *testing.T, st *store.Store, ref string, date string) float64 {
	t.Helper()
	r, err := catalog.Resolve(ref)
	if err != nil {
		t.Fatal(err)
	}
	se, _, err := st.Series(context.Background(), r, "")
	if err != nil {
		t.Fatal(err)
	}
	d, _ := obs.ParseDate(date)
	for _, p := range se.Points {
		if p.Date == d {
			return p.Value
		}
	}
	t.Fatalf("%s has no value on %s", ref, date)
	return 0
}

// TestMirrorIngestAllVitalSigns ingests every vital-sign dataset from the
// shared mirror, checks that each declared indicator is stored, then checks
// that a second run writes nothing.
func TestMirrorIngestAllVitalSigns(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	datasets := vitalSigns(t)
	outs, err := Run(ctx, st, datasets, Options{Mirror: testutil.SharedData(t)})
	if err != nil {
		t.Fatal(err)
	}
	m := byDataset(outs)
	for _, d := range datasets {
		o := m[d.ID]
		if d.ID == "nsidc-g02135-south-v4" || d.ID == "metoffice-hadcrut5-monthly" {
			// The shared mirror has no Antarctic v4.0 file and no Met
			// Office HadCRUT5 summary CSV.
			if o.Status != Skipped || !strings.Contains(o.Error, "not in mirror") {
				t.Errorf("%s: want skipped (not in mirror), got %+v", d.ID, o)
			}
			continue
		}
		if o.Status != Ingested || o.Rows == 0 || len(o.SHA256) != 64 {
			t.Errorf("%s: %+v", d.ID, o)
		}
	}
	// The Antarctic 2023 record low, straight from the CSV.
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.766 {
		t.Errorf("seaice.south 2023-02-19 = %v, want 1.766", v)
	}
	// The stored checksum is the file's sha256 as listed in SOURCES.md.
	v, ok, err := st.CurrentVersion(ctx, "nsidc-g02135-south-v3")
	if err != nil || !ok || v.SHA256 != "de51a1ef1c463003ef9f8b0f1dcc73e72d9d0d0f200d8802a96084325d00cbba" || v.ProducerVersion != "3.0" || v.Size != 1864564 {
		t.Fatalf("provenance: %+v %v", v, err)
	}
	outs, err = Run(ctx, st, datasets, Options{Mirror: testutil.SharedData(t)})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != Unchanged && o.Status != Skipped {
			t.Errorf("second run %s: %s, want unchanged", o.Dataset, o.Status)
		}
	}
	vs, _ := st.Versions(ctx, "")
	if want := len(datasets) - 2; len(vs) != want { // two datasets are not in the mirror
		t.Errorf("%d versions after two identical runs, want %d", len(vs), want)
	}
}

// copyMirror builds a temporary mirror holding the given datasets' files,
// with replace[path] substituted for a file's bytes.
func copyMirror(t *testing.T, datasets []catalog.Dataset, replace map[string][]byte) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range datasets {
		for _, f := range d.Files {
			b, ok := replace[f.Path]
			if !ok {
				var err error
				b, err = os.ReadFile(filepath.Join(testutil.SharedData(t), f.Path))
				if err != nil {
					continue
				}
			}
			dst := filepath.Join(root, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(dst, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// TestFailedIngestKeepsStoredData replaces one stored dataset's file with a
// corrupt revision: that dataset fails, keeps its earlier values and version,
// and the other datasets are unaffected.
func TestFailedIngestKeepsStoredData(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	south, _ := catalog.DatasetByID("nsidc-g02135-south-v3")
	co2, _ := catalog.DatasetByID("noaa-gml-co2-mlo-monthly")
	datasets := []catalog.Dataset{south, co2}
	if _, err := Run(ctx, st, datasets, Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	before, _ := st.Versions(ctx, south.ID)
	good := testutil.ReadShared(t, south.Files[0].Path)
	// A revision whose last line has an impossible date.
	bad := append(append([]byte{}, good...), []byte("2025,  2, 30,     2.000,      0.000, ['x']\n")...)
	outs, err := Run(ctx, st, datasets, Options{Mirror: copyMirror(t, datasets, map[string][]byte{south.Files[0].Path: bad})})
	if err != nil {
		t.Fatal(err)
	}
	m := byDataset(outs)
	if o := m[south.ID]; o.Status != Failed || !strings.Contains(o.Error, south.Files[0].Path) {
		t.Fatalf("corrupt file: %+v", o)
	}
	if o := m[co2.ID]; o.Status != Unchanged {
		t.Fatalf("other dataset: %+v", o)
	}
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.766 {
		t.Fatalf("stored value changed: %v", v)
	}
	after, _ := st.Versions(ctx, south.ID)
	if len(after) != len(before) || after[0].SHA256 != before[0].SHA256 {
		t.Fatalf("versions changed: %+v -> %+v", before, after)
	}
	// An HTML error page in place of the CSV fails the same way.
	outs, _ = Run(ctx, st, []catalog.Dataset{south}, Options{Mirror: copyMirror(t, []catalog.Dataset{south}, map[string][]byte{south.Files[0].Path: []byte("<!DOCTYPE html><html><body>503</body></html>")})})
	if outs[0].Status != Failed {
		t.Fatalf("html page: %+v", outs[0])
	}
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.766 {
		t.Fatalf("stored value changed: %v", v)
	}
	// Mirror reads keep the fetch state too: the last success of the first
	// run, the last failure with its error from the HTML page.
	fs, err := st.GetFetchState(ctx, south.ID)
	if err != nil || fs.LastSuccess.IsZero() || fs.LastFailure.IsZero() || !fs.LastFailure.After(fs.LastSuccess) || !strings.Contains(fs.LastError, "HTML") {
		t.Fatalf("fetch state after mirror runs: %+v %v", fs, err)
	}

	// Impossible values: a marker written another way (-9999.0003) and an
	// extent of 99 million km² fail with file, date and value named.
	for _, bad := range []string{"-9999.0003", "    99.000"} {
		text := strings.Replace(string(good), "1991,    07,  19,     15.826,", "1991,    07,  19, "+bad+",", 1)
		if text == string(good) {
			t.Fatal("fixture row 1991-07-19 not found")
		}
		outs, _ = Run(ctx, st, []catalog.Dataset{south}, Options{Mirror: copyMirror(t, []catalog.Dataset{south}, map[string][]byte{south.Files[0].Path: []byte(text)})})
		if outs[0].Status != Failed || !strings.Contains(outs[0].Error, "seaice.south on 1991-07-19") || !strings.Contains(outs[0].Error, "outside the plausible range 0 to 30") {
			t.Errorf("value %s: %+v", bad, outs[0])
		}
	}

	// A truncated file (the first 8000 lines of the CSV) would delete the
	// recent years: refused, the stored data intact, unless AllowShrink.
	lines := bytes.SplitAfter(good, []byte("\n"))
	cut := bytes.Join(lines[:8000], nil)
	outs, _ = Run(ctx, st, []catalog.Dataset{south}, Options{Mirror: copyMirror(t, []catalog.Dataset{south}, map[string][]byte{south.Files[0].Path: cut})})
	if outs[0].Status != Failed || !strings.Contains(outs[0].Error, "the stored series goes to 2025-05-02") {
		t.Fatalf("truncated file: %+v", outs[0])
	}
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.766 {
		t.Fatalf("stored value changed: %v", v)
	}
	outs, _ = Run(ctx, st, []catalog.Dataset{south}, Options{AllowShrink: true, Mirror: copyMirror(t, []catalog.Dataset{south}, map[string][]byte{south.Files[0].Path: cut})})
	if outs[0].Status != Ingested {
		t.Fatalf("truncated file with AllowShrink: %+v", outs[0])
	}
}

// TestRevisionReplacesAndKeepsHistory feeds a revised file (one value
// changed) and checks the new value is served and both versions are kept.
func TestRevisionReplacesAndKeepsHistory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	south, _ := catalog.DatasetByID("nsidc-g02135-south-v3")
	if _, err := Run(ctx, st, []catalog.Dataset{south}, Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	good := string(testutil.ReadShared(t, south.Files[0].Path))
	const line = "2023,    02,  19,      1.766,"
	if !strings.Contains(good, line) {
		t.Fatalf("line %q not in file", line)
	}
	revised := strings.Replace(good, line, "2023,    02,  19,      1.770,", 1)
	outs, err := Run(ctx, st, []catalog.Dataset{south}, Options{Mirror: copyMirror(t, []catalog.Dataset{south}, map[string][]byte{south.Files[0].Path: []byte(revised)})})
	if err != nil || outs[0].Status != Ingested {
		t.Fatalf("%+v %v", outs, err)
	}
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.770 {
		t.Fatalf("revised value: %v", v)
	}
	vs, _ := st.Versions(ctx, south.ID)
	sum := sha256.Sum256([]byte(revised))
	if len(vs) != 2 || vs[0].SHA256 != hex.EncodeToString(sum[:]) || !vs[0].Current || vs[1].Current {
		t.Fatalf("history: %+v", vs)
	}
}

// sharedServer serves ../shared/data over HTTP with strong ETags, and lets
// a test make chosen paths fail.
type sharedServer struct {
	*httptest.Server
	mu       sync.Mutex
	fail     map[string]int // path -> status to answer with
	requests map[string]int
	notMod   int
}

func newSharedServer(t *testing.T) *sharedServer {
	s := &sharedServer{fail: map[string]int{}, requests: map[string]int{}}
	root := testutil.SharedData(t)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := strings.TrimPrefix(r.URL.Path, "/")
		s.mu.Lock()
		s.requests[path]++
		status := s.fail[path]
		s.mu.Unlock()
		if status != 0 {
			http.Error(w, "failing on purpose", status)
			return
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		sum := sha256.Sum256(b)
		etag := `"` + hex.EncodeToString(sum[:8]) + `"`
		if r.Header.Get("If-None-Match") == etag {
			s.mu.Lock()
			s.notMod++
			s.mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Write(b)
	}))
	t.Cleanup(s.Close)
	return s
}

// TestHTTPUpdate downloads from a local server laid out like the mirror:
// first run ingests, second run is answered with 304s, and a producer that
// fails is recorded without blocking the others or touching their data.
func TestHTTPUpdate(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	srv := newSharedServer(t)
	datasets := vitalSigns(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	opts := Options{
		Fetcher: fetch.New(fetch.Options{Timeout: 5 * time.Second, Retries: 1, Backoff: time.Millisecond, AllowPrivateTargets: true}),
		URLFor:  func(f catalog.File) string { return srv.URL + "/" + f.Path },
		Now:     func() time.Time { return now },
	}
	outs, err := Run(ctx, st, datasets, opts)
	if err != nil {
		t.Fatal(err)
	}
	ingested := 0
	for _, o := range outs {
		switch {
		case o.Dataset == "nsidc-g02135-south-v4" || o.Dataset == "metoffice-hadcrut5-monthly":
			if o.Status != Failed || !strings.Contains(o.Error, "404") {
				t.Errorf("missing upstream file: %+v", o)
			}
		case o.Status == Ingested:
			ingested++
		default:
			t.Errorf("%s: %+v", o.Dataset, o)
		}
	}
	if ingested != len(datasets)-2 {
		t.Fatalf("ingested %d of %d", ingested, len(datasets)-2)
	}
	fs, _ := st.GetFetchState(ctx, "nsidc-g02135-south-v3")
	if fs.ETag == "" || !fs.LastSuccess.Equal(now) {
		t.Fatalf("fetch state: %+v", fs)
	}

	// Second run: every file answered 304, one producer now failing.
	south, _ := catalog.DatasetByID("nsidc-g02135-south-v3")
	srv.mu.Lock()
	srv.fail[south.Files[0].Path] = http.StatusInternalServerError
	srv.mu.Unlock()
	now = now.Add(6 * time.Hour)
	outs, err = Run(ctx, st, datasets, opts)
	if err != nil {
		t.Fatal(err)
	}
	m := byDataset(outs)
	if o := m[south.ID]; o.Status != Failed || !strings.Contains(o.Error, "500") {
		t.Fatalf("failing producer: %+v", o)
	}
	for _, d := range datasets {
		if d.ID == south.ID || d.ID == "nsidc-g02135-south-v4" || d.ID == "metoffice-hadcrut5-monthly" {
			continue
		}
		if o := m[d.ID]; o.Status != NotModified {
			t.Errorf("%s: %s, want not-modified", d.ID, o.Status)
		}
	}
	if srv.notMod != len(datasets)-3 {
		t.Errorf("%d 304 answers, want %d", srv.notMod, len(datasets)-3)
	}
	if got := srv.requests[south.Files[0].Path]; got != 3 {
		t.Errorf("failing file requested %d times, want 3 (1 + 1 retry on the second run, 1 on the first)", got)
	}
	fs, _ = st.GetFetchState(ctx, south.ID)
	if !fs.LastFailure.Equal(now) || !strings.Contains(fs.LastError, "500") || fs.LastSuccess.Equal(now) {
		t.Fatalf("failure not recorded: %+v", fs)
	}
	if v := point(t, st, "seaice.south", "2023-02-19"); v != 1.766 {
		t.Fatalf("last good data not kept: %v", v)
	}
}

func TestSelect(t *testing.T) {
	f := func(ids []string, want string, ok bool) {
		t.Helper()
		ds, err := Select(ids)
		if (err == nil) != ok {
			t.Fatalf("%v: err %v", ids, err)
		}
		var names []string
		for _, d := range ds {
			names = append(names, d.ID)
		}
		if ok && strings.Join(names, ",") != want {
			t.Errorf("%v: got %s want %s", ids, strings.Join(names, ","), want)
		}
	}
	f([]string{"seaice.north"}, "nsidc-g02135-north-v3", true)
	f([]string{"seaice.north", "seaice.north@4.0"}, "nsidc-g02135-north-v3,nsidc-g02135-north-v4", true)
	f([]string{"nsidc-g02135-south-v4"}, "nsidc-g02135-south-v4", true)
	f([]string{"seaice.north@4.0"}, "nsidc-g02135-north-v4", true)
	f([]string{"noaa-gml-ch4-global", "sst.world"}, "climate-reanalyzer-sst.world,noaa-gml-ch4-global", true)
	f([]string{"no.such"}, "", false)
	f([]string{"seaice.north@9"}, "", false)
}

// BenchmarkIngestVitalSigns measures the time and memory to ingest every
// shared vital-sign file into a fresh database.
func BenchmarkIngestVitalSigns(b *testing.B) {
	root := testutil.SharedData(b)
	var datasets []catalog.Dataset
	for _, d := range catalog.Datasets() {
		if len(d.Indicators) > 0 && !d.Indicators[0].National {
			datasets = append(datasets, d)
		}
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		st, err := store.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprintf("b%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		outs, err := Run(context.Background(), st, datasets, Options{Mirror: root})
		if err != nil {
			b.Fatal(err)
		}
		rows := 0
		for _, o := range outs {
			rows += o.Rows
		}
		b.ReportMetric(float64(rows), "rows/op")
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
}

// TestInteriorLossRefused: the real world SST file with 320 values of 1990
// set to null (under the 2% guard, which alone let it through) is refused,
// naming the count and the year, and the stored values stay; with
// AllowShrink it is accepted. The unmodified file is accepted again after.
func TestInteriorLossRefused(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sst, ok := catalog.DatasetByID("climate-reanalyzer-sst.world")
	if !ok {
		t.Fatal("no dataset climate-reanalyzer-sst.world")
	}
	if outs, err := Run(ctx, st, []catalog.Dataset{sst}, Options{Mirror: testutil.SharedData(t)}); err != nil || outs[0].Status != Ingested {
		t.Fatalf("first ingest: %+v %v", outs, err)
	}
	before := point(t, st, "sst.world", "1990-06-01")
	var rows []map[string]any
	if err := json.Unmarshal(testutil.ReadShared(t, sst.Files[0].Path), &rows); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if r["name"] == "1990" {
			data := r["data"].([]any)
			for i := 0; i < 320; i++ {
				data[i] = nil
			}
			found = true
		}
	}
	if !found {
		t.Fatal("no 1990 row in the SST file")
	}
	holed, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	mirror := copyMirror(t, []catalog.Dataset{sst}, map[string][]byte{sst.Files[0].Path: holed})
	outs, _ := Run(ctx, st, []catalog.Dataset{sst}, Options{Mirror: mirror})
	if outs[0].Status != Failed || !strings.Contains(outs[0].Error, "sst.world: 320 values of 1990 would be deleted") {
		t.Fatalf("holed file: %+v", outs[0])
	}
	if v := point(t, st, "sst.world", "1990-06-01"); v != before {
		t.Fatalf("stored value changed after the refused file: %v, was %v", v, before)
	}
	outs, _ = Run(ctx, st, []catalog.Dataset{sst}, Options{Mirror: mirror, AllowShrink: true})
	if outs[0].Status != Ingested || outs[0].Deleted != 320 {
		t.Fatalf("holed file with AllowShrink: %+v", outs[0])
	}
}
