package alerts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// seriesFacts is the computed facts of one series and the first date of
// its evaluation window (stored events dated before it are left alone).
type seriesFacts struct {
	entity string
	from   obs.Date
	facts  []fact
	// plan is what detection stores of the series' running state (nil for
	// national series, which are read whole).
	plan *checkpointPlan
}

// checkpointPlan is the change of one series' stored checkpoints: keep the
// stored ones dated keep (still valid, and not recomputed) and store add.
// start is the date of the checkpoint the facts were computed from
// (math.MinInt32: the whole series was read).
type checkpointPlan struct {
	start obs.Date
	keep  []obs.Date
	add   []store.AlertCheckpoint
}

// indFacts is the computed facts of one indicator of a dataset.
type indFacts struct {
	ind    catalog.Indicator
	unit   string
	freq   obs.Frequency
	series []seriesFacts
	// yearExtremes holds (entity, dir, year) of every current year-extreme
	// fact, inside the window or not: a stored year-extreme of such a year
	// that no longer holds was superseded, not revised.
	yearExtremes map[[3]any]bool
	// partial is true when series holds some of the indicator's entities
	// only (a station's events, alerts/stations.go): reconcile then leaves
	// the stored events of the other entities alone.
	partial bool
}

// reconcileFrom returns the first date whose events a detection after an
// update must reconcile, given the earliest date the update changed: facts
// depend only on values up to their date, except month records (the whole
// month, and the data reaching its end), year-extremes (their year and
// YearExtremeHold days around it) and smoothing or gap filling (a few days
// back). Starting at 1 January of the year of changed−31 days, less 31 more
// days, covers all of them.
func reconcileFrom(changed obs.Date) obs.Date {
	return obs.NewDate((changed-31).Year(), 1, 1) - 31
}

// Detect reconciles the stored events of dataset ds with its current data,
// after version versionID was ingested (the hook of ingest.Options.AfterIngest).
// For each default indicator of ds (non-default versions of an indicator,
// such as seaice.north@4.0, raise no events) it computes every fact the data
// support, inserts the facts not yet stored with versionID, updates the
// values of stored facts that still hold, reinstates retracted facts that
// hold again, and retracts stored facts that no longer hold.
//
// Cost: when detection last completed for the version before the update
// (the usual case), only the events from reconcileFrom(earliest changed
// date) on are read and reconciled, so an update that appends a few days
// touches about a year of events, not the series' history. The facts are
// computed in one pass from the running records stored at the latest valid
// checkpoint (1 January of one of the last three years of data, migration
// 00010) at or before 1 January of that window's year, reading only the
// values from it on (less checkpointMargin days); without one (first scan,
// a revision before every checkpoint, a restore, missed versions of
// unknown extent, national series) the whole series is read. The
// checkpoints are rewritten in the same transaction as the events.
//
// Baseline rule: the first Detect of a dataset stores everything it finds
// as historical and delivers nothing. Later calls return in newEvents the
// events inserted or reinstated, and in retracted the events retracted; both
// are queued for every matching webhook in the same transaction, except
// historical ones. Detect is idempotent: a second call on the same data
// changes nothing and returns nothing.
func Detect(ctx context.Context, st store.EventStore, ds catalog.Dataset, versionID int64) (newEvents, retracted []Event, err error) {
	newEvents, retracted, _, err = detect(ctx, st, ds, versionID, true)
	if err != nil {
		return nil, nil, err
	}
	return withThresholds(ctx, st, ds, versionID, newEvents, retracted) // thresholds.go
}

// detect is Detect; with useCheckpoints false it reads every series whole
// (the full scan the checkpointed detection must agree with). It also
// returns, per non-national indicator computed, the date of the checkpoint
// its facts were computed from (math.MinInt32: the whole series).
func detect(ctx context.Context, st store.EventStore, ds catalog.Dataset, versionID int64, useCheckpoints bool) (newEvents, retracted []Event, starts map[string]obs.Date, err error) {
	sm := SmoothingFor(ds)
	window := obs.Date(math.MinInt32)
	if scanned, _, ok, err := st.EventScan(ctx, ds.ID); err != nil {
		return nil, nil, nil, err
	} else if ok && scanned < versionID {
		changed, any, known, err := st.ChangedSince(ctx, ds.ID, scanned, versionID)
		if err != nil {
			return nil, nil, nil, err
		}
		switch {
		case known && !any:
			window = math.MaxInt32
		case known:
			window = reconcileFrom(changed)
		}
	}
	all, err := computeDataset(ctx, st, ds, sm, window, useCheckpoints)
	if err != nil {
		return nil, nil, nil, err
	}
	tx, err := st.BeginEvents(ctx, time.Now())
	if err != nil {
		return nil, nil, nil, err
	}
	defer tx.Rollback()
	baselined, err := tx.Baselined(ds.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	baseline := !baselined
	if baseline {
		if window != math.MinInt32 {
			// A baseline reconciles everything, so it needs the facts of
			// the whole series (the scan marker said otherwise: a store
			// whose baseline row is missing).
			if all, err = computeDataset(ctx, st, ds, sm, math.MinInt32, false); err != nil {
				return nil, nil, nil, err
			}
		}
		window = math.MinInt32
	}
	var newIDs, retIDs []int64
	for _, f := range all {
		n, r, err := reconcile(tx, ds, f, sm, versionID, baseline, window)
		if err != nil {
			return nil, nil, nil, err
		}
		newIDs, retIDs = append(newIDs, n...), append(retIDs, r...)
	}
	if err := storeCheckpoints(tx, ds.ID, all); err != nil {
		return nil, nil, nil, err
	}
	if baseline {
		if err := tx.MarkBaseline(ds.ID, versionID); err != nil {
			return nil, nil, nil, err
		}
	}
	if err := tx.MarkScanned(ds.ID, versionID); err != nil {
		return nil, nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, nil, err
	}
	if newEvents, err = loadEvents(ctx, st, newIDs); err != nil {
		return nil, nil, nil, err
	}
	if retracted, err = loadEvents(ctx, st, retIDs); err != nil {
		return nil, nil, nil, err
	}
	starts = map[string]obs.Date{}
	for _, f := range all {
		for _, sf := range f.series {
			if sf.plan != nil {
				starts[f.ind.ID] = sf.plan.start
			}
		}
	}
	return newEvents, retracted, starts, nil
}

// computeDataset computes the facts of every default indicator of ds from
// its current data, read in one snapshot, as reconcile needs them for the
// events dated on or after window: for a series with a usable checkpoint
// (see latestCheckpoint) dated on or before 1 January of window's year, only
// the data from that checkpoint (less checkpointMargin days) are read and
// the facts from it on are computed; otherwise (window math.MinInt32, no
// usable checkpoint, national series) the whole series is read and every
// fact computed. The facts dated on or after the checkpoint are the same
// either way (TestIncrementalEqualsFullScan). With useCheckpoints false
// every series is read whole.
func computeDataset(ctx context.Context, st store.EventStore, ds catalog.Dataset, sm analysis.Smoothing, window obs.Date, useCheckpoints bool) ([]indFacts, error) {
	sn, err := st.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	defer sn.Close()
	cks, err := newCheckpoints(ctx, st, sn, ds.ID)
	if err != nil {
		return nil, err
	}
	limit := obs.Date(math.MaxInt32)
	if window != math.MaxInt32 {
		limit = obs.NewDate(window.Year(), 1, 1)
	}
	var all []indFacts
	for _, ind := range ds.Indicators {
		// Uncertainty companions hold error half-widths, not observations:
		// they are never announced.
		if !ind.Default || ind.IsUncertainty() {
			continue
		}
		ref := catalog.Ref{Indicator: ind, Dataset: ds}
		f := indFacts{ind: ind, unit: ind.Unit, freq: ind.Frequency, yearExtremes: map[[3]any]bool{}}
		if ind.National {
			list, _, err := sn.AllSeries(ctx, ref)
			if errors.Is(err, store.ErrNotFound) {
				list, err = nil, nil
			}
			if err != nil {
				return nil, fmt.Errorf("alerts: reading %s: %w", ind.ID, err)
			}
			for _, se := range list {
				if len(se.Points) == 0 {
					continue
				}
				if e, ok := national.Lookup(se.Entity); se.Entity != "OWID_WRL" && (!ok || !e.Ranked()) {
					continue
				}
				sf := seriesFacts{entity: se.Entity}
				sf.from = obs.NewDate(se.Points[len(se.Points)-1].Date.Year()-NationalWindowYears+1, 1, 1)
				for _, dir := range Directions(ind) {
					for _, f := range allTimeFacts(se.Points, dir, judge{ind.Resolution}) {
						if f.date >= sf.from {
							sf.facts = append(sf.facts, f)
						}
					}
				}
				f.add(sf)
			}
			all = append(all, f)
			continue
		}
		w := window
		if !useCheckpoints {
			w = math.MinInt32
		}
		sf, ok, err := computeSeries(ctx, sn, cks, ds, ind, sm, w, limit)
		if err != nil {
			return nil, fmt.Errorf("alerts: reading %s: %w", ind.ID, err)
		}
		if ok {
			f.add(sf)
		}
		all = append(all, f)
	}
	return all, nil
}

// add appends the facts of one series, noting its year-extremes.
func (f *indFacts) add(sf seriesFacts) {
	for _, fc := range sf.facts {
		if fc.kind == YearExtrem {
			f.yearExtremes[[3]any{sf.entity, fc.dir, fc.date.Year()}] = true
		}
	}
	f.series = append(f.series, sf)
}

// computeSeries computes the facts of the global series of a non-national
// indicator (see computeDataset), from its latest usable checkpoint dated
// on or before limit when there is one and window is not math.MinInt32,
// and plans its checkpoints. ok is false when the series is not stored.
func computeSeries(ctx context.Context, sn *store.Snapshot, cks *checkpoints, ds catalog.Dataset, ind catalog.Indicator, sm analysis.Smoothing, window, limit obs.Date) (seriesFacts, bool, error) {
	sf := seriesFacts{from: math.MinInt32}
	rules := rulesOf(ind, ind.Frequency, sm)
	var start *runState
	if window != math.MinInt32 && smoothingReach(sm) <= checkpointMargin {
		start = cks.latest(ind, rules, limit)
	}
	var se obs.Series
	var err error
	if start != nil {
		se, _, err = sn.SeriesWindow(ctx, ds.ID, ind.ID, "", store.Window{From: start.Date - checkpointMargin, To: math.MaxInt32})
		// A series stored under another frequency than the catalog's, or
		// with no value from the checkpoint on, is scanned whole.
		if err == nil && (se.Frequency != ind.Frequency || len(se.Points) == 0 || se.Points[len(se.Points)-1].Date < start.Date) {
			start = nil
		}
	}
	if start == nil {
		se, _, err = sn.Series(ctx, catalog.Ref{Indicator: ind, Dataset: ds}, "")
	}
	if errors.Is(err, store.ErrNotFound) {
		return sf, false, nil
	}
	if err != nil {
		return sf, false, err
	}
	if len(se.Points) == 0 {
		return sf, false, nil
	}
	sf.entity = se.Entity
	facts, states := scanSeries(se, ind, sm, start, se.Frequency == ind.Frequency && smoothingReach(sm) <= checkpointMargin)
	sf.facts = facts
	plan := &checkpointPlan{start: math.MinInt32}
	if start != nil {
		plan.start = start.Date
		// The stored checkpoints at or before the one used are still
		// valid and not recomputed; those of years no longer among the
		// last checkpointYears are dropped.
		oldest := obs.NewDate(se.Points[len(se.Points)-1].Date.Year()-checkpointYears+1, 1, 1)
		for _, d := range cks.valid(ind, rules) {
			if d <= start.Date && d >= oldest {
				plan.keep = append(plan.keep, d)
			}
		}
	}
	for _, st := range states {
		b, err := st.encode()
		if err != nil {
			return sf, false, err
		}
		plan.add = append(plan.add, store.AlertCheckpoint{Indicator: ind.ID, Entity: se.Entity, Date: st.Date, Rules: rules, VersionID: cks.upTo, State: b})
	}
	sf.plan = plan
	return sf, true, nil
}

// storeCheckpoints writes the checkpoint plans of every series computed,
// and deletes the checkpoints of the dataset's other series.
func storeCheckpoints(tx *store.EventTx, dataset string, all []indFacts) error {
	keep := map[string]map[string]bool{}
	for _, f := range all {
		for _, sf := range f.series {
			if sf.plan == nil {
				continue
			}
			if err := tx.ReplaceCheckpoints(dataset, f.ind.ID, sf.entity, sf.plan.keep, sf.plan.add); err != nil {
				return err
			}
			if keep[f.ind.ID] == nil {
				keep[f.ind.ID] = map[string]bool{}
			}
			keep[f.ind.ID][sf.entity] = true
		}
	}
	return tx.DeleteCheckpoints(dataset, keep)
}

// reconcile brings the stored events of one indicator dated on or after
// window in line with its facts, and returns the ids of the events
// inserted or reinstated and of those retracted (historical ones excluded
// from delivery).
func reconcile(tx *store.EventTx, ds catalog.Dataset, f indFacts, sm analysis.Smoothing, versionID int64, baseline bool, window obs.Date) (newIDs, retIDs []int64, err error) {
	rows, err := tx.StoredEvents(f.ind.ID, window)
	if err != nil {
		return nil, nil, err
	}
	stored := make(map[factKey]storedFact, len(rows))
	for _, r := range rows {
		if IsThresholdKind(Kind(r.Kind)) {
			continue // reconciled by thresholds.go
		}
		stored[factKey{r.Entity, Kind(r.Kind), r.Direction, r.Date}] = storedFact{id: r.ID, fact: factOf(r), retracted: r.Retracted(), historical: r.Historical}
	}
	windows := map[string]obs.Date{}
	seen := map[factKey]bool{}
	for _, sf := range f.series {
		windows[sf.entity] = sf.from
		for _, fc := range sf.facts {
			if fc.date < window {
				continue
			}
			k := factKey{sf.entity, fc.kind, fc.dir, fc.date}
			seen[k] = true
			old, ok := stored[k]
			row := rowOf(ds.ID, f, sf.entity, smoothingName(f.freq, fc.kind, sm), fc, versionID, baseline)
			switch {
			case !ok:
				id, err := tx.InsertEvent(row)
				if err != nil {
					return nil, nil, err
				}
				if !baseline {
					newIDs = append(newIDs, id)
					if err := tx.QueueDeliveries(id, f.ind.ID, "new"); err != nil {
						return nil, nil, err
					}
				}
			case old.retracted:
				if err := tx.ReinstateEvent(old.id, versionID); err != nil {
					return nil, nil, err
				}
				if err := tx.UpdateEvent(old.id, row, false); err != nil {
					return nil, nil, err
				}
				if !old.historical {
					newIDs = append(newIDs, old.id)
					if err := tx.QueueDeliveries(old.id, f.ind.ID, "reinstated"); err != nil {
						return nil, nil, err
					}
				}
			case !old.fact.same(fc):
				if err := tx.UpdateEvent(old.id, row, true); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	for k, old := range stored {
		if seen[k] || old.retracted {
			continue
		}
		if from, ok := windows[k.entity]; ok && k.date < from || !ok && f.partial {
			continue
		}
		reason := "revised"
		if k.kind == YearExtrem && f.yearExtremes[[3]any{k.entity, k.dir, k.date.Year()}] {
			reason = "superseded"
		}
		if err := tx.RetractEvent(old.id, versionID, reason); err != nil {
			return nil, nil, err
		}
		retIDs = append(retIDs, old.id)
		if !old.historical {
			if err := tx.QueueDeliveries(old.id, f.ind.ID, "retracted"); err != nil {
				return nil, nil, err
			}
		}
	}
	return newIDs, retIDs, nil
}

// smoothingName is the smoothing stored with an event: the rule's name for
// daily series, "none" for other series and for month records (means of the
// raw daily values).
func smoothingName(f obs.Frequency, k Kind, sm analysis.Smoothing) string {
	if f != obs.Daily || k == MonthRec {
		return "none"
	}
	return sm.String()
}

type storedFact struct {
	id         int64
	fact       fact
	retracted  bool
	historical bool
}

// factOf is the fact a stored event states.
func factOf(r store.EventRow) fact {
	return fact{
		kind: Kind(r.Kind), dir: r.Direction, date: r.Date, value: r.Value,
		hasPrev: r.HasPrev, prevDate: r.PrevDate, prevValue: r.PrevValue, margin: r.Margin,
		streakFrom: r.StreakFrom, streakLen: r.StreakLen, rank: r.Rank, years: r.Years,
		record: r.Record, recordOpp: r.RecordOpp,
	}
}

// rowOf is the event row that stores fact fc of one series.
func rowOf(dataset string, f indFacts, entity, smoothing string, fc fact, versionID int64, historical bool) store.EventRow {
	r := store.EventRow{
		Dataset: dataset, Indicator: f.ind.ID, Entity: entity, Kind: string(fc.kind), Direction: fc.dir, Date: fc.date,
		Value: fc.value, Unit: f.unit, Frequency: f.freq, Smoothing: smoothing,
		Record: fc.record, RecordOpp: fc.recordOpp, VersionID: versionID, Historical: historical,
	}
	if fc.hasPrev {
		r.HasPrev, r.PrevDate, r.PrevValue, r.Margin = true, fc.prevDate, fc.prevValue, fc.margin
	}
	if fc.kind == Streak {
		r.HasStreak, r.StreakFrom, r.StreakLen = true, fc.streakFrom, fc.streakLen
	}
	if fc.kind == YearExtrem {
		r.Rank, r.Years = fc.rank, fc.years
	}
	return r
}
