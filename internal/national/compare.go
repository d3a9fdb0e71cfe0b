package national

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
)

// CompareCell is one entity's value of one indicator in a comparison: Value
// in the row's unit, ShareOfWorld a percentage (as in Rank), Rank its rank
// among countries in that year (nil for aggregates), ChangeFromPreviousYearPct
// the percentage change from the year before. Pointers are nil when the data
// have no such value.
type CompareCell struct {
	Entity                    string   `json:"entity"`
	Name                      string   `json:"name"`
	Value                     *float64 `json:"value"`
	ShareOfWorld              *float64 `json:"share_of_world"`
	Rank                      *int     `json:"rank"`
	ChangeFromPreviousYearPct *float64 `json:"change_from_previous_year_pct"`
}

// CompareRow is one indicator in a comparison. Countries is the number of
// countries ranked that year (the denominator of "rank N of M").
type CompareRow struct {
	Indicator string        `json:"indicator"`
	Unit      string        `json:"unit"`
	Year      int           `json:"year"`
	Countries int           `json:"countries"`
	Cells     []CompareCell `json:"entities"`
}

// Compare puts entities side by side for one indicator. all holds every
// entity's series of the indicator (needed for ranks and the world total).
// year zero picks the latest well-covered year (see WellCovered) in which
// every requested entity has a value; failing that, the latest year in which
// all have one; failing that, the latest year of any of them.
func Compare(all []obs.Series, entities []string, year int) (CompareRow, error) {
	if len(all) == 0 {
		return CompareRow{}, fmt.Errorf("no series to compare")
	}
	row := CompareRow{Indicator: all[0].Indicator, Unit: all[0].Unit}
	byEntity := map[string]map[int]float64{}
	for _, s := range all {
		byEntity[s.Entity] = yearValues(s)
	}
	if year == 0 {
		year = latestCommonYear(byEntity, entities, WellCovered(all))
		if year == 0 {
			return row, fmt.Errorf("%s: none of %v has any value", row.Indicator, entities)
		}
	}
	row.Year = year
	rk, err := Rank(all, RankOptions{Year: year})
	ranks := map[string]RankRow{}
	if err == nil {
		row.Countries = rk.Countries
		for _, r := range rk.Ranking {
			ranks[r.Entity] = r
		}
	}
	for _, e := range entities {
		c := CompareCell{Entity: e, Name: Name(e)}
		if v, ok := byEntity[e][year]; ok {
			c.Value = ptr(v)
			if prev, ok := byEntity[e][year-1]; ok && prev != 0 {
				c.ChangeFromPreviousYearPct = ptr(100 * (v - prev) / prev)
			}
			if r, ok := ranks[e]; ok {
				c.Rank = ptr(r.Rank)
				c.ShareOfWorld = r.ShareOfWorld
			} else if err == nil && rk.World != nil && *rk.World != 0 {
				c.ShareOfWorld = ptr(100 * v / *rk.World)
			}
		}
		row.Cells = append(row.Cells, c)
	}
	return row, nil
}

// latestCommonYear returns the latest year in which every entity has a value,
// preferring years in covered; else the latest year in which any has; else
// zero.
func latestCommonYear(byEntity map[string]map[int]float64, entities []string, covered map[int]bool) int {
	commonCovered, common, any := 0, 0, 0
	counts := map[int]int{}
	for _, e := range entities {
		for y := range byEntity[e] {
			counts[y]++
			if y > any {
				any = y
			}
		}
	}
	for y, n := range counts {
		if n != len(entities) {
			continue
		}
		if y > common {
			common = y
		}
		if covered[y] && y > commonCovered {
			commonCovered = y
		}
	}
	switch {
	case commonCovered != 0:
		return commonCovered
	case common != 0:
		return common
	}
	return any
}
