//go:build !netcdf

package grid

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/testutil"
)

// TestWithoutNetCDF checks that a binary built without the "netcdf" tag
// refuses every file its Go reader cannot read (here NetCDF-3) with
// ErrNoNetCDF, naming the file, instead of failing in some less clear way.
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

// TestPureGoReadsOISST checks that the pure-Go build reads the real OISST
// file with its Go reader (compress/zlib inflating) and gets the figures the
// netCDF build is tested for against CDO and both of its readers
// (TestReadersAgree, TestRealOISSTGoReader): the same inflated bytes give
// the same sums, so the values are equal to the bit.
func TestPureGoReadsOISST(t *testing.T) {
	f := filepath.Join(testutil.SharedData(t), "noaa-oisst-v2.1", "oisst-avhrr-v02r01.20240724.nc")
	resp := Process(Request{File: f, Var: "sst", Regions: []Region{World, NatLan, Nino34}})
	if resp.Err != "" || resp.ProducerVersion != "Version v02r01" || len(resp.Results) != 3 {
		t.Fatalf("%+v", resp)
	}
	want := []struct {
		value float64
		cells int
	}{{20.947321000657695, 508178}, {24.564473256492608, 58961}, {27.27237024179868, 8000}}
	for i, w := range want {
		r := resp.Results[i]
		if r.Value != w.value || r.Cells != w.cells || r.Date != "2024-07-24" || r.Unit != "degC" {
			t.Errorf("%s: %+v, want %v over %d cells on 2024-07-24 in degC", r.Region, r, w.value, w.cells)
		}
	}
}
