// Command ghcnd-bench measures the station archive (internal/stations) on a
// synthetic GHCN-Daily archive. It is a benchmark, not a test; run it with
// bench/ghcnd/run.sh, which writes the figures quoted in docs/stations.md.
//
//	ghcnd-bench gen   -dir D -scale 0.01      write D/all/*.dly and D/ghcnd-stations.txt
//	ghcnd-bench ingest -dir D -archive A      ingest D/all/*.dly into the archive A
//	ghcnd-bench floor -dir D -out F           DuckDB's own read of the same files into one Parquet file
//	ghcnd-bench query -archive A -date D      time "records set on D" and "one station's records"
//	ghcnd-bench all   -dir D -scale 0.01      all of the above, each phase in a child process so
//	                                          that its peak memory (max RSS) is its own
//
// The synthetic archive follows GHCN's exact .dly layout. Scale 1 is the
// real archive's size: 125,000 stations and about 3 billion values, which
// this generator reaches with station record lengths drawn from an
// exponential distribution of mean 22 years (capped at 150) and about 1,100
// values per station-year (PRCP every station; TMAX and TMIN at 60% of
// stations; SNOW and SNWD at 40%). Gaps: 2% of station-years and 3% of
// station-months are missing entirely and 1% of days at random; 0.1% of
// values carry a quality flag. Temperatures follow a seasonal cycle with
// day-to-day persistence, U.S. stations in whole °F converted to tenths of °C
// as NOAA does; precipitation is zero on 65% of days.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ghcnd-bench gen|ingest|floor|query|all [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	dir := fs.String("dir", "/tmp/ghcnd-bench", "folder of the synthetic archive")
	archive := fs.String("archive", "", "station archive folder (default DIR/archive)")
	scale := fs.Float64("scale", 0.01, "fraction of the real archive's 125,000 stations")
	end := fs.Int("end", 2024, "last year of the synthetic archive")
	seed := fs.Uint64("seed", 1, "random seed")
	buckets := fs.Int("buckets", 0, "station buckets (default: one per ~15 million values, at least 4)")
	date := fs.String("date", "2024-07-15", "day whose records are queried")
	mem := fs.String("mem", "1GB", "DuckDB memory limit")
	fs.Parse(os.Args[2:])
	if *archive == "" {
		*archive = filepath.Join(*dir, "archive")
	}
	if *buckets == 0 {
		*buckets = max(4, int(math.Round(3e9**scale/15e6)))
	}
	var err error
	switch cmd {
	case "gen":
		err = gen(*dir, *scale, *end, *seed)
	case "ingest":
		err = ingest(*dir, *archive, *buckets, *mem)
	case "floor":
		err = floor(*dir, filepath.Join(*dir, "floor.parquet"), *mem)
	case "query":
		err = query(*archive, *date, *mem)
	case "all":
		err = all(*dir, *scale, *end, *seed)
	default:
		fmt.Fprintln(os.Stderr, "unknown command", cmd)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ghcnd-bench:", err)
		os.Exit(1)
	}
}

// countries are FIPS codes with weights roughly like GHCN-Daily's station
// counts (the U.S. holds more than half).
var countries = []struct {
	code string
	w    float64
}{{"US", 0.55}, {"CA", 0.07}, {"AS", 0.14}, {"BR", 0.05}, {"MX", 0.04}, {"SW", 0.01}, {"IN", 0.03}, {"RS", 0.01}, {"GM", 0.01}, {"SF", 0.01}, {"CH", 0.01}, {"UV", 0.01}, {"NO", 0.005}, {"FI", 0.005}, {"JA", 0.01}, {"SP", 0.005}, {"UK", 0.005}, {"KZ", 0.01}, {"NZ", 0.01}, {"ZI", 0.01}}

type genStation struct {
	id                string
	lat               float64
	start, end        int
	temps, snow       bool
	fahrenheit        bool
	sflag             byte
	meanC, ampC, sdC  float64
	wetP, meanPrcpTen float64
}

// gen writes the synthetic archive.
func gen(dir string, scale float64, end int, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 2))
	n := int(math.Round(125000 * scale))
	all := filepath.Join(dir, "all")
	if err := os.MkdirAll(all, 0o755); err != nil {
		return err
	}
	meta, err := os.Create(filepath.Join(dir, "ghcnd-stations.txt"))
	if err != nil {
		return err
	}
	defer meta.Close()
	t0 := time.Now()
	var values, bytes int64
	for i := 0; i < n; i++ {
		r := rng.Float64()
		code := countries[0].code
		for _, c := range countries {
			if r < c.w {
				code = c.code
				break
			}
			r -= c.w
		}
		span := min(150, max(1, int(rng.ExpFloat64()*22)))
		lat := -50 + rng.Float64()*110
		s := genStation{
			id:    fmt.Sprintf("%s%c%08d", code, "C1WM"[rng.IntN(4)], i),
			lat:   lat,
			start: end - span + 1, end: end,
			temps: rng.Float64() < 0.6, snow: rng.Float64() < 0.4,
			fahrenheit: code == "US",
			sflag:      "07HKXW"[rng.IntN(6)],
			meanC:      28 - 0.45*math.Abs(lat), ampC: 2 + 0.25*math.Abs(lat), sdC: 3,
			wetP: 0.35, meanPrcpTen: 60,
		}
		if lat < 0 {
			s.ampC = -s.ampC
		}
		fmt.Fprintf(meta, "%-11s %8.4f %9.4f %6.1f %-2s %-30s %-3s %-3s %-5s\n", s.id, s.lat, rng.Float64()*360-180, rng.Float64()*2000, "", "SYNTHETIC "+s.id, "", "", "")
		v, b, err := writeStation(filepath.Join(all, s.id+".dly"), s, rng)
		if err != nil {
			return err
		}
		values += v
		bytes += b
	}
	fmt.Printf("gen: %d stations, %d values, %.1f MB of .dly in %.1f s\n", n, values, float64(bytes)/1e6, time.Since(t0).Seconds())
	return nil
}

func writeStation(path string, s genStation, rng *rand.Rand) (values, size int64, err error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, 0, err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	var line [269]byte
	anomaly := 0.0
	for y := s.start; y <= s.end; y++ {
		if rng.Float64() < 0.02 {
			continue // a missing year
		}
		for m := 1; m <= 12; m++ {
			if rng.Float64() < 0.03 {
				continue // a missing month
			}
			days := obs.DaysIn(y, m)
			var tmax, tmin, prcp, snow, snwd [31]int
			var has [31]bool
			for d := 0; d < days; d++ {
				has[d] = rng.Float64() >= 0.01
				doy := float64(obs.NewDate(y, m, d+1) - obs.NewDate(y, 1, 1))
				anomaly = 0.7*anomaly + rng.NormFloat64()*s.sdC*0.7
				mean := s.meanC - s.ampC*math.Cos(2*math.Pi*(doy-15)/365.25) + anomaly + 0.01*float64(y-1950)
				hi, lo := mean+5+rng.NormFloat64(), mean-5+rng.NormFloat64()
				tmax[d], tmin[d] = tenths(hi, s.fahrenheit), tenths(lo, s.fahrenheit)
				if rng.Float64() < s.wetP {
					prcp[d] = int(rng.ExpFloat64() * s.meanPrcpTen)
				}
				if lo < 0 && prcp[d] > 0 {
					snow[d] = prcp[d] / 10 * 10
				}
				if lo < -2 {
					snwd[d] = 10 * rng.IntN(30)
				}
			}
			emit := func(el string, vals *[31]int, trace bool) error {
				copy(line[:], fmt.Sprintf("%s%04d%02d%s", s.id, y, m, el))
				for d := 0; d < 31; d++ {
					slot := line[21+8*d : 29+8*d]
					if d >= days || !has[d] {
						copy(slot, "-9999   ")
						continue
					}
					v := vals[d]
					mf, qf := byte(' '), byte(' ')
					if trace && v == 0 && rng.Float64() < 0.1 {
						mf = 'T'
					}
					if rng.Float64() < 0.001 {
						qf = "DGIKLMNORSTWXZ"[rng.IntN(14)]
					}
					copy(slot, fmt.Sprintf("%5d%c%c%c", v, mf, qf, s.sflag))
					values++
				}
				size += 270
				if _, err := w.Write(line[:]); err != nil {
					return err
				}
				return w.WriteByte('\n')
			}
			if s.temps {
				if err := emit("TMAX", &tmax, false); err != nil {
					return 0, 0, err
				}
				if err := emit("TMIN", &tmin, false); err != nil {
					return 0, 0, err
				}
			}
			if err := emit("PRCP", &prcp, true); err != nil {
				return 0, 0, err
			}
			if s.snow {
				if err := emit("SNOW", &snow, true); err != nil {
					return 0, 0, err
				}
				if err := emit("SNWD", &snwd, false); err != nil {
					return 0, 0, err
				}
			}
		}
	}
	if err := w.Flush(); err != nil {
		return 0, 0, err
	}
	return values, size, f.Close()
}

// tenths rounds a °C value to GHCN tenths of °C; for stations reporting in
// whole °F it first rounds to a whole °F, as NOAA's conversion does.
func tenths(c float64, fahrenheit bool) int {
	if fahrenheit {
		f := math.Round(c*9/5 + 32)
		c = (f - 32) * 5 / 9
	}
	return int(math.Round(c * 10))
}

func files(dir string) ([]string, int64, error) {
	m, err := filepath.Glob(filepath.Join(dir, "all", "*.dly"))
	if err != nil {
		return nil, 0, err
	}
	sort.Strings(m)
	var size int64
	for _, p := range m {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, 0, err
		}
		size += fi.Size()
	}
	return m, size, nil
}

func ingest(dir, archive string, buckets int, mem string) error {
	paths, size, err := files(dir)
	if err != nil {
		return err
	}
	os.RemoveAll(archive)
	a, err := stations.Open(archive, stations.Options{Buckets: buckets, MemoryLimit: mem})
	if err != nil {
		return err
	}
	defer a.Close()
	src := make([]stations.Source, len(paths))
	for i, p := range paths {
		src[i] = stations.Source{Path: p}
	}
	t0 := time.Now()
	rep, err := a.Ingest(context.Background(), src)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	sum, err := a.Summarize(context.Background())
	if err != nil {
		return err
	}
	fmt.Printf("ingest: %d files, %.1f MB, %d values (%d flagged, %d missing slots) in %.1f s = %.2f M values/s; %d buckets, %d partitions, %.1f MB on disk = %.3f bytes/value\n",
		len(paths), float64(size)/1e6, rep.Stats.Values, rep.Stats.Flagged, rep.Stats.Missing, el.Seconds(),
		float64(rep.Stats.Values)/el.Seconds()/1e6, buckets, sum.Partitions, float64(sum.Bytes)/1e6, float64(sum.Bytes)/float64(sum.Values))
	if sum.Values != int64(rep.Stats.Values) {
		return fmt.Errorf("archive holds %d values, parser counted %d", sum.Values, rep.Stats.Values)
	}
	// An incremental update: one station file changes.
	p := paths[len(paths)/2]
	b, _ := os.ReadFile(p)
	os.WriteFile(p, append(b, b[len(b)-270:]...), 0o644) // a repeated last line: same values, new checksum
	t0 = time.Now()
	rep, err = a.Ingest(context.Background(), src)
	if err != nil {
		return err
	}
	fmt.Printf("incremental: 1 changed station file of %d: %.2f s, %d partitions rewritten\n", len(paths), time.Since(t0).Seconds(), len(rep.Rewritten))
	return nil
}

func floor(dir, out, mem string) error {
	_, size, err := files(dir)
	if err != nil {
		return err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	db.Exec("SET memory_limit='" + mem + "'")
	db.Exec("SET temp_directory='" + filepath.Join(dir, ".floor-tmp") + "'")
	glob := filepath.Join(dir, "all", "*.dly")
	q := `COPY (WITH l AS (SELECT line FROM read_csv('` + glob + `', columns={'line': 'VARCHAR'},
		header=false, delim='\t', quote='', escape='', auto_detect=false))
	SELECT station, element, date, value, mflag, qflag, sflag FROM (
		SELECT substr(line, 1, 11) AS station, substr(line, 18, 4) AS element,
			make_date(substr(line, 12, 4)::INTEGER, substr(line, 16, 2)::INTEGER, 1) + i::INTEGER AS date,
			trim(substr(line, 22 + 8 * i, 5))::INTEGER AS value,
			trim(substr(line, 27 + 8 * i, 1)) AS mflag, trim(substr(line, 28 + 8 * i, 1)) AS qflag,
			trim(substr(line, 29 + 8 * i, 1)) AS sflag
		FROM l, range(31) r(i)) WHERE value <> -9999)
	TO '` + out + `' (FORMAT parquet, COMPRESSION zstd)`
	t0 := time.Now()
	res, err := db.Exec(q)
	if err != nil {
		return err
	}
	el := time.Since(t0)
	n, _ := res.RowsAffected()
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Printf("floor: DuckDB read_csv of %.1f MB of .dly into one Parquet file: %d values in %.1f s = %.2f M values/s; %.1f MB = %.3f bytes/value\n",
		float64(size)/1e6, n, el.Seconds(), float64(n)/el.Seconds()/1e6, float64(fi.Size())/1e6, float64(fi.Size())/float64(n))
	return nil
}

// timeIt runs f reps times and prints the median and the fastest run (wall
// time), and the median CPU time of a run (user plus system time of this
// process, DuckDB's threads included, from getrusage); the median wall time
// is the figure docs/stations.md quotes.
func timeIt(name string, reps int, f func() (int, error)) error {
	times := make([]time.Duration, 0, reps)
	cpus := make([]time.Duration, 0, reps)
	n := 0
	for i := 0; i < reps; i++ {
		c0 := cpuTime()
		t0 := time.Now()
		var err error
		n, err = f()
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		times = append(times, time.Since(t0))
		cpus = append(cpus, cpuTime()-c0)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	fmt.Printf("query: %-58s %9.1f ms median of %d (fastest %.1f ms; CPU %.1f ms median; %d results)\n", name, ms(times[len(times)/2]), reps,
		ms(times[0]), ms(cpus[len(cpus)/2]), n)
	return nil
}

// cpuTime returns the user plus system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func query(archive, date, mem string) error {
	a, err := stations.Open(archive, stations.Options{MemoryLimit: mem})
	if err != nil {
		return err
	}
	defer a.Close()
	d, err := obs.ParseDate(date)
	if err != nil {
		return err
	}
	ctx := context.Background()
	q := stations.Query{MinYears: stations.DefaultMinYears}
	// The station with the longest record in the manifest (largest file).
	var station string
	var best int64
	for _, f := range a.Files() {
		if f.Size > best {
			best, station = f.Size, strings.TrimSuffix(f.Name, ".dly")
		}
	}
	// The six record questions of a day (highs and lows at the all-time,
	// month and calendar-day scopes), asked one after the other as a page of
	// the day's records does: the median of 5 rounds for the six together,
	// then each question's median over the same rounds.
	type question struct {
		e stations.Extreme
		s stations.Scope
	}
	var six []question
	for _, e := range []stations.Extreme{stations.RecordHigh, stations.RecordLow} {
		for _, s := range []stations.Scope{stations.AllTime, stations.Month, stations.Day} {
			six = append(six, question{e, s})
		}
	}
	each := make([][]time.Duration, len(six))
	counts := make([]int, len(six))
	err = timeIt("records set on "+date+", all stations, all six (2 extremes x 3 scopes)", 5, func() (int, error) {
		n := 0
		for i, x := range six {
			t0 := time.Now()
			rs, err := a.RecordsSet(ctx, d, d, x.e, x.s, q)
			if err != nil {
				return 0, err
			}
			each[i] = append(each[i], time.Since(t0))
			counts[i] = len(rs)
			n += len(rs)
		}
		return n, nil
	})
	if err != nil {
		return err
	}
	for i, x := range six {
		ts := each[i]
		sort.Slice(ts, func(a, b int) bool { return ts[a] < ts[b] })
		fmt.Printf("query:   of which %s %-5s %-8s %9.1f ms median of %d (fastest %.1f ms; %d results)\n", x.e.Element, map[bool]string{true: "high", false: "low"}[x.e.Highest], x.s,
			float64(ts[len(ts)/2].Microseconds())/1000, len(ts), float64(ts[0].Microseconds())/1000, counts[i])
	}
	// The same six questions in one call (RecordsSetMany: one SQL query that
	// reads the window's values and the extremes files once for all six).
	// Its answers must be the one-by-one answers, record for record.
	qs := make([]stations.Question, len(six))
	for i, x := range six {
		qs[i] = stations.Question{Extreme: x.e, Scope: x.s}
	}
	var many [][]stations.SetRecord
	if err := timeIt("records set on "+date+", all stations, all six in one call", 5, func() (int, error) {
		var err error
		many, err = a.RecordsSetMany(ctx, d, d, qs, q)
		n := 0
		for _, rs := range many {
			n += len(rs)
		}
		return n, err
	}); err != nil {
		return err
	}
	for i, x := range six {
		one, err := a.RecordsSet(ctx, d, d, x.e, x.s, q)
		if err != nil {
			return err
		}
		if fmt.Sprint(one) != fmt.Sprint(many[i]) {
			return fmt.Errorf("records set on %s, %s %s: the joint call's %d records differ from the single question's %d", date, x.e.Element, x.s, len(many[i]), len(one))
		}
	}
	if err := timeIt("records set on "+date+", all stations, TMAX calendar day only", 5, func() (int, error) {
		rs, err := a.RecordsSet(ctx, d, d, stations.RecordHigh, stations.Day, q)
		return len(rs), err
	}); err != nil {
		return err
	}
	if err := timeIt("records set in the 7 days to "+date+", TMAX all-time", 5, func() (int, error) {
		rs, err := a.RecordsSet(ctx, d-6, d, stations.RecordHigh, stations.AllTime, q)
		return len(rs), err
	}); err != nil {
		return err
	}
	if err := timeIt("one station's records ("+station+"), TMAX all-time", 5, func() (int, error) {
		rs, err := a.StationRecords(ctx, station, stations.RecordHigh, stations.AllTime, q)
		return len(rs), err
	}); err != nil {
		return err
	}
	if err := timeIt("one station's records ("+station+"), TMAX 366 calendar days", 5, func() (int, error) {
		rs, err := a.StationRecords(ctx, station, stations.RecordHigh, stations.Day, q)
		return len(rs), err
	}); err != nil {
		return err
	}
	if err := timeIt("one station's longest runs >= 30 C", 5, func() (int, error) {
		rs, err := a.Runs(ctx, station, "TMAX", 300, true, 3, 10, stations.Query{})
		return len(rs), err
	}); err != nil {
		return err
	}
	if err := timeIt("national record, US, TMAX", 5, func() (int, error) {
		rs, err := a.NationalRecord(ctx, "US", stations.RecordHigh, q)
		return len(rs), err
	}); err != nil {
		return err
	}
	return nil
}

// all runs every phase in a child process and reports each one's peak RSS.
func all(dir string, scale float64, end int, seed uint64) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	common := []string{"-dir", dir, "-scale", fmt.Sprint(scale)}
	fmt.Printf("machine: %d CPUs (GOMAXPROCS %d), %s/%s, %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format(time.RFC3339))
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Printf("load average at start: %s", b)
	}
	for _, phase := range [][]string{
		append([]string{"gen", "-end", fmt.Sprint(end), "-seed", fmt.Sprint(seed)}, common...),
		append([]string{"floor"}, common...),
		append([]string{"ingest"}, common...),
		append([]string{"query"}, common...),
	} {
		if phase[0] == "gen" {
			if _, err := os.Stat(filepath.Join(dir, "all")); err == nil {
				fmt.Println("gen: reusing", filepath.Join(dir, "all"))
				continue
			}
		}
		c := exec.Command(self, phase...)
		c.Stdout, c.Stderr = os.Stdout, os.Stderr
		if err := c.Run(); err != nil {
			return fmt.Errorf("%s: %w", phase[0], err)
		}
		ru := c.ProcessState.SysUsage().(*syscall.Rusage)
		load, _ := os.ReadFile("/proc/loadavg")
		fmt.Printf("%s: peak RSS %.0f MB, user %.1f s, system %.1f s; load average after: %s", phase[0], float64(ru.Maxrss)/1024,
			time.Duration(ru.Utime.Nano()).Seconds(), time.Duration(ru.Stime.Nano()).Seconds(), load)
	}
	return nil
}
