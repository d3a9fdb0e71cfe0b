-- +goose Up
-- alert_checkpoints holds the running state of record-event detection
-- (internal/alerts) at the start of a year, so that detection after an
-- update reads only the data from that date on instead of the whole series
-- (docs/store.md, "Detection"). One row per series (dataset, indicator,
-- entity) and checkpoint date (days since 1970-01-01, a 1 January): the
-- state of every running record computed from the values dated before it.
--
-- rules names the judging rules the state was computed under (format
-- version, smoothing, resolutions): a row whose rules differ from the
-- current ones is ignored. version_id is the dataset version whose data the
-- state was computed from: the row holds only while no later version
-- changed a value dated before the checkpoint (plus a margin for smoothing
-- and gap filling), which detection checks with dataset_versions.changed_from.
-- state is an opaque encoding owned by internal/alerts.
CREATE TABLE alert_checkpoints (
    dataset    TEXT    NOT NULL,
    indicator  TEXT    NOT NULL,
    entity     TEXT    NOT NULL,
    date       INTEGER NOT NULL,
    rules      TEXT    NOT NULL,
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    state      BLOB    NOT NULL,
    PRIMARY KEY (dataset, indicator, entity, date)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE alert_checkpoints;
