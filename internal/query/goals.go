package query

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/goals"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// GoalsRequest asks whether the world is on track for the goals of the
// first Global Stocktake (internal/goals/goals.yaml). Fields are raw text.
type GoalsRequest struct {
	// ID is one goal's id; empty means every goal.
	ID string
	// Entity, when set, replaces each goal's contributors (China, the
	// United States, the EU, India) by this one entity (code, name or
	// alias such as EU).
	Entity string
	// AsOf is the last year of data used; empty means all.
	AsOf string
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// IndicatorSource is the stored source of one indicator a goal is measured
// with: the dataset, version and sha256 of the file every value of that
// indicator (world and entities alike) comes from.
type IndicatorSource struct {
	Indicator string         `json:"indicator"`
	Source    present.Source `json:"source"`
}

// GoalProgress is one goal's assessment with the sources of its numbers.
type GoalProgress struct {
	goals.Assessment
	Sources []IndicatorSource `json:"sources"`
	// RequiredPath is the required value of every year from the path's
	// base year to its target year (Path.At), for charts and tables; empty
	// for a goal without a figure.
	RequiredPath []goals.YearValue `json:"required_path"`
	// Error says, in a list of goals, why this goal could not be assessed
	// (an as_of before its baseline); only Goal is set then.
	Error string `json:"error,omitempty"`
}

// GoalsReport is the answer to a GoalsRequest without an id.
type GoalsReport struct {
	// Entity is the resolved entity asked about ("" for the registry's
	// contributors).
	Entity string         `json:"entity,omitempty"`
	Goals  []GoalProgress `json:"goals"`
}

// GoalIDs lists the goals of the registry in order.
func GoalIDs() ([]string, error) {
	reg, err := goals.Load()
	if err != nil {
		return nil, err
	}
	out := make([]string, len(reg.Goals))
	for i, g := range reg.Goals {
		out[i] = g.ID
	}
	return out, nil
}

// goalsOptions reads the entity and as_of fields.
func goalsOptions(req GoalsRequest) (entity string, opt goals.Options, err error) {
	if strings.TrimSpace(req.Entity) != "" {
		if entity, err = resolveEntity(req.Entity); err != nil {
			return "", opt, err
		}
	}
	asOf, _, err := year("as_of", req.AsOf)
	if err != nil {
		return "", opt, err
	}
	opt.AsOf = asOf
	return entity, opt, nil
}

// Goals answers a GoalsRequest for every goal of the registry.
func Goals(ctx context.Context, st Store, req GoalsRequest) (GoalsReport, error) {
	entity, opt, err := goalsOptions(req)
	if err != nil {
		return GoalsReport{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return GoalsReport{}, err
	}
	if req.ID != "" {
		g, err := Goal(ctx, st, req)
		if err != nil {
			return GoalsReport{}, err
		}
		return GoalsReport{Entity: entity, Goals: []GoalProgress{g}}, nil
	}
	reg, err := goals.Load()
	if err != nil {
		return GoalsReport{}, err
	}
	out := GoalsReport{Entity: entity, Goals: []GoalProgress{}}
	for _, g := range reg.Goals {
		p, err := assessGoal(ctx, st, g, entity, opt)
		var qe *Error
		if errors.As(err, &qe) && qe.Kind == NotFound {
			p = GoalProgress{Assessment: goals.Assessment{Goal: g}, Sources: []IndicatorSource{}, RequiredPath: []goals.YearValue{}, Error: qe.Error()}
		} else if err != nil {
			return GoalsReport{}, err
		}
		localizeGoal(lang, &p)
		out.Goals = append(out.Goals, p)
	}
	return out, nil
}

// Goal answers a GoalsRequest for the one goal req.ID (required).
func Goal(ctx context.Context, st Store, req GoalsRequest) (GoalProgress, error) {
	entity, opt, err := goalsOptions(req)
	if err != nil {
		return GoalProgress{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return GoalProgress{}, err
	}
	reg, err := goals.Load()
	if err != nil {
		return GoalProgress{}, err
	}
	g, ok := reg.Goal(strings.TrimSpace(req.ID))
	if !ok {
		ids, _ := GoalIDs()
		return GoalProgress{}, unknown("unknown goal %q: one of %s", req.ID, strings.Join(ids, ", "))
	}
	p, err := assessGoal(ctx, st, g, entity, opt)
	if err == nil {
		localizeGoal(lang, &p)
	}
	return p, err
}

// assessGoal loads the series g needs (with entity as its only contributor
// when entity is set) and assesses it.
func assessGoal(ctx context.Context, st Store, g goals.Goal, entity string, opt goals.Options) (GoalProgress, error) {
	if entity != "" {
		g.Contributors = []string{entity}
	}
	data := map[national.SeriesKey]obs.Series{}
	srcs := map[string]store.Source{}
	for _, k := range g.Needs() {
		ref, err := catalog.Resolve(k.Indicator)
		if err != nil {
			return GoalProgress{}, err
		}
		if k.Entity == goals.AllEntities {
			all, src, err := st.AllSeries(ctx, ref)
			if err != nil {
				return GoalProgress{}, storeErr(err)
			}
			for _, s := range all {
				data[national.SeriesKey{Indicator: k.Indicator, Entity: s.Entity}] = s
			}
			srcs[k.Indicator] = src
			continue
		}
		s, src, err := st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, k.Entity)
		if errors.Is(err, store.ErrNotFound) {
			// Assess reports a contributor without data in its
			// contribution, and a missing world row as an error.
			continue
		}
		if err != nil {
			return GoalProgress{}, err
		}
		data[k] = s
		if k.Entity == g.World {
			srcs[k.Indicator] = src
		}
	}
	a, err := goals.Assess(g, data, opt)
	if err != nil {
		return GoalProgress{}, notFound("%v", err)
	}
	p := GoalProgress{Assessment: a, Sources: []IndicatorSource{}, RequiredPath: []goals.YearValue{}}
	if a.Path != nil {
		for y := a.Path.BaseYear; y <= a.Path.TargetYear; y++ {
			p.RequiredPath = append(p.RequiredPath, goals.YearValue{Year: y, Value: a.Path.At(float64(y))})
		}
	}
	for _, ind := range g.Indicators {
		if src, ok := srcs[ind]; ok {
			p.Sources = append(p.Sources, IndicatorSource{Indicator: ind, Source: present.NewSource(src)})
		}
	}
	sort.SliceStable(p.Sources, func(i, j int) bool { return p.Sources[i].Indicator < p.Sources[j].Indicator })
	return p, nil
}
