-- +goose Up
-- alert_baselines marks the datasets whose history has been scanned for
-- record events once. The first scan stores every event it finds as
-- historical (never delivered); later scans deliver what is new.
CREATE TABLE alert_baselines (
    dataset    TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES dataset_versions (id),
    created_at TEXT    NOT NULL -- RFC 3339, UTC
);

-- events holds every record event (internal/alerts) ever detected. A row is
-- never deleted: when the data stop supporting it, retracted_at is set.
-- date is days since 1970-01-01 (internal/obs.Date): the day, or the first of
-- the month for month records, that the event is about. Values are in unit.
CREATE TABLE events (
    id                   INTEGER PRIMARY KEY,
    dataset              TEXT    NOT NULL,
    indicator            TEXT    NOT NULL,
    entity               TEXT    NOT NULL DEFAULT '',
    kind                 TEXT    NOT NULL, -- record-all-time, record-day, record-month, year-extreme, streak
    direction            TEXT    NOT NULL, -- max or min
    date                 INTEGER NOT NULL,
    value                REAL    NOT NULL,
    unit                 TEXT    NOT NULL,
    frequency            TEXT    NOT NULL,
    smoothing            TEXT    NOT NULL DEFAULT 'none',
    prev_date            INTEGER,          -- previous holder (NULL when none)
    prev_value           REAL,
    margin               REAL,             -- beyond the previous holder, in unit (positive = beats it)
    streak_from          INTEGER,          -- streak events: first day (or month) of the run
    streak_len           INTEGER,          -- streak events: length in days (or months)
    rank                 INTEGER,          -- year-extreme events: rank among annual extremes
    years                INTEGER,          -- year-extreme events: how many years were ranked
    record               INTEGER NOT NULL DEFAULT 0, -- year-extreme: most extreme annual extreme on record
    record_opposite      INTEGER NOT NULL DEFAULT 0, -- year-extreme: least extreme annual extreme on record
    version_id           INTEGER NOT NULL REFERENCES dataset_versions (id), -- version that first established it
    historical           INTEGER NOT NULL DEFAULT 0, -- 1 when found by the baseline scan: not delivered
    detected_at          TEXT    NOT NULL, -- RFC 3339, UTC
    updated_at           TEXT    NOT NULL, -- RFC 3339, UTC; changes on revision, retraction, reinstatement
    retracted_at         TEXT    NOT NULL DEFAULT '',
    retracted_version_id INTEGER REFERENCES dataset_versions (id),
    retracted_reason     TEXT    NOT NULL DEFAULT '', -- revised or superseded
    UNIQUE (indicator, entity, kind, direction, date)
);
CREATE INDEX events_updated ON events (updated_at, id);

-- webhooks are the receivers registered with 'stocktake webhook add'.
-- indicators is a comma-separated list of indicator ids ('' = all).
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    url        TEXT NOT NULL,
    indicators TEXT NOT NULL DEFAULT '',
    secret     TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- deliveries is the outbox: one row per (webhook, event notice). Rows are
-- written in the same transaction as the event, so no notice is lost across
-- restarts; the deliverer retries pending rows whose next_attempt_at is due.
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES events (id),
    action          TEXT    NOT NULL, -- new, retracted or reinstated
    state           TEXT    NOT NULL DEFAULT 'pending', -- pending, delivered or failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL, -- RFC 3339, UTC
    last_error      TEXT    NOT NULL DEFAULT '',
    delivered_at    TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);

-- +goose Down
DROP TABLE deliveries;
DROP TABLE webhooks;
DROP TABLE events;
DROP TABLE alert_baselines;
