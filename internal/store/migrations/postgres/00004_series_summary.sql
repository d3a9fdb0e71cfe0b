-- +goose Up
-- See migrations/sqlite/00004_series_summary.sql.
ALTER TABLE series ADD COLUMN first_date INTEGER;
ALTER TABLE series ADD COLUMN last_date INTEGER;
ALTER TABLE series ADD COLUMN n INTEGER NOT NULL DEFAULT 0;
ALTER TABLE series ADD COLUMN version_id BIGINT REFERENCES dataset_versions (id);
ALTER TABLE series ADD COLUMN digest TEXT COLLATE "C";
ALTER TABLE dataset_versions ADD COLUMN changed_from INTEGER;

UPDATE series SET
    first_date = (SELECT MIN(o.date) FROM observations o WHERE o.series_id = series.id),
    last_date  = (SELECT MAX(o.date) FROM observations o WHERE o.series_id = series.id),
    n          = (SELECT COUNT(*) FROM observations o WHERE o.series_id = series.id),
    version_id = (SELECT MAX(o.version_id) FROM observations o WHERE o.series_id = series.id);

-- +goose Down
ALTER TABLE series DROP COLUMN digest;
ALTER TABLE dataset_versions DROP COLUMN changed_from;
ALTER TABLE series DROP COLUMN version_id;
ALTER TABLE series DROP COLUMN n;
ALTER TABLE series DROP COLUMN last_date;
ALTER TABLE series DROP COLUMN first_date;
