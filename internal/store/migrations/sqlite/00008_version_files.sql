-- +goose Up
-- version_files records each file of a dataset version with its own
-- checksum. dataset_versions.sha256 of a multi-file dataset (an Our World in
-- Data CSV with its metadata.json) is the sha256 of the files' checksums in
-- catalog order, which is no file's checksum: lineage names each file here.
-- Versions ingested before this migration have no rows.
CREATE TABLE version_files (
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    position   INTEGER NOT NULL, -- 0-based, catalog order
    path       TEXT    NOT NULL, -- URL, or mirror path for --from
    sha256     TEXT    NOT NULL, -- hex, of the bytes as received
    size       INTEGER NOT NULL, -- bytes
    PRIMARY KEY (version_id, position)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE version_files;
