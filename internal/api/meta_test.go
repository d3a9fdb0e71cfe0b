package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/buildinfo"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestPublicSource(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_mlo.csv", "https://gml.noaa.gov/webdata/ccgg/trends/co2/co2_mm_mlo.csv"},
		{"/srv/mirror/nsidc-g02135/S_seaice_extent_daily_v3.0.csv", "nsidc-g02135/S_seaice_extent_daily_v3.0.csv"},
		{"/a/b/nsidc-g02135/N_seaice_extent_daily_v3.0.csv /a/b/nsidc-g02135/S_seaice_extent_daily_v3.0.csv",
			"nsidc-g02135/N_seaice_extent_daily_v3.0.csv nsidc-g02135/S_seaice_extent_daily_v3.0.csv"},
		{"/data/oisst/2024/oisst-avhrr-v02r01.20240724.nc", "oisst-avhrr-v02r01.20240724.nc"},
		{`mirror "/home/u/m/x/y.csv": open /home/u/m/x/y.csv: no such file`, `mirror "y.csv": open y.csv: no such file`},
		{"3/4 of the rows", "3/4 of the rows"},
	} {
		if got := publicSource(c.in); got != c.want {
			t.Errorf("publicSource(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestNoServerPathsNoErrorText ingests one dataset from the shared mirror
// and records a failed fetch whose message names a server folder. Neither
// /api/datasets, /api/versions nor /metrics may show the mirror's absolute
// path, and /metrics carries no error text; /api/datasets shows the file's
// path relative to the mirror root.
func TestNoServerPathsNoErrorText(t *testing.T) {
	ctx := context.Background()
	mirror := testutil.SharedData(t)
	abs, err := filepath.Abs(mirror)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "st.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	const id = "noaa-gml-co2-mlo-monthly"
	ds, err := ingest.Select([]string{id})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: mirror}); err != nil {
		t.Fatal(err)
	}
	const secret = "connection refused by upstream-secret-marker"
	failed := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	if err := st.RecordFetchFailure(ctx, id, filepath.Join(abs, "x"), failed, secret+" reading "+filepath.Join(abs, "noaa-gml", "x.csv")); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{Version: "v0.0.1-test", Logger: slog.New(slog.DiscardHandler)})
	defer s.Close()

	r := get(t, s, "/api/datasets")
	if r.code != 200 {
		t.Fatalf("/api/datasets: %d", r.code)
	}
	if strings.Contains(string(r.body), abs) {
		t.Errorf("/api/datasets shows the mirror's absolute path %s", abs)
	}
	var infos []DatasetInfo
	if err := json.Unmarshal(r.body, &infos); err != nil {
		t.Fatal(err)
	}
	d, _ := catalog.DatasetByID(id)
	for _, info := range infos {
		if info.ID != id {
			continue
		}
		if info.Current == nil || info.Current.Source != d.Files[0].Path {
			t.Errorf("current source %+v, want %q", info.Current, d.Files[0].Path)
		}
		if info.Fetch == nil || !strings.HasSuffix(info.Fetch.LastError, "reading x.csv") {
			t.Errorf("fetch state %+v", info.Fetch)
		}
	}
	if r := get(t, s, "/api/versions"); r.code != 200 || strings.Contains(string(r.body), abs) {
		t.Errorf("/api/versions: %d, shows %s: %v", r.code, abs, strings.Contains(string(r.body), abs))
	}

	m := get(t, s, "/metrics")
	body := string(m.body)
	if strings.Contains(body, "secret-marker") || strings.Contains(body, abs) {
		t.Errorf("/metrics holds error text or a server path")
	}
	in := buildinfo.Read()
	for _, want := range []string{
		`stocktake_build_info{version="v0.0.1-test",commit="` + in.Commit + `",goversion="` + in.GoVersion + `"} 1`,
		`stocktake_dataset_fetch_failure_timestamp_seconds{dataset="` + id + `"} 1796040000.000`,
		`stocktake_dataset_versions{dataset="` + id + `"} 1`,
		"# TYPE stocktake_http_request_duration_seconds histogram",
		"# TYPE stocktake_cache_hits_total counter",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	// Process and Go runtime metrics, as Prometheus' client libraries name them.
	for _, name := range []string{"process_resident_memory_bytes", "process_cpu_seconds_total", "process_open_fds", "go_goroutines", "go_memstats_sys_bytes"} {
		if !regexp.MustCompile(`(?m)^` + name + ` \d`).MatchString(body) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if strings.Contains(body, "go_info_ext") || strings.Contains(body, "GOROOT") {
		t.Error("/metrics holds go_info_ext, whose GOROOT label names a server folder")
	}
	// The text format: every sample line is NAME{LABELS} VALUE, and no
	// family is declared twice.
	sample := regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^{}]*\})? [-+0-9.eEInfNa]+$`)
	types := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "# TYPE "):
			name := strings.Fields(line)[2]
			if types[name] {
				t.Errorf("family %s declared twice", name)
			}
			types[name] = true
		case strings.HasPrefix(line, "# HELP "):
		case !sample.MatchString(line):
			t.Errorf("not a sample line: %q", line)
		}
	}
	h := get(t, s, "/healthz")
	var health Health
	if err := json.Unmarshal(h.body, &health); err != nil || health.Version != "v0.0.1-test" || health.Commit != in.Commit || health.Datasets != 1 {
		t.Errorf("/healthz: %s (%v)", h.body, err)
	}
}
