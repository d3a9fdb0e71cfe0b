package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/testutil"
)

// result is what one command line produced.
type result struct {
	stdout, stderr string
	code           int
}

// runCLI runs stocktake with args against the database at db and returns its
// output and exit code, exactly as main would produce them.
func runCLI(t *testing.T, db string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--db", db}, args...), &out, &errb)
	return result{out.String(), errb.String(), code}
}

var (
	sharedOnce sync.Once
	sharedPath string
	sharedErr  string
	tmpRoot    string
)

// TestMain runs the package's tests on SQLite and, when PostgreSQL testing
// is on, the tests that exercise the store through every surface (CLI and
// API on one database, webhook delivery through update) again on
// PostgreSQL, with the shared database rebuilt there.
func TestMain(m *testing.M) {
	os.Exit(testutil.RunBackends(m, testutil.Options{
		Only: "^(TestCrossSurface|TestUpdateDeliversWebhooks|TestWebhookListMasksCredentials|TestServe)$",
		Reset: func() {
			if tmpRoot != "" {
				os.RemoveAll(tmpRoot)
			}
			sharedOnce, sharedPath, sharedErr, tmpRoot = sync.Once{}, "", "", ""
		},
	}))
}

// sharedDB returns a database holding every dataset of ../shared/data,
// ingested once per test run through 'stocktake update --from'. Tests must
// not write to it; copy it first (copyDB) to change it.
func sharedDB(t *testing.T) string {
	t.Helper()
	sharedOnce.Do(func() {
		var err error
		tmpRoot, err = os.MkdirTemp("", "stocktake-cli-test")
		if err != nil {
			sharedErr = err.Error()
			return
		}
		if sharedPath, err = testutil.DBForRun(tmpRoot); err != nil {
			sharedErr = err.Error()
			return
		}
		r := runCLI(t, sharedPath, "update", "--from", testutil.SharedData(t))
		if r.code != 0 {
			sharedErr = "update --from shared data failed: " + r.stderr
		}
	})
	if sharedErr != "" {
		t.Fatal(sharedErr)
	}
	return sharedPath
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, s)
	}
	return v
}

func TestShowSeaIceSouthJSON(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "show", "seaice.south", "--from", "2023-02-17", "--to", "2023-02-23", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	got := decode[present.Series](t, r.stdout)
	// Values straight from S_seaice_extent_daily_v3.0.csv.
	want := []present.Point{{Date: "2023-02-17", Value: 1.796}, {Date: "2023-02-18", Value: 1.793}, {Date: "2023-02-19", Value: 1.766}, {Date: "2023-02-20", Value: 1.79},
		{Date: "2023-02-21", Value: 1.797}, {Date: "2023-02-22", Value: 1.815}, {Date: "2023-02-23", Value: 1.834}}
	if len(got.Points) != len(want) {
		t.Fatalf("points: %+v", got.Points)
	}
	for i := range want {
		if got.Points[i] != want[i] {
			t.Errorf("point %d: got %+v want %+v", i, got.Points[i], want[i])
		}
	}
	if got.Indicator != "seaice.south" || got.Entity != nil || got.Unit != "10^6 km^2" || got.Frequency != "daily" ||
		got.Source.Dataset != "nsidc-g02135-south-v3" || got.Source.Version != "3.0" ||
		got.Source.SHA256 != "de51a1ef1c463003ef9f8b0f1dcc73e72d9d0d0f200d8802a96084325d00cbba" ||
		!strings.HasSuffix(got.Source.URL, "nsidc-g02135/S_seaice_extent_daily_v3.0.csv") {
		t.Errorf("header: %+v", got)
	}
	// The raw JSON spells the null entity and the exact keys scripts rely on.
	for _, key := range []string{`"entity": null`, `"indicator": "seaice.south"`, `"points": [`, `"sha256": "de51a1ef`} {
		if !strings.Contains(r.stdout, key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
}

func TestShowFormats(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "show", "co2.mlo", "--from", "2024-01", "--to", "2024-03", "--format", "csv")
	// co2_mm_mlo.txt: 2024 1 422.80, 2024 2 424.55, 2024 3 425.38.
	want := "date,value,indicator,entity,unit,dataset,version,sha256\n" +
		"2024-01,422.8,co2.mlo,,ppm,noaa-gml-co2-mlo-monthly,monthly release,206d97b06c0b0750e398bee06ef247f897d8fa2912b743af4bc78c0fe64a660b\n"
	if r.code != 0 || !strings.HasPrefix(r.stdout, want) || strings.Count(r.stdout, "\n") != 4 {
		t.Fatalf("csv (exit %d):\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, db, "show", "gmst.noaa", "--from", "2023-06", "--to", "2023-06")
	if r.code != 0 || !strings.Contains(r.stdout, "2023-06  ") || !strings.Contains(r.stdout, "source: noaa-cag-global-land-ocean") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	r = runCLI(t, db, "show", "seaice.north@4.0", "--from", "2026-08-21", "--json")
	got := decode[present.Series](t, r.stdout)
	if len(got.Points) != 1 || got.Source.Version != "4.0" {
		t.Fatalf("v4: %+v", got)
	}
}

func TestListShowsCoverageAndSource(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "list", "--json")
	if r.code != 0 {
		t.Fatal(r.stderr)
	}
	rows := decode[[]present.Indicator](t, r.stdout)
	byID := map[string]present.Indicator{}
	for _, row := range rows {
		id := row.Indicator
		if !row.Default {
			id += "@" + row.Version
		}
		byID[id] = row
	}
	f := func(id, first, last, unit string) {
		t.Helper()
		row, ok := byID[id]
		if !ok {
			t.Fatalf("%s not listed", id)
		}
		if row.First == nil || *row.First != first || *row.Last != last || row.Unit != unit || len(row.Source.SHA256) != 64 {
			t.Errorf("%s: first %v last %v unit %s source %+v", id, row.First, row.Last, row.Unit, row.Source)
		}
	}
	// Coverage as stated in ../shared/data/SOURCES.md.
	f("seaice.south", "1978-10-26", "2025-05-02", "10^6 km^2")
	f("seaice.north@4.0", "1978-10-26", "2026-08-21", "10^6 km^2")
	f("sst.world", "1981-09-01", "2026-08-06", "degC")
	f("t2m.world", "1940-01-01", "2024-12-31", "degC")
	f("co2.mlo", "1958-03", "2026-07", "ppm")
	f("co2.mlo.weekly", "1974-05-19", "2026-08-16", "ppm")
	f("ch4.global", "1983-07", "2026-04", "ppb")
	f("n2o.global", "2001-01", "2026-04", "ppb")
	f("gmst.noaa", "1850-01", "2026-07", "degC")
	f("gmst.gistemp", "1880-01", "2025-06", "degC")
	f("gmst.hadcrut5", "1850-01", "2024-07", "degC")
	f("ohc.jma", "1955", "2025", "10^22 J")
	f("oni", "1950-01", "2026-06", "degC")
	r = runCLI(t, db, "list")
	if r.code != 0 || !strings.Contains(r.stdout, "seaice.south") || !strings.Contains(r.stdout, "sha256:de51a1ef1c46") {
		t.Fatalf("table:\n%s", r.stdout)
	}
	r = runCLI(t, db, "list", "--datasets", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"sha256": "de51a1ef1c463003ef9f8b0f1dcc73e72d9d0d0f200d8802a96084325d00cbba"`) {
		t.Fatalf("datasets:\n%s", r.stdout)
	}
}

func TestExitCodesAndErrors(t *testing.T) {
	db := sharedDB(t)
	empty := filepath.Join(t.TempDir(), "empty.db")
	f := func(db string, wantCode int, wantErr string, args ...string) {
		t.Helper()
		r := runCLI(t, db, args...)
		if r.code != wantCode || !strings.Contains(r.stderr, wantErr) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", args, r.code, r.stderr, wantCode, wantErr)
		}
	}
	f(db, 2, `unknown indicator "no.such"`, "show", "no.such")
	f(db, 2, `no version "9"`, "show", "seaice.north@9")
	f(db, 2, "no such calendar date", "show", "seaice.south", "--from", "2023-02-30")
	f(db, 2, "--format", "show", "seaice.south", "--format", "xml")
	f(db, 2, "unknown flag", "show", "seaice.south", "--frm", "2023")
	f(db, 2, "accepts 1 arg", "show")
	f(db, 2, "global indicator", "show", "sst.world", "--entity", "CHN")
	f(db, 2, "daily indicators", "show", "co2.mlo", "--smooth", "5d")
	f(db, 2, "smoothing", "show", "seaice.south", "--smooth", "five")
	f(empty, 1, "no database at", "show", "seaice.south")
	f(empty, 1, "no database at", "list")
	f(empty, 1, "no database at", "serve", "--addr", "127.0.0.1:0")
	if _, err := os.Stat(empty); err == nil {
		t.Error("a read-only command created the database")
	}
	f(db, 2, "neither a dataset id nor an indicator id", "update", "--only", "nope", "--from", testutil.SharedData(t))
	f(db, 2, "not a folder", "update", "--from", "/no/such/dir")
	f(db, 2, `no version "9"`, "update", "--only", "seaice.south@9", "--from", testutil.SharedData(t))
	f(db, 2, "--timeout -5s: expected a positive duration", "update", "--timeout", "-5s")
	f(db, 2, "--retries -1: expected 0 or more", "update", "--retries", "-1")
	f(db, 2, "--from 2024-01-01 is after --to 2023-01-01", "show", "seaice.south", "--from", "2024-01-01", "--to", "2023-01-01")
	f(db, 2, "--json and --format csv contradict", "show", "seaice.south", "--format", "csv", "--json")
	f(db, 2, `unknown entity "XXX"`, "show", "co2.emissions", "--entity", "XXX")
	if r := runCLI(t, db, "show", "co2.emissions", "--entity", "china", "--from", "2023", "--json"); r.code != 0 || decode[present.Series](t, r.stdout).Points[0].Value != 11902503000 {
		t.Errorf("show co2.emissions --entity china: exit %d %s", r.code, r.stderr)
	}

	// An indicator id selects its default dataset only: the shared mirror's
	// missing Antarctic v4.0 file does not fail it, but naming that version
	// does (exit 1, the file named).
	picked := filepath.Join(t.TempDir(), "picked.db")
	if r := runCLI(t, picked, "update", "--only", "seaice.south,sst.world", "--from", testutil.SharedData(t)); r.code != 0 ||
		!strings.Contains(r.stdout, "nsidc-g02135-south-v3") || strings.Contains(r.stdout, "south-v4") {
		t.Errorf("update --only seaice.south,sst.world: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r := runCLI(t, picked, "update", "--only", "seaice.south@4.0", "--from", testutil.SharedData(t)); r.code != 1 ||
		!strings.Contains(r.stdout+r.stderr, "nsidc-g02135-south-v4") {
		t.Errorf("update --only seaice.south@4.0: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// A corrupt file in a mirror: exit 1, the error names file and line, and
	// the store is unchanged.
	mirror := t.TempDir()
	dir := filepath.Join(mirror, "noaa-gml")
	os.MkdirAll(dir, 0o755)
	good := testutil.ReadShared(t, "noaa-gml/co2_mm_mlo.txt")
	bad := strings.Replace(string(good), " 2024    1   2024.0417      422.80", " 2024    1   2024.0417      4x2.80", 1)
	if bad == string(good) {
		t.Fatal("fixture line not found")
	}
	os.WriteFile(filepath.Join(dir, "co2_mm_mlo.txt"), []byte(bad), 0o644)
	work := filepath.Join(t.TempDir(), "w.db")
	if r := runCLI(t, work, "update", "--only", "co2.mlo", "--from", testutil.SharedData(t)); r.code != 0 {
		t.Fatal(r.stderr)
	}
	r := runCLI(t, work, "update", "--only", "co2.mlo", "--from", mirror)
	if r.code != 1 || !strings.Contains(r.stderr, "noaa-gml/co2_mm_mlo.txt:") || !strings.Contains(r.stderr, "4x2.80") {
		t.Fatalf("corrupt mirror: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, work, "show", "co2.mlo", "--from", "2024-01", "--to", "2024-01", "--json")
	if got := decode[present.Series](t, r.stdout); len(got.Points) != 1 || got.Points[0].Value != 422.8 {
		t.Fatalf("store changed after failed update: %+v", got.Points)
	}
}

func TestHelpTeaches(t *testing.T) {
	for _, cmd := range []string{"update", "list", "show"} {
		r := runCLI(t, filepath.Join(t.TempDir(), "x.db"), cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Examples:") || !strings.Contains(r.stdout, "stocktake "+cmd) {
			t.Errorf("%s --help:\n%s", cmd, r.stdout)
		}
	}
}
