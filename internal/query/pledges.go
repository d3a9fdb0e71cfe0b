package query

import (
	"context"
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// SeriesLoader reads one stored series of an indicator for an entity. It
// returns an error wrapping store.ErrNotFound when nothing is stored.
type SeriesLoader func(ctx context.Context, ref catalog.Ref, entity string) (obs.Series, store.Source, error)

// ErrNoPledge is returned (wrapped) by AssessPledges when no pledge of the
// registry concerns the entity asked about.
var ErrNoPledge = errors.New("no pledge in the registry concerns the entity")

// AssessPledges assesses every pledge of reg that concerns entity (every
// pledge when entity is ""), reading the series each needs through load.
// Series that are not stored are left to national.Assess, which reports them
// in the measurement's error. rule decides peak-status.
func AssessPledges(ctx context.Context, reg *national.Registry, entity string, rule national.PeakRule, load SeriesLoader) (present.PledgeReport, error) {
	var focus []string
	if entity != "" {
		focus = []string{entity}
	}
	out := present.PledgeReport{Rule: rule.String(), Pledges: []present.PledgeProgress{}}
	for _, p := range reg.Pledges {
		if entity != "" && !p.AppliesTo(entity) {
			continue
		}
		data := map[national.SeriesKey]obs.Series{}
		sources := map[national.SeriesKey]store.Source{}
		for _, k := range p.Needs(focus) {
			ref, err := catalog.Resolve(k.Indicator)
			if err != nil {
				return out, err
			}
			s, src, err := load(ctx, ref, k.Entity)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return out, err
			}
			data[k], sources[k] = s, src
		}
		a := national.Assess(p, data, rule, focus)
		pg := present.PledgeProgress{Pledge: a.Pledge, Measurable: a.Measurable, Measurements: []present.PledgeMeasurement{}}
		for _, m := range a.Measurements {
			mm := present.PledgeMeasurement{Measurement: m}
			if src, ok := sources[national.SeriesKey{Indicator: m.Indicator, Entity: m.Entity}]; ok {
				j := present.NewSource(src)
				mm.Source = &j
			}
			pg.Measurements = append(pg.Measurements, mm)
		}
		out.Pledges = append(out.Pledges, pg)
	}
	if entity != "" && len(out.Pledges) == 0 {
		return out, fmt.Errorf("%s (%s): %w", entity, national.Name(entity), ErrNoPledge)
	}
	return out, nil
}
