-- +goose Up
-- dataset_versions records every distinct file (or set of files) ever ingested
-- for a dataset: where it came from, its checksum and size, when it was
-- retrieved. Rows are never deleted, so the version history survives updates.
CREATE TABLE dataset_versions (
    id               INTEGER PRIMARY KEY,
    dataset          TEXT    NOT NULL,
    producer_version TEXT    NOT NULL,
    source           TEXT    NOT NULL, -- URL, or mirror path for --from
    sha256           TEXT    NOT NULL, -- hex, of the bytes as received
    size             INTEGER NOT NULL, -- bytes
    retrieved_at     TEXT    NOT NULL, -- RFC 3339, UTC
    ingested_at      TEXT    NOT NULL, -- RFC 3339, UTC
    etag             TEXT    NOT NULL DEFAULT '',
    last_modified    TEXT    NOT NULL DEFAULT '',
    row_count        INTEGER NOT NULL,
    current          INTEGER NOT NULL DEFAULT 0 -- 1 while this version's observations are stored
);
CREATE INDEX dataset_versions_dataset ON dataset_versions (dataset, sha256);

-- series is one indicator for one entity ('' for global) from one dataset.
CREATE TABLE series (
    id        INTEGER PRIMARY KEY,
    dataset   TEXT NOT NULL,
    indicator TEXT NOT NULL,
    entity    TEXT NOT NULL DEFAULT '',
    unit      TEXT NOT NULL,
    frequency TEXT NOT NULL,
    UNIQUE (dataset, indicator, entity)
);
CREATE INDEX series_indicator ON series (indicator, entity);

-- observations holds the values; date is days since 1970-01-01 (see
-- internal/obs.Date). Each row points to the dataset version it came from.
CREATE TABLE observations (
    series_id  INTEGER NOT NULL REFERENCES series (id),
    date       INTEGER NOT NULL,
    value      REAL    NOT NULL,
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (series_id, date)
) WITHOUT ROWID;

-- climatologies keeps a producer's own published climatology (such as
-- Climate Reanalyzer's 1991-2020 row), slot by slot.
CREATE TABLE climatologies (
    series_id  INTEGER NOT NULL REFERENCES series (id),
    baseline   TEXT    NOT NULL,
    convention TEXT    NOT NULL,
    slot       INTEGER NOT NULL,
    value      REAL, -- NULL where the producer has no value
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (series_id, baseline, slot)
) WITHOUT ROWID;

-- fetch_state remembers, per dataset, the validators for conditional
-- requests and the outcome of the last attempts.
CREATE TABLE fetch_state (
    dataset       TEXT PRIMARY KEY,
    url           TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_success  TEXT NOT NULL DEFAULT '',
    last_failure  TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT ''
);

-- observations_readable shows observations with ISO dates and provenance, for
-- people who open the database with the sqlite3 shell.
CREATE VIEW observations_readable AS
SELECT s.dataset, s.indicator, s.entity, date(o.date * 86400, 'unixepoch') AS date, o.value, s.unit,
       v.producer_version, v.sha256, v.source, v.retrieved_at
FROM observations o
JOIN series s ON s.id = o.series_id
JOIN dataset_versions v ON v.id = o.version_id;

-- +goose Down
DROP VIEW observations_readable;
DROP TABLE fetch_state;
DROP TABLE climatologies;
DROP TABLE observations;
DROP TABLE series;
DROP TABLE dataset_versions;
