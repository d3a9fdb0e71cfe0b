package alerts

// This file holds the running state of fact computation that detection
// stores as checkpoints (store.AlertCheckpoint, migration 00010), so that a
// detection after an update reads only the data from a checkpoint on
// (docs/store.md, "Detection").

import (
	"context"
	"encoding/json"
	"fmt"
	"math"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// checkpointMargin is how many days before a checkpoint date detection
// reads, and how far after it a change of the data invalidates the
// checkpoint. Values dated before the checkpoint feed the smoothing (at
// most a few days back, plus gap filling), month means (gap filling) and
// the YearExtremeHold-day look-back of year-extremes; the running state at
// a checkpoint depends on values up to a few days after it (a gap before it
// filled by interpolation). 62 days covers all of them for every smoothing
// detection uses (SmoothingFor: none or 5 days with one-day filling);
// scanSeries' callers check smoothingReach against it.
const checkpointMargin = 62

// checkpointYears is how many checkpoints detection keeps per series: at 1
// January of each of the last checkpointYears years of its data. An update
// reconciles from about a year before its earliest change (reconcileFrom),
// which needs a checkpoint at 1 January of that year or earlier: with the
// last three years, any update that changes only the last year's values
// finds one.
const checkpointYears = 3

// pt is one value and its date, as the running state holds it.
type pt struct {
	D obs.Date `json:"d"`
	V float64  `json:"v"`
}

func (p pt) point() obs.Point { return obs.Point{Date: p.D, Value: p.V} }

// slotBest is the record holder of one calendar slot (analysis.Calendar
// for daily series, analysis.Month for monthly ones).
type slotBest struct {
	S int      `json:"s"`
	D obs.Date `json:"d"`
	V float64  `json:"v"`
}

// streakState is the state of the run of consecutive records: the longest
// earlier run (length, last date), the current run (first date, length),
// and the date of the last record fact (Any false: none yet).
type streakState struct {
	BestLen  int      `json:"bl,omitempty"`
	BestEnd  obs.Date `json:"be,omitempty"`
	RunStart obs.Date `json:"rs,omitempty"`
	RunLen   int      `json:"rl,omitempty"`
	Last     obs.Date `json:"l,omitempty"`
	Any      bool     `json:"a,omitempty"`
}

// dirState is the running state of one direction ("max" or "min").
type dirState struct {
	All     *pt         `json:"all,omitempty"`     // all-time record holder
	Slots   []slotBest  `json:"slots,omitempty"`   // record holder of each slot that has one
	Streak  streakState `json:"streak"`            // runs of record days (months)
	Months  [12]*pt     `json:"months"`            // record month of each calendar month (daily series)
	Earlier []pt        `json:"earlier,omitempty"` // annual extremes of the full years (year-extremes)
}

// runState is the running state of the fact computation of one series at
// Date (a 1 January): what the values dated before Date leave behind. First
// is the series' first compared (smoothed) date, which the streak warm-up
// and the year-extreme start rule need. Dirs follow Directions(ind).
type runState struct {
	Date  obs.Date   `json:"date"`
	First obs.Date   `json:"first"`
	Dirs  []dirState `json:"dirs"`
}

// encode returns the stored form of the state. JSON writes every float64
// in its shortest form that parses back to the same value, so a decoded
// state compares exactly as the computed one.
func (s *runState) encode() ([]byte, error) { return json.Marshal(s) }

// decodeState reads a stored state; an error means the row is unusable
// (detection then scans the whole series).
func decodeState(b []byte, date obs.Date, dirs int) (*runState, error) {
	var s runState
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("alerts: checkpoint of %s: %w", date, err)
	}
	if s.Date != date || len(s.Dirs) != dirs {
		return nil, fmt.Errorf("alerts: checkpoint of %s holds the state of %s with %d directions, want %d", date, s.Date, len(s.Dirs), dirs)
	}
	return &s, nil
}

// checkpointDates returns the dates at which detection stores the state
// of a series whose compared values run from first to last: 1 January of
// each of the last checkpointYears years of data that is after first and
// after after (the checkpoint the scan started from, whose state is kept).
func checkpointDates(first, last, after obs.Date) []obs.Date {
	var out []obs.Date
	for y := last.Year() - checkpointYears + 1; y <= last.Year(); y++ {
		if d := obs.NewDate(y, 1, 1); d > first && d > after && d <= last {
			out = append(out, d)
		}
	}
	return out
}

// smoothingReach is how many days around a date the compared value of
// that date depends on under sm: the smoothing window and the gap filling
// on both sides of it. Checkpoints are used only when it and the
// year-extreme look-back fit within checkpointMargin.
func smoothingReach(sm analysis.Smoothing) int {
	if sm.None() {
		return YearExtremeHold + 2*max(sm.Fill, 0) + 2
	}
	return sm.Days + 2*(max(sm.Fill, 0)+1) + YearExtremeHold
}

// checkpoints are the stored checkpoints of one dataset as a snapshot sees
// them, with what is needed to tell the usable ones.
type checkpoints struct {
	rows []store.AlertCheckpoint
	// upTo is the dataset's newest version in the snapshot: the data the
	// facts are computed from.
	upTo int64
	// usable tells, per version a checkpoint was computed from, the date
	// before which no later version (up to upTo) changed a value
	// (math.MaxInt32: none changed; math.MinInt32: unknown).
	usable map[int64]obs.Date
}

// newCheckpoints reads the dataset's checkpoints through sn and checks,
// for each version they were computed from, which values changed since
// (store.ChangedSince; versions are never edited once written, so reading
// them outside the snapshot, up to the snapshot's newest version, agrees
// with it).
func newCheckpoints(ctx context.Context, st store.EventStore, sn *store.Snapshot, dataset string) (*checkpoints, error) {
	rows, err := sn.AlertCheckpoints(ctx, dataset)
	if err != nil {
		return nil, err
	}
	upTo, err := sn.DataVersion(ctx, dataset)
	if err != nil {
		return nil, err
	}
	c := &checkpoints{rows: rows, upTo: upTo, usable: map[int64]obs.Date{}}
	for _, r := range rows {
		if _, done := c.usable[r.VersionID]; done {
			continue
		}
		u := obs.Date(math.MinInt32)
		if r.VersionID <= upTo {
			from, changed, ok, err := st.ChangedSince(ctx, dataset, r.VersionID, upTo)
			if err != nil {
				return nil, err
			}
			switch {
			case ok && !changed:
				u = math.MaxInt32
			case ok:
				u = from
			}
		}
		c.usable[r.VersionID] = u
	}
	return c, nil
}

// ok reports whether a stored checkpoint still describes the current data:
// computed under rules, and no value dated before its date plus
// checkpointMargin changed since the version it was computed from (a
// revision, a deletion, a restore).
func (c *checkpoints) ok(r store.AlertCheckpoint, ind catalog.Indicator, rules string) bool {
	if r.Indicator != ind.ID || r.Entity != "" || r.Rules != rules {
		return false
	}
	u := c.usable[r.VersionID]
	return u != math.MinInt32 && (u == math.MaxInt32 || int64(r.Date)+checkpointMargin <= int64(u))
}

// valid returns the dates of the indicator's usable checkpoints.
func (c *checkpoints) valid(ind catalog.Indicator, rules string) []obs.Date {
	var out []obs.Date
	for _, r := range c.rows {
		if c.ok(r, ind, rules) {
			out = append(out, r.Date)
		}
	}
	return out
}

// latest returns the state of the indicator's latest usable checkpoint
// dated on or before limit (nil when there is none or it does not decode).
func (c *checkpoints) latest(ind catalog.Indicator, rules string, limit obs.Date) *runState {
	var best *store.AlertCheckpoint
	for i, r := range c.rows {
		if r.Date <= limit && c.ok(r, ind, rules) && (best == nil || r.Date > best.Date) {
			best = &c.rows[i]
		}
	}
	if best == nil {
		return nil
	}
	s, err := decodeState(best.State, best.Date, len(Directions(ind)))
	if err != nil {
		return nil
	}
	return s
}
