// Package stations keeps GHCN-Daily station values in a Parquet archive on
// disk, queried in-process with DuckDB, and derives station records from it
// (all-time, calendar-month and calendar-day highs and lows, runs above a
// threshold, national records, records set in a window of days).
//
// # Layout
//
// An archive is a folder:
//
//	manifest.json                 provenance of every ingested file (name, sha256, size, retrieval and ingest time, counts)
//	values/b=NNN/d=YYYY/part.parquet
//	values/b=NNN/d=YYYY/extremes.parquet   monthly extremes of the partition's unflagged values
//	values/b=NNN/d=YYYY/dayextremes.parquet calendar-day extremes of the partition's unflagged values
//
// Values are partitioned by station bucket b (a hash of the station id modulo
// the archive's bucket count, fixed when the archive is created) and decade d
// (the first year of the decade). A partition file holds the rows of its
// stations and decade sorted by element, station and date (element, date and
// station for the archive's newest decade; see dateOrderRowGroup), compressed
// with zstd. Because a .dly or by-station file replaces one station, it rewrites only
// that station's bucket; a by-year file replaces one year, so it rewrites only
// that decade's partitions. Every partition is written under a temporary name
// and renamed over the old one, so a reader sees either the old or the new
// file, never half of one. The hive layout is what Spark, Trino and BigQuery
// read as an external table (see docs/stations.md).
//
// # Columns
//
// station VARCHAR, element VARCHAR, date DATE, value INTEGER (GHCN units:
// tenths of °C for temperatures, tenths of mm for PRCP), mflag, qflag, sflag
// VARCHAR ("" when blank), obs_time SMALLINT (HHMM, NULL when not given).
// Values with a quality flag are kept in the archive and excluded from every
// record query, as NOAA does.
//
// SQL lives in this package, not in internal/store: the archive is its own
// DuckDB engine over Parquet, separate from the catalog database.
package stations

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stocktake/stocktake/internal/parse/ghcnd"
)

// DefaultBuckets is the number of station buckets of a new archive. With 64
// buckets the whole GHCN-Daily archive (about 3 billion values) makes
// partitions of roughly 2 million values per decade.
const DefaultBuckets = 64

// Options configure Open.
type Options struct {
	// Buckets is the station bucket count of a new archive (DefaultBuckets
	// when 0). An existing archive keeps the count in its manifest.
	Buckets int
	// MemoryLimit caps DuckDB's memory, e.g. "1GB" (the default); DuckDB
	// spills to the archive's .tmp folder beyond it.
	MemoryLimit string
	// Threads is DuckDB's worker thread count (DuckDB's default when 0).
	Threads int
	// BatchBytes bounds the input bytes parsed into one batch before its
	// partitions are written (128 MiB when 0). It bounds memory during ingest.
	BatchBytes int64
}

// FileProvenance records one ingested file.
type FileProvenance struct {
	Name      string      `json:"name"`   // base name of the file, e.g. "USW00094728.dly" or "2019.csv.gz"
	Unit      string      `json:"unit"`   // what the file replaces: "station:USW00094728" or "year:2019"
	SHA256    string      `json:"sha256"` // of the file's bytes as given (compressed if compressed)
	Size      int64       `json:"size"`
	Retrieved time.Time   `json:"retrieved"`
	Ingested  time.Time   `json:"ingested"`
	Stats     ghcnd.Stats `json:"stats"` // values, missing slots and quality-flagged values
}

type manifest struct {
	Format  int                       `json:"format"`
	Buckets int                       `json:"buckets"`
	Files   map[string]FileProvenance `json:"files"` // by Name
}

// Archive is an open station archive. It is safe for one writer and many
// concurrent queries from one process.
type Archive struct {
	dir  string
	db   *sql.DB
	man  manifest
	opts Options
}

// ErrNoDuckDB is returned by Open in a build without cgo: DuckDB, which
// writes and queries the archive, is a C++ library linked through cgo.
var ErrNoDuckDB = errors.New("this stocktake was built without cgo, so without DuckDB: the station archive needs a cgo build (CGO_ENABLED=1, the default where a C compiler is installed)")

// Open opens (creating if needed) the archive in dir. In a build without
// cgo it returns ErrNoDuckDB.
func Open(dir string, opts Options) (*Archive, error) {
	if !duckDBBuiltIn {
		return nil, ErrNoDuckDB
	}
	if opts.MemoryLimit == "" {
		opts.MemoryLimit = "1GB"
	}
	if opts.BatchBytes == 0 {
		opts.BatchBytes = 128 << 20
	}
	if err := os.MkdirAll(filepath.Join(dir, "values"), 0o755); err != nil {
		return nil, err
	}
	a := &Archive{dir: dir, opts: opts}
	b, err := os.ReadFile(a.manifestPath())
	switch {
	case errors.Is(err, os.ErrNotExist):
		a.man = manifest{Format: 1, Buckets: opts.Buckets, Files: map[string]FileProvenance{}}
		if a.man.Buckets <= 0 {
			a.man.Buckets = DefaultBuckets
		}
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(b, &a.man); err != nil {
			return nil, fmt.Errorf("%s: %w", a.manifestPath(), err)
		}
		if a.man.Format != 1 || a.man.Buckets <= 0 {
			return nil, fmt.Errorf("%s: unsupported format %d or bucket count %d", a.manifestPath(), a.man.Format, a.man.Buckets)
		}
		if a.man.Files == nil {
			a.man.Files = map[string]FileProvenance{}
		}
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, fmt.Errorf("opening duckdb: %w", err)
	}
	db.SetMaxOpenConns(1) // one in-memory database shared by every query of this Archive
	a.db = db
	tmp := filepath.Join(dir, ".tmp")
	stmts := []string{
		"SET memory_limit=" + quote(opts.MemoryLimit),
		"SET temp_directory=" + quote(tmp),
		"SET preserve_insertion_order=true",
	}
	if opts.Threads > 0 {
		stmts = append(stmts, fmt.Sprintf("SET threads=%d", opts.Threads))
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			db.Close()
			return nil, fmt.Errorf("duckdb %s: %w", s, err)
		}
	}
	return a, nil
}

// Close releases the DuckDB engine.
func (a *Archive) Close() error { return a.db.Close() }

// Dir returns the archive folder.
func (a *Archive) Dir() string { return a.dir }

// Buckets returns the archive's station bucket count.
func (a *Archive) Buckets() int { return a.man.Buckets }

// Files returns the provenance of every ingested file, sorted by name.
func (a *Archive) Files() []FileProvenance {
	out := make([]FileProvenance, 0, len(a.man.Files))
	for _, f := range a.man.Files {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (a *Archive) manifestPath() string { return filepath.Join(a.dir, "manifest.json") }

func decade(year int) int { return year / 10 * 10 }

// partRel returns the path of a partition relative to the archive folder.
func partRel(bucket, dec int) string {
	return filepath.Join("values", fmt.Sprintf("b=%03d", bucket), fmt.Sprintf("d=%04d", dec), "part.parquet")
}

// Partitions lists the partition files of the archive, relative to its folder.
func (a *Archive) Partitions() ([]string, error) {
	m, err := filepath.Glob(filepath.Join(a.dir, "values", "b=*", "d=*", "part.parquet"))
	if err != nil {
		return nil, err
	}
	for i := range m {
		m[i], _ = filepath.Rel(a.dir, m[i])
	}
	sort.Strings(m)
	return m, nil
}

// Source is one input file for Ingest.
type Source struct {
	Path      string    // local path of a .dly, .csv, .dly.gz or .csv.gz file
	Retrieved time.Time // when the file was downloaded (its modification time when zero)
}

// IngestReport says what an Ingest did.
type IngestReport struct {
	Ingested  []FileProvenance // files parsed and written, with their provenance
	Unchanged []string         // names of files whose checksum matched the manifest
	Rewritten []string         // partition files written or removed, relative to the archive folder
	Stats     ghcnd.Stats      // totals over the ingested files
	// Touched lists, by ingested file name, the stations whose values the
	// file replaced, sorted: a station file's own station; for a year file,
	// every station with a value of that year in the file or in the archive
	// before it (a station the file no longer lists lost its values of the
	// year).
	Touched map[string][]string
}

var (
	stationName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9]{11})\.(dly|csv)(\.gz)?$`) })
	yearName    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4})\.csv(\.gz)?$`) })
)

// unitOf returns what a file replaces, from its name: a station (ID.dly,
// ID.csv) or a year (YYYY.csv).
func unitOf(name string) (kind, key string, csv bool, err error) {
	if m := stationName().FindStringSubmatch(name); m != nil {
		return "station", m[1], m[2] == "csv", nil
	}
	if m := yearName().FindStringSubmatch(name); m != nil {
		return "year", m[1], true, nil
	}
	return "", "", false, fmt.Errorf("%s: not a GHCN-Daily data file name (want STATIONID.dly, STATIONID.csv or YYYY.csv, optionally .gz)", name)
}

type pending struct {
	src    Source
	prov   FileProvenance
	kind   string // "station" or "year"
	key    string
	csv    bool
	bucket int // for station files
	// stations holds the stations with values in a year file (filled by
	// parseTo) and, once the batch is written, those that had values of
	// its year before.
	stations map[string]bool
}

// Ingest parses the files whose checksum differs from the manifest and
// rewrites the partitions they touch. A station file replaces every value of
// its station; a year file replaces every value of its year. Files are
// processed in batches of at most Options.BatchBytes of input: within a batch
// every file is parsed before any partition is renamed into place, so a file
// with bad input leaves the partitions and manifest of its batch unchanged and
// returns its *parse.Error. Batches finished before a failure stay ingested and
// recorded in the manifest, so running Ingest again resumes where it stopped.
func (a *Archive) Ingest(ctx context.Context, srcs []Source) (*IngestReport, error) {
	rep := &IngestReport{Touched: map[string][]string{}}
	var todo []pending
	seen := map[string]bool{}
	for _, s := range srcs {
		name := filepath.Base(s.Path)
		if seen[name] {
			return nil, fmt.Errorf("%s: given twice", name)
		}
		seen[name] = true
		kind, key, csv, err := unitOf(name)
		if err != nil {
			return nil, err
		}
		sum, size, mod, err := hashFile(s.Path)
		if err != nil {
			return nil, err
		}
		if old, ok := a.man.Files[name]; ok && old.SHA256 == sum && old.Size == size {
			rep.Unchanged = append(rep.Unchanged, name)
			continue
		}
		ret := s.Retrieved
		if ret.IsZero() {
			ret = mod
		}
		p := pending{src: s, kind: kind, key: key, csv: csv,
			prov: FileProvenance{Name: name, Unit: kind + ":" + key, SHA256: sum, Size: size, Retrieved: ret.UTC()}}
		if kind == "station" {
			p.bucket = a.Bucket(key)
		}
		todo = append(todo, p)
	}
	// Station files grouped by bucket so that a bucket is rewritten once per
	// batch; year files after them, in order.
	sort.SliceStable(todo, func(i, j int) bool {
		if todo[i].kind != todo[j].kind {
			return todo[i].kind == "station"
		}
		if todo[i].kind == "station" {
			return todo[i].bucket < todo[j].bucket
		}
		return todo[i].key < todo[j].key
	})
	for len(todo) > 0 {
		n, bytes := 0, int64(0)
		for n < len(todo) && (n == 0 || bytes+todo[n].prov.Size <= a.opts.BatchBytes) {
			// Keep a bucket's files in one batch where possible.
			bytes += todo[n].prov.Size
			n++
		}
		for n < len(todo) && todo[n].kind == "station" && todo[n-1].kind == "station" && todo[n].bucket == todo[n-1].bucket {
			bytes += todo[n].prov.Size
			n++
		}
		if err := a.ingestBatch(ctx, todo[:n], rep); err != nil {
			return rep, err
		}
		todo = todo[n:]
	}
	return rep, nil
}

func hashFile(path string) (sum string, size int64, mod time.Time, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, time.Time{}, err
	}
	defer f.Close()
	h := sha256.New()
	size, err = io.Copy(h, f)
	if err != nil {
		return "", 0, time.Time{}, fmt.Errorf("%s: %w", path, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return "", 0, time.Time{}, err
	}
	return hex.EncodeToString(h.Sum(nil)), size, fi.ModTime(), nil
}

// Bucket returns the station bucket of a station id: the polynomial hash
// sum(c_i * 31^(11-i)) of its 11 characters modulo the bucket count. It is
// part of the archive format: changing it moves stations between partitions.
func (a *Archive) Bucket(station string) int {
	var h int64
	for i := 0; i < len(station); i++ {
		h = h*31 + int64(station[i])
	}
	return int(h % int64(a.man.Buckets))
}

func sqlList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = quote(p)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// ingestBatch parses the batch's files with the Go parsers into one
// normalised CSV file per affected partition (one line per value), then, for
// each affected partition, has DuckDB merge the partition's surviving rows
// with that CSV, sort them and write the Parquet file under a temporary name,
// and finally renames every written partition into place. Nothing is renamed
// before every file of the batch has parsed and every partition is written.
func (a *Archive) ingestBatch(ctx context.Context, batch []pending, rep *IngestReport) (err error) {
	stations := map[string]bool{}
	years := map[int]bool{}
	tmpDir, err := os.MkdirTemp(filepath.Join(a.dir), ".batch-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmpDir)
	out := &partWriters{dir: tmpDir, w: map[[2]int]*partWriter{}}
	defer out.close()
	for i := range batch {
		p := &batch[i]
		if err := a.parseTo(p, out); err != nil {
			return err
		}
		if p.kind == "station" {
			stations[p.key] = true
		} else {
			y, _ := strconv.Atoi(p.key)
			years[y] = true
		}
	}
	if err := out.close(); err != nil {
		return err
	}
	affected := map[[2]int]bool{} // (bucket, decade)
	for k := range out.w {
		affected[k] = true
	}
	debugf("parsed batch of %d files", len(batch))
	conn, err := a.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()

	// Partitions that lose rows without gaining any: every existing decade of
	// a replaced station's bucket, every existing bucket of a replaced year's
	// decade.
	existing, err := a.Partitions()
	if err != nil {
		return err
	}
	for _, rel := range existing {
		b, d, ok := parsePartRel(rel)
		if !ok {
			continue
		}
		for s := range stations {
			if a.Bucket(s) == b {
				affected[[2]int{b, d}] = true
			}
		}
		for y := range years {
			if decade(y) == d {
				affected[[2]int{b, d}] = true
			}
		}
	}
	// The archive's newest decade after this batch: its partitions are
	// written in date order (see dateOrderRowGroup).
	newest := 0
	for k := range affected {
		newest = max(newest, k[1])
	}
	for _, rel := range existing {
		if _, d, ok := parsePartRel(rel); ok {
			newest = max(newest, d)
		}
	}
	// The stations that had values of a replaced year before this batch.
	for y := range years {
		var parts []string
		for _, rel := range existing {
			if _, d, ok := parsePartRel(rel); ok && d == decade(y) {
				parts = append(parts, filepath.Join(a.dir, rel))
			}
		}
		if len(parts) == 0 {
			continue
		}
		rows, err := conn.QueryContext(ctx, "SELECT DISTINCT station FROM read_parquet("+sqlList(parts)+", hive_partitioning=false) WHERE year(date) = ?", y)
		if err != nil {
			return fmt.Errorf("stations of %d in the archive: %w", y, err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				rows.Close()
				return err
			}
			for i := range batch {
				if batch[i].kind == "year" && batch[i].key == strconv.Itoa(y) {
					batch[i].stations[s] = true
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE replaced_stations AS SELECT unnest("+sqlStrings(keys(stations))+"::VARCHAR[]) AS station"); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TABLE replaced_years AS SELECT unnest("+sqlInts(intKeys(years))+"::INTEGER[]) AS year"); err != nil {
		return err
	}

	// Write every affected partition to a staging name first.
	type staged struct{ tmp, final string }
	var done []staged
	defer func() {
		for _, s := range done {
			if s.tmp != "" {
				os.Remove(s.tmp) // a no-op once renamed
				os.Remove(s.tmp + ".extremes")
				os.Remove(s.tmp + ".dayextremes")
			}
		}
	}()
	order := make([][2]int, 0, len(affected))
	for k := range affected {
		order = append(order, k)
	}
	sort.Slice(order, func(i, j int) bool {
		return order[i][0] < order[j][0] || order[i][0] == order[j][0] && order[i][1] < order[j][1]
	})
	for _, k := range order {
		final := filepath.Join(a.dir, partRel(k[0], k[1]))
		tmp := filepath.Join(filepath.Dir(final), ".part.parquet.tmp")
		if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
			return err
		}
		var sel []string
		if pw := out.w[k]; pw != nil {
			sel = append(sel, `SELECT station, element, DATE '1970-01-01' + day AS date, value,
				coalesce(mflag, '') AS mflag, coalesce(qflag, '') AS qflag, coalesce(sflag, '') AS sflag, obs_time
			FROM read_csv(`+quote(pw.f.Name())+`, columns={'station': 'VARCHAR', 'element': 'VARCHAR',
				'day': 'INTEGER', 'value': 'INTEGER', 'mflag': 'VARCHAR', 'qflag': 'VARCHAR', 'sflag': 'VARCHAR', 'obs_time': 'SMALLINT'},
				header=false, delim=',', quote='', escape='', auto_detect=false)`)
		}
		if _, err := os.Stat(final); err == nil {
			sel = append(sel, "SELECT station, element, date, value, mflag, qflag, sflag, obs_time FROM read_parquet("+quote(final)+") "+
				"WHERE station NOT IN (SELECT station FROM replaced_stations) AND year(date) NOT IN (SELECT year FROM replaced_years)")
		}
		q := strings.Join(sel, " UNION ALL ")
		order, rowGroup := "element, station, date", 122880
		if k[1] == newest {
			order, rowGroup = "element, date, station", dateOrderRowGroup
		}
		copySQL := "COPY (" + q + " ORDER BY " + order + ") TO " + quote(tmp) +
			fmt.Sprintf(" (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE %d)", rowGroup)
		res, err := conn.ExecContext(ctx, copySQL)
		if err != nil {
			return fmt.Errorf("writing %s: %w", partRel(k[0], k[1]), err)
		}
		if n, err := res.RowsAffected(); err == nil && n == 0 {
			os.Remove(tmp)
			done = append(done, staged{"", final}) // the partition empties: remove it
			continue
		}
		// The partition's monthly extremes of unflagged values, for the
		// all-time and month scopes of RecordsSet.
		sumSQL := `COPY (SELECT station, element, year(date)::INTEGER AS y, month(date)::INTEGER AS m,
			max(value) AS hi, arg_max(date, value::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS hi_date,
			min(value) AS lo, arg_max(date, -value::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS lo_date
			FROM read_parquet(` + quote(tmp) + `, hive_partitioning=false) WHERE qflag = '' GROUP BY ALL ORDER BY element, station, y, m)
			TO ` + quote(tmp+".extremes") + ` (FORMAT parquet, COMPRESSION zstd)`
		if _, err := conn.ExecContext(ctx, sumSQL); err != nil {
			return fmt.Errorf("writing the monthly extremes of %s: %w", partRel(k[0], k[1]), err)
		}
		// Its calendar-day extremes over the decade, for the day scope.
		daySQL := `COPY (SELECT station, element, month(date)::INTEGER AS m, day(date)::INTEGER AS d,
			max(value) AS hi, arg_max(date, value::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS hi_date,
			min(value) AS lo, arg_max(date, -value::BIGINT * 1000000 - (date - DATE '1600-01-01')) AS lo_date
			FROM read_parquet(` + quote(tmp) + `, hive_partitioning=false) WHERE qflag = '' GROUP BY ALL ORDER BY element, m, d, station)
			TO ` + quote(tmp+".dayextremes") + fmt.Sprintf(` (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE %d)`, dayExtremesRowGroup)
		if _, err := conn.ExecContext(ctx, daySQL); err != nil {
			return fmt.Errorf("writing the calendar-day extremes of %s: %w", partRel(k[0], k[1]), err)
		}
		done = append(done, staged{tmp, final})
	}
	debugf("wrote %d partitions", len(done))
	// Rename into place, then record the files.
	for _, s := range done {
		rel, _ := filepath.Rel(a.dir, s.final)
		ext, dext := extremesPath(s.final), dayExtremesPath(s.final)
		if s.tmp == "" {
			for _, f := range []string{s.final, ext, dext} {
				if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
					return err
				}
			}
		} else {
			if err := os.Rename(s.tmp, s.final); err != nil {
				return err
			}
			if err := os.Rename(s.tmp+".extremes", ext); err != nil {
				return err
			}
			if err := os.Rename(s.tmp+".dayextremes", dext); err != nil {
				return err
			}
		}
		rep.Rewritten = append(rep.Rewritten, rel)
	}
	now := time.Now().UTC()
	for i := range batch {
		batch[i].prov.Ingested = now
		a.man.Files[batch[i].prov.Name] = batch[i].prov
		rep.Ingested = append(rep.Ingested, batch[i].prov)
		if batch[i].kind == "station" {
			rep.Touched[batch[i].prov.Name] = []string{batch[i].key}
		} else {
			rep.Touched[batch[i].prov.Name] = keys(batch[i].stations)
		}
		rep.Stats.Add(batch[i].prov.Stats)
	}
	return a.writeManifest()
}

// Partition order. Every partition is sorted element first, so that a query
// of one element skips the other elements' row groups. Within an element, the
// partitions of the archive's newest decade (the newest decade holding a
// value when the partition is written) are sorted by date, then station, in
// row groups of dateOrderRowGroup rows, so that the records-set queries, which
// read the days of a window (and the same calendar days of the decade's
// earlier years), skip every other row group by its date statistics; older
// decades are sorted by station, then date, in row groups of 122,880 rows, so
// that a station's queries skip to its row groups. A partition keeps the order
// it was written in until it is next rewritten: when the first value of a new
// decade arrives, the previous decade's partitions stay in date order until a
// file touches them. Queries give the same answers in either order; only the
// row groups they skip differ.
//
// The calendar-day-extremes files are sorted by element, month, day and
// station in row groups of dayExtremesRowGroup rows, so that the calendar-day
// records-set query reads only the row groups of the window's calendar days.
const (
	dateOrderRowGroup   = 16384
	dayExtremesRowGroup = 10240
)

// extremesPath returns the path of the monthly-extremes file beside a
// partition file: one row per station, element, year and month with the
// highest and lowest unflagged value and the first day each was reached.
func extremesPath(part string) string { return filepath.Join(filepath.Dir(part), "extremes.parquet") }

// dayExtremesPath returns the path of the calendar-day-extremes file beside
// a partition file: one row per station, element, month and day of month
// with the highest and lowest unflagged value over the partition's decade
// and the first day each was reached. Archives written before it existed
// lack it; queries then fall back to the daily values.
func dayExtremesPath(part string) string {
	return filepath.Join(filepath.Dir(part), "dayextremes.parquet")
}

func parsePartRel(rel string) (b, d int, ok bool) {
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if len(parts) != 4 || !strings.HasPrefix(parts[1], "b=") || !strings.HasPrefix(parts[2], "d=") {
		return 0, 0, false
	}
	b, err1 := strconv.Atoi(parts[1][2:])
	d, err2 := strconv.Atoi(parts[2][2:])
	return b, d, err1 == nil && err2 == nil
}

// parseTo parses one file with the Go parser, checking that every value
// belongs to the file's station or year, and writes one normalised CSV line
// per value to the file of its partition: station, element, days since
// 1970-01-01, value, the three flags ("" when blank) and the observation time
// ("" when absent). Flags are printable ASCII other
// than a comma, which the parser guarantees for everything but ',' itself;
// a comma flag is refused.
func (a *Archive) parseTo(p *pending, out *partWriters) error {
	f, err := os.Open(p.src.Path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p.src.Path, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", p.prov.Name, err)
		}
		defer gz.Close()
		r = gz
	}
	wantYear := 0
	if p.kind == "year" {
		wantYear, _ = strconv.Atoi(p.key)
		p.stations = map[string]bool{}
	}
	lastStation := ""
	var w *bufio.Writer
	var prefix []byte // "station," of the current station
	lastDec := -1
	buf := make([]byte, 0, 64)
	flag := func(b []byte, c byte) []byte {
		if c != ' ' {
			b = append(b, c)
		}
		return append(b, ',')
	}
	fn := func(v ghcnd.Value) error {
		y := v.Date.Year()
		if p.kind == "station" && v.Station != p.key {
			return fmt.Errorf("%s: holds station %s on %s; a station file holds only %s", p.prov.Name, v.Station, v.Date, p.key)
		}
		if p.kind == "year" && y != wantYear {
			return fmt.Errorf("%s: holds a value dated %s; a year file holds only %d", p.prov.Name, v.Date, wantYear)
		}
		if v.MFlag == ',' || v.QFlag == ',' || v.SFlag == ',' {
			return fmt.Errorf("%s: value of %s on %s has a comma as a flag", p.prov.Name, v.Station, v.Date)
		}
		if v.Station != lastStation || decade(y) != lastDec {
			if p.kind == "year" {
				p.stations[v.Station] = true
			}
			lastStation, lastDec = v.Station, decade(y)
			if w, err = out.get([2]int{a.Bucket(v.Station), lastDec}); err != nil {
				return err
			}
			prefix = append(append(prefix[:0], v.Station...), ',')
		}
		buf = append(buf[:0], prefix...)
		buf = append(buf, v.Element...)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(v.Date), 10)
		buf = append(buf, ',')
		buf = strconv.AppendInt(buf, int64(v.Value), 10)
		buf = append(buf, ',')
		buf = flag(buf, v.MFlag)
		buf = flag(buf, v.QFlag)
		buf = flag(buf, v.SFlag)
		if v.ObsTime >= 0 {
			buf = strconv.AppendInt(buf, int64(v.ObsTime), 10)
		}
		buf = append(buf, '\n')
		_, err := w.Write(buf)
		return err
	}
	var st ghcnd.Stats
	if p.csv {
		st, err = ghcnd.ParseCSV(p.prov.Name, r, fn)
	} else {
		st, err = ghcnd.ParseDLY(p.prov.Name, r, fn)
	}
	if err != nil {
		return err
	}
	p.prov.Stats = st
	return nil
}

// partWriters holds one normalised CSV file per partition of a batch.
type partWriters struct {
	dir string
	w   map[[2]int]*partWriter
}

type partWriter struct {
	f *os.File
	w *bufio.Writer
}

func (p *partWriters) get(k [2]int) (*bufio.Writer, error) {
	if pw := p.w[k]; pw != nil {
		return pw.w, nil
	}
	f, err := os.Create(filepath.Join(p.dir, fmt.Sprintf("b%03d-d%04d.csv", k[0], k[1])))
	if err != nil {
		return nil, err
	}
	pw := &partWriter{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	p.w[k] = pw
	return pw.w, nil
}

// close flushes and closes every file; it may be called more than once.
func (p *partWriters) close() error {
	var first error
	for _, pw := range p.w {
		if pw.w != nil {
			if err := pw.w.Flush(); err != nil && first == nil {
				first = err
			}
			pw.w = nil
			if err := pw.f.Close(); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

func sqlStrings(ss []string) string { return sqlList(ss) }

func sqlInts(xs []int32) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Itoa(int(x))
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func (a *Archive) writeManifest() error {
	b, err := json.MarshalIndent(a.man, "", "  ")
	if err != nil {
		return err
	}
	tmp := a.manifestPath() + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, a.manifestPath())
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func intKeys(m map[int]bool) []int32 {
	out := make([]int32, 0, len(m))
	for k := range m {
		out = append(out, int32(k))
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// quote returns s as a SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// debugf logs a step of an ingest at debug level, for timing batches.
func debugf(format string, args ...any) {
	slog.Debug("stations: " + fmt.Sprintf(format, args...))
}

// Summary describes the archive's contents.
type Summary struct {
	Values     int64 // values stored (flagged ones included)
	Flagged    int64 // values with a quality flag
	Stations   int64 // distinct stations
	Partitions int   // partition files
	Bytes      int64 // size on disk of the partition files and their monthly- and calendar-day-extremes files
}

// Summarize counts the archive's values, flagged values, stations and bytes.
func (a *Archive) Summarize(ctx context.Context) (Summary, error) {
	var s Summary
	parts, err := a.Partitions()
	if err != nil {
		return s, err
	}
	s.Partitions = len(parts)
	for _, p := range parts {
		full := filepath.Join(a.dir, p)
		for _, f := range []string{full, extremesPath(full), dayExtremesPath(full)} {
			fi, err := os.Stat(f)
			if errors.Is(err, os.ErrNotExist) && f == dayExtremesPath(full) {
				continue // an archive written before the file existed
			}
			if err != nil {
				return s, err
			}
			s.Bytes += fi.Size()
		}
	}
	if len(parts) == 0 {
		return s, nil
	}
	glob := filepath.Join(a.dir, "values", "*", "*", "part.parquet")
	err = a.db.QueryRowContext(ctx, "SELECT count(*), count(*) FILTER (WHERE qflag <> ''), count(DISTINCT station) FROM read_parquet("+quote(glob)+", hive_partitioning=false)").
		Scan(&s.Values, &s.Flagged, &s.Stations)
	return s, err
}
