//go:build netcdf

package grid

import (
	"debug/elf"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestNoNetCDFLink checks that netCDF-C, HDF5 and their dependencies are
// not among the shared libraries the binary needs at start-up (they are
// loaded with dlopen when a file needs them), while libdeflate, which the
// Go reader calls, still is. The test binary is linked with the same cgo
// flags as stocktake.
func TestNoNetCDFLink(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	libs, err := f.ImportedLibraries()
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(libs, " ")
	for _, bad := range []string{"libnetcdf", "libhdf5", "libcurl", "libssl", "libcrypto"} {
		if strings.Contains(joined, bad) {
			t.Errorf("the binary needs %s at start-up: %s", bad, joined)
		}
	}
	if !strings.Contains(joined, "libdeflate") {
		t.Errorf("the binary does not need libdeflate (the Go reader's inflater): %s", joined)
	}
}

// TestLoadNetCDFErrors checks that a netCDF-C library that cannot be loaded,
// or is not netCDF-C, gives an error naming it and the reason, and that
// such a failure leaves an earlier successful load usable.
func TestLoadNetCDFErrors(t *testing.T) {
	if err := loadNetCDF(); err != nil {
		t.Fatalf("loading the real netCDF-C: %v", err)
	}
	err := loadNetCDFLib("libstocktake-no-such-netcdf.so.7")
	if err == nil || !strings.Contains(err.Error(), "loading libstocktake-no-such-netcdf.so.7: ") ||
		!strings.Contains(err.Error(), "cannot open shared object file") {
		t.Errorf("missing library: got %v", err)
	}
	// zlib loads but has none of netCDF-C's functions.
	err = loadNetCDFLib("libz.so.1")
	if err == nil || !strings.Contains(err.Error(), "loading libz.so.1: function nc_strerror not found in it") {
		t.Errorf("library without netCDF-C: got %v", err)
	}
	err = loadNetCDFFrom([]string{"libstocktake-no-such-netcdf.so.7", "libz.so.1"})
	for _, want := range []string{"this file needs netCDF-C, which could not be loaded (install " + netcdfSoname,
		"libstocktake-no-such-netcdf.so.7: ", "; loading libz.so.1: function nc_strerror"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("no loadable name: got %v, want it to contain %q", err, want)
		}
	}
	// The failed attempts did not replace the functions loaded first.
	res, _, err := meanFileReader(realOISST(t), "sst", []Region{World}, Exact, ReaderNetCDF)
	if err != nil || len(res) != 1 {
		t.Fatalf("netCDF-C read after failed loads: %v %v", res, err)
	}
}

// TestHDF5VersionCheck checks the guard against a netCDF-C built on another
// HDF5 (HDF5 would abort the process on its first call): the headers' own
// version passes, and any other release, minor or major version is an
// error that names both.
func TestHDF5VersionCheck(t *testing.T) {
	maj, min, rel := headersHDF5Version()
	if maj != 1 || min < 8 {
		t.Fatalf("headers' HDF5 version %d.%d.%d: want 1.8 or later", maj, min, rel)
	}
	if err := checkHDF5Version(maj, min, rel); err != nil {
		t.Errorf("the headers' own version %d.%d.%d refused: %v", maj, min, rel, err)
	}
	f := func(gotMaj, gotMin, gotRel uint) {
		t.Helper()
		err := checkHDF5Version(gotMaj, gotMin, gotRel)
		want := fmt.Sprintf("it uses HDF5 %d.%d.%d, but stocktake was built against HDF5 %d.%d.%d", gotMaj, gotMin, gotRel, maj, min, rel)
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("HDF5 %d.%d.%d: got %v, want an error starting %q", gotMaj, gotMin, gotRel, err, want)
		}
	}
	f(maj, min, rel+1)
	f(maj, min+1, rel)
	f(maj+1, min, rel)
	f(maj, min-1, rel)
}
