-- +goose Up
-- See migrations/sqlite/00003_alert_scans.sql.
CREATE TABLE alert_scans (
    dataset    TEXT COLLATE "C"   PRIMARY KEY,
    version_id BIGINT NOT NULL REFERENCES dataset_versions (id),
    scanned_at TEXT COLLATE "C"   NOT NULL -- RFC 3339, UTC
);

-- +goose Down
DROP TABLE alert_scans;
