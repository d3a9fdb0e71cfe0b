package national

import (
	"errors"
	"fmt"
	"sort"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// yearValues returns a series' values by calendar year. National series are
// annual, so each year has at most one value.
func yearValues(s obs.Series) map[int]float64 {
	m := make(map[int]float64, len(s.Points))
	for _, p := range s.Points {
		m[p.Date.Year()] = p.Value
	}
	return m
}

// span returns the first and last year of a series; ok is false when it is
// empty.
func span(s obs.Series) (first, last int, ok bool) {
	if len(s.Points) == 0 {
		return 0, 0, false
	}
	return s.Points[0].Date.Year(), s.Points[len(s.Points)-1].Date.Year(), true
}

// RankOptions selects what Rank ranks.
type RankOptions struct {
	// Year is the year ranked, or with Cumulative the last year summed.
	// Zero means the latest well-covered year (see WellCovered), so that a
	// producer's partial latest year (Ember's 2024 with 88 countries instead
	// of 170) is not ranked unless asked for.
	Year int
	// Top keeps the first Top rows (after ties are ranked); zero keeps all.
	Top int
	// Cumulative ranks the sum of each entity's values over Since..Year
	// (historical responsibility) instead of the values of Year.
	Cumulative bool
	// Since is the first year summed when Cumulative is set; zero means the
	// first year of the data.
	Since int
}

// RankRow is one ranked entity. Value is in the ranking's unit. ShareOfWorld
// is a percentage of the world value (see Ranking.WorldBasis) and is nil when
// no world value exists. ChangeFromPreviousYear is Value minus the previous
// year's value (unit as Value) and ChangeFromPreviousYearPct the same as a
// percentage of the previous year's value; both are nil for cumulative
// rankings and when the previous year is missing (the percentage also when
// the previous value is zero).
type RankRow struct {
	Rank                      int      `json:"rank"`
	Entity                    string   `json:"entity"`
	Name                      string   `json:"name"`
	Value                     float64  `json:"value"`
	ShareOfWorld              *float64 `json:"share_of_world"`
	ChangeFromPreviousYear    *float64 `json:"change_from_previous_year,omitempty"`
	ChangeFromPreviousYearPct *float64 `json:"change_from_previous_year_pct,omitempty"`
}

// Ranking is the result of Rank. Since is nil unless Cumulative. World is the
// world value the shares divide by, WorldBasis says where it comes from:
// "OWID_WRL" (the producer's World row, which may include emissions not
// allocated to countries, such as international aviation and shipping) or
// "sum" (the sum over every country and area in the data, for producers
// without a World row, such as Global Forest Watch). Countries is the number
// of entities ranked before Top was applied.
type Ranking struct {
	Indicator  string    `json:"indicator"`
	Year       int       `json:"year"`
	Unit       string    `json:"unit"`
	Cumulative bool      `json:"cumulative"`
	Since      *int      `json:"since"`
	World      *float64  `json:"world_value"`
	WorldBasis string    `json:"world_basis"`
	Countries  int       `json:"countries"`
	Ranking    []RankRow `json:"ranking"`
}

// ErrNotCumulative is wrapped by Rank's error when a cumulative ranking is
// asked of an indicator whose values cannot be added over years (installed
// capacity, forest extent, shares in percent).
var ErrNotCumulative = errors.New("not summable over years")

// Rank ranks the countries of one indicator. all holds every entity's series
// of the indicator (as store.AllSeries returns them); aggregates and GFW's
// special areas are never ranked (see Kind), and World is used only for
// shares; indicators in percent (such as electricity.coal.share) are not
// additive and get no world value and no shares. Entities with equal values share a rank and the next rank is
// skipped (1, 2, 2, 4); ties are listed by code. An error is returned when no
// country has a value in the requested year or span.
func Rank(all []obs.Series, opt RankOptions) (Ranking, error) {
	if len(all) == 0 {
		return Ranking{}, fmt.Errorf("no series to rank")
	}
	r := Ranking{Indicator: all[0].Indicator, Unit: all[0].Unit, Cumulative: opt.Cumulative}
	first, last := 0, 0
	have := false
	for _, s := range all {
		if e, ok := Lookup(s.Entity); !ok || !e.Ranked() {
			continue
		}
		f, l, ok := span(s)
		if !ok {
			continue
		}
		if !have || f < first {
			first = f
		}
		if !have || l > last {
			last = l
		}
		have = true
	}
	if !have {
		return r, fmt.Errorf("%s: no country has any value", r.Indicator)
	}
	year := opt.Year
	if year == 0 {
		for y := range WellCovered(all) {
			if y > year {
				year = y
			}
		}
		if year == 0 {
			year = last
		}
	}
	r.Year = year
	since := year
	if opt.Cumulative {
		if ref, err := catalog.Resolve(r.Indicator); err == nil && !ref.Indicator.Summable() {
			return r, fmt.Errorf("%s (%s) is a level or a share, not a yearly flow: summing it over years means nothing, so it has no cumulative ranking: %w",
				r.Indicator, r.Unit, ErrNotCumulative)
		}
		since = opt.Since
		if since == 0 {
			since = first
		}
		if since > year {
			return r, fmt.Errorf("--since %d is after the year %d", since, year)
		}
		r.Since = &since
	}
	// value returns the ranked quantity of one series: the value of year, or
	// the sum over since..year; ok is false when no year in range has data.
	value := func(s obs.Series) (float64, bool) {
		sum, n := 0.0, 0
		for _, p := range s.Points {
			y := p.Date.Year()
			if y >= since && y <= year {
				sum += p.Value
				n++
			}
		}
		return sum, n > 0
	}
	var rows []RankRow
	var worldRow, worldSum float64
	hasWorldRow, hasSum := false, false
	for _, s := range all {
		if s.Entity == World {
			if v, ok := value(s); ok && hasYear(s, year) {
				worldRow, hasWorldRow = v, true
			}
			continue
		}
		e, ok := Lookup(s.Entity)
		if !ok || e.Kind == Aggregate {
			continue
		}
		v, ok := value(s)
		if !ok {
			continue
		}
		worldSum += v
		hasSum = true
		if !e.Ranked() {
			continue
		}
		row := RankRow{Entity: s.Entity, Name: e.Name, Value: v}
		if !opt.Cumulative {
			if prev, ok := yearValues(s)[year-1]; ok {
				row.ChangeFromPreviousYear = ptr(v - prev)
				if prev != 0 {
					row.ChangeFromPreviousYearPct = ptr(100 * (v - prev) / prev)
				}
			}
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		if opt.Cumulative {
			return r, fmt.Errorf("%s: no country has a value between %d and %d (data cover %d-%d)", r.Indicator, since, year, first, last)
		}
		return r, fmt.Errorf("%s: no country has a value for %d (data cover %d-%d)", r.Indicator, year, first, last)
	}
	switch {
	case r.Unit == "%":
		// Percentages (shares of a mix) are not additive: no world share.
	case hasWorldRow:
		r.World, r.WorldBasis = ptr(worldRow), World
	case hasSum:
		r.World, r.WorldBasis = ptr(worldSum), "sum"
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].Value != rows[j].Value {
			return rows[i].Value > rows[j].Value
		}
		return rows[i].Entity < rows[j].Entity
	})
	for i := range rows {
		if i > 0 && rows[i].Value == rows[i-1].Value {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
		if r.World != nil && *r.World != 0 {
			rows[i].ShareOfWorld = ptr(100 * rows[i].Value / *r.World)
		}
	}
	r.Countries = len(rows)
	if opt.Top > 0 && len(rows) > opt.Top {
		rows = rows[:opt.Top]
	}
	r.Ranking = rows
	return r, nil
}

// WellCovered returns the years in which at least half as many countries
// have a value as in the year with the most countries. Default years are
// chosen among them.
func WellCovered(all []obs.Series) map[int]bool {
	counts := map[int]int{}
	most := 0
	for _, s := range all {
		if e, ok := Lookup(s.Entity); !ok || !e.Ranked() {
			continue
		}
		for _, p := range s.Points {
			y := p.Date.Year()
			counts[y]++
			if counts[y] > most {
				most = counts[y]
			}
		}
	}
	out := map[int]bool{}
	for y, n := range counts {
		if 2*n >= most {
			out[y] = true
		}
	}
	return out
}

// hasYear reports whether s has a value in year.
func hasYear(s obs.Series, year int) bool {
	_, ok := yearValues(s)[year]
	return ok
}

func ptr[T any](v T) *T { return &v }
