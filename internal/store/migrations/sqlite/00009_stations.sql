-- +goose Up
-- Issue 16: GHCN-Daily stations. The daily values live in the station
-- archive (internal/stations, Parquet files); the store keeps what the
-- questions need to find stations and to answer quickly, with provenance.
--
-- stations is one line of ghcnd-stations.txt: id (11 characters, the first
-- two the FIPS country code), latitude and longitude in decimal degrees,
-- elevation in metres (-999.9 when NOAA has none), and the name of the
-- metadata file it came from (a station_files row).
CREATE TABLE stations (
    id          TEXT    NOT NULL PRIMARY KEY,
    country     TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT '',
    latitude    REAL    NOT NULL,
    longitude   REAL    NOT NULL,
    elevation   REAL    NOT NULL,
    gsn         INTEGER NOT NULL DEFAULT 0,
    hcn_crn     TEXT    NOT NULL DEFAULT '',
    wmo         TEXT    NOT NULL DEFAULT '',
    source_file TEXT    NOT NULL
) WITHOUT ROWID;
CREATE INDEX stations_country ON stations (country);

-- station_files is the provenance of every file read into the archive or
-- the stations table, one row per file name (the newest ingest of it): the
-- dataset, what it replaces (unit: "station:ID", "year:YYYY" or
-- "metadata"), sha256 (hex) and size in bytes of the bytes as read, when it
-- was retrieved and ingested (RFC 3339, UTC), and the parser's counts.
CREATE TABLE station_files (
    name          TEXT    NOT NULL PRIMARY KEY,
    dataset       TEXT    NOT NULL,
    unit          TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    size          INTEGER NOT NULL,
    retrieved_at  TEXT    NOT NULL,
    ingested_at   TEXT    NOT NULL,
    value_count   INTEGER NOT NULL DEFAULT 0,
    missing_count INTEGER NOT NULL DEFAULT 0,
    flagged_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- station_records holds the derived records of each station
-- (stations.DerivedRecords): per element and direction (highest 1, lowest
-- 0), scope ("all-time", "month", "day") with month and day (0 when the
-- scope has none), the value in GHCN units (tenths of °C, tenths of mm),
-- the first date it was reached and later tied dates (days since
-- 1970-01-01, comma-separated, oldest first), and the station's length of
-- record in years.
CREATE TABLE station_records (
    station  TEXT    NOT NULL,
    element  TEXT    NOT NULL,
    highest  INTEGER NOT NULL,
    scope    TEXT    NOT NULL,
    month    INTEGER NOT NULL,
    day      INTEGER NOT NULL,
    value    INTEGER NOT NULL,
    date     INTEGER NOT NULL,
    ties     TEXT    NOT NULL DEFAULT '',
    years    INTEGER NOT NULL,
    PRIMARY KEY (station, element, highest, scope, month, day)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE station_records;
DROP TABLE station_files;
DROP TABLE stations;
