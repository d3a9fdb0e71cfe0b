package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

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
	// ChangedFrom is the earliest date whose value this version added,
	// revised or removed (math.MaxInt32 when nothing changed).
	ChangedFrom obs.Date
	Unchanged   bool // the bytes equal the current version's: nothing was written
	Rows        int  // observations inserted or revised (unchanged values are not rewritten)
	Deleted     int  // stored observations the new version no longer has
	Series      int  // series written
}

// obsBatch is how many observations one INSERT statement writes. Batches
// amortise the per-statement cost of the driver; 200 rows × 4 parameters
// stay far below SQLite's limit of 32766 parameters.
const obsBatch = 200

// copyBatch is how many rows one COPY sends on PostgreSQL.
const copyBatch = 20000

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
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return IngestResult{}, err
	}
	defer tx.Rollback()
	if mode == Replace {
		var cur string
		err := tx.QueryRowContext(ctx, "SELECT sha256 FROM dataset_versions WHERE dataset = ? AND current = 1 ORDER BY id DESC LIMIT 1", v.Dataset).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return IngestResult{}, err
		}
		if cur == v.SHA256 {
			return IngestResult{Unchanged: true}, nil
		}
	}
	res, err := ingestTx(ctx, tx, v, p, mode, 0)
	if err != nil {
		return res, err
	}
	if err := tx.Commit(); err != nil {
		return res, err
	}
	return res, nil
}

// ingestTx writes p as a new version of v.Dataset inside tx (see Ingest).
// restoredFrom is the version a restore brings back (0 for a file). In
// Replace mode every value the new version revises or deletes, and every
// climatology slot it changes or removes, is copied to the history tables
// first, so the version being replaced can be restored (Store.Restore).
func ingestTx(ctx context.Context, tx *wtx, v VersionInfo, p *obs.Parsed, mode Mode, restoredFrom int64) (IngestResult, error) {
	var res IngestResult
	now := time.Now().UTC().Format(time.RFC3339Nano)
	retrieved := v.Retrieved.UTC()
	if v.Retrieved.IsZero() {
		retrieved = time.Now().UTC()
	}
	var restored any
	if restoredFrom != 0 {
		restored = restoredFrom
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO dataset_versions
		(dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, etag, last_modified, row_count, current, history, restored_from)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		v.Dataset, v.ProducerVersion, v.Source, v.SHA256, v.Size, retrieved.Format(time.RFC3339Nano), now, v.ETag, v.LastModified, p.Rows(),
		mode == Replace, restored).Scan(&res.VersionID)
	if err != nil {
		return res, err
	}
	stored := 0
	if mode == Replace {
		if _, err := tx.ExecContext(ctx, "UPDATE dataset_versions SET current = 0 WHERE dataset = ? AND id <> ?", v.Dataset, res.VersionID); err != nil {
			return res, err
		}
		var n sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT SUM(n) FROM series WHERE dataset = ?", v.Dataset).Scan(&n); err != nil {
			return res, err
		}
		stored = int(n.Int64)
	}
	stRows, err := upsertAllSeries(ctx, tx, v.Dataset, p.Series)
	if err != nil {
		return res, err
	}
	obsw := newBatch(tx, "INSERT INTO observations (series_id, date, value, version_id) VALUES ", "(?, ?, ?, ?)",
		" ON CONFLICT (series_id, date) DO UPDATE SET value = excluded.value, version_id = excluded.version_id", 4, obsBatch)
	hist := newBatch(tx, "INSERT INTO observation_history (series_id, date, value, version_id, superseded_by) VALUES ", "(?, ?, ?, ?, ?)",
		"", 5, obsBatch)
	if tx.pg {
		// PostgreSQL: observations go by COPY into a session-local staging
		// table, then into observations with one upsert per copyBatch
		// rows; history rows (never conflicting) straight into their table.
		// Rows are only queued while series are compared, and no read of
		// this ingest reads a queued row back, so sending them late is safe.
		if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE IF NOT EXISTS obs_stage
			(series_id BIGINT, date INTEGER, value DOUBLE PRECISION, version_id BIGINT) ON COMMIT DELETE ROWS`); err != nil {
			return res, err
		}
		obsw = newCopyBatch(tx, "obs_stage", []string{"series_id", "date", "value", "version_id"},
			`INSERT INTO observations (series_id, date, value, version_id) SELECT series_id, date, value, version_id FROM obs_stage
			ON CONFLICT (series_id, date) DO UPDATE SET value = excluded.value, version_id = excluded.version_id`, copyBatch)
		hist = newCopyBatch(tx, "observation_history", []string{"series_id", "date", "value", "version_id", "superseded_by"}, "", copyBatch)
	}
	defer obsw.close()
	defer hist.close()
	// Series summaries are written 500 per statement (UPDATE … FROM a
	// VALUES list, whose columns are column1… on both backends), not one
	// statement per series: on PostgreSQL each statement is a round trip.
	// Nothing in the loop below reads another series' summary; they are
	// flushed before deleteGoneSeries and refreshCoverage read them.
	sums := newBatch(tx, `UPDATE series SET first_date = v.column2, last_date = v.column3, n = v.column4, digest = v.column5,
		version_id = CASE WHEN v.column6 <> 0 THEN v.column7 ELSE series.version_id END FROM (VALUES `,
		"(CAST(? AS BIGINT), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS INTEGER), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS BIGINT))",
		") AS v WHERE series.id = v.column1", 7, 500)
	defer sums.close()
	readOld, err := tx.PrepareContext(ctx, "SELECT date, value, version_id FROM observations WHERE series_id = ? ORDER BY date")
	if err != nil {
		return res, err
	}
	defer readOld.Close()

	kept := map[int64]bool{}
	var guard shrinkGuard
	res.ChangedFrom = math.MaxInt32
	for _, se := range p.Series {
		sr := stRows[[2]string{se.Indicator, se.Entity}]
		id, n, lastDate, digest := sr.id, sr.n, sr.lastDate, sr.digest
		kept[id] = true
		res.Series++
		var sum seriesSummary
		if mode == Replace {
			// When the new file's values up to the stored last date are
			// exactly the stored ones (same count and digest), only the
			// dates after it are new: the stored values need not be read,
			// so an update costs what it adds (plus hashing the file).
			if n > 0 && digest.Valid && lastDate.Valid {
				k := sort.Search(len(se.Points), func(i int) bool { return se.Points[i].Date > obs.Date(lastDate.Int64) })
				if k == n && digestOf(se.Points[:k]) == digest.String {
					sum, err = appendSeries(ctx, obsw, id, se, k, res.VersionID, &res)
					if err != nil {
						return res, err
					}
					if err := sums.add(ctx, id, sum.first, sum.last, sum.n, sum.digest, sum.changed, res.VersionID); err != nil {
						return res, err
					}
					continue
				}
			}
			var old []obs.Point
			var oldVersions []int64
			if n > 0 { // a new or emptied series has nothing to compare with
				if old, oldVersions, err = storedPoints(ctx, readOld, id); err != nil {
					return res, err
				}
			}
			sum, err = replaceSeries(ctx, tx, obsw, hist, id, old, oldVersions, se, res.VersionID, &res, &guard)
		} else {
			sum, err = mergeSeries(ctx, tx, obsw, id, n, se, res.VersionID, &res)
		}
		if err != nil {
			return res, err
		}
		if err := sums.add(ctx, id, sum.first, sum.last, sum.n, sum.digest, sum.changed, res.VersionID); err != nil {
			return res, err
		}
	}
	if err := obsw.flush(ctx); err != nil {
		return res, err
	}
	if err := hist.flush(ctx); err != nil {
		return res, err
	}
	if err := sums.flush(ctx); err != nil {
		return res, err
	}
	if mode == Replace {
		if err := deleteGoneSeries(ctx, tx, v.Dataset, kept, res.VersionID, &res, &guard); err != nil {
			return res, err
		}
		if err := guard.check(v, res.Deleted, stored); err != nil {
			return IngestResult{}, err
		}
	}
	if err := storeClimatologies(ctx, tx, v.Dataset, p.Climatologies, res.VersionID, mode == Replace); err != nil {
		return res, err
	}
	// A series that lost all its values keeps its row (n = 0, which every
	// read skips): the history tables refer to it, and a restore brings
	// it back.
	if err := refreshCoverage(ctx, tx, v.Dataset); err != nil {
		return res, err
	}
	// A version that changed nothing records the largest date, so that
	// NULL keeps meaning "unknown".
	if _, err := tx.ExecContext(ctx, "UPDATE dataset_versions SET changed_from = ? WHERE id = ?", int64(res.ChangedFrom), res.VersionID); err != nil {
		return res, err
	}
	return res, nil
}

// storedSeries is a series row as an ingest finds it: its id and the
// summary stored before this ingest.
type storedSeries struct {
	id       int64
	n        int
	lastDate sql.NullInt64
	digest   sql.NullString
}

// upsertAllSeries creates the dataset's series that are missing, sets the
// unit and frequency of all, and returns every row by (indicator, entity),
// 500 series per statement (one round trip each on PostgreSQL). The series
// of one file are distinct (obs.Parsed.Check).
func upsertAllSeries(ctx context.Context, tx *wtx, dataset string, series []obs.Series) (map[[2]string]storedSeries, error) {
	const per = 500
	out := make(map[[2]string]storedSeries, len(series))
	for lo := 0; lo < len(series); lo += per {
		chunk := series[lo:min(lo+per, len(series))]
		args := make([]any, 0, 5*len(chunk))
		for _, se := range chunk {
			args = append(args, dataset, se.Indicator, se.Entity, se.Unit, string(se.Frequency))
		}
		q := "INSERT INTO series (dataset, indicator, entity, unit, frequency) VALUES (?, ?, ?, ?, ?)" + strings.Repeat(", (?, ?, ?, ?, ?)", len(chunk)-1) +
			` ON CONFLICT (dataset, indicator, entity) DO UPDATE SET unit = excluded.unit, frequency = excluded.frequency
			RETURNING indicator, entity, id, n, last_date, digest`
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k [2]string
			var r storedSeries
			if err := rows.Scan(&k[0], &k[1], &r.id, &r.n, &r.lastDate, &r.digest); err != nil {
				rows.Close()
				return nil, err
			}
			out[k] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	if len(out) != len(series) {
		return nil, fmt.Errorf("store: %s: %d series written, %d rows returned", dataset, len(series), len(out))
	}
	return out, nil
}

// seriesSummary is the summary row of one series after an ingest.
type seriesSummary struct {
	first, last any // obs.Date as int64, or nil when the series is empty
	n           int
	digest      any  // digestOf the stored values, or nil when unknown
	changed     bool // a value was added, revised or removed
}

// summaryOf is the summary of a series whose stored values are pts.
func summaryOf(pts []obs.Point, changed bool) seriesSummary {
	if len(pts) == 0 {
		return seriesSummary{changed: changed}
	}
	return seriesSummary{first: int64(pts[0].Date), last: int64(pts[len(pts)-1].Date), n: len(pts), digest: digestOf(pts), changed: changed}
}

// digestOf is the hex sha256 of the points' dates (4 bytes) and values (8
// bytes of IEEE 754 bits), little-endian, in order: equal digests mean equal
// values on equal dates.
func digestOf(pts []obs.Point) string {
	h := sha256.New()
	var buf [12 * 256]byte
	for lo := 0; lo < len(pts); lo += 256 {
		b := buf[:0]
		for _, p := range pts[lo:min(lo+256, len(pts))] {
			b = binary.LittleEndian.AppendUint32(b, uint32(p.Date))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.Value))
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// appendSeries stores the points of se from index k on, all dated after
// the series' stored last date, whose k earlier values are unchanged.
func appendSeries(ctx context.Context, obsw *batch, id int64, se obs.Series, k int, versionID int64, res *IngestResult) (seriesSummary, error) {
	for _, p := range se.Points[k:] {
		if err := obsw.add(ctx, id, int64(p.Date), p.Value, versionID); err != nil {
			return seriesSummary{}, err
		}
		res.Rows++
		res.ChangedFrom = min(res.ChangedFrom, p.Date)
	}
	return summaryOf(se.Points, k < len(se.Points)), nil
}

// replaceSeries makes the stored values of series id (old, in date order,
// supplied by the versions oldVersions) equal se's points:
// new and revised values are queued on obsw, values the file no longer has
// are deleted, unchanged values keep their version. The old value of every
// revised or deleted date is queued on hist (observation_history). The stored values are
// read in date order and merged with the (sorted) new points, so the cost
// is one pass over both. Lost values are reported to guard.
func replaceSeries(ctx context.Context, tx *wtx, obsw, hist *batch, id int64, old []obs.Point, oldVersions []int64, se obs.Series, versionID int64, res *IngestResult, guard *shrinkGuard) (seriesSummary, error) {
	pts := se.Points
	rows := res.Rows
	var gone []obs.Date
	added := map[int]int{} // year → dates the file adds that were not stored
	i, j := 0, 0
	for i < len(old) || j < len(pts) {
		switch {
		case j == len(pts) || (i < len(old) && old[i].Date < pts[j].Date):
			gone = append(gone, old[i].Date)
			if err := hist.add(ctx, id, int64(old[i].Date), old[i].Value, oldVersions[i], versionID); err != nil {
				return seriesSummary{}, err
			}
			res.ChangedFrom = min(res.ChangedFrom, old[i].Date)
			i++
		case i == len(old) || pts[j].Date < old[i].Date:
			if len(old) > 0 && pts[j].Date < old[len(old)-1].Date {
				added[pts[j].Date.Year()]++
			}
			if err := obsw.add(ctx, id, int64(pts[j].Date), pts[j].Value, versionID); err != nil {
				return seriesSummary{}, err
			}
			res.ChangedFrom = min(res.ChangedFrom, pts[j].Date)
			res.Rows++
			j++
		default: // same date
			if old[i].Value != pts[j].Value {
				if err := hist.add(ctx, id, int64(old[i].Date), old[i].Value, oldVersions[i], versionID); err != nil {
					return seriesSummary{}, err
				}
				if err := obsw.add(ctx, id, int64(pts[j].Date), pts[j].Value, versionID); err != nil {
					return seriesSummary{}, err
				}
				res.ChangedFrom = min(res.ChangedFrom, pts[j].Date)
				res.Rows++
			}
			i++
			j++
		}
	}
	if len(gone) > 0 {
		guard.series(se, old, gone, added)
		if err := deleteDates(ctx, tx, id, gone); err != nil {
			return seriesSummary{}, err
		}
		res.Deleted += len(gone)
	}
	return summaryOf(pts, res.Rows > rows || len(gone) > 0), nil
}

// mergeSeries upserts se's points into series id, which holds n values.
// Only the stored dates within the new points' range are read, so the cost
// is proportional to the new data (one day's file adds one value to a
// gridded series of decades).
func mergeSeries(ctx context.Context, tx *wtx, obsw *batch, id int64, n int, se obs.Series, versionID int64, res *IngestResult) (seriesSummary, error) {
	pts := se.Points
	var first, last sql.NullInt64
	if err := tx.QueryRowContext(ctx, "SELECT first_date, last_date FROM series WHERE id = ?", id).Scan(&first, &last); err != nil {
		return seriesSummary{}, err
	}
	if len(pts) == 0 {
		sum := seriesSummary{n: n}
		if first.Valid {
			sum.first, sum.last = first.Int64, last.Int64
		}
		return sum, nil
	}
	existing, err := storedDates(ctx, tx, id, pts[0].Date, pts[len(pts)-1].Date)
	if err != nil {
		return seriesSummary{}, err
	}
	for _, pt := range pts {
		if !existing[pt.Date] {
			n++
		}
		if err := obsw.add(ctx, id, int64(pt.Date), pt.Value, versionID); err != nil {
			return seriesSummary{}, err
		}
		res.Rows++
	}
	res.ChangedFrom = min(res.ChangedFrom, pts[0].Date)
	lo, hi := int64(pts[0].Date), int64(pts[len(pts)-1].Date)
	if first.Valid {
		lo, hi = min(lo, first.Int64), max(hi, last.Int64)
	}
	return seriesSummary{first: lo, last: hi, n: n, changed: true}, nil // digest unknown after a merge
}

// deleteGoneSeries deletes the observations of the dataset's series that the
// new version no longer has. A series the new file lacks altogether is the
// clearest sign of a file cut short (at an entity boundary, say): it counts
// against the guard like a series that stops early. The deleted values are
// copied to observation_history, superseded by version versionID.
func deleteGoneSeries(ctx context.Context, tx *wtx, dataset string, kept map[int64]bool, versionID int64, res *IngestResult, guard *shrinkGuard) error {
	rows, err := tx.QueryContext(ctx, "SELECT id, indicator, entity, n, first_date FROM series WHERE dataset = ? AND n > 0", dataset)
	if err != nil {
		return err
	}
	type goneSeries struct {
		id                int64
		indicator, entity string
		n                 int
		first             int64
	}
	var gone []goneSeries
	for rows.Next() {
		var g goneSeries
		if err := rows.Scan(&g.id, &g.indicator, &g.entity, &g.n, &g.first); err != nil {
			rows.Close()
			return err
		}
		if !kept[g.id] {
			gone = append(gone, g)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, g := range gone {
		if _, err := tx.ExecContext(ctx, `INSERT INTO observation_history (series_id, date, value, version_id, superseded_by)
			SELECT series_id, date, value, version_id, ? FROM observations WHERE series_id = ?`, versionID, g.id); err != nil {
			return err
		}
		r, err := tx.ExecContext(ctx, "DELETE FROM observations WHERE series_id = ?", g.id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE series SET first_date = NULL, last_date = NULL, n = 0, digest = NULL WHERE id = ?", g.id); err != nil {
			return err
		}
		n, _ := r.RowsAffected()
		res.Deleted += int(n)
		res.ChangedFrom = min(res.ChangedFrom, obs.Date(g.first))
		if n > 0 {
			guard.note(fmt.Sprintf("%s: %d stored values, the new file has none", seriesLabel(g.indicator, g.entity), n))
		}
	}
	return nil
}

// storedPoints returns the stored values of one series in date order and
// the version that supplied each, read with the prepared statement readOld
// (see ingestTx).
func storedPoints(ctx context.Context, readOld *stmt, seriesID int64) ([]obs.Point, []int64, error) {
	rows, err := readOld.QueryContext(ctx, seriesID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []obs.Point
	var vers []int64
	for rows.Next() {
		var d, ver int64
		var v float64
		if err := rows.Scan(&d, &v, &ver); err != nil {
			return nil, nil, err
		}
		out = append(out, obs.Point{Date: obs.Date(d), Value: v})
		vers = append(vers, ver)
	}
	return out, vers, rows.Err()
}

// storedDates returns the stored dates of one series within [from, to].
func storedDates(ctx context.Context, tx *wtx, seriesID int64, from, to obs.Date) (map[obs.Date]bool, error) {
	rows, err := tx.QueryContext(ctx, "SELECT date FROM observations WHERE series_id = ? AND date BETWEEN ? AND ?", seriesID, int64(from), int64(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[obs.Date]bool{}
	for rows.Next() {
		var d int64
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out[obs.Date(d)] = true
	}
	return out, rows.Err()
}

// deleteDates deletes the given dates of one series, many per statement.
func deleteDates(ctx context.Context, tx *wtx, seriesID int64, dates []obs.Date) error {
	const per = 500
	for lo := 0; lo < len(dates); lo += per {
		chunk := dates[lo:min(lo+per, len(dates))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, seriesID)
		for _, d := range chunk {
			args = append(args, int64(d))
		}
		q := "DELETE FROM observations WHERE series_id = ? AND date IN (?" + strings.Repeat(",?", len(chunk)-1) + ")"
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// climKey identifies one stored climatology slot.
type climKey struct {
	series   int64
	baseline string
	slot     int
}

// climRow is one stored climatology slot's content and the version that
// supplied it.
type climRow struct {
	convention string
	value      sql.NullFloat64
	version    int64
}

// storeClimatologies writes a file's producer climatologies. With replace
// (Replace mode) the dataset's stored climatologies become exactly cs: a
// slot whose value and convention are unchanged keeps its row and version,
// a changed or removed slot is copied to climatology_history (superseded by
// versionID) before it is overwritten or deleted. Without replace (Merge
// mode) the slots of cs are upserted and the others stay.
func storeClimatologies(ctx context.Context, tx *wtx, dataset string, cs []obs.Climatology, versionID int64, replace bool) error {
	var old map[climKey]climRow
	if replace {
		var err error
		if old, err = storedClimatologies(ctx, tx, dataset); err != nil {
			return err
		}
	}
	if len(cs) == 0 && len(old) == 0 {
		return nil
	}
	b := newBatch(tx, "INSERT INTO climatologies (series_id, baseline, convention, slot, value, version_id) VALUES ", "(?, ?, ?, ?, ?, ?)",
		" ON CONFLICT (series_id, baseline, slot) DO UPDATE SET value = excluded.value, convention = excluded.convention, version_id = excluded.version_id", 6, 100)
	defer b.close()
	hist := newBatch(tx, "INSERT INTO climatology_history (series_id, baseline, slot, convention, value, version_id, superseded_by) VALUES ",
		"(?, ?, ?, ?, ?, ?, ?)", "", 7, 100)
	defer hist.close()
	for _, c := range cs {
		var id int64
		err := tx.QueryRowContext(ctx, "SELECT id FROM series WHERE dataset = ? AND indicator = ? AND entity = ?", dataset, c.Indicator, c.Entity).Scan(&id)
		if err != nil {
			return fmt.Errorf("store: climatology %s %s for a series with no observations: %w", c.Indicator, c.Baseline, err)
		}
		for slot, val := range c.Values {
			var value any
			if !math.IsNaN(val) {
				value = val
			}
			k := climKey{id, c.Baseline, slot}
			if o, ok := old[k]; ok {
				delete(old, k)
				if o.convention == c.Convention && o.value.Valid == !math.IsNaN(val) && (!o.value.Valid || o.value.Float64 == val) {
					continue // unchanged: keeps its row and version
				}
				if err := hist.add(ctx, id, c.Baseline, slot, o.convention, o.value, o.version, versionID); err != nil {
					return err
				}
			}
			if err := b.add(ctx, id, c.Baseline, c.Convention, slot, value, versionID); err != nil {
				return err
			}
		}
	}
	if err := b.flush(ctx); err != nil {
		return err
	}
	// The slots left in old are not in the new file: kept in history, deleted.
	for k, o := range old {
		if err := hist.add(ctx, k.series, k.baseline, k.slot, o.convention, o.value, o.version, versionID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM climatologies WHERE series_id = ? AND baseline = ? AND slot = ?", k.series, k.baseline, k.slot); err != nil {
			return err
		}
	}
	return hist.flush(ctx)
}

// storedClimatologies reads every stored climatology slot of a dataset.
func storedClimatologies(ctx context.Context, tx *wtx, dataset string) (map[climKey]climRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT c.series_id, c.baseline, c.slot, c.convention, c.value, c.version_id
		FROM climatologies c JOIN series s ON s.id = c.series_id WHERE s.dataset = ?`, dataset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[climKey]climRow{}
	for rows.Next() {
		var k climKey
		var r climRow
		if err := rows.Scan(&k.series, &k.baseline, &k.slot, &r.convention, &r.value, &r.version); err != nil {
			return nil, err
		}
		out[k] = r
	}
	return out, rows.Err()
}
