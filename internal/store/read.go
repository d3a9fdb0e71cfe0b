package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// Window is an inclusive date range [From, To] for windowed reads; the
// filter runs in SQL on the observations' primary key, so a read costs what
// the window holds, not what the series holds.
type Window struct {
	From, To obs.Date
}

// AllDates is the window that holds every date.
var AllDates = Window{From: math.MinInt32, To: math.MaxInt32}

// Years returns the window from 1 January of first to 31 December of last.
func Years(first, last int) Window {
	return Window{From: obs.NewDate(first, 1, 1), To: obs.NewDate(last, 12, 31)}
}

// Series returns the stored points of ref's indicator for entity ("" for a
// global series), in date order, with the provenance of the dataset's
// current version. It returns ErrNotFound (wrapped) when nothing is stored.
// Points and provenance are read in one snapshot.
func (s *Store) Series(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, Source, error) {
	return s.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, entity)
}

// SeriesByID is Series addressed by dataset id and indicator id, for series
// the catalog does not declare (gridded series ingested under "grid:<ID>").
func (s *Store) SeriesByID(ctx context.Context, dataset, indicator, entity string) (se obs.Series, src Source, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		se, src, err = sn.SeriesWindow(ctx, dataset, indicator, entity, AllDates)
		return err
	})
	return se, src, err
}

// SeriesWindow is SeriesByID restricted to the dates of w, read in one
// snapshot. A series with no value in w is returned with no points (not
// ErrNotFound, which means the series is not stored at all).
func (s *Store) SeriesWindow(ctx context.Context, dataset, indicator, entity string, w Window) (se obs.Series, src Source, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		se, src, err = sn.SeriesWindow(ctx, dataset, indicator, entity, w)
		return err
	})
	return se, src, err
}

// Series is Store.Series as seen by the snapshot.
func (sn *Snapshot) Series(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, Source, error) {
	return sn.SeriesWindow(ctx, ref.Dataset.ID, ref.Indicator.ID, entity, AllDates)
}

// SeriesByID is Store.SeriesByID as seen by the snapshot.
func (sn *Snapshot) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, Source, error) {
	return sn.SeriesWindow(ctx, dataset, indicator, entity, AllDates)
}

// SeriesWindow is Store.SeriesWindow as seen by the snapshot.
func (sn *Snapshot) SeriesWindow(ctx context.Context, dataset, indicator, entity string, w Window) (obs.Series, Source, error) {
	var id int64
	se := obs.Series{Indicator: indicator, Entity: entity}
	var freq string
	err := sn.tx.QueryRowContext(ctx, "SELECT id, unit, frequency FROM series WHERE dataset = ? AND indicator = ? AND entity = ? AND n > 0",
		dataset, indicator, entity).Scan(&id, &se.Unit, &freq)
	if errors.Is(err, sql.ErrNoRows) {
		return se, Source{}, notFound(dataset, indicator, entity)
	}
	if err != nil {
		return se, Source{}, err
	}
	se.Frequency = obs.Frequency(freq)
	rows, err := sn.tx.QueryContext(ctx, "SELECT date, value FROM observations WHERE series_id = ? AND date BETWEEN ? AND ? ORDER BY date",
		id, int64(w.From), int64(w.To))
	if err != nil {
		return se, Source{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var d int64
		var v float64
		if err := rows.Scan(&d, &v); err != nil {
			return se, Source{}, err
		}
		se.Points = append(se.Points, obs.Point{Date: obs.Date(d), Value: v})
	}
	if err := rows.Err(); err != nil {
		return se, Source{}, err
	}
	src, err := source(ctx, sn.tx, dataset)
	return se, src, err
}

// AllSeries returns every entity's series of ref's indicator, sorted by
// entity, with the dataset's provenance, read in one snapshot.
func (s *Store) AllSeries(ctx context.Context, ref catalog.Ref) (out []obs.Series, src Source, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		out, src, err = sn.AllSeriesWindow(ctx, ref, AllDates, nil)
		return err
	})
	return out, src, err
}

// AllSeriesWindow is AllSeries restricted to the dates of w and, when
// entities is not empty, to those entities. Entities with no value in w are
// left out; ErrNotFound (wrapped) is returned only when the indicator has no
// stored series at all. The cost is one index range per series plus the
// values returned, so 'rank --year' reads one year whatever the archive.
func (s *Store) AllSeriesWindow(ctx context.Context, ref catalog.Ref, w Window, entities []string) (out []obs.Series, src Source, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		out, src, err = sn.AllSeriesWindow(ctx, ref, w, entities)
		return err
	})
	return out, src, err
}

// AllSeries is Store.AllSeries as seen by the snapshot.
func (sn *Snapshot) AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, Source, error) {
	return sn.AllSeriesWindow(ctx, ref, AllDates, nil)
}

// AllSeriesWindow is Store.AllSeriesWindow as seen by the snapshot.
func (sn *Snapshot) AllSeriesWindow(ctx context.Context, ref catalog.Ref, w Window, entities []string) ([]obs.Series, Source, error) {
	q := `SELECT s.entity, s.unit, s.frequency, o.date, o.value
		FROM series s JOIN observations o ON o.series_id = s.id AND o.date BETWEEN ? AND ?
		WHERE s.dataset = ? AND s.indicator = ?`
	args := []any{int64(w.From), int64(w.To), ref.Dataset.ID, ref.Indicator.ID}
	if len(entities) > 0 {
		q += " AND s.entity IN (?" + strings.Repeat(",?", len(entities)-1) + ")"
		for _, e := range entities {
			args = append(args, e)
		}
	}
	rows, err := sn.tx.QueryContext(ctx, q+" ORDER BY s.entity, o.date", args...)
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
		var n int
		if err := sn.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM series WHERE dataset = ? AND indicator = ? AND n > 0",
			ref.Dataset.ID, ref.Indicator.ID).Scan(&n); err != nil {
			return nil, Source{}, err
		}
		if n == 0 {
			return nil, Source{}, fmt.Errorf("%s (dataset %s): %w; run 'stocktake update'", ref.Indicator.ID, ref.Dataset.ID, ErrNotFound)
		}
	}
	src, err := source(ctx, sn.tx, ref.Dataset.ID)
	return out, src, err
}

// Climatologies returns the producer climatologies stored for a series.
func (s *Store) Climatologies(ctx context.Context, ref catalog.Ref, entity string) (out []obs.Climatology, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		out, err = sn.Climatologies(ctx, ref, entity)
		return err
	})
	return out, err
}

// Climatologies is Store.Climatologies as seen by the snapshot.
func (sn *Snapshot) Climatologies(ctx context.Context, ref catalog.Ref, entity string) ([]obs.Climatology, error) {
	rows, err := sn.tx.QueryContext(ctx, `SELECT c.baseline, c.convention, c.slot, c.value
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

// Lineage returns the dataset version that supplied the stored value of one
// observation: the file (source, sha256, retrieval time) a number can be
// traced to.
func (s *Store) Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (v Version, err error) {
	err = s.view(ctx, func(sn *Snapshot) error {
		v, err = sn.Lineage(ctx, dataset, indicator, entity, date)
		return err
	})
	return v, err
}

// Lineage is Store.Lineage as seen by the snapshot.
func (sn *Snapshot) Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (Version, error) {
	var id int64
	err := sn.tx.QueryRowContext(ctx, `SELECT o.version_id FROM observations o JOIN series s ON s.id = o.series_id
		WHERE s.dataset = ? AND s.indicator = ? AND s.entity = ? AND o.date = ?`, dataset, indicator, entity, int64(date)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, fmt.Errorf("%s %s %s on %s: %w", dataset, indicator, entity, date, ErrNotFound)
	}
	if err != nil {
		return Version{}, err
	}
	vs, err := versions(ctx, sn.tx, "WHERE id = ?", id)
	if err != nil || len(vs) == 0 {
		return Version{}, fmt.Errorf("version %d of %s: %w", id, dataset, ErrNotFound)
	}
	return vs[0], nil
}
