//go:build !netcdf

package grid

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWithoutNetCDF checks that a binary built without the "netcdf" tag
// refuses every read with ErrNoNetCDF, naming the file, instead of failing
// in some less clear way.
func TestWithoutNetCDF(t *testing.T) {
	if NetCDFSupport {
		t.Fatal("NetCDFSupport is true in a build without the netcdf tag")
	}
	p := filepath.Join(t.TempDir(), "x.nc")
	if err := os.WriteFile(p, []byte("CDF\x01"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := MeanFile(p, "sst", []Region{World}, Exact)
	var fe *FileError
	if !errors.Is(err, ErrNoNetCDF) || !errors.As(err, &fe) || fe.File != p {
		t.Fatalf("MeanFile: %v, want a *FileError for %s wrapping ErrNoNetCDF", err, p)
	}
	resp := Process(Request{File: p, Var: "sst", Regions: []Region{World}})
	if want := p + ": " + ErrNoNetCDF.Error(); resp.Err != want || resp.Results != nil {
		t.Fatalf("Process: err %q, results %v; want %q", resp.Err, resp.Results, want)
	}
	if !strings.Contains(ErrNoNetCDF.Error(), "-tags netcdf") {
		t.Errorf("ErrNoNetCDF %q does not say how to build with NetCDF", ErrNoNetCDF)
	}
	if _, err := RawChunks(p, "sst"); !errors.Is(err, ErrNoNetCDF) {
		t.Errorf("RawChunks: %v", err)
	}
	if _, err := InflateZlib(nil, nil); !errors.Is(err, ErrNoNetCDF) {
		t.Errorf("InflateZlib: %v", err)
	}
	if _, err := InflateLibdeflate(nil, nil); !errors.Is(err, ErrNoNetCDF) {
		t.Errorf("InflateLibdeflate: %v", err)
	}
}
