//go:build netcdf

package grid

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// TestMain doubles as a grid worker: when STOCKTAKE_GRID_TEST_WORKER is set
// the test binary serves requests on stdin and stdout, as `stocktake grid
// worker` does, so that Pool can be tested without the CLI. A request for a
// file whose name contains "crash-me" makes the worker die of SIGSEGV, as a
// fault inside netCDF-C would.
func TestMain(m *testing.M) {
	if os.Getenv("STOCKTAKE_GRID_TEST_WORKER") == "1" {
		err := Serve(os.Stdin, os.Stdout, func(r Request) Response {
			if strings.Contains(r.File, "crash-me") {
				_ = syscall.Kill(os.Getpid(), syscall.SIGSEGV)
				select {}
			}
			return Process(r)
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// testPool returns a Pool whose workers are this test binary.
func testPool(n int) *Pool {
	return &Pool{Workers: n, Command: func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "STOCKTAKE_GRID_TEST_WORKER=1")
		return cmd
	}}
}

// ncgen turns testdata/NAME.cdl into a NetCDF file of the given kind
// ("nc4" or "classic") in a temporary folder. special is inserted at the
// "// @SPECIAL@" marker (chunking, compression, shuffle, endianness).
func ncgen(t testing.TB, name, kind, special string) string {
	t.Helper()
	return ncgenText(t, name, kind, special)
}

// ncgenText is ncgen with extra text replacements (old, new pairs).
func ncgenText(t testing.TB, name, kind, special string, replace ...string) string {
	t.Helper()
	cdl, err := os.ReadFile(filepath.Join("testdata", name+".cdl"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(cdl), "// @SPECIAL@", special, 1)
	text = strings.NewReplacer(replace...).Replace(text)
	dir := t.TempDir()
	src := filepath.Join(dir, name+".cdl")
	if err := os.WriteFile(src, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, name+"."+kind+".nc")
	if b, err := exec.Command("ncgen", "-k", kind, "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("ncgen (Debian package netcdf-bin) failed on %s: %v\n%s", name, err, b)
	}
	return out
}

// cdo runs CDO on file and returns one number per time step. CDO is
// required: CI installs it, so a missing cdo fails the test.
func cdo(t testing.TB, args ...string) []float64 {
	t.Helper()
	path, err := exec.LookPath("cdo")
	if err != nil {
		t.Fatalf("cdo (Debian package cdo) is required for this test: %v", err)
	}
	b, err := exec.Command(path, append([]string{"-s"}, args...)...).Output()
	if err != nil {
		t.Fatalf("cdo %s: %v", strings.Join(args, " "), err)
	}
	var out []float64
	for _, f := range strings.Fields(string(b)) {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("cdo %s: unexpected output %q", strings.Join(args, " "), b)
		}
		out = append(out, x)
	}
	return out
}

// cdoBox returns the sellonlatbox argument for r.
func cdoBox(r Region) string {
	if r.AllLon {
		return fmt.Sprintf("-sellonlatbox,0,360,%g,%g", r.S, r.N)
	}
	return fmt.Sprintf("-sellonlatbox,%g,%g,%g,%g", r.W, r.E, r.S, r.N)
}

// cdoMean returns CDO's fldmean and number of valid cells of variable v
// over r, per time step.
func cdoMean(t testing.TB, file, v string, r Region) (means, cells []float64) {
	t.Helper()
	sel := []string{cdoBox(r), "-selname," + v, file}
	means = cdo(t, append([]string{"-outputf,%.12g", "-fldmean"}, sel...)...)
	// `cdo info` prints per time step the grid size and the number of
	// missing values.
	b, err := exec.Command("cdo", append([]string{"-s", "info"}, sel...)...).Output()
	if err != nil {
		t.Fatalf("cdo info %v: %v", sel, err)
	}
	for _, m := range infoRe.FindAllStringSubmatch(string(b), -1) {
		size, _ := strconv.Atoi(m[1])
		miss, _ := strconv.Atoi(m[2])
		cells = append(cells, float64(size-miss))
	}
	return means, cells
}

var infoRe = regexp.MustCompile(`(?m)^\s*\d+\s*:\s*\S+\s+\S+\s+\S+\s+(\d+)\s+(\d+)\s*:`)

func realOISST(t testing.TB) string {
	return filepath.Join(testutil.SharedData(t), "noaa-oisst-v2.1", "oisst-avhrr-v02r01.20240724.nc")
}
