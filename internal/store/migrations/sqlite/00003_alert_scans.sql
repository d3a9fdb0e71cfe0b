-- +goose Up
-- alert_scans remembers, per dataset, the version whose data record-event
-- detection last completed for, so that a detection that failed (or never
-- ran) after an ingest is caught up later, and a finished one is not redone.
CREATE TABLE alert_scans (
    dataset    TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    scanned_at TEXT    NOT NULL -- RFC 3339, UTC
);

-- +goose Down
DROP TABLE alert_scans;
