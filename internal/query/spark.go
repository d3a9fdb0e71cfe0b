package query

import (
	"math"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/present"
)

// This file defines the data of the overview's small charts (sparklines):
// the recent period of each vital sign against its climatology, computed
// here so that the dashboard only draws numbers it was given.

// SparkMonths is the number of monthly values in a monthly sparkline.
const SparkMonths = 24

// Spark is the small chart of a vital sign (Sign.Spark), in one of two
// kinds.
//
// Kind "days" (daily series): the latest value's calendar year so far, one
// slot per day from 1 January to the latest date (Dates, YYYY-MM-DD).
// Values are the stored values of that year (null where a day is missing);
// Record the values of RecordYear for the same day of the year; Mean, P10
// and P90 the climatology of Baseline for that day. The day of the year
// follows the producer's convention (Convention: daycount for NSIDC sea
// ice, calendar otherwise), the same climatology (ClimatologyOf, no
// smoothing) as the card's anomaly. RecordYear is the year of the
// all-time extreme in the indicator's headline direction (RecordKind, as
// the daily view's record year); when it is the latest year itself,
// Record is omitted. AboveP90 and BelowP10 count the days of Values above
// the 90th and below the 10th percentile.
//
// Kind "bars" (monthly series): the last SparkMonths months (Dates,
// YYYY-MM). Values are anomalies in the sign's unit: the published values
// when the producer publishes anomalies against Baseline, otherwise each
// value minus the mean of its calendar month over Baseline (AnomalyPoints).
// Max and Min are the highest and lowest of those anomalies, the first
// such month on a tie.
//
// Numbers are rounded to 6 decimals; null marks a missing value.
type Spark struct {
	Kind       string              `json:"kind"`
	Baseline   string              `json:"baseline"`
	Basis      string              `json:"basis"`
	Convention analysis.Convention `json:"convention,omitempty"`
	Dates      []string            `json:"dates"`
	Values     []Num               `json:"values"`
	RecordKind analysis.Kind       `json:"record_kind,omitempty"`
	RecordYear int                 `json:"record_year,omitempty"`
	Record     []Num               `json:"record,omitempty"`
	Mean       []Num               `json:"mean,omitempty"`
	P10        []Num               `json:"p10,omitempty"`
	P90        []Num               `json:"p90,omitempty"`
	AboveP90   int                 `json:"above_p90"`
	BelowP10   int                 `json:"below_p10"`
	Max        *present.Point      `json:"max,omitempty"`
	Min        *present.Point      `json:"min,omitempty"`
}

// SparkOf computes the sparkline of a loaded vital sign; it returns nil
// (and no error) for series of other frequencies and when the data cannot
// make one (no climatology for the baseline, no values).
func SparkOf(l Loaded) (*Spark, error) {
	switch l.Series.Frequency {
	case obs.Daily:
		return daySpark(l)
	case obs.Monthly:
		return barSpark(l)
	}
	return nil, nil
}

// daySpark is SparkOf for daily series (kind "days").
func daySpark(l Loaded) (*Spark, error) {
	pts := l.Series.Points
	if len(pts) == 0 {
		return nil, nil
	}
	b := DefaultBaseline(l.Ref)
	conv := DefaultConvention(l.Ref)
	c, err := ClimatologyOf(l, b, conv, analysis.Smoothing{})
	if err != nil {
		if IsNoData(err) {
			return nil, nil
		}
		return nil, err
	}
	kind := headlineKind(l.Ref)
	ext, err := analysis.Extremes(l.Series, kind, analysis.AllPeriod(), analysis.Smoothing{})
	if err != nil {
		return nil, analysisErr(err)
	}
	recDate, err := obs.ParseDate(ext.Date)
	if err != nil {
		return nil, err
	}
	last := pts[len(pts)-1].Date
	year := last.Year()
	first := obs.NewDate(year, 1, 1)
	sp := &Spark{Kind: "days", Baseline: CoverageOf(l, b).Label, Basis: "climatology", Convention: conv,
		RecordKind: kind, RecordYear: recDate.Year()}
	// The stored values of the latest year and of the record year, by day
	// of the year.
	this := map[obs.Date]float64{}
	rec := map[int]float64{}
	for _, p := range pts {
		switch y := p.Date.Year(); {
		case y == year:
			this[p.Date] = p.Value
		case y == sp.RecordYear:
			rec[conv.Slot(p.Date)] = p.Value
		}
	}
	withRecord := sp.RecordYear != year
	for d := first; d <= last; d++ {
		slot := conv.Slot(d)
		st := c.Slots[slot]
		v, ok := this[d]
		if !ok {
			v = math.NaN()
		}
		sp.Dates = append(sp.Dates, d.String())
		sp.Values = append(sp.Values, Num(v))
		if withRecord {
			r, ok := rec[slot]
			if !ok {
				r = math.NaN()
			}
			sp.Record = append(sp.Record, Num(r))
		}
		mean, p10, p90 := math.NaN(), math.NaN(), math.NaN()
		if st.N > 0 {
			mean, p10, p90 = st.Mean, st.P10, st.P90
		}
		sp.Mean = append(sp.Mean, Num(mean))
		sp.P10 = append(sp.P10, Num(p10))
		sp.P90 = append(sp.P90, Num(p90))
		if ok && st.N > 0 {
			if v > p90 {
				sp.AboveP90++
			} else if v < p10 {
				sp.BelowP10++
			}
		}
	}
	return sp, nil
}

// barSpark is SparkOf for monthly series (kind "bars").
func barSpark(l Loaded) (*Spark, error) {
	pts := l.Series.Points
	if len(pts) == 0 {
		return nil, nil
	}
	sp := &Spark{Kind: "bars"}
	if l.Ref.Indicator.Baseline != "" {
		sp.Baseline, sp.Basis = l.Ref.Indicator.Baseline, "published anomaly"
	} else {
		b := DefaultBaseline(l.Ref)
		c, err := ClimatologyOf(l, b, analysis.Month, analysis.Smoothing{})
		if err != nil {
			if IsNoData(err) {
				return nil, nil
			}
			return nil, err
		}
		pts = AnomalyPoints(l, c, analysis.Smoothing{})
		sp.Baseline, sp.Basis = CoverageOf(l, b).Label, "climatology"
	}
	if len(pts) > SparkMonths {
		pts = pts[len(pts)-SparkMonths:]
	}
	for _, p := range pts {
		date := p.Date.Format(obs.Monthly)
		sp.Dates = append(sp.Dates, date)
		sp.Values = append(sp.Values, Num(p.Value))
		if sp.Max == nil || p.Value > sp.Max.Value {
			sp.Max = &present.Point{Date: date, Value: round6(p.Value)}
		}
		if sp.Min == nil || p.Value < sp.Min.Value {
			sp.Min = &present.Point{Date: date, Value: round6(p.Value)}
		}
	}
	if len(sp.Values) == 0 {
		return nil, nil
	}
	return sp, nil
}
