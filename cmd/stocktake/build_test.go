package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// TestPureGoBinary builds stocktake as `go install` does by default on a
// machine without a C toolchain (CGO_ENABLED=0, no build tags), with the
// version and commit a release build sets through the linker, and checks
// that it runs: --version reports them and that NetCDF is not built in, and
// `grid mean` (which re-executes the binary as its worker processes) fails
// with exit code 1 and the "built without NetCDF" error.
func TestPureGoBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "stocktake")
	pkg := "github.com/stocktake/stocktake/internal/buildinfo"
	build := exec.Command("go", "build", "-o", exe, "-ldflags", "-X "+pkg+".version=v9.8.7 -X "+pkg+".commit=0123456789abcdef", ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, b)
	}

	out, err := exec.Command(exe, "--version").Output()
	if err != nil {
		t.Fatalf("--version: %v", err)
	}
	for _, want := range []string{"stocktake v9.8.7\n", "commit: 0123456789abcdef\n", "netcdf: no (built without -tags netcdf)\n"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--version output lacks %q:\n%s", want, out)
		}
	}

	nc := filepath.Join(dir, "x.nc")
	if err := os.WriteFile(nc, []byte("CDF\x01\x00\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "--db", filepath.Join(dir, "s.db"), "grid", "mean", nc, "--workers", "2")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("grid mean: %v, want exit code 1; stderr:\n%s", err, stderr.String())
	}
	if want := nc + ": this stocktake was built without NetCDF support; build with -tags netcdf"; !strings.Contains(stderr.String(), want) {
		t.Errorf("grid mean stderr lacks %q:\n%s", want, stderr.String())
	}

	// The station archive is DuckDB, linked through cgo: a build without
	// cgo says so instead of failing to link.
	ghcn := filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily")
	cmd = exec.Command(exe, "--db", filepath.Join(dir, "s.db"), "stations", "ingest", ghcn)
	stderr.Reset()
	cmd.Stderr = &stderr
	err = cmd.Run()
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("stations ingest: %v, want exit code 1; stderr:\n%s", err, stderr.String())
	}
	if want := "built without cgo, so without DuckDB"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stations ingest stderr lacks %q:\n%s", want, stderr.String())
	}
}
