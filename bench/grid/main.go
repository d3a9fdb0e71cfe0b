// Command grid-bench times stocktake's gridded reader against CDO, xarray
// and the zlib and libdeflate inflate floors on N generated daily OISST-like files. It is a
// benchmark, not a test; run it with bench/grid/run.sh. The program also
// serves as its own grid worker process (flag -worker), so it measures the
// internal/grid Pool exactly as `stocktake grid mean` runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/grid"
)

// row is one measured method.
type row struct {
	name   string
	total  time.Duration
	files  int
	maxRSS int64 // bytes, peak of the process (per worker for stocktake)
	note   string
}

func main() {
	worker := flag.Bool("worker", false, "serve grid requests on stdin/stdout (internal)")
	dir := flag.String("dir", "", "folder of generated daily files (made by gen.py)")
	skipSlow := flag.Bool("skip-cdo-per-file", false, "skip the slow cdo-per-file run")
	reps := flag.Int("reps", 3, "repetitions of each fast method; the fastest is reported (the machine may be shared)")
	flag.Parse()
	if *worker {
		if err := grid.Serve(os.Stdin, os.Stdout, nil); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		return
	}
	files, _ := filepath.Glob(filepath.Join(*dir, "*.nc"))
	sort.Strings(files)
	if len(files) == 0 {
		fail(fmt.Errorf("no .nc files in %q", *dir))
	}
	var chunks [][]byte
	for _, f := range files {
		c, err := grid.RawChunks(f, "sst")
		if err != nil {
			fail(err)
		}
		chunks = append(chunks, c...)
	}
	// Warm the page cache so that every method reads from memory.
	for _, f := range files {
		_, _ = os.ReadFile(f)
	}
	n := len(files)
	var rows []row
	var ref []float64
	var cdoVals []string
	best := map[string]int{}
	keep := func(r row) {
		if i, ok := best[r.name]; ok {
			if r.total < rows[i].total {
				rows[i].total = r.total
			}
			rows[i].maxRSS = max(rows[i].maxRSS, r.maxRSS)
			return
		}
		best[r.name] = len(rows)
		rows = append(rows, r)
	}
	for rep := 0; rep < *reps; rep++ {

		for _, w := range []int{1, 2} {
			exe, _ := os.Executable()
			p := &grid.Pool{Workers: w, Command: func() *exec.Cmd {
				c := exec.Command(exe, "-worker")
				c.Env = append(os.Environ(), "GOMAXPROCS=1")
				return c
			}}
			reqs := make([]grid.Request, n)
			for i, f := range files {
				reqs[i] = grid.Request{File: f, Var: "sst", Regions: []grid.Region{grid.World}}
			}
			var vals []float64
			t0 := time.Now()
			err := p.Run(context.Background(), reqs, func(r grid.Response) {
				if r.Err != "" {
					fail(fmt.Errorf("%s", r.Err))
				}
				vals = append(vals, r.Results[0].Value)
			})
			el := time.Since(t0)
			if err != nil {
				fail(err)
			}
			rss, _ := p.Stats()
			var peak int64
			for _, m := range rss {
				peak = max(peak, m)
			}
			keep(row{name: fmt.Sprintf("stocktake, %d worker(s)", w), total: el, files: n, maxRSS: peak,
				note: "incl. worker start-up; peak RSS per worker"})
			ref = vals
		}

		// Inflate floor: the stored sst chunks of every file, preloaded, inflated
		// one after the other with the same zlib.
		out := make([]byte, 720*1440*2)
		t0 := time.Now()
		var inSize int
		for _, c := range chunks {
			if _, err := grid.InflateZlib(c, out); err != nil {
				fail(err)
			}
			inSize += len(c)
		}
		keep(row{name: "floor: zlib inflate of the sst chunks", total: time.Since(t0), files: n,
			note: fmt.Sprintf("%d chunks, %.0f KiB compressed on average, 1 thread", len(chunks), float64(inSize)/float64(len(chunks))/1024)})

		// Second floor: the same chunks inflated with libdeflate, the
		// inflater stocktake's direct chunk reader uses.
		t0 = time.Now()
		for _, c := range chunks {
			if _, err := grid.InflateLibdeflate(c, out); err != nil {
				fail(err)
			}
		}
		keep(row{name: "floor: libdeflate inflate of the sst chunks", total: time.Since(t0), files: n,
			note: "the inflater stocktake uses; same chunks, 1 thread"})

		// CDO on the merged file.
		merged := filepath.Join(*dir, "merged", "merged.nc")
		if rep == 0 {
			if _, err := os.Stat(merged); err != nil {
				os.MkdirAll(filepath.Dir(merged), 0o755)
				t := time.Now()
				if b, err := exec.Command("cdo", append([]string{"-s", "-O", "mergetime"}, append(files, merged)...)...).CombinedOutput(); err != nil {
					fail(fmt.Errorf("cdo mergetime: %v %s", err, b))
				}
				fmt.Fprintf(os.Stderr, "cdo mergetime took %v (not counted)\n", time.Since(t))
			}
		}
		el, rss, outp := run("cdo", "-s", "-outputf,%.8g", "-fldmean", "-sellonlatbox,0,360,-60,60", "-selname,sst", merged)
		keep(row{name: "cdo fldmean on the merged multi-day file", total: el, files: n, maxRSS: rss, note: "merge time not counted"})
		cdoVals = strings.Fields(outp)

		// xarray.
		script := `import sys, numpy as np, xarray as xr
for f in sys.argv[1:]:
    with xr.open_dataset(f) as ds:
        s = ds.sst.sel(lat=slice(-60, 60))
        v = s.weighted(np.cos(np.deg2rad(s.lat))).mean(("lat", "lon"))
        print(float(v.values.ravel()[0]))
`
		el, rss, _ = run("/usr/bin/python3", append([]string{"-c", script}, files...)...)
		keep(row{name: "python3-xarray weighted mean", total: el, files: n, maxRSS: rss, note: "one python process, files in a loop"})
	}

	// CDO per file.
	if !*skipSlow {
		var tot time.Duration
		var peak int64
		for _, f := range files {
			el, rss, _ := run("cdo", "-s", "-outputf,%.8g", "-fldmean", "-sellonlatbox,0,360,-60,60", "-selname,sst", f)
			tot += el
			peak = max(peak, rss)
		}
		keep(row{name: "cdo fldmean per file", total: tot, files: n, maxRSS: peak, note: "one cdo process per file"})
	}

	// Agreement with CDO on the merged file.
	var maxDiff float64
	for i, s := range cdoVals {
		var c float64
		fmt.Sscan(s, &c)
		if i < len(ref) {
			maxDiff = max(maxDiff, abs(c-ref[i]))
		}
	}

	floor, fastFloor := rows[2].perFile(), rows[3].perFile()
	fmt.Printf("%d files in %s (%s); fastest of %d runs per method (cdo per file: 1 run)\n\n", n, *dir, time.Now().UTC().Format(time.RFC3339), *reps)
	fmt.Println("| method | ms per file | files per second | peak memory | vs stocktake 1 worker | vs zlib inflate floor | vs libdeflate floor | note |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---|")
	st1 := rows[0].perFile()
	for _, r := range rows {
		mem := "-"
		if r.maxRSS > 0 {
			mem = fmt.Sprintf("%.1f MiB", float64(r.maxRSS)/(1<<20))
		}
		fmt.Printf("| %s | %.2f | %.1f | %s | %.2f× | %.2f× | %.2f× | %s |\n", r.name, r.perFile(), 1000/r.perFile(), mem, r.perFile()/st1, r.perFile()/floor, r.perFile()/fastFloor, r.note)
	}
	fmt.Printf("\nmax |stocktake - cdo| over the %d days (world): %.2e degC\n", len(cdoVals), maxDiff)
	fmt.Printf("projected 16,500 files with 2 workers: %.0f s\n", rows[1].perFile()*16500/1000)
}

func (r row) perFile() float64 { return float64(r.total.Microseconds()) / 1000 / float64(r.files) }

// run executes a command and returns its wall time, peak RSS and stdout.
// The peak is VmHWM polled from /proc every 2 ms while the command runs:
// the rusage of a child started by os/exec includes the parent's own peak
// on Linux, so it cannot be used.
func run(name string, args ...string) (time.Duration, int64, string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	var out strings.Builder
	cmd.Stdout = &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var rss int64
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			el := time.Since(t0)
			if err != nil {
				fail(fmt.Errorf("%s: %v", name, err))
			}
			return el, rss, out.String()
		case <-tick.C:
			rss = max(rss, grid.VmHWM(cmd.Process.Pid))
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "grid-bench:", err)
	os.Exit(1)
}
