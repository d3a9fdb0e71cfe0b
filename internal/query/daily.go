package query

import (
	"context"
	"math"
	"strconv"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// This file defines the daily view (GET /api/daily/{id} and the spaghetti
// chart): every year of a daily indicator by calendar day, with the band of
// the one climatology definition and the record year.

// Num is a number in a day-of-year array: written rounded to 6 decimals, or
// null when missing (NaN).
type Num float64

// MarshalJSON writes n, or null for NaN and infinities.
func (n Num) MarshalJSON() ([]byte, error) {
	x := float64(n)
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, round6(x), 'f', -1, 64), nil
}

// Band is the climatology of a daily series by calendar day, as arrays of
// 366 slots (see DailyYears for the layout): the number of baseline years
// with a value, the mean, the sample standard deviation, mean ± 2σ and the
// 10th and 90th percentiles. Slots without values are null.
type Band struct {
	N        []int `json:"n"`
	Mean     []Num `json:"mean"`
	Std      []Num `json:"std"`
	Lower2SD []Num `json:"lower_2sd"`
	Upper2SD []Num `json:"upper_2sd"`
	P10      []Num `json:"p10"`
	P90      []Num `json:"p90"`
}

// YearValues is one year of a daily series laid out by calendar day: Values
// has 366 slots, null where the year has no value (29 February of common
// years, days before the series starts or after its latest value, gaps).
// Days is the number of non-null slots.
type YearValues struct {
	Year   int   `json:"year"`
	Days   int   `json:"days"`
	Values []Num `json:"values"`
}

// DailyYears is the body of GET /api/daily/{id}, the data of the
// "spaghetti" chart: one line per year against the day of the year, the
// climatology band of a baseline, and the years that hold the records.
//
// Layout: the calendar convention (analysis.Calendar): slot 0 is 1 January,
// slot 59 is 29 February (filled only in leap years), slot 60 is 1 March in
// every year and slot 365 is 31 December, so the same calendar date has the
// same slot in every year. Labels[i] is slot i as "MM-DD".
//
// Values are those of the series after smoothing (Smoothing). The band is
// computed from the same smoothed values over Baseline, with single missing
// days filled by linear interpolation first.
//
// RecordYear is the year holding the all-time record in the indicator's
// headline direction (RecordKind: max for temperatures and greenhouse
// gases, min for sea ice, whose record lows make the news); Records gives
// both the highest and lowest values with their dates.
type DailyYears struct {
	Indicator  string              `json:"indicator"`
	Entity     *string             `json:"entity"`
	Title      string              `json:"title"`
	Unit       string              `json:"unit"`
	Source     present.Source      `json:"source"`
	Convention analysis.Convention `json:"convention"`
	Labels     []string            `json:"labels"`
	Smoothing  analysis.Smoothing  `json:"smoothing"`
	Baseline   analysis.Baseline   `json:"baseline"`
	Band       Band                `json:"climatology"`
	Years      []YearValues        `json:"years"`
	Latest     present.Point       `json:"latest"`
	RecordKind analysis.Kind       `json:"record_kind"`
	RecordYear int                 `json:"record_year"`
	Records    DailyRecords        `json:"records"`
}

// DailyRecords are the highest and lowest values of the (smoothed) series.
type DailyRecords struct {
	Max analysis.Extreme `json:"max"`
	Min analysis.Extreme `json:"min"`
}

// headlineKind is the direction of the records that make the news for an
// indicator (catalog.Indicator.HeadlineKind).
func headlineKind(ref catalog.Ref) analysis.Kind {
	k, _ := analysis.ParseKind(string(ref.Indicator.HeadlineKind()))
	return k
}

// calendarLabels are the "MM-DD" labels of the 366 calendar slots.
var calendarLabels = func() []string {
	out := make([]string, analysis.DaySlots)
	for i := range out {
		out[i] = analysis.Calendar.Label(i)
	}
	return out
}()

// dailyYears computes DailyYears for a daily series.
func dailyYears(ref catalog.Ref, se obs.Series, src store.Source, sm analysis.Smoothing, b analysis.Baseline) (*DailyYears, error) {
	if se.Frequency != obs.Daily {
		return nil, invalid("%s is %s: day-of-year views need a daily indicator", se.Indicator, se.Frequency)
	}
	// The band is the one climatology definition (ClimatologyOf), in
	// the calendar layout of this view.
	clim, err := ClimatologyOf(Loaded{Ref: ref, Series: se}, b, analysis.Calendar, sm)
	if err != nil {
		return nil, err
	}
	if err := checkSmoothing(se, sm); err != nil {
		return nil, err
	}
	sse := se
	if !sm.None() {
		sse.Points = sm.Apply(se.Points)
	}
	pts := sse.Points
	if len(pts) == 0 {
		return nil, notFound("%s has no values", se.Indicator)
	}
	out := &DailyYears{Indicator: se.Indicator, Title: ref.Indicator.Title, Unit: se.Unit, Source: present.NewSource(src),
		Convention: analysis.Calendar, Labels: calendarLabels, Smoothing: sm, Baseline: b, RecordKind: headlineKind(ref)}
	if se.Entity != "" {
		e := se.Entity
		out.Entity = &e
	}
	n := analysis.DaySlots
	band := Band{N: make([]int, n), Mean: make([]Num, n), Std: make([]Num, n), Lower2SD: make([]Num, n),
		Upper2SD: make([]Num, n), P10: make([]Num, n), P90: make([]Num, n)}
	for i, st := range clim.Slots {
		band.N[i] = st.N
		band.Mean[i], band.Std[i] = Num(st.Mean), Num(st.Std)
		band.Lower2SD[i], band.Upper2SD[i] = Num(st.Mean-2*st.Std), Num(st.Mean+2*st.Std)
		band.P10[i], band.P90[i] = Num(st.P10), Num(st.P90)
	}
	out.Band = band
	for _, p := range pts {
		y := p.Date.Year()
		if len(out.Years) == 0 || out.Years[len(out.Years)-1].Year != y {
			vals := make([]Num, n)
			for i := range vals {
				vals[i] = Num(math.NaN())
			}
			out.Years = append(out.Years, YearValues{Year: y, Values: vals})
		}
		yv := &out.Years[len(out.Years)-1]
		yv.Values[analysis.Calendar.Slot(p.Date)] = Num(p.Value)
		yv.Days++
	}
	last := pts[len(pts)-1]
	out.Latest = present.Point{Date: last.Date.String(), Value: last.Value}
	// The extremes are taken from the series smoothed above rather than
	// smoothing it again for each; they report the smoothing applied.
	if out.Records.Max, err = analysis.Extremes(sse, analysis.Max, analysis.AllPeriod(), analysis.Smoothing{}); err != nil {
		return nil, analysisErr(err)
	}
	if out.Records.Min, err = analysis.Extremes(sse, analysis.Min, analysis.AllPeriod(), analysis.Smoothing{}); err != nil {
		return nil, analysisErr(err)
	}
	out.Records.Max.Smoothing, out.Records.Min.Smoothing = sm, sm
	rec := out.Records.Max
	if out.RecordKind == analysis.Min {
		rec = out.Records.Min
	}
	if d, err := obs.ParseDate(rec.Date); err == nil {
		out.RecordYear = d.Year()
	}
	return out, nil
}

// DailyView answers a DailyRequest: the daily view and its source.
func DailyView(ctx context.Context, st Store, req DailyRequest) (*DailyYears, store.Source, error) {
	lang, err := parseLang(req.Lang)
	if err != nil {
		return nil, store.Source{}, err
	}
	in, err := Daily(ctx, st, req)
	if err != nil {
		return nil, store.Source{}, err
	}
	d, err := dailyYears(in.Ref, in.Series, in.Source, in.Smoothing, in.Baseline)
	if d != nil {
		localizeDaily(lang, d)
	}
	return d, in.Source, err
}

// SlotDate returns the date of a year's calendar slot in the layout of
// DailyYears (slot 0 is 1 January, slot 59 is 29 February, slot 365 is 31
// December); ok is false for slot 59 of a common year and for a slot
// outside 0..365. The spaghetti chart's CSV dates its values with it.
func (d *DailyYears) SlotDate(year, slot int) (date obs.Date, ok bool) {
	if slot < 0 || slot >= analysis.DaySlots {
		return 0, false
	}
	return d.Convention.DateOf(year, slot)
}
