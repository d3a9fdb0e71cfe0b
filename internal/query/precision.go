package query

import (
	"context"
	"errors"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// Precision and uncertainty of every records question (docs/records.md).
//
// The records, annual-ranking and annual-extremes questions compare values
// at the resolution the producer publishes (catalog Indicator.Resolution;
// means at one more digit), so that a margin below half a unit of the last
// published digit is a tie, never a record; and, where the producer
// publishes a 95% uncertainty (catalog Indicator.Uncertainty, a companion
// series of the same dataset), a record inside the combined uncertainty is
// reported as "not statistically distinguishable" from the one it beat.

// Precision is what a loaded indicator is compared with: its published
// resolution (0: none declared, exact comparison) and the 95% half-widths of
// its values (nil when none are published or stored).
type Precision struct {
	Resolution  float64
	Uncertainty []obs.Point
}

// PrecisionOf returns the precision of a loaded series: the catalog's
// resolution, and the uncertainty companion series of the same dataset and
// entity when the catalog names one and it is stored (an indicator whose
// companion is not stored is compared at its precision only).
func PrecisionOf(ctx context.Context, st Store, l Loaded) (Precision, error) {
	p := Precision{Resolution: l.Ref.Indicator.Resolution}
	if u := l.Ref.Indicator.Uncertainty; u != "" {
		se, _, err := st.SeriesByID(ctx, l.Ref.Dataset.ID, u, l.Series.Entity)
		switch {
		case err == nil:
			p.Uncertainty = se.Points
		case !errors.Is(err, store.ErrNotFound):
			return p, err
		}
	}
	return p, nil
}

// options sets the precision of record options.
func (p Precision) options(opt analysis.Options) analysis.Options {
	opt.Resolution, opt.Uncertainty = p.Resolution, p.Uncertainty
	return opt
}

// companion returns the catalog entry of a companion indicator id (the
// published annual series of another dataset for NOAA, of the same dataset
// for GISTEMP).
func companion(ref catalog.Ref, id string) (catalog.Ref, bool) {
	for _, ind := range ref.Dataset.Indicators {
		if ind.ID == id {
			return catalog.Ref{Indicator: ind, Dataset: ref.Dataset}, true
		}
	}
	c, err := catalog.Resolve(id)
	return c, err == nil
}
