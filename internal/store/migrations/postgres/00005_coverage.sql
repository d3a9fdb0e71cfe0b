-- +goose Up
-- See migrations/sqlite/00005_coverage.sql.
CREATE TABLE coverage (
    dataset    TEXT COLLATE "C"    NOT NULL,
    indicator  TEXT COLLATE "C"    NOT NULL,
    unit       TEXT COLLATE "C"    NOT NULL,
    frequency  TEXT COLLATE "C"    NOT NULL,
    entities   INTEGER NOT NULL,
    first_date INTEGER NOT NULL,
    last_date  INTEGER NOT NULL,
    n          BIGINT  NOT NULL,
    PRIMARY KEY (dataset, indicator)
);

INSERT INTO coverage (dataset, indicator, unit, frequency, entities, first_date, last_date, n)
SELECT dataset, indicator, MIN(unit), MIN(frequency), COUNT(*), MIN(first_date), MAX(last_date), SUM(n)
FROM series WHERE n > 0 GROUP BY dataset, indicator;

-- +goose Down
DROP TABLE coverage;
