package alerts

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// Verdicts of record events (docs/records.md, docs/alerts.md).
//
// Precision: facts are judged at the resolution the producer publishes
// (ResolutionFor), so a value equal to the previous record at that
// resolution is a tie and raises no event at all; there is no "tie" event
// kind. Uncertainty: where the producer publishes a 95% half-width for each
// value (catalog Indicator.Uncertainty, a companion series such as
// ohc.jma.err95), a record event whose margin lies inside the combined
// half-width of the new and the previous value is still stored (it is a
// record at the published precision) but its Comparison says
// "record_not_distinguishable" with both half-widths, and its sentence says
// "not statistically distinguishable from YEAR". The half-widths are read
// when events are read (List, Get), so a revised uncertainty file changes
// the verdict without a new detection.

// recordKinds are the event kinds that compare a value with a previous
// record and carry a Comparison.
var recordKinds = map[Kind]bool{AllTime: true, DayRecord: true, MonthRec: true}

// indicatorOf returns the catalog entry of an event's indicator in its
// dataset.
func indicatorOf(dataset, indicator string) (catalog.Indicator, bool) {
	if ds, ok := catalog.DatasetByID(dataset); ok {
		for _, ind := range ds.Indicators {
			if ind.ID == indicator {
				return ind, true
			}
		}
	}
	if r, err := catalog.Resolve(indicator); err == nil {
		return r.Indicator, true
	}
	return catalog.Indicator{}, false
}

// comparisonOf is the verdict of a record event at its resolution, with
// the 95% half-widths u and uPrev of its value and of the previous one when
// both are known; nil for events that are not records or have no previous
// holder.
func comparisonOf(e Event, u, uPrev *float64) *analysis.Comparison {
	if !recordKinds[e.Kind] || e.Previous == nil {
		return nil
	}
	ind, _ := indicatorOf(e.Dataset, e.Indicator)
	k := analysis.Max
	if e.Direction == "min" {
		k = analysis.Min
	}
	c := analysis.Compare(k, e.Value, e.Previous.Value, ResolutionFor(ind, e.Frequency, e.Kind, e.Smoothing), u, uPrev)
	return &c
}

// withUncertainty sets the uncertainty verdict of the record events of
// indicators whose producer publishes a 95% uncertainty, reading each
// companion series once, and rewrites their sentences.
func withUncertainty(ctx context.Context, st store.EventStore, evs []Event) error {
	type key struct{ dataset, id, entity string }
	cache := map[key][]obs.Point{}
	var sn *store.Snapshot
	defer func() {
		if sn != nil {
			sn.Close()
		}
	}()
	for i := range evs {
		e := &evs[i]
		if e.Comparison == nil || e.Previous == nil {
			continue
		}
		ind, ok := indicatorOf(e.Dataset, e.Indicator)
		if !ok || ind.Uncertainty == "" {
			continue
		}
		k := key{e.Dataset, ind.Uncertainty, e.Entity}
		pts, ok := cache[k]
		if !ok {
			if sn == nil {
				var err error
				if sn, err = st.Snapshot(ctx); err != nil {
					return err
				}
			}
			ds, _ := catalog.DatasetByID(e.Dataset)
			var uref catalog.Ref
			for _, ui := range ds.Indicators {
				if ui.ID == ind.Uncertainty {
					uref = catalog.Ref{Indicator: ui, Dataset: ds}
				}
			}
			se, _, err := sn.Series(ctx, uref, e.Entity)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("alerts: reading %s: %w", ind.Uncertainty, err)
			}
			pts = se.Points
			cache[k] = pts
		}
		u, uok := pointAt(pts, e.Day())
		pd, err := obs.ParseDate(e.Previous.Date)
		if !uok || err != nil {
			continue
		}
		up, pok := pointAt(pts, pd)
		if !pok {
			continue
		}
		e.Comparison = comparisonOf(*e, &u, &up)
		e.Sentence = Sentence(*e)
	}
	return nil
}

// pointAt returns the value of pts dated d.
func pointAt(pts []obs.Point, d obs.Date) (float64, bool) {
	lo, hi := 0, len(pts)
	for lo < hi {
		m := (lo + hi) / 2
		if pts[m].Date < d {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(pts) && pts[lo].Date == d {
		return pts[lo].Value, true
	}
	return 0, false
}
