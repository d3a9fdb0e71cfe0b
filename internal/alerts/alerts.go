// Package alerts detects record events after every ingest, stores them once
// (with the dataset version that established them), retracts them when
// revised data stop supporting them, and delivers them: an Atom feed, a paged
// JSON API and signed webhooks with retries. See docs/alerts.md for the rules.
//
// Event kinds, per indicator (and entity) and per direction of the
// indicator's catalog Direction (max, min, or both):
//
//   - record-all-time: the value is strictly beyond every earlier value.
//   - record-day: the value is strictly beyond every earlier year's value for
//     the same calendar date (29 February its own slot), daily series only.
//   - record-month: the month's value is strictly beyond the same calendar
//     month of every earlier year: the mean of the daily values for daily
//     series (complete months under the WMO 5/11 rule, once the data reach
//     the month's last day), the value itself for monthly series.
//   - streak: a run of consecutive record-day (or, for monthly series,
//     record-month) periods reaches a milestone (StreakMilestones).
//   - year-extreme: the year's maximum or minimum is reached and confirmed
//     (daily series whose Direction is both, such as sea ice).
//
// Ties are never records. Sea-ice extent (NSIDC) is compared as NSIDC's
// 5-day trailing mean (analysis.NSIDC5Day) for every daily kind; month
// records use monthly means of the daily values.
package alerts

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// Kind is the kind of fact an event states.
type Kind string

const (
	AllTime    Kind = "record-all-time"
	DayRecord  Kind = "record-day"
	MonthRec   Kind = "record-month"
	Streak     Kind = "streak"
	YearExtrem Kind = "year-extreme"
)

// Holder is a previous record holder: its date (formatted at the series'
// frequency, YYYY-MM for month records) and its value in the event's unit.
// For streak events Value is the length of the longest earlier run and Date
// the day (or month) it ended.
type Holder struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
}

// StreakInfo describes the run of a streak event: its first day (or month)
// and its length in days (or months) on the event's date.
type StreakInfo struct {
	From string `json:"from"`
	Len  int    `json:"length"`
}

// VersionRef names the dataset version that established (or retracted) an
// event.
type VersionRef struct {
	ID              int64  `json:"id"`
	ProducerVersion string `json:"producer_version"`
	SHA256          string `json:"sha256"`
}

// Event is one stored record event. Its JSON form is what /api/events
// returns and what webhooks receive (with Action added).
type Event struct {
	ID        int64         `json:"id"`
	UID       string        `json:"uid"` // stable tag: URI, the Atom entry id
	Dataset   string        `json:"dataset"`
	Indicator string        `json:"indicator"`
	Entity    string        `json:"entity,omitempty"`
	Kind      Kind          `json:"kind"`
	Direction string        `json:"direction"` // max or min
	Date      string        `json:"date"`      // YYYY-MM-DD, YYYY-MM (month records) or YYYY (annual series)
	Value     float64       `json:"value"`     // in Unit (the monthly mean for record-month on daily data)
	Unit      string        `json:"unit"`
	Frequency obs.Frequency `json:"frequency"`
	Smoothing string        `json:"smoothing"` // "none" or "5d" (NSIDC 5-day trailing mean)
	Previous  *Holder       `json:"previous"`
	// Margin is how far Value goes beyond Previous in the event's direction,
	// in Unit (positive); nil without a previous holder. For streaks it is
	// the number of days (months) beyond the longest earlier run, and may be
	// negative when the run has not yet beaten it.
	Margin *float64    `json:"margin"`
	Streak *StreakInfo `json:"streak,omitempty"`
	// Rank is the year-extreme's competition rank among the annual extremes
	// of the same direction of every full earlier year and this one (1 = most
	// extreme); Years is how many were ranked. Record is true at rank 1 with
	// no tie; RecordOpposite when it is strictly the least extreme (e.g. the
	// lowest annual maximum on record).
	Rank           int        `json:"rank,omitempty"`
	Years          int        `json:"years,omitempty"`
	Record         bool       `json:"record,omitempty"`
	RecordOpposite bool       `json:"record_opposite,omitempty"`
	Version        VersionRef `json:"version"`
	// Historical is true for events found by a dataset's first scan
	// (the baseline): they are stored but never delivered.
	Historical       bool        `json:"historical"`
	DetectedAt       time.Time   `json:"detected_at"`
	UpdatedAt        time.Time   `json:"updated_at"`
	Retracted        bool        `json:"retracted"`
	RetractedAt      *time.Time  `json:"retracted_at,omitempty"`
	RetractedVersion *VersionRef `json:"retracted_version,omitempty"`
	// RetractionReason is "revised" (the producer's data changed) or
	// "superseded" (a later day went further in the same year).
	RetractionReason string `json:"retraction_reason,omitempty"`
	Sentence         string `json:"sentence"`

	date obs.Date
}

// Day returns the date the event is about.
func (e Event) Day() obs.Date { return e.date }

// tsFormat is the fixed-width UTC timestamp format of the alert tables, so
// that timestamps sort as strings (RFC3339Nano trims trailing zeros and does
// not).
const tsFormat = "2006-01-02T15:04:05.000000000Z07:00"

func ts(t time.Time) string { return t.UTC().Format(tsFormat) }

// uid returns the stable tag: URI of an event, derived from its unique key,
// so the same fact gets the same id in every database.
func uid(indicator, entity string, k Kind, dir string, date obs.Date) string {
	if entity == "" {
		entity = "global"
	}
	return fmt.Sprintf("tag:stocktake.github.io,2025:event/%s/%s/%s/%s/%s", indicator, entity, k, dir, date)
}

const eventCols = `e.id, e.dataset, e.indicator, e.entity, e.kind, e.direction, e.date, e.value, e.unit, e.frequency, e.smoothing,
	e.prev_date, e.prev_value, e.margin, e.streak_from, e.streak_len, e.rank, e.years, e.record, e.record_opposite,
	e.version_id, COALESCE(v.producer_version, ''), COALESCE(v.sha256, ''), e.historical, e.detected_at, e.updated_at,
	e.retracted_at, e.retracted_version_id, COALESCE(rv.producer_version, ''), COALESCE(rv.sha256, ''), e.retracted_reason`

const eventFrom = ` FROM events e LEFT JOIN dataset_versions v ON v.id = e.version_id
	LEFT JOIN dataset_versions rv ON rv.id = e.retracted_version_id `

type rowScanner interface{ Scan(...any) error }

func scanEvent(r rowScanner) (Event, error) {
	var e Event
	var date int64
	var freq, detected, updated, retracted string
	var prevDate, streakFrom, streakLen, rank, years, rvID sql.NullInt64
	var prevValue, margin sql.NullFloat64
	var rvProducer, rvSHA string
	err := r.Scan(&e.ID, &e.Dataset, &e.Indicator, &e.Entity, &e.Kind, &e.Direction, &date, &e.Value, &e.Unit, &freq, &e.Smoothing,
		&prevDate, &prevValue, &margin, &streakFrom, &streakLen, &rank, &years, &e.Record, &e.RecordOpposite,
		&e.Version.ID, &e.Version.ProducerVersion, &e.Version.SHA256, &e.Historical, &detected, &updated,
		&retracted, &rvID, &rvProducer, &rvSHA, &e.RetractionReason)
	if err != nil {
		return e, err
	}
	e.date = obs.Date(date)
	e.Frequency = obs.Frequency(freq)
	e.Date = formatDate(e.Kind, e.Frequency, e.date)
	e.UID = uid(e.Indicator, e.Entity, e.Kind, e.Direction, e.date)
	if prevDate.Valid && prevValue.Valid {
		f := e.Frequency
		if e.Kind == MonthRec {
			f = obs.Monthly
		}
		e.Previous = &Holder{Date: obs.Date(prevDate.Int64).Format(f), Value: prevValue.Float64}
	}
	if margin.Valid {
		m := margin.Float64
		e.Margin = &m
	}
	if streakFrom.Valid {
		e.Streak = &StreakInfo{From: obs.Date(streakFrom.Int64).Format(e.Frequency), Len: int(streakLen.Int64)}
	}
	e.Rank, e.Years = int(rank.Int64), int(years.Int64)
	e.DetectedAt, _ = time.Parse(time.RFC3339Nano, detected)
	e.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	if retracted != "" {
		t, _ := time.Parse(time.RFC3339Nano, retracted)
		e.Retracted, e.RetractedAt = true, &t
		if rvID.Valid {
			e.RetractedVersion = &VersionRef{ID: rvID.Int64, ProducerVersion: rvProducer, SHA256: rvSHA}
		}
	}
	e.Sentence = Sentence(e)
	return e, nil
}

// formatDate writes an event's date: YYYY-MM for month records and monthly
// series, YYYY for annual series, YYYY-MM-DD otherwise.
func formatDate(k Kind, f obs.Frequency, d obs.Date) string {
	if k == MonthRec {
		return d.Format(obs.Monthly)
	}
	return d.Format(f)
}

// Query selects events for List. The zero value lists the most recently
// updated delivered (non-historical) events, retracted ones included.
type Query struct {
	// Indicators keeps events of these indicator ids (all when empty).
	Indicators []string
	// Since keeps events updated at or after this time (zero: no limit).
	Since time.Time
	// Historical includes the events of baseline scans.
	Historical bool
	// Limit bounds the number of events (default 50, at most 1000).
	Limit int
	// Cursor continues a previous List: the Next value it returned.
	Cursor string
}

// List returns events ordered by last update, newest first (ties by id,
// highest first), and the cursor of the next page ("" when there is none).
// A cursor is "<updated_at>/<id>" of the last event returned.
func List(ctx context.Context, st *store.Store, q Query) ([]Event, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	var where []string
	var args []any
	if !q.Historical {
		where = append(where, "e.historical = 0")
	}
	if len(q.Indicators) > 0 {
		where = append(where, "e.indicator IN (?"+strings.Repeat(",?", len(q.Indicators)-1)+")")
		for _, id := range q.Indicators {
			args = append(args, id)
		}
	}
	if !q.Since.IsZero() {
		where = append(where, "e.updated_at >= ?")
		args = append(args, ts(q.Since))
	}
	if q.Cursor != "" {
		ts, idStr, ok := strings.Cut(q.Cursor, "/")
		var id int64
		if _, err := fmt.Sscan(idStr, &id); !ok || err != nil {
			return nil, "", fmt.Errorf("alerts: bad cursor %q", q.Cursor)
		}
		where = append(where, "(e.updated_at < ? OR (e.updated_at = ? AND e.id < ?))")
		args = append(args, ts, ts, id)
	}
	sqlq := "SELECT " + eventCols + eventFrom
	if len(where) > 0 {
		sqlq += "WHERE " + strings.Join(where, " AND ")
	}
	sqlq += " ORDER BY e.updated_at DESC, e.id DESC LIMIT ?"
	args = append(args, limit+1)
	evs, err := queryEvents(ctx, st.DB(), sqlq, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(evs) > limit {
		evs = evs[:limit]
		last := evs[limit-1]
		next = ts(last.UpdatedAt) + "/" + fmt.Sprint(last.ID)
	}
	return evs, next, nil
}

// Get returns the event with the given id.
func Get(ctx context.Context, st *store.Store, id int64) (Event, error) {
	evs, err := queryEvents(ctx, st.DB(), "SELECT "+eventCols+eventFrom+"WHERE e.id = ?", id)
	if err != nil {
		return Event{}, err
	}
	if len(evs) == 0 {
		return Event{}, fmt.Errorf("alerts: event %d: %w", id, store.ErrNotFound)
	}
	return evs[0], nil
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func queryEvents(ctx context.Context, db querier, q string, args ...any) ([]Event, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
