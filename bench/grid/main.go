// Command grid-bench times `stocktake grid mean` against CDO, xarray and the
// zlib and libdeflate inflate floors on N generated daily OISST-like files
// (the world mean, 60S-60N, of variable sst). It is a benchmark, not a test;
// run it with bench/grid/run.sh, which builds the stocktake executable it
// times.
//
// Fairness rules: every method starts from the same compressed files in the
// page cache; whole processes are timed (start-up included) except
// xarray's, whose import is done before its clock starts; CDO is one
// process over all files (`-mergetime [ files ]`), as one would run it;
// every method runs -reps times, interleaved, and the median is reported
// with the minimum and maximum; the 1-minute load average is read before
// and after every run. Each method's answer is checked against stocktake's
// for every day (same date, |difference| <= 1e-4 degC, the tolerance the
// tests require against CDO); a mismatch stops the benchmark.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/grid"
)

// tolerance is the largest |difference| in degC accepted between a
// method's daily value and stocktake's.
const tolerance = 1e-4

// method is one measured way of computing the daily world means.
type method struct {
	name   string
	note   string
	extra  bool            // an extra row, not part of the fair comparison
	run    func() sample   // one timed run
	times  []time.Duration // one per run
	rss    int64           // peak resident memory of one process, bytes
	loads  [][2]float64    // 1-minute load average before and after each run
	maxDif float64         // largest |difference| from stocktake over all days

	lastSample sample // the most recent run's outcome (see record)
}

// sample is the outcome of one run: its wall time, peak memory and the
// daily values it computed (nil for the floors).
type sample struct {
	wall  time.Duration
	rss   int64
	dates []string
	vals  []float64
}

func main() {
	dir := flag.String("dir", "", "folder of generated daily files (made by gen.py)")
	exe := flag.String("stocktake", "", "stocktake executable built with -tags netcdf")
	reps := flag.Int("reps", 5, "runs of each method (the median is reported, with min and max)")
	extras := flag.Bool("extras", false, "also time one cdo process per file (one run; an extra row, not a fair comparison)")
	flag.Parse()
	if *reps < 1 || *exe == "" {
		fail(fmt.Errorf("need -stocktake and -reps >= 1"))
	}
	files, _ := filepath.Glob(filepath.Join(*dir, "*.nc"))
	sort.Strings(files)
	if len(files) == 0 {
		fail(fmt.Errorf("no .nc files in %q", *dir))
	}
	n := len(files)
	var chunks [][]byte
	for _, f := range files {
		c, err := grid.RawChunks(f, "sst")
		if err != nil {
			fail(err)
		}
		chunks = append(chunks, c...)
	}
	var inSize int
	for _, c := range chunks {
		inSize += len(c)
	}
	// Warm the page cache so that every method reads from memory.
	for _, f := range files {
		_, _ = os.ReadFile(f)
	}
	// The default of `stocktake grid mean`: goroutines of the Go reader, one
	// per file up to GOMAXPROCS (the load average bounds only netCDF-C's
	// worker processes, which this benchmark's files do not need).
	defWorkers := max(1, min(n, runtime.GOMAXPROCS(0)))

	stocktake := func(args ...string) func() sample {
		return func() sample {
			el, rss, out := run(*exe, append(append([]string{"grid", "mean", "--json"}, args...), files...)...)
			var s sample
			s.wall, s.rss = el, rss
			dec := json.NewDecoder(strings.NewReader(out))
			for dec.More() {
				var r grid.Result
				if err := dec.Decode(&r); err != nil {
					fail(fmt.Errorf("stocktake output: %v", err))
				}
				s.dates, s.vals = append(s.dates, r.Date), append(s.vals, r.Value)
			}
			return s
		}
	}
	out := make([]byte, 720*1440*2)
	floor := func(inflate func(in, out []byte) (int, error)) func() sample {
		return func() sample {
			t0 := time.Now()
			for _, c := range chunks {
				if _, err := inflate(c, out); err != nil {
					fail(err)
				}
			}
			return sample{wall: time.Since(t0)}
		}
	}
	cdoChain := func() sample {
		args := append([]string{"-s", "--precision", "12", "outputtab,date,value,nohead", "-fldmean",
			"-sellonlatbox,0,360,-60,60", "-selname,sst", "[", "-mergetime"}, files...)
		el, rss, outp := run("cdo", append(args, "]")...)
		s := sample{wall: el, rss: rss}
		f := strings.Fields(outp)
		for i := 0; i+1 < len(f); i += 2 {
			s.dates = append(s.dates, f[i])
			s.vals = append(s.vals, parse(f[i+1]))
		}
		return s
	}
	// Each xarray variant runs in its own python process, timed after its
	// imports. They once shared one process, open_mfdataset first: the loop
	// then took 23-25 ms per file instead of 62-68 ms, because it reopened
	// files the first variant had opened (measured 2026-12-02), which is not
	// what a user looping over new files sees.
	var xrLoop sample
	var xrKind string
	xarray := func(mode string) (wall float64, rss int64, dates, vals []string) {
		_, rss, outp := run("/usr/bin/python3", append([]string{"-c", xarrayScript, mode}, files...)...)
		var r struct {
			Kind        string
			Wall        float64
			Dates, Vals []string
		}
		if err := json.Unmarshal([]byte(outp), &r); err != nil {
			fail(fmt.Errorf("xarray output %q: %v", outp, err))
		}
		if mode == "mf" {
			xrKind = r.Kind
		}
		return r.Wall, rss, r.Dates, r.Vals
	}
	xrMulti := func() sample {
		lw, lrss, ld, lv := xarray("loop")
		xrLoop = sample{wall: time.Duration(lw * 1e9), rss: lrss, dates: ld, vals: parseAll(lv)}
		w, rss, d, v := xarray("mf")
		return sample{wall: time.Duration(w * 1e9), rss: rss, dates: d, vals: parseAll(v)}
	}
	ms := []*method{
		{name: fmt.Sprintf("stocktake grid mean, default (%d goroutines)", defWorkers), run: stocktake(),
			note: "whole process; Go reader, --workers goroutines; --workers not given"},
		{name: "stocktake grid mean --workers 1", run: stocktake("--workers", "1"), note: "whole process; Go reader, 1 goroutine"},
		{name: "stocktake grid mean --workers 2", run: stocktake("--workers", "2"), note: "whole process; Go reader, 2 goroutines"},
		{name: "stocktake grid mean --reader netcdf, default workers", run: stocktake("--reader", "netcdf"),
			note: "whole process incl. worker start-up; netCDF-C worker processes (the reader before the Go reader)"},
		{name: "stocktake grid mean --reader netcdf --workers 2", run: stocktake("--reader", "netcdf", "--workers", "2"),
			note: "whole process incl. worker start-up; 2 netCDF-C worker processes"},
		{name: "floor: libdeflate inflate of the sst chunks", run: floor(grid.InflateLibdeflate),
			note: fmt.Sprintf("the inflater stocktake uses; %d chunks preloaded, %.0f KiB compressed on average, 1 thread", len(chunks), float64(inSize)/float64(len(chunks))/1024)},
		{name: "floor: zlib inflate of the sst chunks", run: floor(grid.InflateZlib), note: "zlib, as HDF5/netCDF-C/CDO use; same chunks, 1 thread"},
		{name: "cdo chain, one process", run: cdoChain,
			note: "cdo -fldmean -sellonlatbox,0,360,-60,60 -selname,sst [ -mergetime FILES ], whole process"},
		{name: "xarray open_mfdataset", run: xrMulti, note: "after import, in its own python process; open + weighted mean (cos lat) of all days"},
		{name: "xarray per-file loop", note: "after import, in its own python process; open_dataset + weighted mean (cos lat) per file"},
	}
	xrLoopM := ms[len(ms)-1]
	for rep := 0; rep < *reps; rep++ {
		for _, m := range ms {
			if m.run == nil {
				continue
			}
			before, _ := grid.LoadAverage()
			s := m.run()
			after, _ := grid.LoadAverage()
			m.record(s, before, after)
			if m.name == "xarray open_mfdataset" {
				xrLoopM.record(xrLoop, before, after)
			}
		}
	}
	if strings.HasPrefix(xrKind, "concat") {
		ms[len(ms)-2].name = "xarray concat of open_dataset (open_mfdataset needs dask, not installed)"
	}
	if *extras {
		m := &method{name: "extra: cdo fldmean, one process per file", extra: true,
			note: "not a fair comparison: mostly cdo start-up; 1 run"}
		before, _ := grid.LoadAverage()
		var s sample
		for _, f := range files {
			el, rss, outp := run("cdo", "-s", "--precision", "12", "outputtab,date,value,nohead", "-fldmean", "-sellonlatbox,0,360,-60,60", "-selname,sst", f)
			s.wall += el
			s.rss = max(s.rss, rss)
			fs := strings.Fields(outp)
			for i := 0; i+1 < len(fs); i += 2 {
				s.dates, s.vals = append(s.dates, fs[i]), append(s.vals, parse(fs[i+1]))
			}
		}
		after, _ := grid.LoadAverage()
		m.record(s, before, after)
		ms = append(ms, m)
	}

	// Every answer is checked against stocktake's default run.
	ref := ms[0].lastSample
	for _, m := range ms {
		if m.lastSample.vals == nil {
			continue
		}
		if err := check(ref, m.lastSample); err != nil {
			fail(fmt.Errorf("%s disagrees with stocktake: %v", m.name, err))
		}
		for i := range ref.vals {
			m.maxDif = max(m.maxDif, math.Abs(m.lastSample.vals[i]-ref.vals[i]))
		}
	}

	fmt.Printf("grid benchmark: %d files in %s, %s\n", n, *dir, time.Now().UTC().Format(time.RFC3339))
	fmt.Printf("machine: %s\n", machine())
	fmt.Printf("median of %d runs per method, runs interleaved; min and max in brackets; load = 1-minute load average before/after each run (min-max)\n\n", *reps)
	fmt.Println("| method | ms per file: median [min, max] | files/s | peak memory | vs stocktake default | vs libdeflate floor | load | max diff from stocktake | note |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---|---:|---|")
	// find returns the method whose name starts with prefix.
	find := func(prefix string) *method {
		for _, m := range ms {
			if strings.HasPrefix(m.name, prefix) {
				return m
			}
		}
		fail(fmt.Errorf("no method %q", prefix))
		return nil
	}
	st, lf := ms[0].median(n), find("floor: libdeflate").median(n)
	for _, m := range ms {
		med, lo, hi := m.median(n), m.min(n), m.max(n)
		mem, dif := "-", "-"
		if m.rss > 0 {
			mem = fmt.Sprintf("%.1f MiB", float64(m.rss)/(1<<20))
		}
		if m.lastSample.vals != nil {
			dif = fmt.Sprintf("%.1e", m.maxDif)
		}
		fmt.Printf("| %s | %.2f [%.2f, %.2f] | %.1f | %s | %.2f× | %.2f× | %s | %s | %s |\n",
			m.name, med, lo, hi, 1000/med, mem, med/st, med/lf, m.loadRange(), dif, m.note)
	}
	fmt.Printf("\nevery method's date and value agree with stocktake's for all %d days (|difference| <= %g degC)\n", n, tolerance)
	fmt.Println("\ngoals (issue 16), from the medians:")
	goal := func(text string, got, want float64, atLeast bool) {
		ok := got >= want
		if !atLeast {
			ok = got <= want
		}
		verdict := "not met"
		if ok {
			verdict = "met"
		}
		fmt.Printf("- %s: %.2f× (goal %s %g×): %s\n", text, got, map[bool]string{true: ">=", false: "<="}[atLeast], want, verdict)
	}
	goal("cdo chain / stocktake default", find("cdo chain").median(n)/st, 10, true)
	goal("xarray per-file loop / stocktake default", xrLoopM.median(n)/st, 5, true)
	goal("stocktake default / libdeflate floor", st/lf, 1.5, false)
	fmt.Printf("projected 16,500 files with the default workers: %.0f s\n", st*16500/1000)
}

// record adds the outcome s of one run, with the load averages read
// before and after it.
func (m *method) record(s sample, before, after float64) {
	m.times = append(m.times, s.wall)
	m.rss = max(m.rss, s.rss)
	m.loads = append(m.loads, [2]float64{before, after})
	m.lastSample = s
}

// perFile returns the per-file times of m's runs in milliseconds, sorted.
func (m *method) perFile(n int) []float64 {
	out := make([]float64, len(m.times))
	for i, t := range m.times {
		out[i] = float64(t.Microseconds()) / 1000 / float64(n)
	}
	sort.Float64s(out)
	return out
}

// median is the median per-file time in milliseconds (the mean of the two
// middle runs for an even count).
func (m *method) median(n int) float64 {
	p := m.perFile(n)
	k := len(p)
	if k%2 == 1 {
		return p[k/2]
	}
	return (p[k/2-1] + p[k/2]) / 2
}

func (m *method) min(n int) float64 { return m.perFile(n)[0] }
func (m *method) max(n int) float64 { p := m.perFile(n); return p[len(p)-1] }

// loadRange is the smallest and largest load average read around m's runs.
func (m *method) loadRange() string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, l := range m.loads {
		lo, hi = math.Min(lo, math.Min(l[0], l[1])), math.Max(hi, math.Max(l[0], l[1]))
	}
	return fmt.Sprintf("%.2f-%.2f", lo, hi)
}

// check returns an error unless got has ref's dates in ref's order and
// values within tolerance of ref's.
func check(ref, got sample) error {
	if len(got.vals) != len(ref.vals) || len(got.dates) != len(ref.dates) {
		return fmt.Errorf("%d values, want %d", len(got.vals), len(ref.vals))
	}
	for i := range ref.vals {
		if got.dates[i] != ref.dates[i] {
			return fmt.Errorf("day %d: date %s, stocktake %s", i, got.dates[i], ref.dates[i])
		}
		if d := math.Abs(got.vals[i] - ref.vals[i]); !(d <= tolerance) {
			return fmt.Errorf("%s: %.10g, stocktake %.10g", ref.dates[i], got.vals[i], ref.vals[i])
		}
	}
	return nil
}

// xarrayScript imports xarray first, then times, on the files given after
// its mode argument, either ("mf") open_mfdataset (or, without dask, the
// same concatenation done by hand) and one weighted mean of all days, or
// ("loop") a loop that opens each file and computes its weighted mean.
// Weights are cos(latitude), which on a regular grid is proportional to the
// true cell area (stocktake's default). It prints one JSON object with the
// wall time in seconds and the dates and values.
const xarrayScript = `
import json, sys, time
import numpy as np, xarray as xr
mode, files = sys.argv[1], sys.argv[2:]
def wmean(da):
    s = da.sel(lat=slice(-60, 60))
    return s.weighted(np.cos(np.deg2rad(s.lat))).mean(("lat", "lon"))
def days(v):
    return [str(t)[:10] for t in v.time.values], [repr(float(x)) for x in np.ravel(v.values)]
try:
    import dask
    kind = "open_mfdataset"
except ImportError:
    kind = "concat"
t0 = time.perf_counter()
if mode == "mf":
    if kind == "open_mfdataset":
        ds = xr.open_mfdataset(files, combine="by_coords")
    else:
        ds = xr.concat([xr.open_dataset(f) for f in files], dim="time")
    v = wmean(ds.sst).compute()
    wall = time.perf_counter() - t0
    d, vals = days(v)
    ds.close()
else:
    d, vals = [], []
    for f in files:
        with xr.open_dataset(f) as x:
            a, b = days(wmean(x.sst))
            d += a
            vals += b
    wall = time.perf_counter() - t0
print(json.dumps({"Kind": kind, "Wall": wall, "Dates": d, "Vals": vals}))
`

// machine describes the CPU, the CPU count and the library versions.
func machine() string {
	model := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
	}
	ver := func(name string, args ...string) string {
		b, err := exec.Command(name, args...).CombinedOutput()
		if err != nil {
			return "?"
		}
		return strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0])
	}
	return fmt.Sprintf("%s, %d CPUs; netCDF %s, HDF5 %s, libdeflate %s, zlib %s; %s; python3-xarray %s",
		model, runtime.NumCPU(), ver("nc-config", "--version"), ver("pkg-config", "--modversion", "hdf5"),
		ver("pkg-config", "--modversion", "libdeflate"), ver("pkg-config", "--modversion", "zlib"),
		ver("cdo", "--version"), ver("dpkg-query", "-W", "-f", "${Version}", "python3-xarray"))
}

// run executes a command and returns its wall time, the peak resident
// memory of the largest process in its tree (the command and its
// children, such as stocktake's workers) and its stdout. The peak is VmHWM
// polled from /proc every 20 ms while the command runs: the rusage of a
// child started by os/exec includes the parent's own peak on Linux, so it
// cannot be used. VmHWM is a high-water mark, so a poll misses only growth
// in the command's last 20 ms. The period was 2 ms until 2026-12-02: on 2
// CPUs those 500 wake-ups a second slowed the measured command itself
// (stocktake over 100 files, 15 interleaved runs: 292 ms median with no
// polling, 330 ms polling every 2 ms, 296 ms every 25 ms).
func run(name string, args ...string) (time.Duration, int64, string) {
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var out strings.Builder
	cmd.Stdout = &out
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		fail(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var rss int64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			el := time.Since(t0)
			if err != nil {
				fail(fmt.Errorf("%s: %v\n%s", name, err, stderr.String()))
			}
			return el, rss, out.String()
		case <-tick.C:
			for _, pid := range tree(cmd.Process.Pid) {
				rss = max(rss, grid.VmHWM(pid))
			}
		}
	}
}

// tree returns pid and its children's pids (one level, from
// /proc/PID/task/PID/children).
func tree(pid int) []int {
	out := []int{pid}
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	for _, f := range strings.Fields(string(b)) {
		if c, err := strconv.Atoi(f); err == nil {
			out = append(out, c)
		}
	}
	return out
}

func parse(s string) float64 {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fail(fmt.Errorf("bad number %q", s))
	}
	return x
}

func parseAll(ss []string) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = parse(s)
	}
	return out
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "grid-bench:", err)
	os.Exit(1)
}
