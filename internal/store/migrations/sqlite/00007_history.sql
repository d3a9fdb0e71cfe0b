-- +goose Up
-- observation_history keeps every stored value that a later version of its
-- dataset revised or deleted, so that any version can be brought back
-- exactly (Store.Restore). A row says: value (in the series' unit) was the
-- series' value on date (days since 1970-01-01, internal/obs.Date) from
-- version version_id, which supplied it, until version superseded_by, which
-- revised or deleted it. The values of version N are then the observations
-- with version_id <= N plus the history rows with
-- version_id <= N < superseded_by. Rows are never deleted. Gridded datasets
-- (Merge mode, "grid:..."), whose days are separate files, keep no history.
-- The key starts with superseded_by, so an ingest appends its rows at the
-- end of the table, and restoring version N reads only the rows superseded
-- after N.
CREATE TABLE observation_history (
    series_id     INTEGER NOT NULL REFERENCES series (id),
    date          INTEGER NOT NULL,
    value         REAL    NOT NULL,
    version_id    INTEGER NOT NULL REFERENCES dataset_versions (id),
    superseded_by INTEGER NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (superseded_by, series_id, date)
) WITHOUT ROWID;

-- climatology_history does the same for producer climatologies: a slot's
-- value (NULL where the producer had none) and convention as supplied by
-- version_id until superseded_by changed or removed it.
CREATE TABLE climatology_history (
    series_id     INTEGER NOT NULL REFERENCES series (id),
    baseline      TEXT    NOT NULL,
    slot          INTEGER NOT NULL,
    convention    TEXT    NOT NULL,
    value         REAL,
    version_id    INTEGER NOT NULL REFERENCES dataset_versions (id),
    superseded_by INTEGER NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (superseded_by, series_id, baseline, slot)
) WITHOUT ROWID;

-- history is 1 for a version whose ingest recorded in the history tables
-- every value it revised or deleted. A version can be restored only when
-- every later version of its dataset has history = 1 (versions ingested
-- before this migration have 0: what they replaced is gone).
ALTER TABLE dataset_versions ADD COLUMN history INTEGER NOT NULL DEFAULT 0;
-- restored_from is the version a restore brought back (NULL for a file).
ALTER TABLE dataset_versions ADD COLUMN restored_from INTEGER REFERENCES dataset_versions (id);

-- +goose Down
ALTER TABLE dataset_versions DROP COLUMN restored_from;
ALTER TABLE dataset_versions DROP COLUMN history;
DROP TABLE climatology_history;
DROP TABLE observation_history;
