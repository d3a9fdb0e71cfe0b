-- +goose Up
-- coverage summarises each stored (dataset, indicator): what 'stocktake
-- list' and /api/indicators show. Ingest rewrites a dataset's rows from its
-- series summaries in the same transaction as the data, so a listing reads
-- one row per indicator whatever the number of series or observations.
-- Dates are days since 1970-01-01 (internal/obs.Date).
CREATE TABLE coverage (
    dataset    TEXT    NOT NULL,
    indicator  TEXT    NOT NULL,
    unit       TEXT    NOT NULL,
    frequency  TEXT    NOT NULL,
    entities   INTEGER NOT NULL, -- series with at least one value
    first_date INTEGER NOT NULL,
    last_date  INTEGER NOT NULL,
    n          INTEGER NOT NULL, -- observations
    PRIMARY KEY (dataset, indicator)
) WITHOUT ROWID;

INSERT INTO coverage (dataset, indicator, unit, frequency, entities, first_date, last_date, n)
SELECT dataset, indicator, MIN(unit), MIN(frequency), COUNT(*), MIN(first_date), MAX(last_date), SUM(n)
FROM series WHERE n > 0 GROUP BY dataset, indicator;

-- +goose Down
DROP TABLE coverage;
