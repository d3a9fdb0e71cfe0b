package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// This file holds the SQL of record events (internal/alerts): the events
// table, the baseline and scan markers, and the delivery outbox rows an
// event queues for the registered webhooks.

// eventTimeFormat is the fixed-width UTC format of the event timestamps, so
// that they sort as strings (RFC3339Nano trims trailing zeros and does not).
const eventTimeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// EventTime formats t as the events table stores it (and as event cursors
// carry it).
func EventTime(t time.Time) string { return t.UTC().Format(eventTimeFormat) }

// EventRow is one stored record event, as the events table holds it. The
// meaning of each field is documented in internal/alerts (Event).
type EventRow struct {
	ID        int64
	Dataset   string
	Indicator string
	Entity    string
	Kind      string
	Direction string
	Date      obs.Date
	Value     float64
	Unit      string
	Frequency obs.Frequency
	Smoothing string
	// HasPrev tells whether PrevDate, PrevValue and Margin are set.
	HasPrev   bool
	PrevDate  obs.Date
	PrevValue float64
	Margin    float64
	// HasStreak tells whether StreakFrom and StreakLen are set.
	HasStreak  bool
	StreakFrom obs.Date
	StreakLen  int
	Rank       int // 0 when not a year-extreme
	Years      int
	Record     bool
	RecordOpp  bool
	// VersionID is the dataset version the event's numbers were last
	// taken from: set when the event is stored, reinstated, or updated
	// because its details or its source dataset changed.
	VersionID       int64
	VersionProducer string
	VersionSHA256   string
	Historical      bool
	DetectedAt      time.Time
	UpdatedAt       time.Time
	// RetractedAt is zero while the event holds.
	RetractedAt       time.Time
	RetractedVersion  int64 // 0 when none
	RetractedProducer string
	RetractedSHA256   string
	RetractedReason   string
}

// Retracted reports whether the event no longer holds.
func (e EventRow) Retracted() bool { return !e.RetractedAt.IsZero() }

const eventCols = `e.id, e.dataset, e.indicator, e.entity, e.kind, e.direction, e.date, e.value, e.unit, e.frequency, e.smoothing,
	e.prev_date, e.prev_value, e.margin, e.streak_from, e.streak_len, e.rank, e.years, e.record, e.record_opposite,
	e.version_id, COALESCE(v.producer_version, ''), COALESCE(v.sha256, ''), e.historical, e.detected_at, e.updated_at,
	e.retracted_at, e.retracted_version_id, COALESCE(rv.producer_version, ''), COALESCE(rv.sha256, ''), e.retracted_reason`

const eventFrom = ` FROM events e LEFT JOIN dataset_versions v ON v.id = e.version_id
	LEFT JOIN dataset_versions rv ON rv.id = e.retracted_version_id `

func scanEventRow(r interface{ Scan(...any) error }) (EventRow, error) {
	var e EventRow
	var date int64
	var freq, detected, updated, retracted string
	var prevDate, streakFrom, streakLen, rank, years, rvID sql.NullInt64
	var prevValue, margin sql.NullFloat64
	err := r.Scan(&e.ID, &e.Dataset, &e.Indicator, &e.Entity, &e.Kind, &e.Direction, &date, &e.Value, &e.Unit, &freq, &e.Smoothing,
		&prevDate, &prevValue, &margin, &streakFrom, &streakLen, &rank, &years, &e.Record, &e.RecordOpp,
		&e.VersionID, &e.VersionProducer, &e.VersionSHA256, &e.Historical, &detected, &updated,
		&retracted, &rvID, &e.RetractedProducer, &e.RetractedSHA256, &e.RetractedReason)
	if err != nil {
		return e, err
	}
	e.Date, e.Frequency = obs.Date(date), obs.Frequency(freq)
	e.HasPrev = prevDate.Valid && prevValue.Valid
	e.PrevDate, e.PrevValue, e.Margin = obs.Date(prevDate.Int64), prevValue.Float64, margin.Float64
	e.HasStreak = streakFrom.Valid
	e.StreakFrom, e.StreakLen = obs.Date(streakFrom.Int64), int(streakLen.Int64)
	e.Rank, e.Years = int(rank.Int64), int(years.Int64)
	e.DetectedAt, _ = time.Parse(time.RFC3339Nano, detected)
	e.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	if retracted != "" {
		e.RetractedAt, _ = time.Parse(time.RFC3339Nano, retracted)
		e.RetractedVersion = rvID.Int64
	}
	return e, nil
}

func queryEventRows(ctx context.Context, q querier, query string, args ...any) ([]EventRow, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []EventRow
	for rows.Next() {
		e, err := scanEventRow(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// EventFilter selects events for Events. The zero value selects every
// delivered (non-historical) event.
type EventFilter struct {
	Indicators []string  // these indicator ids only (all when empty)
	Kinds      []string  // these kinds only (all when empty)
	Since      time.Time // updated at or after (zero: no limit)
	// DateFrom, when not nil, keeps events about dates on or after it
	// (the date the record is for, not when it was detected).
	DateFrom   *obs.Date
	Historical bool // include the events of baseline scans
	// Before continues a listing: events ordered before (UpdatedAt, ID) in
	// the listing order (updated_at, id descending). Zero: from the start.
	BeforeUpdated time.Time
	BeforeID      int64
	Limit         int // at most this many (0: no limit)
}

// Events returns the selected events ordered by last update, newest first
// (ties by id, highest first).
func (s *Store) Events(ctx context.Context, f EventFilter) ([]EventRow, error) {
	var where []string
	var args []any
	if !f.Historical {
		where = append(where, "e.historical = 0")
	}
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		where = append(where, col+" IN (?"+strings.Repeat(",?", len(vals)-1)+")")
		for _, v := range vals {
			args = append(args, v)
		}
	}
	in("e.indicator", f.Indicators)
	in("e.kind", f.Kinds)
	if !f.Since.IsZero() {
		where = append(where, "e.updated_at >= ?")
		args = append(args, EventTime(f.Since))
	}
	if f.DateFrom != nil {
		where = append(where, "e.date >= ?")
		args = append(args, int64(*f.DateFrom))
	}
	if !f.BeforeUpdated.IsZero() {
		t := EventTime(f.BeforeUpdated)
		where = append(where, "(e.updated_at < ? OR (e.updated_at = ? AND e.id < ?))")
		args = append(args, t, t, f.BeforeID)
	}
	q := "SELECT " + eventCols + eventFrom
	if len(where) > 0 {
		q += "WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY e.updated_at DESC, e.id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return queryEventRows(ctx, s.db, q, args...)
}

// Event returns the event with the given id (ErrNotFound, wrapped, when
// there is none).
func (s *Store) Event(ctx context.Context, id int64) (EventRow, error) {
	evs, err := queryEventRows(ctx, s.db, "SELECT "+eventCols+eventFrom+"WHERE e.id = ?", id)
	if err != nil {
		return EventRow{}, err
	}
	if len(evs) == 0 {
		return EventRow{}, fmt.Errorf("event %d: %w", id, ErrNotFound)
	}
	return evs[0], nil
}

// EventScan returns the dataset version whose data record-event detection
// last completed for, and when (ok false when it never ran).
func (s *Store) EventScan(ctx context.Context, dataset string) (versionID int64, at time.Time, ok bool, err error) {
	var ts string
	err = s.db.QueryRowContext(ctx, "SELECT version_id, scanned_at FROM alert_scans WHERE dataset = ?", dataset).Scan(&versionID, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, err
	}
	at, _ = time.Parse(time.RFC3339Nano, ts)
	return versionID, at, true, nil
}

// EventTx is one write transaction of record-event detection: every change
// it makes (events, markers, queued deliveries) commits together or not at
// all. It is not safe for concurrent use.
type EventTx struct {
	ctx    context.Context
	tx     *wtx
	now    string
	insert *stmt
	hooks  []hookFilter
	loaded bool
}

// hookFilter is a registered webhook as delivery queueing needs it.
type hookFilter struct {
	id         int64
	indicators []string // empty: every indicator
}

// BeginEvents starts an event transaction; now is the time stamped on
// every change it makes. The caller must Commit or Rollback.
func (s *Store) BeginEvents(ctx context.Context, now time.Time) (*EventTx, error) {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, err
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO events (dataset, indicator, entity, kind, direction, date, value, unit, frequency, smoothing,
		prev_date, prev_value, margin, streak_from, streak_len, rank, years, record, record_opposite, version_id, historical, detected_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`)
	if err != nil {
		tx.Rollback()
		return nil, err
	}
	return &EventTx{ctx: ctx, tx: tx, now: EventTime(now), insert: ins}, nil
}

// Commit commits the transaction.
func (t *EventTx) Commit() error {
	t.insert.Close()
	return t.tx.Commit()
}

// Rollback abandons the transaction (a no-op after Commit).
func (t *EventTx) Rollback() error {
	t.insert.Close()
	return t.tx.Rollback()
}

// Baselined reports whether the dataset's history has been scanned once
// (its first scan stores events as historical).
func (t *EventTx) Baselined(dataset string) (bool, error) {
	var n int
	err := t.tx.QueryRowContext(t.ctx, "SELECT COUNT(*) FROM alert_baselines WHERE dataset = ?", dataset).Scan(&n)
	return n > 0, err
}

// StoredEvents returns the stored events of an indicator dated on or after
// from (retracted ones included), in no particular order.
func (t *EventTx) StoredEvents(indicator string, from obs.Date) ([]EventRow, error) {
	return queryEventRows(t.ctx, t.tx, "SELECT "+eventCols+eventFrom+"WHERE e.indicator = ? AND e.date >= ?", indicator, int64(from))
}

// detailColumns returns the nullable detail columns of an event.
func detailColumns(e EventRow) (prevDate, prevValue, mg, streakFrom, streakLen, rank, years any) {
	if e.HasPrev {
		prevDate, prevValue, mg = int64(e.PrevDate), e.PrevValue, e.Margin
	}
	if e.HasStreak {
		streakFrom, streakLen = int64(e.StreakFrom), e.StreakLen
	}
	if e.Rank > 0 {
		rank, years = e.Rank, e.Years
	}
	return
}

// InsertEvent stores a new event (its ID and timestamps are ignored) and
// returns its id.
func (t *EventTx) InsertEvent(e EventRow) (int64, error) {
	pd, pv, mg, sf, sl, rk, yr := detailColumns(e)
	var id int64
	err := t.insert.QueryRowContext(t.ctx,
		e.Dataset, e.Indicator, e.Entity, e.Kind, e.Direction, int64(e.Date), e.Value, e.Unit, string(e.Frequency), e.Smoothing,
		pd, pv, mg, sf, sl, rk, yr, e.Record, e.RecordOpp, e.VersionID, e.Historical, t.now, t.now).Scan(&id)
	return id, err
}

// UpdateEvent rewrites the details (value, previous holder, streak, rank)
// of stored event id from e, and its provenance: the dataset and version
// the details now come from, so that an event never shows one file's
// checksum beside another file's number. touch also sets its updated_at
// to now.
func (t *EventTx) UpdateEvent(id int64, e EventRow, touch bool) error {
	pd, pv, mg, sf, sl, rk, yr := detailColumns(e)
	q := `UPDATE events SET value = ?, prev_date = ?, prev_value = ?, margin = ?, streak_from = ?, streak_len = ?, rank = ?, years = ?,
		record = ?, record_opposite = ?, dataset = ?, version_id = ?`
	args := []any{e.Value, pd, pv, mg, sf, sl, rk, yr, e.Record, e.RecordOpp, e.Dataset, e.VersionID}
	if touch {
		q += ", updated_at = ?"
		args = append(args, t.now)
	}
	_, err := t.tx.ExecContext(t.ctx, q+" WHERE id = ?", append(args, id)...)
	return err
}

// ReinstateEvent clears the retraction of event id, which versionID
// supports again.
func (t *EventTx) ReinstateEvent(id, versionID int64) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE events SET retracted_at = '', retracted_version_id = NULL, retracted_reason = '',
		version_id = ?, updated_at = ? WHERE id = ?`, versionID, t.now, id)
	return err
}

// RetractEvent marks event id as no longer supported by versionID, for
// reason ("revised" or "superseded").
func (t *EventTx) RetractEvent(id, versionID int64, reason string) error {
	_, err := t.tx.ExecContext(t.ctx, `UPDATE events SET retracted_at = ?, retracted_version_id = ?, retracted_reason = ?, updated_at = ?
		WHERE id = ?`, t.now, versionID, reason, t.now, id)
	return err
}

// QueueDeliveries adds a pending delivery of event id (about indicator,
// for action "new", "retracted" or "reinstated") for every registered
// webhook that takes the indicator.
func (t *EventTx) QueueDeliveries(id int64, indicator, action string) error {
	if !t.loaded {
		rows, err := t.tx.QueryContext(t.ctx, "SELECT id, indicators FROM webhooks ORDER BY id")
		if err != nil {
			return err
		}
		for rows.Next() {
			var h hookFilter
			var inds string
			if err := rows.Scan(&h.id, &inds); err != nil {
				rows.Close()
				return err
			}
			if inds != "" {
				h.indicators = strings.Split(inds, ",")
			}
			t.hooks = append(t.hooks, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		t.loaded = true
	}
	for _, h := range t.hooks {
		if len(h.indicators) > 0 && !contains(h.indicators, indicator) {
			continue
		}
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO deliveries (webhook_id, event_id, action, state, next_attempt_at, created_at)
			VALUES (?, ?, ?, 'pending', ?, ?)`, h.id, id, action, t.now, t.now); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MarkBaseline records that the dataset's history has been scanned once, at
// versionID.
func (t *EventTx) MarkBaseline(dataset string, versionID int64) error {
	_, err := t.tx.ExecContext(t.ctx, "INSERT INTO alert_baselines (dataset, version_id, created_at) VALUES (?, ?, ?)", dataset, versionID, t.now)
	return err
}

// MarkScanned records that detection completed for the dataset's data at
// versionID.
func (t *EventTx) MarkScanned(dataset string, versionID int64) error {
	_, err := t.tx.ExecContext(t.ctx, `INSERT INTO alert_scans (dataset, version_id, scanned_at) VALUES (?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id, scanned_at = excluded.scanned_at`, dataset, versionID, t.now)
	return err
}
