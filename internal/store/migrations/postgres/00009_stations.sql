-- +goose Up
-- The PostgreSQL twin of migrations/sqlite/00009_stations.sql (issue 16:
-- GHCN-Daily station metadata, station file provenance and derived station
-- records); see that file for the meaning of the columns.
CREATE TABLE stations (
    id          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    country     TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    state       TEXT COLLATE "C" NOT NULL DEFAULT '',
    latitude    DOUBLE PRECISION NOT NULL,
    longitude   DOUBLE PRECISION NOT NULL,
    elevation   DOUBLE PRECISION NOT NULL,
    gsn         INTEGER          NOT NULL DEFAULT 0,
    hcn_crn     TEXT COLLATE "C" NOT NULL DEFAULT '',
    wmo         TEXT COLLATE "C" NOT NULL DEFAULT '',
    source_file TEXT COLLATE "C" NOT NULL
);
CREATE INDEX stations_country ON stations (country);

CREATE TABLE station_files (
    name          TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    dataset       TEXT COLLATE "C" NOT NULL,
    unit          TEXT COLLATE "C" NOT NULL,
    sha256        TEXT COLLATE "C" NOT NULL,
    size          BIGINT           NOT NULL,
    retrieved_at  TEXT COLLATE "C" NOT NULL,
    ingested_at   TEXT COLLATE "C" NOT NULL,
    value_count   BIGINT           NOT NULL DEFAULT 0,
    missing_count BIGINT           NOT NULL DEFAULT 0,
    flagged_count BIGINT           NOT NULL DEFAULT 0
);

CREATE TABLE station_records (
    station  TEXT COLLATE "C" NOT NULL,
    element  TEXT COLLATE "C" NOT NULL,
    highest  INTEGER          NOT NULL,
    scope    TEXT COLLATE "C" NOT NULL,
    month    INTEGER          NOT NULL,
    day      INTEGER          NOT NULL,
    value    INTEGER          NOT NULL,
    date     INTEGER          NOT NULL,
    ties     TEXT COLLATE "C" NOT NULL DEFAULT '',
    years    INTEGER          NOT NULL,
    PRIMARY KEY (station, element, highest, scope, month, day)
);

-- +goose Down
DROP TABLE station_records;
DROP TABLE station_files;
DROP TABLE stations;
