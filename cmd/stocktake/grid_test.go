//go:build netcdf

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestGridCLI computes Climate Reanalyzer's regional means from NOAA's grid
// and turns a folder of daily files into a stored series.
// The tests run grid reads in-process: a test binary cannot re-execute
// itself as "stocktake grid worker".
func init() { defaultGridWorkers = func(int) (int, int) { return 0, 0 } }

func TestGridCLI(t *testing.T) {
	nc := filepath.Join(testutil.SharedData(t), "noaa-oisst-v2.1", "oisst-avhrr-v02r01.20240724.nc")
	db := filepath.Join(t.TempDir(), "g.db")
	r := runCLI(t, db, "grid", "mean", nc, "--region", "world", "--region", "nino34", "--json", "--workers", "0")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	// Climate Reanalyzer's oisst2.1_world2_sst_day.json and
	// oisst2.1_nino3.4_sst_day.json publish 20.947 and 27.272 for 2024-07-24.
	want := map[string]float64{"world": 20.947, "nino34": 27.272}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 rows:\n%s", r.stdout)
	}
	for _, line := range lines {
		var row struct {
			Date, Region, Unit string
			Value              float64
			Cells              int
		}
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			t.Fatal(err)
		}
		if row.Date != "2024-07-24" || row.Unit != "degC" || !near(row.Value, want[row.Region], 0.0005) || row.Cells == 0 {
			t.Errorf("%+v", row)
		}
	}

	// A folder with the real file and a corrupt one: the good file is
	// ingested, the bad one named, exit 1; the stored series is queryable.
	dir := t.TempDir()
	b, _ := os.ReadFile(nc)
	os.WriteFile(filepath.Join(dir, "oisst-avhrr-v02r01.20240724.nc"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "oisst-avhrr-v02r01.20240725.nc"), b[:len(b)/3], 0o644)
	r = runCLI(t, db, "grid", "ingest", dir, "--as", "sst.world.oisst", "--region", "world", "--workers", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "20240725.nc") {
		t.Fatalf("ingest with a truncated file: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, db, "show", "sst.world.oisst", "--json")
	got := decode[present.Series](t, r.stdout)
	if r.code != 0 || len(got.Points) != 1 || got.Points[0].Date != "2024-07-24" || !near(got.Points[0].Value, 20.947, 0.0005) {
		t.Fatalf("show grid series: %s %s", r.stdout, r.stderr)
	}
	// Resuming skips the file already stored.
	os.Remove(filepath.Join(dir, "oisst-avhrr-v02r01.20240725.nc"))
	r = runCLI(t, db, "grid", "ingest", dir, "--as", "sst.world.oisst", "--region", "world", "--workers", "0", "--json")
	if res := decode[map[string]any](t, r.stdout); r.code != 0 || res["skipped"].(float64) != 1 || res["ingested"].(float64) != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}

	// A second day (the real file moved one day on and warmed by 0.5 °C,
	// written by NCO) and a copy of it under another name: the copy gives
	// the same date in the same run and fails; the series names its folder
	// and file count, and lineage names each day's own file and checksum.
	day2 := filepath.Join(dir, "oisst-avhrr-v02r01.20240725.nc")
	if out, err := exec.Command("ncap2", "-O", "-s", "time=time+1;sst=sst+0.5f", nc, day2).CombinedOutput(); err != nil {
		t.Fatalf("ncap2: %v %s", err, out)
	}
	b2, _ := os.ReadFile(day2)
	os.WriteFile(filepath.Join(dir, "zz-copy.nc"), b2, 0o644)
	r = runCLI(t, db, "grid", "ingest", dir, "--as", "sst.world.oisst", "--region", "world", "--workers", "0")
	if r.code != 1 || !strings.Contains(r.stderr, "zz-copy.nc: 2024-07-25 is also the date of") ||
		!strings.Contains(r.stderr, "20240725.nc: 2024-07-25 is also the date of") {
		t.Fatalf("duplicate day: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	// Neither file of the conflicting pair is stored (finding 8): the
	// series still has its one day until the folder is fixed.
	r = runCLI(t, db, "show", "sst.world.oisst", "--json")
	if got = decode[present.Series](t, r.stdout); len(got.Points) != 1 {
		t.Fatalf("after a duplicate-date run the series has %d points, want 1 (unchanged)", len(got.Points))
	}
	os.Remove(filepath.Join(dir, "zz-copy.nc"))
	if r = runCLI(t, db, "grid", "ingest", dir, "--as", "sst.world.oisst", "--region", "world", "--workers", "0"); r.code != 0 {
		t.Fatalf("after removing the copy: exit %d\n%s", r.code, r.stderr)
	}
	r = runCLI(t, db, "show", "sst.world.oisst", "--json")
	got = decode[present.Series](t, r.stdout)
	if len(got.Points) != 2 || !near(got.Points[1].Value-got.Points[0].Value, 0.5, 0.01) ||
		got.Source.SHA256 != "" || got.Source.Files != 2 || !strings.Contains(got.Source.Version, "v02r01") || got.Source.URL != dir+"/" {
		t.Fatalf("two-file series: %+v", got)
	}
	r = runCLI(t, db, "lineage", "sst.world.oisst", "2024-07-25", "--json")
	l := decode[present.ValueLineage](t, r.stdout)
	sum := sha256.Sum256(b2)
	if r.code != 0 || l.Version.Source != day2 || l.Version.SHA256 != hex.EncodeToString(sum[:]) || l.Date != "2024-07-25" {
		t.Fatalf("lineage 2024-07-25: %+v %s", l, r.stderr)
	}
	r = runCLI(t, db, "lineage", "sst.world.oisst", "2024-07-24")
	if r.code != 0 || !strings.Contains(r.stdout, "oisst-avhrr-v02r01.20240724.nc") {
		t.Fatalf("lineage 2024-07-24: %s %s", r.stdout, r.stderr)
	}
	// A re-issued 25 July in a later run replaces that day: still two files
	// behind the series, and lineage names the new one.
	os.Remove(filepath.Join(dir, "zz-copy.nc"))
	reissued := filepath.Join(dir, "oisst-avhrr-v02r01.20240725.final.nc")
	if out, err := exec.Command("ncap2", "-O", "-s", "sst=sst+0.1f", day2, reissued).CombinedOutput(); err != nil {
		t.Fatalf("ncap2: %v %s", err, out)
	}
	if r = runCLI(t, db, "grid", "ingest", reissued, "--as", "sst.world.oisst", "--region", "world", "--workers", "0"); r.code != 0 {
		t.Fatalf("re-issued day: %s %s", r.stdout, r.stderr)
	}
	r = runCLI(t, db, "show", "sst.world.oisst", "--json")
	if got = decode[present.Series](t, r.stdout); got.Source.Files != 2 || !near(got.Points[1].Value-got.Points[0].Value, 0.6, 0.01) {
		t.Fatalf("after the re-issued day: %+v", got)
	}
	r = runCLI(t, db, "lineage", "sst.world.oisst", "2024-07-25")
	if r.code != 0 || !strings.Contains(r.stdout, "20240725.final.nc") {
		t.Fatalf("lineage of the re-issued day: %s %s", r.stdout, r.stderr)
	}
}
