package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// Snapshot is a consistent read view of the store: every read made through
// it sees the same committed state, whatever ingests commit meanwhile. It
// holds one read transaction (in WAL mode readers never block the writer
// nor wait for it); Close it promptly, since a long-lived snapshot keeps
// the WAL from being checkpointed.
//
// Generation identifies the data the snapshot sees: it changes whenever an
// ingest commits new data, so it is the key under which answers computed
// from the snapshot may be cached.
type Snapshot struct {
	tx  *wtx
	gen int64
}

// Snapshot opens a read view; the caller must Close it.
func (s *Store) Snapshot(ctx context.Context) (*Snapshot, error) {
	tx, err := s.beginRead(ctx)
	if err != nil {
		return nil, err
	}
	sn := &Snapshot{tx: tx}
	// The first read fixes the transaction's view; reading the generation
	// first ties it to everything read later.
	if sn.gen, err = generation(ctx, tx); err != nil {
		tx.Rollback()
		return nil, err
	}
	return sn, nil
}

// Close ends the snapshot's read transaction.
func (sn *Snapshot) Close() error { return sn.tx.Rollback() }

// Generation returns the data generation the snapshot reads (see
// Store.Generation).
func (sn *Snapshot) Generation() int64 { return sn.gen }

// view runs f on a fresh snapshot and closes it.
func (s *Store) view(ctx context.Context, f func(*Snapshot) error) error {
	sn, err := s.Snapshot(ctx)
	if err != nil {
		return err
	}
	defer sn.Close()
	return f(sn)
}

// Generation returns a number that changes whenever an ingest commits new
// data (it is the id of the newest dataset version row, 0 for an empty
// store). Answers derived from the stored data may be cached under it; to
// tie an answer to the data it was computed from, read both through one
// Snapshot and use Snapshot.Generation.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	return generation(ctx, s.db)
}

func generation(ctx context.Context, q querier) (int64, error) {
	var g sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT MAX(id) FROM dataset_versions").Scan(&g)
	return g.Int64, err
}

// DataVersion returns the id of the newest version of one dataset (0 when
// none): it changes whenever that dataset's data change, and is a cheaper,
// narrower cache key than Generation for answers about one dataset.
func (s *Store) DataVersion(ctx context.Context, dataset string) (int64, error) {
	return dataVersion(ctx, s.db, dataset)
}

// DataVersion is Store.DataVersion as seen by the snapshot.
func (sn *Snapshot) DataVersion(ctx context.Context, dataset string) (int64, error) {
	return dataVersion(ctx, sn.tx, dataset)
}

func dataVersion(ctx context.Context, q querier, dataset string) (int64, error) {
	var g sql.NullInt64
	err := q.QueryRowContext(ctx, "SELECT MAX(id) FROM dataset_versions WHERE dataset = ?", dataset).Scan(&g)
	return g.Int64, err
}

// CurrentVersion returns the dataset's current version, if any.
func (s *Store) CurrentVersion(ctx context.Context, dataset string) (Version, bool, error) {
	return currentVersion(ctx, s.db, dataset)
}

// CurrentVersion is Store.CurrentVersion as seen by the snapshot.
func (sn *Snapshot) CurrentVersion(ctx context.Context, dataset string) (Version, bool, error) {
	return currentVersion(ctx, sn.tx, dataset)
}

func currentVersion(ctx context.Context, q querier, dataset string) (Version, bool, error) {
	vs, err := versions(ctx, q, "WHERE dataset = ? AND current = 1 ORDER BY id DESC LIMIT 1", dataset)
	if err != nil || len(vs) == 0 {
		return Version{}, false, err
	}
	return vs[0], true, nil
}

// Versions returns the version history of a dataset, newest first; all
// datasets when dataset is "".
func (s *Store) Versions(ctx context.Context, dataset string) ([]Version, error) {
	return allVersions(ctx, s.db, dataset)
}

// Versions is Store.Versions as seen by the snapshot.
func (sn *Snapshot) Versions(ctx context.Context, dataset string) ([]Version, error) {
	return allVersions(ctx, sn.tx, dataset)
}

func allVersions(ctx context.Context, q querier, dataset string) ([]Version, error) {
	if dataset == "" {
		return versions(ctx, q, "ORDER BY id DESC")
	}
	return versions(ctx, q, "WHERE dataset = ? ORDER BY id DESC", dataset)
}

// HasVersion reports whether bytes with this sha256 were ever ingested for
// the dataset (used to resume gridded ingests).
func (s *Store) HasVersion(ctx context.Context, dataset, sha256 string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dataset_versions WHERE dataset = ? AND sha256 = ? AND current = 1", dataset, sha256).Scan(&n)
	return n > 0, err
}

func versions(ctx context.Context, q querier, where string, args ...any) ([]Version, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, row_count, current,
		COALESCE(restored_from, 0) FROM dataset_versions `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		var ret, ing string
		if err := rows.Scan(&v.ID, &v.Dataset, &v.ProducerVersion, &v.Source, &v.SHA256, &v.Size, &ret, &ing, &v.Rows, &v.Current, &v.RestoredFrom); err != nil {
			return nil, err
		}
		v.Retrieved, _ = time.Parse(time.RFC3339Nano, ret)
		v.Ingested, _ = time.Parse(time.RFC3339Nano, ing)
		out = append(out, v)
	}
	return out, rows.Err()
}

// source returns the provenance of a dataset's stored values.
//
// A dataset assembled from many files (a gridded series: one version per
// daily file) has no single file behind it. Its Source then has Files (the
// number of files its values come from), their folder (the longest common
// directory), the producer version they share and the newest retrieval
// time, with no sha256; each value's own file is given by Lineage.
func source(ctx context.Context, q querier, dataset string) (Source, error) {
	if !strings.HasPrefix(dataset, "grid:") {
		// A catalog dataset: every stored value comes from its current
		// version or an earlier one of the same file.
		return currentSource(ctx, q, dataset)
	}
	// A gridded series: the versions (files) that supplied the stored
	// values, one per day (a re-issued day replaces the values of the file
	// before it, which then no longer counts).
	rows, err := q.QueryContext(ctx, `SELECT v.producer_version, v.source, v.retrieved_at FROM dataset_versions v
		WHERE v.id IN (SELECT DISTINCT o.version_id FROM observations o JOIN series s ON s.id = o.series_id WHERE s.dataset = ?)
		ORDER BY v.source`, dataset)
	if err != nil {
		return Source{Dataset: dataset}, err
	}
	var n int
	var firstSrc, lastSrc, maxRet string
	producerVersions := map[string]bool{}
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
		producerVersions[pv] = true
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Source{Dataset: dataset}, err
	}
	if n <= 1 {
		return currentSource(ctx, q, dataset)
	}
	ret, _ := time.Parse(time.RFC3339Nano, maxRet)
	out := Source{Dataset: dataset, Files: n, URL: commonDir(firstSrc, lastSrc), Retrieved: ret}
	if len(producerVersions) == 1 {
		for pv := range producerVersions {
			out.Version = pv
		}
	} else {
		out.Version = fmt.Sprintf("%d producer versions", len(producerVersions))
	}
	return out, nil
}

// currentSource is the provenance of the dataset's current version.
func currentSource(ctx context.Context, q querier, dataset string) (Source, error) {
	v, ok, err := currentVersion(ctx, q, dataset)
	if err != nil || !ok {
		return Source{Dataset: dataset}, err
	}
	return Source{Dataset: dataset, Version: v.ProducerVersion, SHA256: v.SHA256, URL: v.Source, Retrieved: v.Retrieved}, nil
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

// notFound wraps ErrNotFound with the series named.
func notFound(dataset, indicator, entity string) error {
	what := indicator
	if entity != "" {
		what += " for " + entity
	}
	return fmt.Errorf("%s (dataset %s): %w; run 'stocktake update'", what, dataset, ErrNotFound)
}

// ChangedSince returns the earliest date whose value any version of the
// dataset after version `since` up to version `upTo` added, revised or
// removed. ok is false when that is unknown (a version from before the
// store recorded it, or `since` is not a version of the dataset): the caller
// must then assume everything changed. changed is false when those versions
// changed no value.
func (s *Store) ChangedSince(ctx context.Context, dataset string, since, upTo int64) (from obs.Date, changed, ok bool, err error) {
	var known, total int
	var minFrom sql.NullInt64
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(changed_from), COUNT(*), MIN(changed_from) FROM dataset_versions
		WHERE dataset = ? AND id > ? AND id <= ?`, dataset, since, upTo).Scan(&known, &total, &minFrom)
	if err != nil {
		return 0, false, false, err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM dataset_versions WHERE dataset = ? AND id = ?", dataset, since).Scan(&n); err != nil {
		return 0, false, false, err
	}
	if n == 0 {
		return 0, false, false, nil
	}
	// NULL is unknown; a version that changed nothing holds math.MaxInt32.
	if known != total {
		return 0, false, false, nil
	}
	if !minFrom.Valid || minFrom.Int64 == math.MaxInt32 {
		return 0, false, true, nil
	}
	return obs.Date(minFrom.Int64), true, true, nil
}
