-- +goose Up
-- The PostgreSQL twin of migrations/sqlite/00008_version_files.sql (issue
-- 12, branch w12: the files of a multi-file dataset version, in catalog
-- order, each with its own checksum); see that file for the meaning of the
-- columns.
CREATE TABLE version_files (
    version_id BIGINT           NOT NULL REFERENCES dataset_versions (id),
    position   INTEGER          NOT NULL, -- 0-based, catalog order
    path       TEXT COLLATE "C" NOT NULL, -- URL, or mirror path for --from
    sha256     TEXT COLLATE "C" NOT NULL, -- hex, of the bytes as received
    size       BIGINT           NOT NULL, -- bytes
    PRIMARY KEY (version_id, position)
);

-- +goose Down
DROP TABLE version_files;
