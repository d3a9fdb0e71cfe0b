package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// ErrNotRestorable is wrapped by Restore's error when the version asked for
// cannot be rebuilt exactly: a gridded dataset (which keeps no history), or
// a version followed by one ingested before the history tables existed.
var ErrNotRestorable = errors.New("the version cannot be restored")

// History is one version of a dataset as 'restore --list' shows it.
type History struct {
	Version
	// Restorable says whether Restore can rebuild this version exactly:
	// every later version of the dataset recorded what it replaced.
	Restorable bool `json:"restorable"`
}

// VersionHistory returns the versions of one dataset, newest first, each
// with whether it can be restored.
func (s *Store) VersionHistory(ctx context.Context, dataset string) (out []History, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		vs, err := allVersions(ctx, sn.tx, dataset)
		if err != nil {
			return err
		}
		lastBlind, err := lastVersionWithoutHistory(ctx, sn.tx, dataset)
		if err != nil {
			return err
		}
		for _, v := range vs {
			out = append(out, History{Version: v, Restorable: !strings.HasPrefix(dataset, "grid:") && v.ID >= lastBlind})
		}
		return nil
	})
	return out, err
}

// lastVersionWithoutHistory is the newest version of the dataset whose
// ingest did not record what it replaced (0 when every one did). Versions
// from it on can be restored; earlier ones cannot.
func lastVersionWithoutHistory(ctx context.Context, q querier, dataset string) (int64, error) {
	var id sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT MAX(id) FROM dataset_versions WHERE dataset = ? AND history = 0", dataset).Scan(&id)
	return id.Int64, err
}

// Restore brings back exactly the observations and producer climatologies
// that version versionID of dataset had, in one transaction, as a new
// version row (history stays append-only): the new version copies the old
// one's provenance (producer version, source, sha256, size, retrieval time)
// and records restored_from = versionID. Like an ingest it writes only the
// values that differ from the stored ones (they then point to the new
// version; unchanged values keep theirs), copies what it revises or deletes
// to the history tables (so a restore can itself be undone), and updates
// the series summaries, the coverage rows and changed_from.
//
// Record events are not touched (the dataset's detection checkpoints are
// discarded, so the next detection scans the whole series): the caller runs
// the same detection as after an ingest (alerts.Detect with the returned
// VersionID), which reinstates the events the restored values support
// again and retracts those they no longer do.
//
// Restoring the current version changes nothing (Unchanged). A gridded
// dataset ("grid:...", Merge mode: one file per day) keeps no history and is
// refused with ErrNotRestorable, as is a version followed by one ingested
// before history was kept (migration 00007).
func (s *Store) Restore(ctx context.Context, dataset string, versionID int64) (IngestResult, error) {
	if strings.HasPrefix(dataset, "grid:") {
		return IngestResult{}, fmt.Errorf("store: %s: %w: a gridded series is stored one daily file at a time (each file its own version) "+
			"and keeps no history; ingest the day's file again with 'grid ingest' to bring its value back", dataset, ErrNotRestorable)
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return IngestResult{}, err
	}
	defer tx.Rollback()
	vs, err := versions(ctx, tx, "WHERE id = ? AND dataset = ?", versionID, dataset)
	if err != nil {
		return IngestResult{}, err
	}
	if len(vs) == 0 {
		return IngestResult{}, fmt.Errorf("store: %s has no version %d: %w (its versions: 'stocktake restore %s --list')", dataset, versionID, ErrNotFound, dataset)
	}
	target := vs[0]
	if target.Current {
		return IngestResult{VersionID: versionID, Unchanged: true, ChangedFrom: math.MaxInt32}, nil
	}
	blind, err := lastVersionWithoutHistory(ctx, tx, dataset)
	if err != nil {
		return IngestResult{}, err
	}
	if blind > versionID {
		return IngestResult{}, fmt.Errorf("store: %s version %d: %w: version %d was ingested before history was kept, so the values it "+
			"replaced are gone; ingest the old file again instead (source %s, sha256 %s)", dataset, versionID, ErrNotRestorable, blind, target.Source, target.SHA256)
	}
	p, err := stateAt(ctx, tx, dataset, versionID)
	if err != nil {
		return IngestResult{}, err
	}
	if err := p.Check(); err != nil {
		return IngestResult{}, fmt.Errorf("store: %s version %d as rebuilt from history: %w", dataset, versionID, err)
	}
	var etag, lastModified string
	if err := tx.QueryRowContext(ctx, "SELECT etag, last_modified FROM dataset_versions WHERE id = ?", versionID).Scan(&etag, &lastModified); err != nil {
		return IngestResult{}, err
	}
	v := VersionInfo{Dataset: dataset, ProducerVersion: target.ProducerVersion, Source: target.Source, SHA256: target.SHA256,
		Size: target.Size, Retrieved: target.Retrieved, ETag: etag, LastModified: lastModified, AllowShrink: true}
	res, err := ingestTx(ctx, tx, v, p, Replace, versionID)
	if err != nil {
		return res, err
	}
	if err := discardCheckpoints(ctx, tx, dataset); err != nil {
		return res, err
	}
	return res, tx.Commit()
}

// stateAt rebuilds the observations and climatologies of a dataset as
// version n left them: the stored rows supplied by version n or earlier,
// plus the history rows supplied by version n or earlier and superseded
// after it. Series are those stored now (units and frequencies as stored
// now), each with at least one value at version n.
func stateAt(ctx context.Context, tx *wtx, dataset string, n int64) (*obs.Parsed, error) {
	rows, err := tx.QueryContext(ctx, `SELECT s.id, s.indicator, s.entity, s.unit, s.frequency, x.date, x.value FROM (
			SELECT series_id, date, value FROM observations WHERE version_id <= ?1
				AND series_id IN (SELECT id FROM series WHERE dataset = ?2)
			UNION ALL
			SELECT series_id, date, value FROM observation_history WHERE version_id <= ?1 AND superseded_by > ?1
				AND series_id IN (SELECT id FROM series WHERE dataset = ?2)
		) x JOIN series s ON s.id = x.series_id
		ORDER BY s.id, x.date`, n, dataset)
	if err != nil {
		return nil, err
	}
	p := &obs.Parsed{}
	last := int64(-1)
	for rows.Next() {
		var id, d int64
		var ind, ent, unit, freq string
		var v float64
		if err := rows.Scan(&id, &ind, &ent, &unit, &freq, &d, &v); err != nil {
			rows.Close()
			return nil, err
		}
		if id != last {
			p.Series = append(p.Series, obs.Series{Indicator: ind, Entity: ent, Unit: unit, Frequency: obs.Frequency(freq)})
			last = id
		}
		se := &p.Series[len(p.Series)-1]
		se.Points = append(se.Points, obs.Point{Date: obs.Date(d), Value: v})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT s.indicator, s.entity, x.baseline, x.convention, x.slot, x.value FROM (
			SELECT series_id, baseline, convention, slot, value FROM climatologies WHERE version_id <= ?1
				AND series_id IN (SELECT id FROM series WHERE dataset = ?2)
			UNION ALL
			SELECT series_id, baseline, convention, slot, value FROM climatology_history WHERE version_id <= ?1 AND superseded_by > ?1
				AND series_id IN (SELECT id FROM series WHERE dataset = ?2)
		) x JOIN series s ON s.id = x.series_id
		ORDER BY s.id, x.baseline, x.slot`, n, dataset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var ind, ent, baseline, conv string
		var slot int
		var value sql.NullFloat64
		if err := rows.Scan(&ind, &ent, &baseline, &conv, &slot, &value); err != nil {
			return nil, err
		}
		cs := p.Climatologies
		if len(cs) == 0 || cs[len(cs)-1].Indicator != ind || cs[len(cs)-1].Entity != ent || cs[len(cs)-1].Baseline != baseline {
			p.Climatologies = append(p.Climatologies, obs.Climatology{Indicator: ind, Entity: ent, Baseline: baseline, Convention: conv})
		}
		c := &p.Climatologies[len(p.Climatologies)-1]
		for len(c.Values) < slot {
			c.Values = append(c.Values, math.NaN())
		}
		v := math.NaN()
		if value.Valid {
			v = value.Float64
		}
		c.Values = append(c.Values, v)
	}
	return p, rows.Err()
}

// Backup writes a consistent copy of the whole database to path with
// VACUUM INTO, which reads one snapshot (in WAL mode ingests and readers
// carry on meanwhile) and writes a compacted file. path must not exist: it
// is created first with mode 0600 (the copy holds everything the database
// does), and removed again when the copy fails. The copy is a complete
// stocktake database; open it with Open (or point --db at it).
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.db.pg {
		return fmt.Errorf("store: backup: %s is a PostgreSQL database; back it up with the server's tools, "+
			"e.g. pg_dump --format=custom --file=%s '<the same URL>' (restore with pg_restore): 'stocktake backup' copies SQLite files only", s.path, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("store: backup: %s already exists; a backup never overwrites a file, choose a new path", path)
		}
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup: %w", err)
	}
	// The file exists (empty, 0600; a umask only removes bits): VACUUM
	// INTO accepts an empty target and keeps its mode.
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		os.Remove(path)
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
