package store

import (
	"context"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// The interfaces below name what each consumer of the store needs, so that
// api, alerts and query can depend on (and tests can fake) a small surface
// rather than *Store. Both *Store (each call its own snapshot) and
// *Snapshot (every call the same one) implement SeriesReader and
// CatalogReader.

// SeriesReader reads observations and producer climatologies, whole or
// restricted to a window of dates.
type SeriesReader interface {
	Series(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, Source, error)
	SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, Source, error)
	SeriesWindow(ctx context.Context, dataset, indicator, entity string, w Window) (obs.Series, Source, error)
	AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, Source, error)
	AllSeriesWindow(ctx context.Context, ref catalog.Ref, w Window, entities []string) ([]obs.Series, Source, error)
	Climatologies(ctx context.Context, ref catalog.Ref, entity string) ([]obs.Climatology, error)
}

// CatalogReader reads what is stored without reading observations:
// coverage, series summaries, versions and lineage.
type CatalogReader interface {
	Coverage(ctx context.Context) ([]Coverage, error)
	Summaries(ctx context.Context, dataset string) ([]Summary, error)
	CurrentVersion(ctx context.Context, dataset string) (Version, bool, error)
	Versions(ctx context.Context, dataset string) ([]Version, error)
	DataVersion(ctx context.Context, dataset string) (int64, error)
	Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (Version, error)
}

// Snapshotter opens consistent read views; a query that reads several
// things (values, their source, the generation it caches under) reads them
// through one Snapshot.
type Snapshotter interface {
	Snapshot(ctx context.Context) (*Snapshot, error)
	Generation(ctx context.Context) (int64, error)
}

// EventStore is what record-event detection and the events API use.
type EventStore interface {
	SeriesReader
	CurrentVersion(ctx context.Context, dataset string) (Version, bool, error)
	Snapshot(ctx context.Context) (*Snapshot, error)
	Events(ctx context.Context, f EventFilter) ([]EventRow, error)
	Event(ctx context.Context, id int64) (EventRow, error)
	EventScan(ctx context.Context, dataset string) (int64, time.Time, bool, error)
	ChangedSince(ctx context.Context, dataset string, since, upTo int64) (obs.Date, bool, bool, error)
	BeginEvents(ctx context.Context, now time.Time) (*EventTx, error)
}

// FetchStateStore is what ingest and the health endpoints use to remember
// fetches.
type FetchStateStore interface {
	GetFetchState(ctx context.Context, dataset string) (FetchState, error)
	FetchStates(ctx context.Context) ([]FetchState, error)
}

var (
	_ SeriesReader    = (*Store)(nil)
	_ SeriesReader    = (*Snapshot)(nil)
	_ CatalogReader   = (*Store)(nil)
	_ CatalogReader   = (*Snapshot)(nil)
	_ Snapshotter     = (*Store)(nil)
	_ EventStore      = (*Store)(nil)
	_ FetchStateStore = (*Store)(nil)
)
