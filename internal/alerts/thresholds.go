// This file turns the Paris thresholds crossed (internal/warming) into
// events of the same store and delivery machinery as record events: the
// days, months, 12-month periods and calendar years at or above 1.5 °C and
// 2.0 °C above 1850-1900, the first day on record at or above each, and
// each run of days that becomes the longest on record. See docs/alerts.md
// ("Threshold events") and docs/paris.md (section 2).

package alerts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/warming"
)

// Threshold event kinds. "Above" means at or above: a value counts when it
// is >= the threshold, unrounded (warming.Cross). Every threshold event has
// Direction "max", Unit degC and Value the step's value in °C above
// 1850-1900, re-based by the method of its dataset (warming.Sources).
//
//   - above-T-day: a day of the daily ERA5 series at or above T. Rank is
//     its ordinal among the days of its calendar year at or above T ("the
//     52nd day of 2024"); Streak the run of consecutive such days it ends.
//   - above-T-month: a month at or above T (for ERA5 the mean of the days
//     of a complete month). Rank and Streak as for days, in months.
//   - above-T-12-months: a 12-month mean at or above T, dated by its last
//     month. Rank is its ordinal among all such periods of the series;
//     Streak the run of consecutive such periods.
//   - above-T-year: a complete calendar year whose mean is at or above T.
//     Rank is its ordinal among all such years; Streak the run.
//   - first-above-T-day: the first day of the daily series at or above T.
//   - longest-run-above-T-days: the day a run of consecutive days at or
//     above T becomes longer than every earlier run. Streak is the run up
//     to that day; Previous the longest earlier run (Value its length in
//     days, Date its last day) and Margin the difference in days (1).
const (
	Above15Day       Kind = "above-1.5-day"
	Above20Day       Kind = "above-2.0-day"
	Above15Month     Kind = "above-1.5-month"
	Above20Month     Kind = "above-2.0-month"
	Above15Months12  Kind = "above-1.5-12-months"
	Above20Months12  Kind = "above-2.0-12-months"
	Above15Year      Kind = "above-1.5-year"
	Above20Year      Kind = "above-2.0-year"
	FirstAbove15Day  Kind = "first-above-1.5-day"
	FirstAbove20Day  Kind = "first-above-2.0-day"
	LongestRun15Days Kind = "longest-run-above-1.5-days"
	LongestRun20Days Kind = "longest-run-above-2.0-days"
)

// thresholdStep is what a threshold kind counts.
type thresholdStep int

const (
	stepDay thresholdStep = iota
	stepMonth
	stepMonths12
	stepYear
	stepFirstDay
	stepLongestRun
)

// thresholdKinds maps each threshold kind to its threshold and step.
var thresholdKinds = map[Kind]struct {
	th   float64
	step thresholdStep
}{
	Above15Day: {warming.Threshold15, stepDay}, Above20Day: {warming.Threshold20, stepDay},
	Above15Month: {warming.Threshold15, stepMonth}, Above20Month: {warming.Threshold20, stepMonth},
	Above15Months12: {warming.Threshold15, stepMonths12}, Above20Months12: {warming.Threshold20, stepMonths12},
	Above15Year: {warming.Threshold15, stepYear}, Above20Year: {warming.Threshold20, stepYear},
	FirstAbove15Day: {warming.Threshold15, stepFirstDay}, FirstAbove20Day: {warming.Threshold20, stepFirstDay},
	LongestRun15Days: {warming.Threshold15, stepLongestRun}, LongestRun20Days: {warming.Threshold20, stepLongestRun},
}

// ThresholdKinds lists the threshold event kinds, 1.5 °C before 2.0 °C.
var ThresholdKinds = []Kind{Above15Day, Above20Day, Above15Month, Above20Month, Above15Months12, Above20Months12,
	Above15Year, Above20Year, FirstAbove15Day, FirstAbove20Day, LongestRun15Days, LongestRun20Days}

// IsThresholdKind reports whether k is a threshold event kind (reconciled
// by this file, never by the record-event detection).
func IsThresholdKind(k Kind) bool {
	_, ok := thresholdKinds[k]
	return ok
}

// ThresholdOf returns the threshold, in °C above 1850-1900, of a threshold
// kind (0 for other kinds).
func ThresholdOf(k Kind) float64 { return thresholdKinds[k].th }

// kindFor returns the threshold kind of a step at threshold th.
func kindFor(step thresholdStep, th float64) Kind {
	for k, v := range thresholdKinds {
		if v.step == step && v.th == th {
			return k
		}
	}
	panic(fmt.Sprintf("alerts: no threshold kind for step %d at %v", step, th))
}

// thresholdFact is one threshold event as computed from the current data.
type thresholdFact struct {
	kind       Kind
	freq       obs.Frequency
	date       obs.Date
	value      float64
	rank       int
	streakFrom obs.Date
	streakLen  int
	hasPrev    bool
	prevDate   obs.Date
	prevValue  float64
	margin     float64
}

// same reports whether two facts with the same key carry the same details.
func (f thresholdFact) same(g thresholdFact) bool {
	return equal(f.value, g.value) && f.rank == g.rank && f.streakFrom == g.streakFrom && f.streakLen == g.streakLen &&
		f.hasPrev == g.hasPrev && f.prevDate == g.prevDate && equal(f.prevValue, g.prevValue) && equal(f.margin, g.margin)
}

// stepsAbove walks pts (in date order, at frequency freq) and returns a
// fact of kind k for every step at or above th: rank is the ordinal in the
// step's calendar year when perYear, among all steps otherwise; the streak
// is the run of consecutive steps (a missing step or one below th breaks
// it) that the step ends.
func stepsAbove(pts []obs.Point, freq obs.Frequency, th float64, k Kind, perYear bool) []thresholdFact {
	var out []thresholdFact
	n, year := 0, math.MinInt
	runLen := 0
	var runFrom, prev obs.Date
	for i, p := range pts {
		if perYear && p.Date.Year() != year {
			n, year = 0, p.Date.Year()
		}
		if p.Value < th {
			runLen = 0
			prev = p.Date
			continue
		}
		n++
		if runLen > 0 && i > 0 && nextStep(prev, freq) == p.Date {
			runLen++
		} else {
			runFrom, runLen = p.Date, 1
		}
		out = append(out, thresholdFact{kind: k, freq: freq, date: p.Date, value: round6(p.Value), rank: n, streakFrom: runFrom, streakLen: runLen})
		prev = p.Date
	}
	return out
}

// nextStep returns the step after d at frequency freq.
func nextStep(d obs.Date, freq obs.Frequency) obs.Date {
	y, m, _ := d.YMD()
	switch freq {
	case obs.Monthly:
		if m == 12 {
			return obs.NewDate(y+1, 1, 1)
		}
		return obs.NewDate(y, m+1, 1)
	case obs.Annual:
		return obs.NewDate(y+1, 1, 1)
	}
	return d + 1
}

// longestRuns returns, from the day facts of one threshold (stepsAbove),
// the first day at or above it and a fact for each day on which a run
// becomes longer than every earlier run. The first run of the series
// makes no longest-run fact: it has no earlier run to beat (the first-day
// fact announces it).
func longestRuns(days []thresholdFact, th float64) []thresholdFact {
	if len(days) == 0 {
		return nil
	}
	first := days[0]
	out := []thresholdFact{{kind: kindFor(stepFirstDay, th), freq: obs.Daily, date: first.date, value: first.value}}
	best, bestEnd := 0, obs.Date(0)
	for i, d := range days {
		if best > 0 && d.streakLen == best+1 {
			out = append(out, thresholdFact{kind: kindFor(stepLongestRun, th), freq: obs.Daily, date: d.date, value: d.value,
				streakFrom: d.streakFrom, streakLen: d.streakLen, hasPrev: true, prevDate: bestEnd, prevValue: float64(best), margin: 1})
		}
		// A run's length is final on its last day: the next fact starts a
		// new run, or there is none.
		if (i+1 == len(days) || days[i+1].streakLen == 1) && d.streakLen > best {
			best, bestEnd = d.streakLen, d.date
		}
	}
	return out
}

// thresholdFacts returns every threshold fact of a re-based series: days
// (daily series only), months, 12-month periods and calendar years at or
// above 1.5 °C and 2.0 °C, and for daily series the first day and the
// longest runs. A daily series' months are the means of its complete months
// (warming.MonthlyMeans).
func thresholdFacts(r warming.Rebased) ([]thresholdFact, error) {
	monthly := r
	if r.Frequency == obs.Daily {
		var err error
		if monthly, err = warming.MonthlyMeans(r); err != nil {
			return nil, err
		}
	} else if r.Frequency != obs.Monthly {
		return nil, fmt.Errorf("alerts: threshold events need a daily or monthly series; %s is %s", r.Dataset, r.Frequency)
	}
	years := warming.AnnualPoints(warming.Annual(r))
	run12 := warming.Running12(monthly.Points)
	var out []thresholdFact
	for _, th := range []float64{warming.Threshold15, warming.Threshold20} {
		if r.Frequency == obs.Daily {
			days := stepsAbove(r.Points, obs.Daily, th, kindFor(stepDay, th), true)
			out = append(out, days...)
			out = append(out, longestRuns(days, th)...)
		}
		out = append(out, stepsAbove(monthly.Points, obs.Monthly, th, kindFor(stepMonth, th), true)...)
		out = append(out, stepsAbove(run12, obs.Monthly, th, kindFor(stepMonths12, th), false)...)
		out = append(out, stepsAbove(years, obs.Annual, th, kindFor(stepYear, th), false)...)
	}
	return out, nil
}

// thresholdMarker is the key, in the baseline and scan markers of the
// store, of the threshold events of an indicator (baseline) or of the
// threshold detection of a dataset (scan). It cannot collide with a
// catalog dataset id, which never contains a colon.
func thresholdMarker(id string) string { return "thresholds:" + id }

// withThresholds runs detectThresholds after Detect and appends what it
// found to Detect's results (the one line Detect needs).
func withThresholds(ctx context.Context, st store.EventStore, ds catalog.Dataset, versionID int64, newEvents, retracted []Event) ([]Event, []Event, error) {
	n, r, err := detectThresholds(ctx, st, ds, versionID)
	if err != nil {
		return nil, nil, err
	}
	return append(newEvents, n...), append(retracted, r...), nil
}

// catchUpThresholds runs detectThresholds for dataset ds at its current
// version v when the threshold detection has not completed for v yet (the
// one line CatchUp needs), so that a store whose record events were
// scanned before threshold events existed gets them.
func catchUpThresholds(ctx context.Context, st store.EventStore, ds catalog.Dataset, v int64) error {
	if len(warming.SourcesOfDataset(ds.ID)) == 0 {
		return nil
	}
	if scanned, _, ok, err := st.EventScan(ctx, thresholdMarker(ds.ID)); err != nil || ok && scanned == v {
		return err
	}
	_, _, err := detectThresholds(ctx, st, ds, v)
	return err
}

// detectThresholds reconciles the stored threshold events of every warming
// source whose re-based values depend on dataset ds (warming.SourcesOfDataset:
// the source that reads ds and, when ds is HadCRUT5 or NOAAGlobalTemp,
// GISTEMP, aligned on them) with the current data, after version versionID
// of ds was stored. Each source is read from its preferred stored dataset
// (warming.Load: the Met Office's HadCRUT5 before the datahub copy), and
// its events carry that dataset and its current version.
//
// The rules are those of Detect: the first scan of an indicator's threshold
// events stores them as historical and delivers nothing; later scans insert
// and deliver new facts, reinstate retracted ones that hold again, update
// the details of those that still hold (an ordinal or a value changed by a
// revision) and retract the stored ones the data no longer support. It is
// idempotent. A source that is not stored, or cannot be re-based, leaves
// its stored events alone.
func detectThresholds(ctx context.Context, st store.EventStore, ds catalog.Dataset, versionID int64) (newEvents, retracted []Event, err error) {
	keys := warming.SourcesOfDataset(ds.ID)
	if len(keys) == 0 {
		return nil, nil, nil
	}
	// GISTEMP's offset needs the WMO references even when only GISTEMP is
	// reconciled.
	need := slices.Clone(keys)
	if slices.Contains(keys, "gistemp") {
		need = append(need, warming.WMOReferences...)
	}
	loaded := map[string]obs.Series{}
	datasets := map[string]string{}
	for _, s := range warming.Sources {
		if !slices.Contains(need, s.Key) {
			continue
		}
		se, src, err := warming.Load(ctx, st, s, store.ErrNotFound)
		if err != nil {
			if isNotFound(err) {
				continue
			}
			return nil, nil, fmt.Errorf("alerts: reading %s: %w", s.Indicator, err)
		}
		loaded[s.Key], datasets[s.Key] = se, src.Dataset
	}
	rebased, _ := warming.RebaseSources(loaded)
	type job struct {
		src     warming.Source
		dataset string
		version int64
		facts   []thresholdFact
	}
	var jobs []job
	for _, k := range keys {
		r, ok := rebased[k]
		if !ok {
			continue
		}
		s, _ := warming.SourceByKey(k)
		facts, err := thresholdFacts(r)
		if err != nil {
			return nil, nil, err
		}
		j := job{src: s, dataset: datasets[k], version: versionID, facts: facts}
		if j.dataset != ds.ID {
			v, ok, err := st.CurrentVersion(ctx, j.dataset)
			if err != nil {
				return nil, nil, err
			}
			if !ok {
				continue
			}
			j.version = v.ID
		}
		jobs = append(jobs, j)
	}
	tx, err := st.BeginEvents(ctx, time.Now())
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	var newIDs, retIDs []int64
	for _, j := range jobs {
		marker := thresholdMarker(j.src.Indicator)
		baselined, err := tx.Baselined(marker)
		if err != nil {
			return nil, nil, err
		}
		n, r, err := reconcileThresholds(tx, j.dataset, j.src.Indicator, j.facts, j.version, !baselined)
		if err != nil {
			return nil, nil, err
		}
		newIDs, retIDs = append(newIDs, n...), append(retIDs, r...)
		if !baselined {
			if err := tx.MarkBaseline(marker, j.version); err != nil {
				return nil, nil, err
			}
		}
	}
	if err := tx.MarkScanned(thresholdMarker(ds.ID), versionID); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	if newEvents, err = loadEvents(ctx, st, newIDs); err != nil {
		return nil, nil, err
	}
	if retracted, err = loadEvents(ctx, st, retIDs); err != nil {
		return nil, nil, err
	}
	return newEvents, retracted, nil
}

// isNotFound reports whether err says a series is not stored.
func isNotFound(err error) bool { return err != nil && errors.Is(err, store.ErrNotFound) }

// reconcileThresholds brings the stored threshold events of one indicator
// in line with facts, and returns the ids of the events inserted or
// reinstated (historical ones excluded) and of those retracted (historical
// ones included, as Detect returns them); historical events are never
// queued for delivery.
func reconcileThresholds(tx *store.EventTx, dataset, indicator string, facts []thresholdFact, versionID int64, baseline bool) (newIDs, retIDs []int64, err error) {
	rows, err := tx.StoredEvents(indicator, math.MinInt32)
	if err != nil {
		return nil, nil, err
	}
	type key struct {
		kind Kind
		date obs.Date
	}
	type storedTF struct {
		row  store.EventRow
		fact thresholdFact
	}
	stored := map[key]storedTF{}
	for _, r := range rows {
		k := Kind(r.Kind)
		if !IsThresholdKind(k) || r.Entity != "" {
			continue
		}
		stored[key{k, r.Date}] = storedTF{row: r, fact: thresholdFactOf(r)}
	}
	seen := map[key]bool{}
	for _, f := range facts {
		k := key{f.kind, f.date}
		seen[k] = true
		old, ok := stored[k]
		row := thresholdRow(dataset, indicator, f, versionID, baseline)
		switch {
		case !ok:
			id, err := tx.InsertEvent(row)
			if err != nil {
				return nil, nil, err
			}
			if !baseline {
				newIDs = append(newIDs, id)
				if err := tx.QueueDeliveries(id, indicator, "new"); err != nil {
					return nil, nil, err
				}
			}
		case old.row.Retracted():
			if err := tx.ReinstateEvent(old.row.ID, versionID); err != nil {
				return nil, nil, err
			}
			if err := tx.UpdateEvent(old.row.ID, row, false); err != nil {
				return nil, nil, err
			}
			if !old.row.Historical {
				newIDs = append(newIDs, old.row.ID)
				if err := tx.QueueDeliveries(old.row.ID, indicator, "reinstated"); err != nil {
					return nil, nil, err
				}
			}
		case !old.fact.same(f) || old.row.Dataset != row.Dataset:
			// The numbers changed, or the same numbers now come from
			// another dataset (HadCRUT5 from the Met Office's own file
			// once it is stored, instead of the DataHub copy): the event
			// takes the current source's dataset and version.
			if err := tx.UpdateEvent(old.row.ID, row, true); err != nil {
				return nil, nil, err
			}
		}
	}
	for k, old := range stored {
		if seen[k] || old.row.Retracted() {
			continue
		}
		if err := tx.RetractEvent(old.row.ID, versionID, "revised"); err != nil {
			return nil, nil, err
		}
		retIDs = append(retIDs, old.row.ID)
		if !old.row.Historical {
			if err := tx.QueueDeliveries(old.row.ID, indicator, "retracted"); err != nil {
				return nil, nil, err
			}
		}
	}
	return newIDs, retIDs, nil
}

// thresholdFactOf is the fact a stored threshold event states.
func thresholdFactOf(r store.EventRow) thresholdFact {
	f := thresholdFact{kind: Kind(r.Kind), freq: r.Frequency, date: r.Date, value: r.Value, rank: r.Rank}
	if r.HasStreak {
		f.streakFrom, f.streakLen = r.StreakFrom, r.StreakLen
	}
	if r.HasPrev {
		f.hasPrev, f.prevDate, f.prevValue, f.margin = true, r.PrevDate, r.PrevValue, r.Margin
	}
	return f
}

// thresholdRow is the event row that stores fact f of indicator's series
// read from dataset.
func thresholdRow(dataset, indicator string, f thresholdFact, versionID int64, historical bool) store.EventRow {
	r := store.EventRow{
		Dataset: dataset, Indicator: indicator, Kind: string(f.kind), Direction: "max", Date: f.date, Value: f.value,
		Unit: "degC", Frequency: f.freq, Smoothing: "none", Rank: f.rank, VersionID: versionID, Historical: historical,
	}
	if f.streakLen > 0 {
		r.HasStreak, r.StreakFrom, r.StreakLen = true, f.streakFrom, f.streakLen
	}
	if f.hasPrev {
		r.HasPrev, r.PrevDate, r.PrevValue, r.Margin = true, f.prevDate, f.prevValue, f.margin
	}
	return r
}

// thresholdBasis says, for a sentence, how an indicator's values were put
// above 1850-1900 (docs/paris.md, section 1).
func thresholdBasis(indicator string) string {
	switch indicator {
	case "t2m.world":
		return fmt.Sprintf("ERA5, %d–%d + %.2f °C", warming.ERA5ClimFirst, warming.ERA5ClimLast, warming.ERA5Offset)
	case "gmst.hadcrut5":
		return "HadCRUT5, against its own 1850–1900 mean"
	case "gmst.noaa":
		return "NOAAGlobalTemp, against its own 1850–1900 mean"
	case "gmst.gistemp":
		return fmt.Sprintf("GISTEMP, aligned on HadCRUT5 and NOAAGlobalTemp over %d–%d", warming.WMOCommonFirst, warming.WMOCommonLast)
	}
	return Name(indicator)
}

// thresholdSentence writes a threshold event for people from its data
// alone, e.g. "22 July 2024 was the 52nd day of 2024 at or above 1.5 °C
// above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.62 °C." Retracted
// events say so first.
func thresholdSentence(e Event) string {
	tk := thresholdKinds[e.Kind]
	th := strconv.FormatFloat(tk.th, 'f', 1, 64) + " °C above pre-industrial"
	basis := " (" + thresholdBasis(e.Indicator) + ")"
	val := FormatValue(e.Value, e.Unit)
	d, _ := obs.ParseDate(e.Date)
	runLen, runFrom := 0, ""
	if e.Streak != nil {
		runLen, runFrom = e.Streak.Len, e.Streak.From
	}
	nth := func(n int) string {
		if n == 1 {
			return "first"
		}
		return ordinal(n)
	}
	var s string
	switch tk.step {
	case stepDay:
		s = fmt.Sprintf("%s was the %s day of %d at or above %s%s: %s", humanDate(d), nth(e.Rank), d.Year(), th, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(", the %s consecutive day", ordinal(runLen))
		}
	case stepMonth:
		what := "month"
		if e.Indicator == "t2m.world" {
			what = "month (mean of its days)"
		}
		s = fmt.Sprintf("%s %d was the %s %s of %d at or above %s%s: %s", monthName(d.Month()), d.Year(), nth(e.Rank), what, d.Year(), th, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(", the %s consecutive month", ordinal(runLen))
		}
	case stepMonths12:
		to := monthName(d.Month()) + " " + strconv.Itoa(d.Year())
		switch {
		case runLen > 1:
			s = fmt.Sprintf("The 12 months to %s were the %s consecutive 12-month period at or above %s%s: %s", to, ordinal(runLen), th, basis, val)
		case e.Rank == 1:
			s = fmt.Sprintf("The 12 months to %s were the first 12-month period on record at or above %s%s: %s", to, th, basis, val)
		default:
			s = fmt.Sprintf("The 12 months to %s were at or above %s%s: %s, the %s such 12-month period on record", to, th, basis, val, ordinal(e.Rank))
		}
	case stepYear:
		s = fmt.Sprintf("%d was the %s calendar year on record at or above %s%s: %s", d.Year(), nth(e.Rank), th, basis, val)
		if runLen > 1 {
			s += fmt.Sprintf(", the %s consecutive year", ordinal(runLen))
		}
	case stepFirstDay:
		s = fmt.Sprintf("%s was the first day on record at or above %s%s: %s", humanDate(d), th, basis, val)
	case stepLongestRun:
		s = fmt.Sprintf("On %s the run of days at or above %s%s reached %d days", humanDate(d), th, basis, runLen)
		if f, err := obs.ParseDate(runFrom); err == nil {
			s += " (since " + humanDate(f) + ")"
		}
		s += ", the longest on record"
		if e.Previous != nil {
			if p, err := obs.ParseDate(e.Previous.Date); err == nil {
				s += fmt.Sprintf("; the longest earlier run was %d days, ending %s", int(e.Previous.Value), humanDate(p))
			}
		}
	}
	s += "."
	if e.Retracted {
		return "Retracted after a data revision: " + s
	}
	return s
}

// EventKinds lists every event kind: the record kinds (the station
// month-scope kind, stations.go, among them), then the threshold kinds.
func EventKinds() []Kind {
	return append([]Kind{AllTime, DayRecord, MonthRec, StationMonthRecord, Streak, YearExtrem}, ThresholdKinds...)
}

// EventKindsText lists every event kind, comma-separated, for error
// messages and help.
func EventKindsText() string {
	var out []string
	for _, k := range EventKinds() {
		out = append(out, string(k))
	}
	return strings.Join(out, ", ")
}

// LatestThresholdDays returns, for each calendar year, the latest stored
// day event (above-1.5-day or above-2.0-day, retracted ones excluded,
// historical ones included) of indicator: the event of the year's latest
// day at or above 1.5 °C, or its above-2.0-day event when that day also
// reached 2.0 °C. Years without such a day are absent.
func LatestThresholdDays(ctx context.Context, st store.EventStore, indicator string) (map[int]Event, error) {
	rows, err := st.Events(ctx, store.EventFilter{Indicators: []string{indicator}, Kinds: []string{string(Above15Day), string(Above20Day)}, Historical: true})
	if err != nil {
		return nil, err
	}
	best := map[int]store.EventRow{}
	for _, r := range rows {
		if r.Retracted() {
			continue
		}
		y := r.Date.Year()
		b, ok := best[y]
		if !ok || r.Date > b.Date || r.Date == b.Date && r.Kind == string(Above20Day) {
			best[y] = r
		}
	}
	out := make(map[int]Event, len(best))
	for y, r := range best {
		out[y] = eventFrom(r)
	}
	return out, nil
}

// loadEvents reads the stored events ids, ordered by date (stable: ids of
// one date keep their order), for the hooks and deliveries of a detection.
func loadEvents(ctx context.Context, st store.EventStore, ids []int64) ([]Event, error) {
	var out []Event
	for _, id := range ids {
		e, err := Get(ctx, st, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b Event) int { return int(a.date - b.date) })
	return out, nil
}
