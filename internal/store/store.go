// Package store keeps observations and their provenance in an embedded SQLite
// database (modernc.org/sqlite, pure Go). The schema is managed by goose
// migrations embedded in the binary.
//
// Contracts:
//   - Ingesting a dataset version is one transaction: either every series,
//     observation, climatology and the version row are written, or nothing is.
//   - In Replace mode (producer files), re-ingesting bytes whose sha256 equals
//     the dataset's current version changes nothing; different bytes replace
//     the dataset's observations atomically (values added, revised or removed
//     so that the stored series equal the new file), and the older version
//     rows stay as history.
//   - Every observation references the dataset version that supplied its
//     present value: a value unchanged by a new version keeps pointing at the
//     version it first came from; a revised or new value points at the new
//     version. So a value's lineage says since when it has been what it is.
//   - In Merge mode (gridded files, one file per day), each file is its own
//     version row and its points are upserted; the other points stay.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is an open stocktake database. It is safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string
}

// ErrNotFound is returned when a requested series has no stored data.
var ErrNotFound = errors.New("not in the store")

// Open opens (creating if needed) the database at path and applies any
// pending migrations. The parent folder is created when missing.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: creating folder for %s: %w", path, err)
		}
	}
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		db.Close()
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: migrating %s: %w", path, err)
	}
	return &Store{db: db, path: path}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// DB exposes the underlying handle for packages that add their own tables
// through migrations (events, webhooks).
func (s *Store) DB() *sql.DB { return s.db }

// Mode selects how Ingest treats the points already stored for a dataset.
type Mode int

const (
	// Replace makes the given version the dataset's only current version:
	// all of the dataset's observations are replaced.
	Replace Mode = iota
	// Merge adds the version and upserts its points, keeping the others.
	Merge
)

// VersionInfo is the provenance of one ingested file (or set of files).
type VersionInfo struct {
	Dataset         string // catalog dataset id, or "grid:<ID>" for gridded series
	ProducerVersion string
	Source          string // URL or mirror path
	SHA256          string // hex
	Size            int64  // bytes
	Retrieved       time.Time
	ETag            string
	LastModified    string
	// AllowShrink accepts, in Replace mode, a file that deletes much of what
	// is stored (see ErrShrink). Without it such a file is refused.
	AllowShrink bool
}

// IngestResult reports what Ingest did.
type IngestResult struct {
	VersionID int64
	Unchanged bool // the bytes equal the current version's: nothing was written
	Rows      int  // observations inserted or revised (unchanged values are not rewritten)
	Deleted   int  // stored observations the new version no longer has
	Series    int  // series written
}

// ErrShrink is wrapped by Ingest's error when, in Replace mode, a new file
// would take away data: a stored series would lose its latest date or be
// missing altogether, or more than MaxShrinkFraction of the dataset's stored
// values would be deleted.
// Producers revise values and add new ones; a file that loses its recent
// rows is almost always truncated (a cut download, a half-written mirror
// copy), so it is refused and nothing changes unless AllowShrink is set.
var ErrShrink = errors.New("the new file would delete stored data")

// MaxShrinkFraction is the share of a dataset's stored values a new version
// may delete without AllowShrink (dates a producer drops or re-dates).
const MaxShrinkFraction = 0.02

// Version is a stored dataset version row.
type Version struct {
	ID              int64     `json:"id"`
	Dataset         string    `json:"dataset"`
	ProducerVersion string    `json:"version"`
	Source          string    `json:"source"`
	SHA256          string    `json:"sha256"`
	Size            int64     `json:"size"`
	Retrieved       time.Time `json:"retrieved"`
	Ingested        time.Time `json:"ingested"`
	Rows            int       `json:"rows"`
	Current         bool      `json:"current"`
}

// Source is the provenance shown next to a number: the dataset, its
// producer version, the checksum of the file and where and when it was read.
type Source struct {
	Dataset   string    `json:"dataset"`
	Version   string    `json:"version"`
	SHA256    string    `json:"sha256"`
	URL       string    `json:"url"`
	Files     int       `json:"files,omitempty"` // >1 for a series assembled from many files; SHA256 is then empty
	Retrieved time.Time `json:"retrieved"`
}

// CurrentVersion returns the dataset's current version, if any.
func (s *Store) CurrentVersion(ctx context.Context, dataset string) (Version, bool, error) {
	vs, err := s.versions(ctx, "WHERE dataset = ? AND current = 1 ORDER BY id DESC LIMIT 1", dataset)
	if err != nil || len(vs) == 0 {
		return Version{}, false, err
	}
	return vs[0], true, nil
}

// Versions returns the version history of a dataset, newest first; all
// datasets when dataset is "".
func (s *Store) Versions(ctx context.Context, dataset string) ([]Version, error) {
	if dataset == "" {
		return s.versions(ctx, "ORDER BY id DESC")
	}
	return s.versions(ctx, "WHERE dataset = ? ORDER BY id DESC", dataset)
}

// HasVersion reports whether bytes with this sha256 were ever ingested for
// the dataset (used to resume gridded ingests).
func (s *Store) HasVersion(ctx context.Context, dataset, sha256 string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dataset_versions WHERE dataset = ? AND sha256 = ? AND current = 1", dataset, sha256).Scan(&n)
	return n > 0, err
}

func (s *Store) versions(ctx context.Context, where string, args ...any) ([]Version, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, row_count, current
		FROM dataset_versions `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var ret, ing string
		if err := rows.Scan(&v.ID, &v.Dataset, &v.ProducerVersion, &v.Source, &v.SHA256, &v.Size, &ret, &ing, &v.Rows, &v.Current); err != nil {
			return nil, err
		}
		v.Retrieved, _ = time.Parse(time.RFC3339Nano, ret)
		v.Ingested, _ = time.Parse(time.RFC3339Nano, ing)
		out = append(out, v)
	}
	return out, rows.Err()
}

// Ingest stores a parsed file as a new version of v.Dataset in one
// transaction. In Replace mode identical bytes (same sha256 as the current
// version) are a no-op reported as Unchanged.
func (s *Store) Ingest(ctx context.Context, v VersionInfo, p *obs.Parsed, mode Mode) (IngestResult, error) {
	if err := p.Check(); err != nil {
		return IngestResult{}, fmt.Errorf("store: %s: %w", v.Dataset, err)
	}
	if v.Dataset == "" || v.SHA256 == "" {
		return IngestResult{}, fmt.Errorf("store: dataset and sha256 are required")
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return IngestResult{}, err
	}
	defer tx.Rollback()
	var res IngestResult
	if mode == Replace {
		var cur string
		err := tx.QueryRowContext(ctx, "SELECT sha256 FROM dataset_versions WHERE dataset = ? AND current = 1 ORDER BY id DESC LIMIT 1", v.Dataset).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, err
		}
		if cur == v.SHA256 {
			return IngestResult{Unchanged: true}, nil
		}
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	retrieved := v.Retrieved.UTC()
	if v.Retrieved.IsZero() {
		retrieved = time.Now().UTC()
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO dataset_versions
		(dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, etag, last_modified, row_count, current)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
		v.Dataset, v.ProducerVersion, v.Source, v.SHA256, v.Size, retrieved.Format(time.RFC3339Nano), now, v.ETag, v.LastModified, p.Rows())
	if err != nil {
		return res, err
	}
	res.VersionID, _ = r.LastInsertId()
	if mode == Replace {
		if _, err := tx.ExecContext(ctx, "UPDATE dataset_versions SET current = 0 WHERE dataset = ? AND id <> ?", v.Dataset, res.VersionID); err != nil {
			return res, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM climatologies WHERE series_id IN (SELECT id FROM series WHERE dataset = ?)", v.Dataset); err != nil {
			return res, err
		}
	}
	upsertSeries, err := tx.PrepareContext(ctx, `INSERT INTO series (dataset, indicator, entity, unit, frequency) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (dataset, indicator, entity) DO UPDATE SET unit = excluded.unit, frequency = excluded.frequency RETURNING id`)
	if err != nil {
		return res, err
	}
	defer upsertSeries.Close()
	insObs, err := tx.PrepareContext(ctx, `INSERT INTO observations (series_id, date, value, version_id) VALUES (?, ?, ?, ?)
		ON CONFLICT (series_id, date) DO UPDATE SET value = excluded.value, version_id = excluded.version_id`)
	if err != nil {
		return res, err
	}
	defer insObs.Close()
	seriesID := func(indicator, entity, unit string, f obs.Frequency) (int64, error) {
		var id int64
		err := upsertSeries.QueryRowContext(ctx, v.Dataset, indicator, entity, unit, string(f)).Scan(&id)
		return id, err
	}
	kept := map[int64]bool{}
	shrinkNote := ""
	stored := 0
	if mode == Replace {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM observations o JOIN series s ON s.id = o.series_id WHERE s.dataset = ?`, v.Dataset).Scan(&stored); err != nil {
			return res, err
		}
	}
	for _, se := range p.Series {
		id, err := seriesID(se.Indicator, se.Entity, se.Unit, se.Frequency)
		if err != nil {
			return res, err
		}
		kept[id] = true
		res.Series++
		var old map[obs.Date]float64
		if mode == Replace {
			if old, err = storedValues(ctx, tx, id); err != nil {
				return res, err
			}
		}
		for _, pt := range se.Points {
			if prev, ok := old[pt.Date]; ok {
				delete(old, pt.Date)
				if prev == pt.Value {
					continue // unchanged: keeps the version that first supplied it
				}
			}
			if _, err := insObs.ExecContext(ctx, id, int64(pt.Date), pt.Value, res.VersionID); err != nil {
				return res, err
			}
			res.Rows++
		}
		if len(old) > 0 && len(se.Points) == 0 && shrinkNote == "" {
			shrinkNote = fmt.Sprintf("%s: the stored series goes to %s, the new file has no values for it", seriesLabel(se.Indicator, se.Entity), oldLast(old))
		}
		if len(old) > 0 && len(se.Points) > 0 {
			newLast := se.Points[len(se.Points)-1].Date
			for d := range old {
				if d > newLast && !v.AllowShrink && shrinkNote == "" {
					shrinkNote = fmt.Sprintf("%s: the stored series goes to %s, the new file stops at %s", seriesLabel(se.Indicator, se.Entity), oldLast(old), newLast)
				}
			}
		}
		for d := range old {
			if _, err := tx.ExecContext(ctx, "DELETE FROM observations WHERE series_id = ? AND date = ?", id, int64(d)); err != nil {
				return res, err
			}
			res.Deleted++
		}
	}
	if mode == Replace {
		// Series the new version no longer has lose their observations.
		// A series the new file lacks altogether is the clearest sign of a
		// file cut short (at an entity boundary, say): it counts against
		// the guard like a series that stops early.
		rows, err := tx.QueryContext(ctx, "SELECT id, indicator, entity FROM series WHERE dataset = ?", v.Dataset)
		if err != nil {
			return res, err
		}
		type goneSeries struct {
			id                int64
			indicator, entity string
		}
		var gone []goneSeries
		for rows.Next() {
			var g goneSeries
			if err := rows.Scan(&g.id, &g.indicator, &g.entity); err != nil {
				rows.Close()
				return res, err
			}
			if !kept[g.id] {
				gone = append(gone, g)
			}
		}
		rows.Close()
		for _, g := range gone {
			r, err := tx.ExecContext(ctx, "DELETE FROM observations WHERE series_id = ?", g.id)
			if err != nil {
				return res, err
			}
			n, _ := r.RowsAffected()
			res.Deleted += int(n)
			if n > 0 && shrinkNote == "" {
				shrinkNote = fmt.Sprintf("%s: %d stored values, the new file has none", seriesLabel(g.indicator, g.entity), n)
			}
		}
		if !v.AllowShrink && (shrinkNote != "" || float64(res.Deleted) > MaxShrinkFraction*float64(stored)) {
			if shrinkNote == "" {
				shrinkNote = fmt.Sprintf("%d of the %d stored values are not in it", res.Deleted, stored)
			} else {
				shrinkNote = fmt.Sprintf("%s; %d of the %d stored values are not in it", shrinkNote, res.Deleted, stored)
			}
			return IngestResult{}, fmt.Errorf("store: %s: %w (%s). A producer's new file revises and adds data; one that loses its latest "+
				"rows is almost always truncated, so nothing was changed. Check the file, or accept it with 'update --allow-shrink'", v.Dataset, ErrShrink, shrinkNote)
		}
	}
	for _, c := range p.Climatologies {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM series WHERE dataset = ? AND indicator = ? AND entity = ?", v.Dataset, c.Indicator, c.Entity).Scan(&id)
		if err != nil {
			return res, fmt.Errorf("store: climatology %s %s for a series with no observations: %w", c.Indicator, c.Baseline, err)
		}
		for slot, val := range c.Values {
			var value any
			if !math.IsNaN(val) {
				value = val
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO climatologies (series_id, baseline, convention, slot, value, version_id) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (series_id, baseline, slot) DO UPDATE SET value = excluded.value, convention = excluded.convention, version_id = excluded.version_id`,
				id, c.Baseline, c.Convention, slot, value, res.VersionID); err != nil {
				return res, err
			}
		}
	}
	if mode == Replace {
		if _, err := tx.ExecContext(ctx, `DELETE FROM series WHERE dataset = ? AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.series_id = series.id)`, v.Dataset); err != nil {
			return res, err
		}
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	return res, nil
}

// Lineage returns the dataset version that supplied the stored value of one
// observation: the file (source, sha256, retrieval time) a number can be
// traced to.
func (s *Store) Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (Version, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT o.version_id FROM observations o JOIN series s ON s.id = o.series_id
		WHERE s.dataset = ? AND s.indicator = ? AND s.entity = ? AND o.date = ?`, dataset, indicator, entity, int64(date)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("%s %s %s on %s: %w", dataset, indicator, entity, date, ErrNotFound)
	}
	if err != nil {
		return Version{}, err
	}
	vs, err := s.versions(ctx, "WHERE id = ?", id)
	if err != nil || len(vs) == 0 {
		return Version{}, fmt.Errorf("version %d of %s: %w", id, dataset, ErrNotFound)
	}
	return vs[0], nil
}

// storedValues returns the stored values of one series by date.
func storedValues(ctx context.Context, tx *sql.Tx, seriesID int64) (map[obs.Date]float64, error) {
	rows, err := tx.QueryContext(ctx, "SELECT date, value FROM observations WHERE series_id = ?", seriesID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[obs.Date]float64{}
	for rows.Next() {
		var d int64
		var v float64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, err
		}
		out[obs.Date(d)] = v
	}
	return out, rows.Err()
}

// Series returns the stored points of ref's indicator for entity ("" for a
// global series), in date order, with the provenance of the dataset's
// current version. It returns ErrNotFound (wrapped) when nothing is stored.
func (s *Store) Series(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, Source, error) {
	return s.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, entity)
}

// SeriesByID is Series addressed by dataset id and indicator id, for series
// the catalog does not declare (gridded series ingested under "grid:<ID>").
func (s *Store) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, Source, error) {
	var id int64
	se := obs.Series{Indicator: indicator, Entity: entity}
	var freq string
	err := s.db.QueryRowContext(ctx, "SELECT id, unit, frequency FROM series WHERE dataset = ? AND indicator = ? AND entity = ?",
		dataset, indicator, entity).Scan(&id, &se.Unit, &freq)
	if errors.Is(err, sql.ErrNoRows) {
		what := indicator
		if entity != "" {
			what += " for " + entity
		}
		return se, Source{}, fmt.Errorf("%s (dataset %s): %w; run 'stocktake update'", what, dataset, ErrNotFound)
	}
	if err != nil {
		return se, Source{}, err
	}
	se.Frequency = obs.Frequency(freq)
	pts, err := s.points(ctx, "WHERE series_id = ?", id)
	if err != nil {
		return se, Source{}, err
	}
	se.Points = pts
	src, err := s.source(ctx, dataset)
	return se, src, err
}

// AllSeries returns every entity's series of ref's indicator, sorted by
// entity, with the dataset's provenance.
func (s *Store) AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, Source, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.entity, s.unit, s.frequency, o.date, o.value
		FROM series s JOIN observations o ON o.series_id = s.id
		WHERE s.dataset = ? AND s.indicator = ? ORDER BY s.entity, o.date`, ref.Dataset.ID, ref.Indicator.ID)
	if err != nil {
		return nil, Source{}, err
	}
	defer rows.Close()
	var out []obs.Series
	for rows.Next() {
		var entity, unit, freq string
		var date int64
		var value float64
		if err := rows.Scan(&entity, &unit, &freq, &date, &value); err != nil {
			return nil, Source{}, err
		}
		if len(out) == 0 || out[len(out)-1].Entity != entity {
			out = append(out, obs.Series{Indicator: ref.Indicator.ID, Entity: entity, Unit: unit, Frequency: obs.Frequency(freq)})
		}
		last := &out[len(out)-1]
		last.Points = append(last.Points, obs.Point{Date: obs.Date(date), Value: value})
	}
	if err := rows.Err(); err != nil {
		return nil, Source{}, err
	}
	if len(out) == 0 {
		return nil, Source{}, fmt.Errorf("%s (dataset %s): %w; run 'stocktake update'", ref.Indicator.ID, ref.Dataset.ID, ErrNotFound)
	}
	src, err := s.source(ctx, ref.Dataset.ID)
	return out, src, err
}

// Climatologies returns the producer climatologies stored for a series.
func (s *Store) Climatologies(ctx context.Context, ref catalog.Ref, entity string) ([]obs.Climatology, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.baseline, c.convention, c.slot, c.value
		FROM climatologies c JOIN series s ON s.id = c.series_id
		WHERE s.dataset = ? AND s.indicator = ? AND s.entity = ? ORDER BY c.baseline, c.slot`,
		ref.Dataset.ID, ref.Indicator.ID, entity)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []obs.Climatology
	for rows.Next() {
		var baseline, conv string
		var slot int
		var value sql.NullFloat64
		if err := rows.Scan(&baseline, &conv, &slot, &value); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Baseline != baseline {
			out = append(out, obs.Climatology{Indicator: ref.Indicator.ID, Entity: entity, Baseline: baseline, Convention: conv})
		}
		c := &out[len(out)-1]
		for len(c.Values) < slot {
			c.Values = append(c.Values, math.NaN())
		}
		v := math.NaN()
		if value.Valid {
			v = value.Float64
		}
		c.Values = append(c.Values, v)
	}
	return out, rows.Err()
}

func (s *Store) points(ctx context.Context, where string, args ...any) ([]obs.Point, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT date, value FROM observations "+where+" ORDER BY date", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var pts []obs.Point
	for rows.Next() {
		var d int64
		var v float64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, err
		}
		pts = append(pts, obs.Point{Date: obs.Date(d), Value: v})
	}
	return pts, rows.Err()
}

// A dataset assembled from many files (a gridded series: one version per
// daily file) has no single file behind it. Its Source then has Files (the
// number of files its values come from), their folder (the longest common
// directory), the producer version they share and the newest retrieval
// time, with no sha256; each value's own file is given by Lineage.
func (s *Store) source(ctx context.Context, dataset string) (Source, error) {
	if !strings.HasPrefix(dataset, "grid:") {
		// A catalog dataset: every stored value comes from its current
		// version or an earlier one of the same file.
		return s.currentSource(ctx, dataset)
	}
	// A gridded series: the versions (files) that supplied the stored
	// values, one per day (a re-issued day replaces the values of the file
	// before it, which then no longer counts).
	rows, err := s.db.QueryContext(ctx, `SELECT v.producer_version, v.source, v.retrieved_at FROM dataset_versions v
		WHERE v.id IN (SELECT DISTINCT o.version_id FROM observations o JOIN series s ON s.id = o.series_id WHERE s.dataset = ?)
		ORDER BY v.source`, dataset)
	if err != nil {
		return Source{Dataset: dataset}, err
	}
	var n int
	var firstSrc, lastSrc, maxRet string
	versions := map[string]bool{}
	for rows.Next() {
		var pv, src, ret string
		if err := rows.Scan(&pv, &src, &ret); err != nil {
			rows.Close()
			return Source{Dataset: dataset}, err
		}
		if n == 0 {
			firstSrc = src
		}
		lastSrc, maxRet = src, max(maxRet, ret)
		versions[pv] = true
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Source{Dataset: dataset}, err
	}
	if n <= 1 {
		return s.currentSource(ctx, dataset)
	}
	ret, _ := time.Parse(time.RFC3339Nano, maxRet)
	out := Source{Dataset: dataset, Files: n, URL: commonDir(firstSrc, lastSrc), Retrieved: ret}
	if len(versions) == 1 {
		for pv := range versions {
			out.Version = pv
		}
	} else {
		out.Version = fmt.Sprintf("%d producer versions", len(versions))
	}
	return out, nil
}

// currentSource is the provenance of the dataset's current version.
func (s *Store) currentSource(ctx context.Context, dataset string) (Source, error) {
	v, ok, err := s.CurrentVersion(ctx, dataset)
	if err != nil || !ok {
		return Source{Dataset: dataset}, err
	}
	return Source{Dataset: dataset, Version: v.ProducerVersion, SHA256: v.SHA256, URL: v.Source, Retrieved: v.Retrieved}, nil
}

// seriesLabel names a series in messages: "seaice.south" or "co2.emissions CHN".
func seriesLabel(indicator, entity string) string {
	if entity == "" {
		return indicator
	}
	return indicator + " " + entity
}

// oldLast returns the latest date of a set of stored dates.
func oldLast(m map[obs.Date]float64) obs.Date {
	var last obs.Date
	first := true
	for d := range m {
		if first || d > last {
			last, first = d, false
		}
	}
	return last
}

// commonDir returns the longest directory prefix (ending in "/") shared by
// the lexically first and last of a set of paths, which is shared by all.
func commonDir(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	if i := strings.LastIndexByte(a[:n], '/'); i >= 0 {
		return a[:i+1]
	}
	return ""
}

// Coverage summarises one stored indicator of one dataset.
type Coverage struct {
	Dataset   string
	Indicator string
	Unit      string
	Frequency obs.Frequency
	Entities  int
	First     obs.Date
	Last      obs.Date
	Rows      int
}

// Coverage lists every stored (dataset, indicator) with its date range.
func (s *Store) Coverage(ctx context.Context) ([]Coverage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT s.dataset, s.indicator, MIN(s.unit), MIN(s.frequency), COUNT(DISTINCT s.entity),
			MIN(o.date), MAX(o.date), COUNT(*)
		FROM series s JOIN observations o ON o.series_id = s.id
		GROUP BY s.dataset, s.indicator ORDER BY s.indicator, s.dataset`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Coverage
	for rows.Next() {
		var c Coverage
		var freq string
		var first, last int64
		if err := rows.Scan(&c.Dataset, &c.Indicator, &c.Unit, &freq, &c.Entities, &first, &last, &c.Rows); err != nil {
			return nil, err
		}
		c.Frequency, c.First, c.Last = obs.Frequency(freq), obs.Date(first), obs.Date(last)
		out = append(out, c)
	}
	return out, rows.Err()
}

// FetchState is what the store remembers about fetching one dataset.
type FetchState struct {
	Dataset      string    `json:"dataset"`
	URL          string    `json:"url"`
	ETag         string    `json:"etag"`
	LastModified string    `json:"last_modified"`
	LastSuccess  time.Time `json:"last_success"`
	LastFailure  time.Time `json:"last_failure"`
	LastError    string    `json:"last_error"`
}

// GetFetchState returns the fetch state of a dataset (zero value if none).
func (s *Store) GetFetchState(ctx context.Context, dataset string) (FetchState, error) {
	st := FetchState{Dataset: dataset}
	var ok, fail string
	err := s.db.QueryRowContext(ctx, "SELECT url, etag, last_modified, last_success, last_failure, last_error FROM fetch_state WHERE dataset = ?", dataset).
		Scan(&st.URL, &st.ETag, &st.LastModified, &ok, &fail, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	st.LastSuccess, _ = time.Parse(time.RFC3339Nano, ok)
	st.LastFailure, _ = time.Parse(time.RFC3339Nano, fail)
	return st, err
}

// FetchStates returns the fetch state of every dataset that has one.
func (s *Store) FetchStates(ctx context.Context) ([]FetchState, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT dataset FROM fetch_state ORDER BY dataset")
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]FetchState, 0, len(ids))
	for _, id := range ids {
		st, err := s.GetFetchState(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// RecordFetchSuccess stores the validators of a successful fetch.
func (s *Store) RecordFetchSuccess(ctx context.Context, dataset, url, etag, lastModified string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, etag, last_modified, last_success) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified, last_success = excluded.last_success`,
		dataset, url, etag, lastModified, at.UTC().Format(time.RFC3339Nano))
	return err
}

// RecordMirrorSuccess stores the time of a successful update read from a
// local mirror at path. The validators (ETag, Last-Modified) and URL of the
// last download are kept: they still describe the producer's file.
func (s *Store) RecordMirrorSuccess(ctx context.Context, dataset, path string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, last_success) VALUES (?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET last_success = excluded.last_success`,
		dataset, path, at.UTC().Format(time.RFC3339Nano))
	return err
}

// RecordFetchFailure stores the time and message of a failed fetch or ingest;
// the dataset's stored data stay as they were.
func (s *Store) RecordFetchFailure(ctx context.Context, dataset, url string, at time.Time, msg string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, last_failure, last_error) VALUES (?, ?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET last_failure = excluded.last_failure, last_error = excluded.last_error`,
		dataset, url, at.UTC().Format(time.RFC3339Nano), msg)
	return err
}
