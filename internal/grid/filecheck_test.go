//go:build netcdf

package grid

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// cdlFile writes cdl and converts it with ncgen to the given kind
// ("classic", "64-bit offset", "nc4").
func cdlFile(t *testing.T, cdl, kind string) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "x.cdl")
	if err := os.WriteFile(src, []byte(cdl), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.nc")
	if b, err := exec.Command("ncgen", "-k", kind, "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("ncgen: %v\n%s", err, b)
	}
	return out
}

// smallGrid is a 4 x 6 grid of one time step in degC with the given value
// list (24 numbers) and _FillValue line.
func smallGrid(values, fill string) string {
	return `netcdf g {
dimensions: time = UNLIMITED ; lat = 4 ; lon = 6 ;
variables:
  double time(time) ; time:units = "days since 2024-01-01" ;
  float lat(lat) ; lat:units = "degrees_north" ;
  float lon(lon) ; lon:units = "degrees_east" ;
  float t2m(time, lat, lon) ; t2m:units = "degC" ; ` + fill + `
data:
  time = 10 ;
  lat = -60, -20, 20, 60 ;
  lon = 0, 60, 120, 180, 240, 300 ;
  t2m = ` + values + ` ;
}`
}

func values(v ...string) string {
	cells := make([]string, 24)
	for i := range cells {
		cells[i] = "20.5"
	}
	copy(cells, v)
	return strings.Join(cells, ", ")
}

// TestTruncatedFilesRefused is the regression test of finding 4's first
// example: a NetCDF-3 file cut anywhere in its data, and a NetCDF-4 file
// cut anywhere, is an error, not a mean of zeros.
func TestTruncatedFilesRefused(t *testing.T) {
	for _, kind := range []string{"classic", "64-bit offset", "nc4"} {
		full := cdlFile(t, smallGrid(values(), ""), kind)
		res, err := MeanFile(full, "t2m", []Region{World}, Exact)
		if err != nil || len(res) != 1 || res[0].Cells != 24 || res[0].Value < 20.49 || res[0].Value > 20.51 {
			t.Fatalf("%s: intact file: %+v, %v", kind, res, err)
		}
		b, _ := os.ReadFile(full)
		for _, cut := range []int{1, 4, 40, len(b) / 3} {
			p := filepath.Join(t.TempDir(), "cut.nc")
			os.WriteFile(p, b[:len(b)-cut], 0o644)
			res, err := MeanFile(p, "t2m", []Region{World}, Exact)
			if err == nil {
				t.Errorf("%s cut by %d bytes: mean %+v, want an error", kind, cut, res)
				continue
			}
			if kind != "nc4" && !errors.Is(err, ErrTruncated) {
				t.Errorf("%s cut by %d bytes: %v, want ErrTruncated", kind, cut, err)
			}
		}
	}
}

// TestCellValuesChecked covers finding 4's grid example and finding 8's
// infinite cell: a -999 without _FillValue in a degC grid, and +Inf, are
// errors naming the cell; a -999 declared as _FillValue is skipped.
func TestCellValuesChecked(t *testing.T) {
	for _, c := range []struct{ vals, fill, want string }{
		{values("20.5", "-999"), "", "latitude -60 longitude 60: value -999 degC is outside the physical range"},
		{values("Infinityf"), "", "value +Inf degC is not finite"},
		{values("20.5", "20.5", "-Infinityf"), "", "longitude 120: value -Inf degC is not finite"},
	} {
		for _, kind := range []string{"classic", "nc4"} {
			_, err := MeanFile(cdlFile(t, smallGrid(c.vals, c.fill), kind), "t2m", []Region{World}, Exact)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %.30s: err %v, want %q", kind, c.vals, err, c.want)
			}
		}
	}
	res, err := MeanFile(cdlFile(t, smallGrid(values("-999"), `t2m:_FillValue = -999.f ;`), "nc4"), "t2m", []Region{World}, Exact)
	if err != nil || res[0].Cells != 23 {
		t.Fatalf("declared fill value: %+v, %v", res, err)
	}
}

// TestHugeDeclaredGrid is finding 8's first example: a NetCDF-4 file that
// declares a 40000 x 40000 grid (no data written: the file is small) is
// refused before the read buffer is allocated.
func TestHugeDeclaredGrid(t *testing.T) {
	cdl := `netcdf big {
dimensions: lat = 40000 ; lon = 40000 ;
variables:
  float lat(lat) ; lat:units = "degrees_north" ;
  float lon(lon) ; lon:units = "degrees_east" ;
  float t2m(lat, lon) ; t2m:units = "degC" ; t2m:_ChunkSizes = 100, 100 ;
data:
  lat = ` + coords(40000, -90+180.0/80000, 180.0/40000) + ` ;
  lon = ` + coords(40000, 360.0/80000, 360.0/40000) + ` ;
}`
	p := cdlFile(t, cdl, "nc4")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := MeanFile(p, "t2m", []Region{World}, Exact)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "exceeds the limit") {
		t.Fatalf("err %v, want the grid size limit", err)
	}
	if d := after.TotalAlloc - before.TotalAlloc; d > 64<<20 {
		t.Errorf("allocated %d MiB before refusing", d>>20)
	}
}

// coords returns n comma-separated values from start by step.
func coords(n int, start, step float64) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = strconv.FormatFloat(start+float64(i)*step, 'f', 5, 64)
	}
	return strings.Join(parts, ", ")
}
