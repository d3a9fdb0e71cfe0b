package store

import (
	"context"
	"database/sql"

	"github.com/stocktake/stocktake/internal/obs"
)

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

// Coverage lists every stored (dataset, indicator) with its date range. It
// reads the coverage table Ingest keeps, so it costs one row per indicator
// whatever the number of series or observations.
func (s *Store) Coverage(ctx context.Context) (out []Coverage, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		out, err = sn.Coverage(ctx)
		return err
	})
	return out, err
}

// Coverage is Store.Coverage as seen by the snapshot.
func (sn *Snapshot) Coverage(ctx context.Context) ([]Coverage, error) {
	rows, err := sn.tx.QueryContext(ctx, `SELECT dataset, indicator, unit, frequency, entities, first_date, last_date, n
		FROM coverage ORDER BY indicator, dataset`)
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

// Summary describes one stored series without reading its values.
type Summary struct {
	Dataset   string
	Indicator string
	Entity    string
	Unit      string
	Frequency obs.Frequency
	First     obs.Date // first date with a value
	Last      obs.Date // last date with a value
	Count     int      // number of values
	// Version is the id of the last dataset version that added, revised or
	// removed a value of this series: a per-series cache key.
	Version int64
}

// Summaries returns the summaries of the stored series of one dataset
// (all datasets when dataset is ""), ordered by dataset, indicator, entity.
func (s *Store) Summaries(ctx context.Context, dataset string) (out []Summary, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		out, err = sn.Summaries(ctx, dataset)
		return err
	})
	return out, err
}

// Summaries is Store.Summaries as seen by the snapshot.
func (sn *Snapshot) Summaries(ctx context.Context, dataset string) ([]Summary, error) {
	q := `SELECT dataset, indicator, entity, unit, frequency, first_date, last_date, n, COALESCE(version_id, 0)
		FROM series WHERE n > 0`
	var args []any
	if dataset != "" {
		q += " AND dataset = ?"
		args = append(args, dataset)
	}
	rows, err := sn.tx.QueryContext(ctx, q+" ORDER BY dataset, indicator, entity", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var m Summary
		var freq string
		var first, last sql.NullInt64
		if err := rows.Scan(&m.Dataset, &m.Indicator, &m.Entity, &m.Unit, &freq, &first, &last, &m.Count, &m.Version); err != nil {
			return nil, err
		}
		m.Frequency, m.First, m.Last = obs.Frequency(freq), obs.Date(first.Int64), obs.Date(last.Int64)
		out = append(out, m)
	}
	return out, rows.Err()
}

// refreshCoverage rewrites the coverage rows of one dataset from its series
// summaries (one row per series of that dataset), inside an ingest.
func refreshCoverage(ctx context.Context, tx *wtx, dataset string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM coverage WHERE dataset = ?", dataset); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO coverage (dataset, indicator, unit, frequency, entities, first_date, last_date, n)
		SELECT dataset, indicator, MIN(unit), MIN(frequency), COUNT(*), MIN(first_date), MAX(last_date), SUM(n)
		FROM series WHERE dataset = ? AND n > 0 GROUP BY dataset, indicator`, dataset)
	return err
}
