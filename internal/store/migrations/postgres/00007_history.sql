-- +goose Up
-- See migrations/sqlite/00007_history.sql.
CREATE TABLE observation_history (
    series_id     BIGINT           NOT NULL REFERENCES series (id),
    date          INTEGER          NOT NULL,
    value         DOUBLE PRECISION NOT NULL,
    version_id    BIGINT           NOT NULL REFERENCES dataset_versions (id),
    superseded_by BIGINT           NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (superseded_by, series_id, date)
);

CREATE TABLE climatology_history (
    series_id     BIGINT  NOT NULL REFERENCES series (id),
    baseline      TEXT COLLATE "C"    NOT NULL,
    slot          INTEGER NOT NULL,
    convention    TEXT COLLATE "C"    NOT NULL,
    value         DOUBLE PRECISION,
    version_id    BIGINT  NOT NULL REFERENCES dataset_versions (id),
    superseded_by BIGINT  NOT NULL REFERENCES dataset_versions (id),
    PRIMARY KEY (superseded_by, series_id, baseline, slot)
);

ALTER TABLE dataset_versions ADD COLUMN history INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dataset_versions ADD COLUMN restored_from BIGINT REFERENCES dataset_versions (id);

-- +goose Down
ALTER TABLE dataset_versions DROP COLUMN restored_from;
ALTER TABLE dataset_versions DROP COLUMN history;
DROP TABLE climatology_history;
DROP TABLE observation_history;
