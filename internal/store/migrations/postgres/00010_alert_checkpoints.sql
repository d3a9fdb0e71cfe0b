-- +goose Up
-- The PostgreSQL twin of migrations/sqlite/00010_alert_checkpoints.sql; see
-- that file for the meaning of the columns.
CREATE TABLE alert_checkpoints (
    dataset    TEXT COLLATE "C" NOT NULL,
    indicator  TEXT COLLATE "C" NOT NULL,
    entity     TEXT COLLATE "C" NOT NULL,
    date       INTEGER          NOT NULL,
    rules      TEXT COLLATE "C" NOT NULL,
    version_id BIGINT           NOT NULL REFERENCES dataset_versions (id),
    state      BYTEA            NOT NULL,
    PRIMARY KEY (dataset, indicator, entity, date)
);

-- +goose Down
DROP TABLE alert_checkpoints;
