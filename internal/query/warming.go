package query

import (
	"context"
	"errors"
	"fmt"
	"github.com/stocktake/stocktake/internal/i18n"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/goals"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/warming"
)

// WarmingDatasetKeys lists the values the dataset field accepts: the keys
// of warming.Sources.
func WarmingDatasetKeys() []string {
	out := make([]string, len(warming.Sources))
	for i, d := range warming.Sources {
		out[i] = d.Key
	}
	return out
}

// WarmingRequest asks how far above pre-industrial (1850-1900) the world
// is: today, this month, this year and in the long-term sense, how many
// days, months, 12-month periods and years reached 1.5 °C and 2.0 °C, and
// how much of the remaining carbon budget is left. Fields are raw text.
type WarmingRequest struct {
	// Dataset is a comma-separated list of era5, hadcrut5, noaa, gistemp
	// (any case); empty means all four.
	Dataset string
	// Year is the year whose threshold counts, annual value and long-term
	// level are reported; empty means the latest year with ERA5 data (the
	// latest year of any dataset when ERA5 is not asked for).
	Year string
	// Budget is a carbon budget id of internal/goals/goals.yaml; empty
	// means every budget of the registry.
	Budget string
	// Lang is the language of the budgets' titles, coverage and counted
	// emissions, of the re-basing statements and of the threshold events'
	// sentences (see localize.go); "" is English.
	Lang string
}

// DayValue is one day's (or month's, "YYYY-MM") value in °C above
// 1850-1900.
type DayValue struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
}

// LatestDay is the latest day of a daily series with its ordinal among the
// days of its year at or above each threshold ("the 200th day of 2024 at
// or above 1.5 °C"); an ordinal is omitted when the day is below it.
type LatestDay struct {
	Date    string  `json:"date"`
	Value   float64 `json:"value"`
	NthAt15 int     `json:"nth_day_of_year_at_or_above_1_5,omitempty"`
	NthAt20 int     `json:"nth_day_of_year_at_or_above_2_0,omitempty"`
}

// RunJSON is a run of consecutive steps at or above a threshold, dated as
// the series' frequency prints dates.
type RunJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
	Steps int    `json:"steps"`
}

// Threshold is warming.Crossings in JSON form: the steps of one kind (days,
// months, running12 for 12-month periods dated by their last month, years)
// at or above one threshold. PerYear lists only the years with at least one
// such step; InYear is the request's year (present = steps with data).
type Threshold struct {
	Steps     string              `json:"steps"`
	Threshold float64             `json:"threshold"`
	Count     int                 `json:"count"`
	First     *DayValue           `json:"first,omitempty"`
	Last      *DayValue           `json:"last,omitempty"`
	Longest   *RunJSON            `json:"longest,omitempty"`
	Current   *RunJSON            `json:"current,omitempty"`
	InYear    warming.YearCount   `json:"in_year"`
	PerYear   []warming.YearCount `json:"per_year"`
}

// WarmingSeries is what one dataset says, every value in °C above
// 1850-1900 re-based as Method and Statement say, with the stored source
// of the series every number of the object comes from.
type WarmingSeries struct {
	Key       string         `json:"key"`
	Dataset   string         `json:"dataset"`
	Indicator string         `json:"indicator"`
	Frequency obs.Frequency  `json:"frequency"`
	Method    warming.Method `json:"method"`
	Offset    float64        `json:"offset"`
	Statement string         `json:"statement"`
	Source    present.Source `json:"source"`
	LatestDay *LatestDay     `json:"latest_day,omitempty"`
	// LatestMonth is the latest complete month (the mean of its days for
	// ERA5); LatestYear the latest complete calendar year.
	LatestMonth *DayValue          `json:"latest_month,omitempty"`
	LatestYear  *warming.YearValue `json:"latest_year,omitempty"`
	// YearValue is the request year's annual mean (absent when the year
	// is not complete).
	YearValue *float64 `json:"year_value,omitempty"`
	// Level is the long-term (20-year) level of the request year; when it
	// cannot be computed LevelError says why.
	Level      *warming.Level    `json:"long_term_level,omitempty"`
	LevelError string            `json:"long_term_level_error,omitempty"`
	Reaches15  *warming.Crossing `json:"trend_reaches_1_5,omitempty"`
	Thresholds []Threshold       `json:"thresholds"`
	// Days are the request year's daily values (daily series only), for
	// the chart of days against the 1.5 and 2.0 °C lines.
	Days []DayValue `json:"days,omitempty"`
	// DaysByYear lists, for a daily series, every year with at least one
	// day at or above 1.5 °C: its counts at 1.5 °C and 2.0 °C and, when
	// the answer was asked with the event store, the latest threshold
	// event of the year (alerts.LatestThresholdDays).
	DaysByYear []ThresholdYear `json:"days_by_year,omitempty"`
}

// ThresholdYear is one year's days at or above 1.5 °C and 2.0 °C of a
// daily series, out of the days present, with the year's latest threshold
// event.
type ThresholdYear struct {
	Year    int           `json:"year"`
	Days15  int           `json:"days_at_or_above_1_5"`
	Days20  int           `json:"days_at_or_above_2_0"`
	Present int           `json:"days_present"`
	Latest  *alerts.Event `json:"latest_event,omitempty"`
}

// BudgetCount is a remaining carbon budget counted down with the store's
// world CO2 emissions, with the source of those emissions.
type BudgetCount struct {
	goals.BudgetStatus
	Source present.Source `json:"source"`
}

// Warming is the answer to a WarmingRequest.
type Warming struct {
	Year     int             `json:"year"`
	Datasets []WarmingSeries `json:"datasets"`
	// YearMean is the mean over the datasets with a complete request year;
	// LongTerm the multi-dataset long-term level of that year (the mean of
	// the members, their spread and an interval covering each member's).
	YearMean *warming.MeanOfYear `json:"year_mean,omitempty"`
	LongTerm *warming.Ensemble   `json:"long_term_level,omitempty"`
	Budgets  []BudgetCount       `json:"budgets"`
	// Missing names the datasets asked for that are not stored.
	Missing []string `json:"missing,omitempty"`
}

// parseWarmingDatasets reads the dataset field.
func parseWarmingDatasets(v string) ([]warming.Source, error) {
	keys := list(v)
	if len(keys) == 0 {
		return warming.Sources, nil
	}
	want := map[string]bool{}
	for _, k := range keys {
		k = strings.ToLower(k)
		_, found := warming.SourceByKey(k)
		if !found {
			return nil, invalid("{dataset=}%q: want one or more of %s", k, strings.Join(WarmingDatasetKeys(), ", "))
		}
		want[k] = true
	}
	var out []warming.Source
	for _, d := range warming.Sources {
		if want[d.Key] {
			out = append(out, d)
		}
	}
	return out, nil
}

// WarmingAnswer answers a WarmingRequest from the stored series alone:
// the days by year carry no events (WarmingWithEvents adds them).
func WarmingAnswer(ctx context.Context, st Store, req WarmingRequest) (Warming, error) {
	return WarmingWithEvents(ctx, st, nil, req)
}

// WarmingWithEvents answers a WarmingRequest, and, when es is not nil,
// gives each year of DaysByYear the latest threshold event stored in es
// (the sentence of the latest crossing), as `stocktake warming` and GET
// /api/warming do.
func WarmingWithEvents(ctx context.Context, st Store, es store.EventStore, req WarmingRequest) (Warming, error) {
	sel, err := parseWarmingDatasets(req.Dataset)
	if err != nil {
		return Warming{}, err
	}
	reqYear, hasYear, err := year("year", req.Year)
	if err != nil {
		return Warming{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return Warming{}, err
	}
	reg, err := goals.Load()
	if err != nil {
		return Warming{}, err
	}
	budgets := reg.Budgets
	if req.Budget != "" {
		b, ok := reg.Budget(req.Budget)
		if !ok {
			ids := make([]string, len(reg.Budgets))
			for i, b := range reg.Budgets {
				ids[i] = b.ID
			}
			return Warming{}, unknown("unknown budget %q: one of %s", req.Budget, strings.Join(ids, ", "))
		}
		budgets = []goals.Budget{b}
	}
	wanted := map[string]bool{}
	for _, d := range sel {
		wanted[d.Key] = true
	}
	// Re-base every dataset needed: GISTEMP needs HadCRUT5 and NOAA as
	// references even when they are not reported.
	need := map[string]bool{}
	for k := range wanted {
		need[k] = true
	}
	if wanted["gistemp"] {
		need["hadcrut5"], need["noaa"] = true, true
	}
	out := Warming{Datasets: []WarmingSeries{}, Budgets: []BudgetCount{}}
	loaded := map[string]obs.Series{}
	sources := map[string]store.Source{}
	for _, d := range warming.Sources {
		if !need[d.Key] {
			continue
		}
		se, src, err := warming.Load(ctx, st, d, store.ErrNotFound)
		if errors.Is(err, store.ErrNotFound) {
			if wanted[d.Key] {
				out.Missing = append(out.Missing, fmt.Sprintf("%s (%s): not stored", d.Label, d.Indicator))
			}
			continue
		}
		if err != nil {
			return Warming{}, err
		}
		loaded[d.Key], sources[d.Key] = se, src
	}
	rebased, errs := warming.RebaseSources(loaded)
	for _, d := range warming.Sources {
		if err, ok := errs[d.Key]; ok && wanted[d.Key] {
			out.Missing = append(out.Missing, err.Error())
		}
	}
	if len(rebased) == 0 {
		return Warming{}, notFound("no global temperature series is stored: %s", strings.Join(out.Missing, "; "))
	}
	// The year: the latest with data in ERA5, else in any dataset.
	last := 0
	for _, d := range sel {
		if r, ok := rebased[d.Key]; ok && len(r.Points) > 0 {
			y := r.Points[len(r.Points)-1].Date.Year()
			if d.Key == "era5" {
				last = y
				break
			}
			last = max(last, y)
		}
	}
	if !hasYear {
		reqYear = last
	} else if reqYear < warming.PreindustrialFirst || reqYear > last {
		return Warming{}, invalid("{year=}%d is outside the data: want a year from %d to %d", reqYear, warming.PreindustrialFirst, last)
	}
	out.Year = reqYear
	annual := map[string][]warming.YearValue{}
	var levels []warming.Level
	for _, d := range sel {
		r, ok := rebased[d.Key]
		if !ok {
			continue
		}
		ws, err := warmingSeries(d, r, sources[d.Key], reqYear)
		if err != nil {
			return Warming{}, err
		}
		ws.Statement = r.StatementIn(lang)
		if es != nil && len(ws.DaysByYear) > 0 {
			latest, err := alerts.LatestThresholdDays(ctx, es, d.Indicator)
			if err != nil {
				return Warming{}, err
			}
			for i := range ws.DaysByYear {
				if e, ok := latest[ws.DaysByYear[i].Year]; ok {
					if lang.Chinese() {
						e.Sentence = alerts.SentenceIn(e, lang)
					}
					ws.DaysByYear[i].Latest = &e
				}
			}
		}
		if ws.YearValue != nil {
			annual[d.Label] = warming.Annual(r)
		}
		if ws.Level != nil {
			levels = append(levels, *ws.Level)
		}
		out.Datasets = append(out.Datasets, ws)
	}
	if len(annual) > 0 {
		m, err := warming.YearMean(reqYear, annual)
		if err != nil {
			return Warming{}, err
		}
		out.YearMean = &m
	}
	if len(levels) > 0 {
		e, err := warming.Combine(levels)
		if err != nil {
			return Warming{}, err
		}
		out.LongTerm = &e
	}
	if len(budgets) > 0 {
		se, src, err := budgetEmissions(ctx, st)
		if err != nil {
			return Warming{}, err
		}
		for _, b := range budgets {
			bs, err := goals.CountDown(b, se)
			if err != nil {
				return Warming{}, analysisErr(err)
			}
			bs.Budget = LocalizeBudget(lang, bs.Budget)
			bs.Counted = i18n.Text(lang, CountedKey, bs.Counted)
			out.Budgets = append(out.Budgets, BudgetCount{BudgetStatus: bs, Source: present.NewSource(src)})
		}
	}
	return out, nil
}

// budgetEmissions reads the world's annual CO2 emissions that CountDown
// subtracts (goals.CountedEmissions).
func budgetEmissions(ctx context.Context, st Store) (obs.Series, store.Source, error) {
	ref, err := catalog.Resolve("co2.emissions")
	if err != nil {
		return obs.Series{}, store.Source{}, err
	}
	se, src, err := st.SeriesByID(ctx, ref.Dataset.ID, ref.Indicator.ID, "OWID_WRL")
	if err != nil {
		return se, src, storeErr(err)
	}
	return se, src, nil
}

// warmingSeries reports one re-based dataset for year y.
func warmingSeries(d warming.Source, r warming.Rebased, src store.Source, y int) (WarmingSeries, error) {
	ws := WarmingSeries{Key: d.Key, Dataset: d.Label, Indicator: d.Indicator, Frequency: r.Frequency, Method: r.Method,
		Offset: r.Offset, Statement: r.Statement, Source: present.NewSource(src), Thresholds: []Threshold{}}
	monthly := r
	if r.Frequency == obs.Daily {
		if n := len(r.Points); n > 0 {
			p := r.Points[n-1]
			ld := &LatestDay{Date: p.Date.String(), Value: p.Value}
			if k, ok := warming.NthInYear(r.Points, p.Date, warming.Threshold15); ok {
				ld.NthAt15 = k
			}
			if k, ok := warming.NthInYear(r.Points, p.Date, warming.Threshold20); ok {
				ld.NthAt20 = k
			}
			ws.LatestDay = ld
		}
		for _, p := range r.Points {
			if p.Date.Year() == y {
				ws.Days = append(ws.Days, DayValue{p.Date.String(), p.Value})
			}
		}
		var err error
		if monthly, err = warming.MonthlyMeans(r); err != nil {
			return ws, err
		}
	}
	if n := len(monthly.Points); n > 0 {
		p := monthly.Points[n-1]
		ws.LatestMonth = &DayValue{p.Date.Format(obs.Monthly), p.Value}
	}
	ys := warming.Annual(r)
	if n := len(ys); n > 0 {
		ws.LatestYear = &ys[n-1]
	}
	if v, ok := warming.ValueOf(ys, y); ok {
		ws.YearValue = &v
	}
	if lv, err := warming.LongTermLevel(r.Dataset, ys, y, warming.LevelOptions{}); err != nil {
		ws.LevelError = err.Error()
	} else {
		ws.Level = &lv
		if c, err := warming.YearReaching(r.Dataset, ys, warming.Threshold15, warming.LevelOptions{}); err == nil {
			ws.Reaches15 = &c
		}
	}
	sum, err := warming.Summarise(r)
	if err != nil {
		return ws, err
	}
	add := func(kind string, cs []warming.Crossings) {
		for _, c := range cs {
			ws.Thresholds = append(ws.Thresholds, threshold(kind, c, y))
		}
	}
	add("days", sum.Days)
	if len(sum.Days) == 2 {
		at20 := map[int]int{}
		for _, yc := range sum.Days[1].PerYear {
			at20[yc.Year] = yc.Above
		}
		for _, yc := range sum.Days[0].PerYear {
			if yc.Above > 0 {
				ws.DaysByYear = append(ws.DaysByYear, ThresholdYear{Year: yc.Year, Days15: yc.Above, Days20: at20[yc.Year], Present: yc.Present})
			}
		}
	}
	add("months", sum.Months)
	add("running12", sum.Running12)
	if r.Frequency == obs.Daily {
		// The days' monthly means: ERA5's months, as Copernicus reports
		// them, and their 12-month means.
		for _, th := range []float64{warming.Threshold15, warming.Threshold20} {
			c, err := warming.Cross(r.Dataset, monthly.Points, obs.Monthly, th)
			if err != nil {
				return ws, err
			}
			ws.Thresholds = append(ws.Thresholds, threshold("months", c, y))
		}
		for _, th := range []float64{warming.Threshold15, warming.Threshold20} {
			c, err := warming.Cross(r.Dataset, warming.Running12(monthly.Points), obs.Monthly, th)
			if err != nil {
				return ws, err
			}
			ws.Thresholds = append(ws.Thresholds, threshold("running12", c, y))
		}
	}
	add("years", sum.Years)
	return ws, nil
}

// threshold converts c to its JSON form for year y.
func threshold(kind string, c warming.Crossings, y int) Threshold {
	f := c.Frequency
	pt := func(p *obs.Point) *DayValue {
		if p == nil {
			return nil
		}
		return &DayValue{p.Date.Format(f), p.Value}
	}
	run := func(r *warming.Run) *RunJSON {
		if r == nil {
			return nil
		}
		return &RunJSON{r.Start.Format(f), r.End.Format(f), r.Steps}
	}
	t := Threshold{Steps: kind, Threshold: c.Threshold, Count: c.Count, First: pt(c.First), Last: pt(c.Last),
		Longest: run(c.Longest), Current: run(c.Current), InYear: c.InYear(y), PerYear: []warming.YearCount{}}
	for _, yc := range c.PerYear {
		if yc.Above > 0 {
			t.PerYear = append(t.PerYear, yc)
		}
	}
	sort.Slice(t.PerYear, func(i, j int) bool { return t.PerYear[i].Year < t.PerYear[j].Year })
	t.InYear.Year = y
	return t
}
