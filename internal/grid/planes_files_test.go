//go:build netcdf

package grid

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPlanesAgreeOnFiles reads files with the byte-plane reduction on and
// off (the path that unshuffles the chunk and reduces the values) and
// requires the same dates, cell counts and float64 bits for several regions
// under both weightings: the real OISST file, the OISST-like fixture in
// every NetCDF-4 layout, the same fixture stored as 4-byte floats with the
// shuffle filter, and the benchmark's generated files when present
// (STOCKTAKE_GRID_BENCH_FILES, a glob; default
// /tmp/stocktake-grid-bench/100/*.nc). It also checks which files took the
// plane path: only whole little-endian shuffled chunks of 16-bit data.
func TestPlanesAgreeOnFiles(t *testing.T) {
	type fileCase struct {
		name, path, v string
		planes        bool
	}
	cases := []fileCase{{"real-oisst", realOISST(t), "sst", true}}
	for _, l := range oisstLayouts {
		if l.kind != "nc4" || l.name == "contiguous" {
			continue
		}
		// One chunk per day with shuffle: the planes; partial chunks,
		// chunks spanning days, no shuffle, big-endian: the old path.
		cases = append(cases, fileCase{"oisst_like/" + l.name, ncgen(t, "oisst_like", l.kind, l.special), "sst", l.name == "oisst-chunks"})
	}
	cases = append(cases, fileCase{"float-shuffled", ncgenText(t, "oisst_like", "nc4", oisstLayouts[0].special,
		"short sst(", "float sst(", "sst:_FillValue = -999s", "sst:_FillValue = -9.99f"), "sst", false})
	if f, err := openGo(cases[len(cases)-1].path); err != nil {
		t.Fatal(err)
	} else {
		typ := f.varByName("sst").typ
		f.close()
		if typ != ncFloat {
			t.Fatalf("float fixture: sst has type %s", typ)
		}
	}
	glob := os.Getenv("STOCKTAKE_GRID_BENCH_FILES")
	if glob == "" {
		glob = "/tmp/stocktake-grid-bench/100/*.nc"
	}
	bench, _ := filepath.Glob(glob)
	if len(bench) > 20 {
		bench = bench[:20]
	}
	for _, f := range bench {
		cases = append(cases, fileCase{"bench/" + filepath.Base(f), f, "sst", true})
	}
	if len(bench) == 0 {
		t.Logf("no generated benchmark files match %s (bench/grid/run.sh makes them); only the real file and fixtures are compared", glob)
	}
	regions := []Region{World, NatLan, Nino34, mustRegion(t, "-33,33,9,99"), mustRegion(t, "-60,60,170,-170"), mustRegion(t, "-40.1,40.3,-30.2,30.7")}
	defer func() { usePlanes = true }()
	for _, c := range cases {
		for _, w := range []Weighting{Exact, CDO} {
			usePlanes = false
			before := planeReads.Load()
			want, wv, err := meanFileReader(c.path, c.v, regions, w, ReaderGo)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if planeReads.Load() != before {
				t.Fatalf("%s: the plane path ran while switched off", c.name)
			}
			usePlanes = true
			got, gv, err := meanFileReader(c.path, c.v, regions, w, ReaderGo)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if used := planeReads.Load() > before; used != c.planes {
				t.Errorf("%s: plane path used %v, want %v", c.name, used, c.planes)
			}
			if len(got) != len(want) || gv != wv {
				t.Fatalf("%s: %d results (version %q), %d without planes (%q)", c.name, len(got), gv, len(want), wv)
			}
			for i := range got {
				g, x := got[i], want[i]
				if math.Float64bits(g.Value) != math.Float64bits(x.Value) || g.Cells != x.Cells || g.Date != x.Date || g.Region != x.Region {
					t.Errorf("%s %s %s %s: %v (%d cells) with planes, %v (%d cells) without", c.name, w, g.Date, g.Region, g.Value, g.Cells, x.Value, x.Cells)
				}
				if strings.HasPrefix(c.name, "real") && g.Region == "world" && g.Cells == 0 {
					t.Errorf("%s: no valid cells in the world box", c.name)
				}
			}
		}
	}
}
