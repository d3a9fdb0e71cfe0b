package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/grid"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

const gridLong = `grid reads gridded NetCDF files (NetCDF-4/HDF5 and NetCDF-3 classic), such as
NOAA's OISST v2.1 daily files, and reduces each file to area-weighted regional
means over valid cells only: fill values, missing values, values outside the
valid range and NaN are dropped with their weights. A cell belongs to a region
when its centre does (edges included), the rule of CDO's sellonlatbox.

Weights are true cell areas on the sphere (--weights exact, the default): on a
regular latitude-longitude grid they are exactly proportional to the cosine of
the cell-centre latitude. --weights cdo uses CDO's great-circle cell areas
instead, to reproduce 'cdo fldmean' to rounding (the two differ by ~1e-5 degC
on OISST's 0.25-degree grid).

Regions: world (60S-60N, all longitudes), natlan (0-60N, 80W-0), nino34
(5S-5N, 170W-120W), or a box S,N,W,E in degrees; W > E crosses the date line.

NetCDF-4 files as netCDF-C writes them (OISST's kind) are read by a built-in
Go reader, --workers files at a time in this process (by default one per file,
at most as many as CPUs not busy by the 1-minute load average, at least 1).
Other files (NetCDF-3, unusual HDF5 features) go to as many worker processes,
started when needed, each with its own copy of netCDF-C: a file that crashes
or hangs the C library fails alone and the other files are still processed.
Exit code 1 if any file failed.`

func newGridCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "grid",
		Short: "Area-weighted regional means of gridded NetCDF files (OISST)",
		Long:  gridLong,
		Example: `  stocktake grid mean oisst-avhrr-v02r01.20240724.nc --region world --region nino34
  stocktake grid ingest /data/oisst/ --as sst.world.oisst`,
	}
	cmd.AddCommand(newGridMeanCmd(), newGridIngestCmd(), newGridWorkerCmd())
	return cmd
}

// gridFlags are the flags that grid mean and grid ingest share.
type gridFlags struct {
	varName string
	regions []string
	weights string
	workers int
	reader  string      // --reader (hidden): auto, go or netcdf
	rd      grid.Reader // reader, checked by parse
}

// add declares the shared flags on cmd; regionHelp describes --region,
// whose default differs between the commands.
func (g *gridFlags) add(cmd *cobra.Command, regionHelp string) {
	cmd.Flags().StringVar(&g.varName, "var", "sst", "variable to average")
	cmd.Flags().StringArrayVar(&g.regions, "region", nil, regionHelp)
	cmd.Flags().StringVar(&g.weights, "weights", "exact", "cell weights: exact (true cell area, cos of the centre latitude on regular grids) or cdo (CDO's great-circle cell areas)")
	cmd.Flags().IntVar(&g.workers, "workers", autoWorkers, "files read at once; auto = one per file up to the CPUs (goroutines of the Go reader), and for files only netCDF-C can read one worker process per file up to the CPUs not busy by the 1-minute load average; 0 reads in this process, one file at a time, without crash isolation")
	cmd.Flags().Lookup("workers").DefValue = "auto"
	cmd.Flags().StringVar(&g.reader, "reader", "auto", "NetCDF-4 reader: auto (Go reader, netCDF-C for what it cannot read), go or netcdf")
	_ = cmd.Flags().MarkHidden("reader")
}

// autoWorkers is the --workers value that means "not given": the count then
// comes from defaultGridWorkers.
const autoWorkers = -1

// defaultGridWorkers is the parallelism used when --workers is not given,
// for a run over files files: goroutines for the files the Go reader
// reads, one per file up to the CPUs the Go runtime may use (GOMAXPROCS,
// which follows cgroup CPU limits), since goroutines only time-share where
// other processes keep CPUs busy; and netCDF-C worker processes for the
// files it declines, grid.DefaultWorkers of the CPU count and the current
// 1-minute load average (0 where it cannot be read), since each process
// costs its start-up and memory. The package's tests replace it with 0
// (in-process), since a test binary cannot re-execute itself as
// "stocktake grid worker".
var defaultGridWorkers = func(files int) (goroutines, processes int) {
	load, _ := grid.LoadAverage()
	return max(1, min(files, runtime.GOMAXPROCS(0))), grid.DefaultWorkers(files, runtime.NumCPU(), load)
}

// gridWorkerCommand returns the command that starts one worker process:
// this executable with the hidden subcommand "grid worker".
var gridWorkerCommand = func() *exec.Cmd {
	exe, err := os.Executable()
	if err != nil {
		exe = os.Args[0]
	}
	cmd := exec.Command(exe, "grid", "worker")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	return cmd
}

// pool is the worker pool that --workers asks for, for a run over files
// files.
func (g *gridFlags) pool(files int) *grid.Pool {
	if g.workers == autoWorkers {
		n, procs := defaultGridWorkers(files)
		return &grid.Pool{Workers: n, Processes: procs, Command: gridWorkerCommand}
	}
	return &grid.Pool{Workers: g.workers, Command: gridWorkerCommand}
}

// parse checks --region, --weights and --workers; every problem is a usage
// error.
func (g *gridFlags) parse() ([]grid.Region, grid.Weighting, error) {
	var rs []grid.Region
	for _, s := range g.regions {
		r, err := grid.ParseRegion(s)
		if err != nil {
			return nil, "", usageError{err}
		}
		rs = append(rs, r)
	}
	w, err := grid.ParseWeighting(g.weights)
	if err != nil {
		return nil, "", usageError{err}
	}
	if g.workers < 0 && g.workers != autoWorkers {
		return nil, "", usagef("--workers %d: expected 0 or more", g.workers)
	}
	if g.rd, err = grid.ParseReader(g.reader); err != nil {
		return nil, "", usageError{err}
	}
	return rs, w, nil
}

func newGridMeanCmd() *cobra.Command {
	var g gridFlags
	cmd := &cobra.Command{
		Use:   "mean FILE... [--var sst] [--region R]... [--json]",
		Short: "Print the area-weighted regional mean of each file",
		Long: `mean prints one row per file, time step and region: file, date (from the CF
time coordinate), variable, region, value, unit (Celsius written degC) and the
number of valid cells averaged. With --json each row is one JSON object on its
own line (JSON Lines), in the order of the files given:
{"file":…,"date":"2024-07-24","var":"sst","region":"world","value":20.9473,"unit":"degC","cells":508178}
A region without valid cells has value null. Files that cannot be read are
reported on stderr, naming the file; the others are still processed.`,
		Example: `  stocktake grid mean oisst-avhrr-v02r01.20240724.nc
  stocktake grid mean data/*.nc --region world --region natlan --region nino34 --json
  stocktake grid mean f.nc --region=-5,5,-170,-120 --region 40,60,170,-130
  stocktake grid mean f.nc --weights cdo    # reproduce cdo fldmean`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(g.regions) == 0 {
				g.regions = []string{"world"}
			}
			regions, w, err := g.parse()
			if err != nil {
				return err
			}
			reqs := make([]grid.Request, len(args))
			for i, f := range args {
				reqs[i] = grid.Request{File: f, Var: g.varName, Regions: regions, Weighting: w, Reader: g.rd}
			}
			out := cmd.OutOrStdout()
			asJSON := jsonFlag(cmd)
			enc := json.NewEncoder(out)
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			if !asJSON {
				fmt.Fprintln(tw, "FILE\tDATE\tVAR\tREGION\tVALUE\tUNIT\tCELLS")
			}
			failed := 0
			runErr := g.pool(len(reqs)).Run(cmd.Context(), reqs, func(r grid.Response) {
				if r.Err != "" {
					failed++
					slog.Error("grid mean: file failed", "err", r.Err)
					return
				}
				for _, x := range r.Results {
					if asJSON {
						_ = enc.Encode(x)
						continue
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", x.File, x.Date, x.Var, x.Region, formatGridValue(x.Value), x.Unit, x.Cells)
				}
			})
			if !asJSON {
				tw.Flush()
			}
			if runErr != nil {
				return runErr
			}
			if failed > 0 {
				return fmt.Errorf("grid mean: %d of %d files failed (see the messages above)", failed, len(args))
			}
			return nil
		},
	}
	g.add(cmd, "region: world, natlan, nino34 or S,N,W,E in degrees (repeatable; default world)")
	return cmd
}

// formatGridValue prints a mean with 6 decimals, or "-" when there was none.
func formatGridValue(v float64) string {
	if v != v {
		return "-"
	}
	return strconv.FormatFloat(v, 'f', 6, 64)
}

func newGridIngestCmd() *cobra.Command {
	var g gridFlags
	var id string
	cmd := &cobra.Command{
		Use:   "ingest DIR|FILE... --as ID",
		Short: "Store the regional mean of each daily file as a series",
		Long: `ingest reduces every NetCDF file given (folders are searched recursively for
*.nc, *.nc4 and *.cdf) to one regional mean per time step and stores them as the
daily series ID, for example sst.world.oisst, in dataset "grid:ID". Each file is
stored in its own transaction as a version with its provenance (path, SHA-256,
size, modification time, the file's product_version), so the other commands
(show, records, extremes, ...) work on the series and every value leads back to
its file.

One file is the unit of work: files are read in parallel by the worker
processes, and a file whose bytes (SHA-256) were already ingested into this
series is skipped, so an interrupted ingest of a whole archive resumes where it
stopped. A changed file (a preliminary OISST day replaced by the final one)
is ingested again and its values replace the earlier ones.

The region defaults to the one named in ID (world, natlan or nino34 as a
dot-separated part); otherwise give --region.`,
		Example: `  stocktake grid ingest /data/oisst/ --as sst.world.oisst
  stocktake grid ingest /data/oisst/2024*/ --as sst.nino34.oisst --workers 2
  stocktake show sst.world.oisst --from 2024-07-01`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if id == "" || strings.ContainsAny(id, " \t\n@") {
				return usagef("--as ID is required (e.g. --as sst.world.oisst) and may not contain spaces or @")
			}
			if len(g.regions) == 0 {
				for _, part := range strings.Split(id, ".") {
					if r, err := grid.ParseRegion(part); err == nil && !strings.Contains(part, ",") {
						g.regions = []string{r.Name}
						break
					}
				}
			}
			if len(g.regions) != 1 {
				return usagef("give exactly one --region for series %s (none of its parts names world, natlan or nino34)", id)
			}
			regions, w, err := g.parse()
			if err != nil {
				return err
			}
			files, err := gridFiles(args)
			if err != nil {
				return err
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			return gridIngest(cmd, st, id, g.varName, files, regions[0], w, &g)
		},
	}
	cmd.Flags().StringVar(&id, "as", "", "series id to store the means as, e.g. sst.world.oisst")
	g.add(cmd, "region (default: the one named in the series id)")
	return cmd
}

// gridFiles expands folders into the NetCDF files below them, sorted.
func gridFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", a, err)
		}
		if !fi.IsDir() {
			files = append(files, a)
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch strings.ToLower(filepath.Ext(p)) {
			case ".nc", ".nc4", ".cdf":
				if !d.IsDir() {
					found = append(found, p)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		files = append(files, found...)
	}
	return files, nil
}

// gridIngestSummary is what grid ingest reports.
type gridIngestSummary struct {
	Series   string   `json:"series"`
	Dataset  string   `json:"dataset"`
	Files    int      `json:"files"`
	Ingested int      `json:"ingested"`
	Skipped  int      `json:"skipped"` // bytes already ingested into this series
	Failed   int      `json:"failed"`
	Points   int      `json:"points"`
	Errors   []string `json:"errors,omitempty"`
	DB       string   `json:"db"`
}

// fileSum is a file's SHA-256 and size.
type fileSum struct {
	sha  string
	size int64
	err  error
}

// gridIngest reduces files to the regional mean of region, on the worker
// pool g asks for, and stores each file as one version of dataset
// "grid:<id>", skipping files whose bytes are stored already, then reports
// a gridIngestSummary. Files that fail are counted and reported and make
// the command fail (exit 1) after the others are stored; a failure of the
// store itself stops the storing and is returned without the report.
func gridIngest(cmd *cobra.Command, st *store.Store, id, varName string, files []string, region grid.Region, w grid.Weighting, g *gridFlags) error {
	ctx := cmd.Context()
	dataset := "grid:" + id
	sum := gridIngestSummary{Series: id, Dataset: dataset, Files: len(files), DB: st.Path()}
	// Checksums first, in parallel, to skip files already ingested.
	sums := checksumFiles(files, max(1, runtime.NumCPU()))
	var reqs []grid.Request
	var reqSums []fileSum
	for i, f := range files {
		s := sums[i]
		if s.err != nil {
			sum.Failed++
			sum.Errors = append(sum.Errors, fmt.Sprintf("%s: %v", f, s.err))
			continue
		}
		done, err := st.HasVersion(ctx, dataset, s.sha)
		if err != nil {
			return err
		}
		if done {
			sum.Skipped++
			continue
		}
		reqs = append(reqs, grid.Request{File: f, Var: varName, Regions: []grid.Region{region}, Weighting: w, Reader: g.rd})
		reqSums = append(reqSums, s)
	}
	// Every file is reduced first and stored after: two files of one run
	// that give the same day are a mistake in the folder (a copy, a
	// mislabelled file), so both fail and neither is stored, whatever
	// the order; the other files are stored. A file given in a later run for
	// a stored day replaces it on purpose (a preliminary OISST day made
	// final).
	var resps []grid.Response
	runErr := g.pool(len(reqs)).Run(ctx, reqs, func(r grid.Response) { resps = append(resps, r) })
	byDate := map[string][]string{}
	for _, r := range resps {
		if r.Err != "" {
			continue
		}
		seen := map[string]bool{}
		for _, x := range r.Results {
			if x.Date != "" && !seen[x.Date] {
				seen[x.Date] = true
				byDate[x.Date] = append(byDate[x.Date], r.File)
			}
		}
	}
	var storeErr error
	for _, r := range resps {
		if r.Err == "" {
			for _, x := range r.Results {
				if files := byDate[x.Date]; x.Date != "" && len(files) > 1 {
					others := make([]string, 0, len(files)-1)
					for _, f := range files {
						if f != r.File {
							others = append(others, f)
						}
					}
					r.Err = fmt.Sprintf("%s: %s is also the date of %s in this run; one day needs one file (neither was stored: remove one and run again)",
						r.File, x.Date, strings.Join(others, ", "))
					break
				}
			}
		}
		if r.Err != "" {
			sum.Failed++
			sum.Errors = append(sum.Errors, r.Err)
			slog.Error("grid ingest: file failed", "err", r.Err)
			continue
		}
		n, err := storeGridFile(ctx, st, dataset, id, r, reqSums[r.Seq])
		if err != nil {
			var fe *gridFileError
			if errors.As(err, &fe) {
				sum.Failed++
				sum.Errors = append(sum.Errors, fe.Error())
				slog.Error("grid ingest: file failed", "err", fe.Error())
				continue
			}
			storeErr = err
			break
		}
		sum.Ingested++
		sum.Points += n
	}
	if storeErr != nil {
		return storeErr
	}
	if jsonFlag(cmd) {
		if err := printJSON(cmd, sum); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(cmd.OutOrStdout(), "%s (%s): %d files, %d ingested (%d points), %d already ingested, %d failed\ndatabase: %s\n",
			id, dataset, sum.Files, sum.Ingested, sum.Points, sum.Skipped, sum.Failed, sum.DB)
	}
	if runErr != nil {
		return runErr
	}
	if sum.Failed > 0 {
		return fmt.Errorf("grid ingest: %d of %d files failed:\n  %s", sum.Failed, sum.Files, strings.Join(sum.Errors, "\n  "))
	}
	return nil
}

// gridFileError is a problem with one file's data found while storing it.
type gridFileError struct{ msg string }

func (e *gridFileError) Error() string { return e.msg }

// storeGridFile stores the means of one file as one version of dataset
// (one Ingest call, store.Merge) and returns the number of points written.
// Time steps without any valid cell are left out; a file with none at all
// is a *gridFileError.
func storeGridFile(ctx context.Context, st *store.Store, dataset, id string, r grid.Response, s fileSum) (int, error) {
	series := obs.Series{Indicator: id, Frequency: obs.Daily}
	for _, x := range r.Results {
		if x.Value != x.Value || x.Date == "" {
			continue
		}
		d, err := obs.ParseDate(x.Date)
		if err != nil {
			return 0, &gridFileError{fmt.Sprintf("%s: %v", r.File, err)}
		}
		series.Unit = x.Unit
		series.Points = append(series.Points, obs.Point{Date: d, Value: x.Value})
	}
	if len(series.Points) == 0 {
		return 0, &gridFileError{fmt.Sprintf("%s: no dated time step with valid cells in the region", r.File)}
	}
	sort.Slice(series.Points, func(i, j int) bool { return series.Points[i].Date < series.Points[j].Date })
	abs, err := filepath.Abs(r.File)
	if err != nil {
		abs = r.File
	}
	mtime := fileModTime(r.File)
	v := store.VersionInfo{Dataset: dataset, ProducerVersion: r.ProducerVersion, Source: abs, SHA256: s.sha, Size: s.size, Retrieved: mtime}
	p := &obs.Parsed{Series: []obs.Series{series}}
	if err := p.Check(); err != nil {
		return 0, &gridFileError{fmt.Sprintf("%s: %v", r.File, err)}
	}
	if _, err := st.Ingest(ctx, v, p, store.Merge); err != nil {
		return 0, fmt.Errorf("storing %s: %w", r.File, err)
	}
	return len(series.Points), nil
}

// fileModTime is the file's modification time in UTC (its retrieval time in
// the provenance), or the zero time when it cannot be read.
func fileModTime(path string) (t time.Time) {
	if fi, err := os.Stat(path); err == nil {
		t = fi.ModTime().UTC()
	}
	return t
}

// checksumFiles returns the SHA-256 and size of each file, n at a time.
func checksumFiles(files []string, n int) []fileSum {
	out := make([]fileSum, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for k := 0; k < n; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f, err := os.Open(files[i])
				if err != nil {
					out[i].err = err
					continue
				}
				h := sha256.New()
				size, err := io.Copy(h, f)
				f.Close()
				out[i] = fileSum{sha: hex.EncodeToString(h.Sum(nil)), size: size, err: err}
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

func newGridWorkerCmd() *cobra.Command {
	return &cobra.Command{
		Use:    "worker",
		Short:  "Serve grid requests on stdin/stdout (used by grid mean and grid ingest)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return grid.Serve(os.Stdin, os.Stdout, nil)
		},
	}
}
