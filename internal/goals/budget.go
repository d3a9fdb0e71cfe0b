package goals

import (
	"fmt"
	"sort"

	"github.com/stocktake/stocktake/internal/obs"
)

// CountedEmissions says which emissions CountDown subtracts: the store's
// co2.emissions for the World (OWID_WRL), the Global Carbon Budget's fossil
// fuel and industry CO2 (cement included, international aviation and
// shipping included in the World total), in tonnes. Land-use change CO2,
// which every published remaining budget also counts (about 4 GtCO2 a year
// in the Global Carbon Budget 2024), is not in the store: the countdown is
// therefore a proxy that runs slow, and its "years left" an upper bound.
const CountedEmissions = "World fossil-fuel and industry CO2 (Global Carbon Budget via Our World in Data, co2.emissions for OWID_WRL); land-use change CO2 is not in the store"

// BudgetStatus is a remaining carbon budget counted down with the world's
// annual CO2 emissions, in GtCO2.
type BudgetStatus struct {
	Budget Budget `json:"budget"`
	// Counted names the emissions subtracted; Proxy is true because they
	// leave out land-use change CO2, which the budget covers.
	Counted string `json:"counted"`
	Proxy   bool   `json:"proxy"`
	// Years are the calendar years subtracted (StartYear .. the last year
	// of data); Emitted their total.
	FirstYear int     `json:"first_year,omitempty"`
	LastYear  int     `json:"last_year,omitempty"`
	Emitted   float64 `json:"emitted_gtco2"`
	// Remaining is the budget left on 1 January of AsOfYear (the year after
	// the last one counted, or StartYear when no year of data falls after
	// it). Negative when the budget is spent.
	Remaining float64 `json:"remaining_gtco2"`
	AsOfYear  int     `json:"as_of_year"`
	// LatestYear and Latest are the most recent year of emissions and its
	// amount; YearsLeft = Remaining / Latest, the years until the budget
	// is spent at that rate (0 when already spent).
	LatestYear int     `json:"latest_year"`
	Latest     float64 `json:"latest_gtco2"`
	YearsLeft  float64 `json:"years_left"`
	Exhausted  bool    `json:"exhausted"`
}

// CountDown subtracts from b the world's annual CO2 emissions (the store's
// co2.emissions for OWID_WRL, annual, in tonnes) for every year from
// b.StartYear on, and divides what is left by the latest year's emissions.
// Every year from StartYear to the last year of data must be present.
func CountDown(b Budget, world obs.Series) (BudgetStatus, error) {
	if world.Frequency != obs.Annual || (world.Unit != "" && world.Unit != "t") {
		return BudgetStatus{}, fmt.Errorf("budget %s: want annual world CO2 emissions in t, got %s %s", b.ID, world.Frequency, world.Unit)
	}
	if len(world.Points) == 0 {
		return BudgetStatus{}, fmt.Errorf("budget %s: no emissions data", b.ID)
	}
	pts := append([]obs.Point(nil), world.Points...)
	sort.Slice(pts, func(i, j int) bool { return pts[i].Date < pts[j].Date })
	st := BudgetStatus{Budget: b, Counted: CountedEmissions, Proxy: true, AsOfYear: b.StartYear}
	last := pts[len(pts)-1]
	st.LatestYear, st.Latest = last.Date.Year(), last.Value/1e9
	prev := 0
	for _, p := range pts {
		y := p.Date.Year()
		if y < b.StartYear {
			continue
		}
		if prev != 0 && y != prev+1 {
			return BudgetStatus{}, fmt.Errorf("budget %s: emissions for %d are missing", b.ID, prev+1)
		}
		if prev == 0 && y != b.StartYear {
			return BudgetStatus{}, fmt.Errorf("budget %s: emissions for %d are missing", b.ID, b.StartYear)
		}
		if st.FirstYear == 0 {
			st.FirstYear = y
		}
		st.LastYear, prev = y, y
		st.Emitted += p.Value / 1e9
	}
	if st.LastYear != 0 {
		st.AsOfYear = st.LastYear + 1
	}
	st.Remaining = b.GtCO2 - st.Emitted
	st.Exhausted = st.Remaining <= 0
	if !st.Exhausted && st.Latest > 0 {
		st.YearsLeft = st.Remaining / st.Latest
	}
	return st, nil
}
