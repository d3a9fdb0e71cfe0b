-- +goose Up
-- Each series row carries a summary of its observations, kept up to date by
-- every ingest in the same transaction, so that listings (stocktake list,
-- /api/indicators) read one row per series instead of grouping over every
-- observation. Dates are days since 1970-01-01 (internal/obs.Date), NULL
-- while the series has no value.
ALTER TABLE series ADD COLUMN first_date INTEGER;
ALTER TABLE series ADD COLUMN last_date INTEGER;
-- n is the number of observations of the series.
ALTER TABLE series ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
-- version_id is the last dataset version that added, revised or removed one
-- of the series' values (a per-series data version for caches).
ALTER TABLE series ADD COLUMN version_id INTEGER REFERENCES dataset_versions (id);
-- digest is the hex sha256 of the stored (date, value) pairs in date order
-- (see internal/store digestOf), NULL when unknown (before the first ingest
-- after this migration, and after merges). An update whose values up to the
-- stored last date hash the same only appends, without reading the series.
ALTER TABLE series ADD COLUMN digest TEXT;

-- changed_from is the earliest date whose value a version added, revised
-- or removed (NULL when unknown, as for versions ingested before this
-- column existed; 2147483647 when it changed nothing): record-event detection after an update reconciles only
-- the events from about that date on.
ALTER TABLE dataset_versions ADD COLUMN changed_from INTEGER;

UPDATE series SET
    first_date = (SELECT MIN(o.date) FROM observations o WHERE o.series_id = series.id),
    last_date  = (SELECT MAX(o.date) FROM observations o WHERE o.series_id = series.id),
    n          = (SELECT COUNT(*) FROM observations o WHERE o.series_id = series.id),
    version_id = (SELECT MAX(o.version_id) FROM observations o WHERE o.series_id = series.id);

-- +goose Down
ALTER TABLE series DROP COLUMN digest;
ALTER TABLE dataset_versions DROP COLUMN changed_from;
ALTER TABLE series DROP COLUMN version_id;
ALTER TABLE series DROP COLUMN n;
ALTER TABLE series DROP COLUMN last_date;
ALTER TABLE series DROP COLUMN first_date;
