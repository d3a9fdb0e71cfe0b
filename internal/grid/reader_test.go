//go:build netcdf

package grid

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// readerCase is one file read through both readers.
type readerCase struct {
	name, file, v string
	goReads       bool // the Go reader supports the file (else: unsupported, fallback)
}

// readerCases returns the real OISST file and every NetCDF-4 fixture of
// the package's tests, plus files made to exercise what the Go reader must
// handle (dense links and attributes, string attributes) or decline (an
// unusual filter, NetCDF-3).
func readerCases(t *testing.T) []readerCase {
	cs := []readerCase{{"real-oisst", realOISST(t), "sst", true}}
	for _, l := range oisstLayouts {
		f := l.file(t)
		cs = append(cs, readerCase{"oisst_like/" + l.name, f, "sst", l.kind == "nc4"})
	}
	cs = append(cs,
		readerCase{"descending", ncgen(t, "descending", "nc4", ""), "tos", true},
		readerCase{"irregular", ncgen(t, "irregular", "nc4", ""), "t", true},
		readerCase{"badtime", ncgen(t, "badtime", "nc4", ""), "sst", true},
		readerCase{"nocoord", ncgen(t, "nocoord", "nc4", ""), "sst", true},
		readerCase{"no-such-variable", ncgen(t, "irregular", "nc4", ""), "sst", true},
		// NC_STRING attributes are variable-length strings in the global heap.
		readerCase{"string-attributes", ncgenText(t, "oisst_like", "nc4", `string sst:comment = "a", "b" ;`,
			`sst:units = "Celsius"`, `string sst:units = "Celsius"`,
			`time:units = "days`, `string time:units = "days`), "sst", true},
		// 40 variables and 60 attributes on sst: dense (fractal heap) links
		// and attributes, with a version-2 B-tree deeper than one node.
		readerCase{"dense", ncgenText(t, "oisst_like", "nc4", manyAttrs("sst", 60), "variables:", "variables:\n"+manyVars(40)), "sst", true},
		readerCase{"fletcher32", ncgen(t, "oisst_like", "nc4", `sst:_ChunkSizes = 1, 1, 30, 60 ; sst:_Fletcher32 = "true" ; sst:_DeflateLevel = 1 ;`), "sst", false},
		readerCase{"etopo60-classic", filepath.Join(sharedDir(t), "noaa-pmel-ferret-datasets", "etopo60.cdf"), "ROSE", false},
	)
	return cs
}

func sharedDir(t *testing.T) string { return filepath.Dir(filepath.Dir(realOISST(t))) }

// manyAttrs returns CDL for n numeric and text attributes of variable v.
func manyAttrs(v string, n int) string {
	var b strings.Builder
	for i := range n {
		if i%2 == 0 {
			fmt.Fprintf(&b, "%s:extra%03d = %d ;\n", v, i, i)
		} else {
			fmt.Fprintf(&b, "%s:extra%03d = \"text %d\" ;\n", v, i, i)
		}
	}
	return b.String()
}

// manyVars returns CDL declaring n scalar variables.
func manyVars(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "\tint filler%02d ;\n", i)
	}
	return b.String()
}

// respJSON renders a response's results, error and producer version for
// comparison (JSON turns NaN values into null, which DeepEqual would not
// match).
func respJSON(t *testing.T, r Response) string {
	b, err := json.Marshal(struct {
		R []Result
		E string
		V string
	}{r.Results, r.Err, r.ProducerVersion})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestReadersAgree reads every case with the Go reader (auto mode) and
// with netCDF-C and requires identical dates, values, cell counts, units,
// producer versions and errors; it also checks which reader auto mode used
// and that the Go reader alone declines the unsupported files with an
// error wrapping hdf5.ErrUnsupported.
func TestReadersAgree(t *testing.T) {
	regions := []Region{World, NatLan, Nino34, mustRegion(t, "-30,10,150,-150")}
	for _, c := range readerCases(t) {
		t.Run(c.name, func(t *testing.T) {
			before := goReads.Load()
			auto := Process(Request{File: c.file, Var: c.v, Regions: regions})
			usedGo := goReads.Load() > before
			viaC := Process(Request{File: c.file, Var: c.v, Regions: regions, Reader: ReaderNetCDF})
			if a, b := respJSON(t, auto), respJSON(t, viaC); a != b {
				t.Errorf("Go reader and netCDF-C differ:\n go: %s\n  C: %s", a, b)
			}
			okRead := auto.Err == ""
			if okRead && usedGo != c.goReads {
				t.Errorf("Go reader used = %v, want %v", usedGo, c.goReads)
			}
			_, _, err := meanFileReader(c.file, c.v, regions, Exact, ReaderGo)
			if unsup := errors.Is(err, hdf5.ErrUnsupported); unsup == c.goReads {
				t.Errorf("Go reader alone: %v; want unsupported = %v", err, !c.goReads)
			}
			t.Logf("%s: %d results, err %q, version %q; Go reader alone: %v", c.name, len(auto.Results), auto.Err, auto.ProducerVersion, err)
		})
	}
}

// TestRealOISSTGoReader checks the Go reader's figures for the real file
// against those the netCDF-C path is tested for (CDO and Climate
// Reanalyzer agreement in grid_test.go): same dates, values to the bit,
// cells, unit and product version.
func TestRealOISSTGoReader(t *testing.T) {
	regions := []Region{World, NatLan, Nino34}
	g, gv, err := meanFileReader(realOISST(t), "sst", regions, Exact, ReaderGo)
	if err != nil {
		t.Fatal(err)
	}
	c, cv, err := meanFileReader(realOISST(t), "sst", regions, Exact, ReaderNetCDF)
	if err != nil {
		t.Fatal(err)
	}
	if gv != "Version v02r01" || cv != gv {
		t.Errorf("product version: Go %q, netCDF-C %q, want \"Version v02r01\"", gv, cv)
	}
	wantCells := []int{508178, 58961, 8000}
	for i := range regions {
		if g[i] != c[i] || g[i].Cells != wantCells[i] || g[i].Date != "2024-07-24" || g[i].Unit != "degC" {
			t.Errorf("%s: Go %+v, netCDF-C %+v (want %d cells)", regions[i].Name, g[i], c[i], wantCells[i])
		}
	}
}

// TestPoolMixedReaders runs a request list that alternates files the Go
// reader reads with files that need netCDF-C (NetCDF-3, an unusual filter)
// and a missing file on two goroutines and two worker processes: the
// responses must come in the order given and equal the in-process answers.
func TestPoolMixedReaders(t *testing.T) {
	nc4 := ncgen(t, "oisst_like", "nc4", oisstLayouts[0].special)
	classic := ncgen(t, "oisst_like", "classic", "")
	fletcher := ncgen(t, "oisst_like", "nc4", `sst:_ChunkSizes = 1, 1, 30, 60 ; sst:_Fletcher32 = "true" ;`)
	files := []string{classic, realOISST(t), nc4, fletcher, filepath.Join(t.TempDir(), "absent.nc"), nc4, classic, realOISST(t)}
	var reqs []Request
	for _, f := range files {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World, Nino34}})
	}
	for _, workers := range []int{0, 1, 2} {
		p := testPool(workers)
		var got []Response
		before := goReads.Load()
		if err := p.Run(context.Background(), reqs, func(r Response) { got = append(got, r) }); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(files) {
			t.Fatalf("workers %d: %d responses for %d files", workers, len(got), len(files))
		}
		for i, r := range got {
			want := Process(Request{File: files[i], Var: "sst", Regions: []Region{World, Nino34}, Reader: ReaderNetCDF})
			if r.Seq != i || r.File != files[i] || respJSON(t, r) != respJSON(t, want) {
				t.Errorf("workers %d: response %d: %+v, want %+v", workers, i, r, want)
			}
		}
		if !strings.Contains(got[4].Err, "no such file") {
			t.Errorf("absent file: %q", got[4].Err)
		}
		// The Go reader read the four NetCDF-4 files it supports (goReads
		// counts the in-process reads, the test's own included; at least
		// those four).
		if n := goReads.Load() - before; n < 4 {
			t.Errorf("workers %d: Go reader read %d files, want at least 4", workers, n)
		}
		_, started := p.Stats()
		if wantStarted := workers > 0; (started > 0) != wantStarted {
			t.Errorf("workers %d: %d worker processes started", workers, started)
		}
	}
	// Without a file that needs netCDF-C no worker process is started.
	p := testPool(2)
	if err := p.Run(context.Background(), []Request{{File: nc4, Var: "sst", Regions: []Region{World}}, {File: realOISST(t), Var: "sst", Regions: []Region{World}}}, func(Response) {}); err != nil {
		t.Fatal(err)
	}
	if _, started := p.Stats(); started != 0 {
		t.Errorf("%d worker processes started for NetCDF-4 files only", started)
	}
	// Processes bounds the worker processes apart from the goroutines:
	// two goroutines, one process slot for the three NetCDF-3 files.
	p = testPool(2)
	p.Processes = 1
	var got []Response
	three := []Request{{File: classic, Var: "sst", Regions: []Region{World}}, {File: nc4, Var: "sst", Regions: []Region{World}},
		{File: classic, Var: "sst", Regions: []Region{World}}, {File: classic, Var: "sst", Regions: []Region{World}}}
	if err := p.Run(context.Background(), three, func(r Response) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if rss, started := p.Stats(); started != 1 || len(rss) != 1 || len(got) != 4 || got[0].Err != "" || got[3].Err != "" {
		t.Errorf("Processes 1: %d processes started, %d slots, %d responses (%q, %q); want 1, 1, 4 without errors", started, len(rss), len(got), got[0].Err, got[3].Err)
	}
}

// TestGoReaderCorruptFiles damages the real file in the ways a download
// or disk can and requires a clear error that names the file and what is
// wrong, from the Go reader itself (a damaged NetCDF-4 file is not handed
// to netCDF-C), and never a panic or a number.
func TestGoReaderCorruptFiles(t *testing.T) {
	real, err := os.ReadFile(realOISST(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	mod := func(name string, f func(b []byte) []byte) string {
		b := f(append([]byte(nil), real...))
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := map[string]string{
		// The root object header starts at byte 48; byte 60 is inside it.
		mod("flipped-root-header.nc", func(b []byte) []byte { b[60] ^= 0x10; return b }):        "object header at address 48 checksum mismatch",
		mod("flipped-superblock.nc", func(b []byte) []byte { b[20] ^= 0x01; return b }):         "superblock checksum mismatch",
		mod("truncated-in-header.nc", func(b []byte) []byte { return b[:4000] }):                "file is truncated",
		mod("truncated-in-chunk.nc", func(b []byte) []byte { return b[:len(b)/3] }):             "file is truncated",
		mod("flipped-global-attrs.nc", func(b []byte) []byte { b[0x8a3+20] ^= 0xff; return b }): "fractal heap header checksum mismatch",
		mod("corrupt-chunk.nc", func(b []byte) []byte {
			for i := 200000; i < 260000; i++ {
				b[i] ^= 0x5a
			}
			return b
		}): "compressed chunk is corrupt",
	}
	for path, want := range cases {
		before := goReads.Load()
		_, err := MeanFile(path, "sst", []Region{World}, Exact)
		if err == nil || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want it to name the file and contain %q", filepath.Base(path), err, want)
		}
		if goReads.Load() != before {
			t.Errorf("%s: counted as read", filepath.Base(path))
		}
		t.Logf("%v", err)
	}
}

// BenchmarkGoReaderFiles reads the benchmark's generated OISST-like files
// (bench/grid/run.sh; set STOCKTAKE_GRID_BENCH_FILES to their glob, e.g.
// /tmp/stocktake-grid-bench/100/*.nc) through a Pool of one goroutine, the
// way `grid mean --workers 1` does, for CPU profiles of the Go reader path.
// Reports ns per file.
func BenchmarkGoReaderFiles(b *testing.B) {
	files, _ := filepath.Glob(os.Getenv("STOCKTAKE_GRID_BENCH_FILES"))
	if len(files) == 0 {
		b.Skip("STOCKTAKE_GRID_BENCH_FILES matches no file")
	}
	var reqs []Request
	for _, f := range files {
		reqs = append(reqs, Request{File: f, Var: "sst", Regions: []Region{World}})
	}
	b.ResetTimer()
	for range b.N {
		p := &Pool{Workers: 1}
		if err := p.Run(context.Background(), reqs, func(r Response) {
			if r.Err != "" {
				b.Fatal(r.Err)
			}
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
}
