//go:build !netcdf

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGridWithoutNetCDF checks `grid mean` and `grid ingest` in a build
// without the "netcdf" tag: each file fails with the clear "built without
// NetCDF" error and exit code 1, and nothing is stored.
func TestGridWithoutNetCDF(t *testing.T) {
	dir := t.TempDir()
	nc := filepath.Join(dir, "oisst-avhrr-v02r01.20240724.nc")
	if err := os.WriteFile(nc, []byte("CDF\x01\x00\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "g.db")
	const msg = "this stocktake was built without NetCDF support; build with -tags netcdf"
	r := runCLI(t, db, "grid", "mean", nc, "--workers", "0")
	if r.code != 1 || !strings.Contains(r.stderr, nc+": "+msg) {
		t.Errorf("grid mean: exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, msg)
	}
	r = runCLI(t, db, "grid", "ingest", dir, "--as", "sst.world.oisst", "--region", "world", "--workers", "0")
	if r.code != 1 || !strings.Contains(r.stderr, msg) {
		t.Errorf("grid ingest: exit %d, stderr %q; want exit 1 and %q", r.code, r.stderr, msg)
	}
	if r := runCLI(t, db, "show", "sst.world.oisst", "--json"); r.code == 0 {
		t.Errorf("show after a failed ingest: exit 0, stdout %q", r.stdout)
	}
}
