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
	"fmt"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/analysis"
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
	// Comparison is the verdict of a record event (record-all-time,
	// record-day, record-month) against Previous at the resolution the
	// fact was judged at (ResolutionFor) with the exact values, and, when
	// the producer publishes a 95% uncertainty for both values, the two
	// half-widths, their combination and "record_not_distinguishable" when
	// the margin lies inside it (docs/records.md). Nil for other kinds.
	Comparison *analysis.Comparison `json:"comparison,omitempty"`
	Sentence   string               `json:"sentence"`

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

// eventFrom converts a stored event row into an Event.
func eventFrom(r store.EventRow) Event {
	e := Event{
		ID: r.ID, Dataset: r.Dataset, Indicator: r.Indicator, Entity: r.Entity, Kind: Kind(r.Kind), Direction: r.Direction,
		Value: r.Value, Unit: r.Unit, Frequency: r.Frequency, Smoothing: r.Smoothing,
		Rank: r.Rank, Years: r.Years, Record: r.Record, RecordOpposite: r.RecordOpp,
		Version:    VersionRef{ID: r.VersionID, ProducerVersion: r.VersionProducer, SHA256: r.VersionSHA256},
		Historical: r.Historical, DetectedAt: r.DetectedAt, UpdatedAt: r.UpdatedAt, RetractionReason: r.RetractedReason,
		date: r.Date,
	}
	e.Date = formatDate(e.Kind, e.Frequency, e.date)
	e.UID = uid(e.Indicator, e.Entity, e.Kind, e.Direction, e.date)
	if r.HasPrev {
		f := e.Frequency
		if e.Kind == MonthRec {
			f = obs.Monthly
		}
		e.Previous = &Holder{Date: r.PrevDate.Format(f), Value: r.PrevValue}
		m := r.Margin
		e.Margin = &m
	}
	if r.HasStreak {
		e.Streak = &StreakInfo{From: r.StreakFrom.Format(e.Frequency), Len: r.StreakLen}
	}
	if r.Retracted() {
		t := r.RetractedAt
		e.Retracted, e.RetractedAt = true, &t
		if r.RetractedVersion != 0 {
			e.RetractedVersion = &VersionRef{ID: r.RetractedVersion, ProducerVersion: r.RetractedProducer, SHA256: r.RetractedSHA256}
		}
	}
	e.Comparison = comparisonOf(e, nil, nil)
	e.Sentence = Sentence(e)
	if s, ok := stationSentence(e); ok { // station events (stations.go)
		e.Sentence = s
	}
	return e
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
	// Kinds keeps events of these kinds (all when empty).
	Kinds []Kind
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
func List(ctx context.Context, st store.EventStore, q Query) ([]Event, string, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 1000)
	f := store.EventFilter{Indicators: q.Indicators, Since: q.Since, Historical: q.Historical, Limit: limit + 1}
	for _, k := range q.Kinds {
		f.Kinds = append(f.Kinds, string(k))
	}
	if q.Cursor != "" {
		at, idStr, ok := strings.Cut(q.Cursor, "/")
		t, terr := time.Parse(time.RFC3339Nano, at)
		var id int64
		if _, err := fmt.Sscan(idStr, &id); !ok || err != nil || terr != nil {
			return nil, "", fmt.Errorf("alerts: bad cursor %q", q.Cursor)
		}
		f.BeforeUpdated, f.BeforeID = t, id
	}
	rows, err := st.Events(ctx, f)
	if err != nil {
		return nil, "", err
	}
	evs := make([]Event, 0, len(rows))
	for _, r := range rows {
		evs = append(evs, eventFrom(r))
	}
	if err := withUncertainty(ctx, st, evs); err != nil {
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
func Get(ctx context.Context, st store.EventStore, id int64) (Event, error) {
	r, err := st.Event(ctx, id)
	if err != nil {
		return Event{}, fmt.Errorf("alerts: %w", err)
	}
	evs := []Event{eventFrom(r)}
	if err := withUncertainty(ctx, st, evs); err != nil {
		return Event{}, err
	}
	return evs[0], nil
}
