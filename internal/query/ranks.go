package query

import (
	"context"
	"sort"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// Equal reports whether a and b are the same value up to floating-point
// noise: |a-b| <= 1e-9 * max(1, |a|, |b|). It is the tie rule of the
// records engine (internal/analysis, doc.go), so that every rank and tie a
// surface shows follows the same tolerance.
func Equal(a, b float64) bool {
	if a == b {
		return true
	}
	d := a - b
	if d < 0 {
		d = -d
	}
	scale := max(1, a, -a, b, -b)
	return d <= 1e-9*scale
}

// RanksRequest asks for the rank of every value of a series among the
// values of the same slot: the same calendar month for monthly series, all
// values otherwise (GET /api/ranks/{id}, for the dashboard's tables and
// readouts).
type RanksRequest struct {
	ID, Entity string
	Kind       string // max (rank 1 is the highest) or min; default the indicator's headline extreme
}

// SlotRank is one value's rank among Of values of its slot; Tie is true when
// another value of the slot is equal (Equal) to it. Tied values share the
// better rank.
type SlotRank struct {
	Date string `json:"date"`
	Rank int    `json:"rank"`
	Of   int    `json:"of"`
	Tie  bool   `json:"tie"`
}

// Ranks is the answer to a RanksRequest, in date order.
type Ranks struct {
	Indicator string         `json:"indicator"`
	Entity    *string        `json:"entity"`
	Kind      analysis.Kind  `json:"kind"`
	Slot      string         `json:"slot"` // "month" or "all"
	Ranks     []SlotRank     `json:"ranks"`
	Source    present.Source `json:"source"`
}

// RanksOf answers a RanksRequest.
func RanksOf(ctx context.Context, st Store, req RanksRequest) (Ranks, store.Source, error) {
	l, err := load(ctx, st, req.ID, req.Entity)
	if err != nil {
		return Ranks{}, store.Source{}, err
	}
	k, err := kind(req.Kind, l.Ref)
	if err != nil {
		return Ranks{}, l.Source, err
	}
	se := l.Series
	out := Ranks{Indicator: se.Indicator, Kind: k, Slot: "all", Ranks: make([]SlotRank, len(se.Points)), Source: present.NewSource(l.Source)}
	if se.Entity != "" {
		e := se.Entity
		out.Entity = &e
	}
	slotOf := func(obs.Date) int { return 0 }
	if se.Frequency == obs.Monthly {
		out.Slot = "month"
		slotOf = func(d obs.Date) int { return int(d.Month()) }
	}
	groups := map[int][]int{}
	for i, p := range se.Points {
		groups[slotOf(p.Date)] = append(groups[slotOf(p.Date)], i)
	}
	for _, g := range groups {
		better := func(a, b int) bool {
			va, vb := se.Points[a].Value, se.Points[b].Value
			if k == analysis.Min {
				return va < vb
			}
			return va > vb
		}
		sort.SliceStable(g, func(i, j int) bool { return better(g[i], g[j]) })
		for pos, i := range g {
			r := SlotRank{Date: se.Points[i].Date.Format(se.Frequency), Rank: pos + 1, Of: len(g)}
			if pos > 0 && Equal(se.Points[g[pos-1]].Value, se.Points[i].Value) {
				r.Rank = out.Ranks[g[pos-1]].Rank
				r.Tie = true
				out.Ranks[g[pos-1]].Tie = true
			}
			out.Ranks[i] = r
		}
	}
	return out, l.Source, nil
}
