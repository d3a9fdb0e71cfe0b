package query

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// TestDaySpark builds a daily series whose every year is flat at a known
// level (1991..2020 rising by 0.01 a year, 2016 at 20, 2021 at 10.5 from 1
// January to 10 March with 1 February missing) and checks the sparkline
// against numbers worked out here: the mean of the baseline years, the
// record year 2016 and the days of 2021 above the 90th percentile.
func TestDaySpark(t *testing.T) {
	ref, err := catalog.Resolve("sst.world")
	if err != nil {
		t.Fatal(err)
	}
	level := func(y int) float64 {
		switch {
		case y == 2016:
			return 20
		case y == 2021:
			return 10.5
		}
		return 10 + 0.01*float64(y-1991)
	}
	var pts []obs.Point
	missing := obs.NewDate(2021, 2, 1)
	for d := obs.NewDate(1991, 1, 1); d <= obs.NewDate(2021, 3, 10); d++ {
		if d != missing {
			pts = append(pts, obs.Point{Date: d, Value: level(d.Year())})
		}
	}
	l := Loaded{Ref: ref, Series: obs.Series{Indicator: "sst.world", Unit: "degC", Frequency: obs.Daily, Points: pts}}
	sp, err := SparkOf(l)
	if err != nil || sp == nil {
		t.Fatalf("SparkOf: %v, %v", sp, err)
	}
	if sp.Kind != "days" || sp.Baseline != "1991-2020" || sp.RecordYear != 2016 || sp.RecordKind != analysis.Max {
		t.Fatalf("spark header: %+v", sp)
	}
	const days = 31 + 28 + 10
	if len(sp.Dates) != days || len(sp.Values) != days || len(sp.Record) != days || len(sp.Mean) != days || len(sp.P10) != days || len(sp.P90) != days {
		t.Fatalf("lengths: dates %d values %d record %d mean %d p10 %d p90 %d, want %d",
			len(sp.Dates), len(sp.Values), len(sp.Record), len(sp.Mean), len(sp.P10), len(sp.P90), days)
	}
	if sp.Dates[0] != "2021-01-01" || sp.Dates[days-1] != "2021-03-10" || sp.Dates[31] != "2021-02-01" {
		t.Fatalf("dates: %s, %s, %s", sp.Dates[0], sp.Dates[31], sp.Dates[days-1])
	}
	sum := 0.0
	for y := 1991; y <= 2020; y++ {
		sum += level(y)
	}
	wantMean := sum / 30
	for i := range sp.Dates {
		if math.Abs(float64(sp.Mean[i])-wantMean) > 1e-9 {
			t.Fatalf("mean on %s: %v, want %v", sp.Dates[i], sp.Mean[i], wantMean)
		}
		if float64(sp.Record[i]) != 20 {
			t.Fatalf("record year on %s: %v, want 20", sp.Dates[i], sp.Record[i])
		}
		if !(float64(sp.P10[i]) < wantMean && float64(sp.P90[i]) > 10.2 && float64(sp.P90[i]) < 10.5) {
			t.Fatalf("band on %s: %v..%v", sp.Dates[i], sp.P10[i], sp.P90[i])
		}
	}
	if !math.IsNaN(float64(sp.Values[31])) || float64(sp.Values[30]) != 10.5 {
		t.Fatalf("values around the missing day: %v %v", sp.Values[30], sp.Values[31])
	}
	if sp.AboveP90 != days-1 || sp.BelowP10 != 0 {
		t.Fatalf("above p90 %d, below p10 %d; want %d, 0", sp.AboveP90, sp.BelowP10, days-1)
	}
	// A missing day is written as null.
	b, err := json.Marshal(sp)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Values []*float64 `json:"values"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.Values[31] != nil || back.Values[0] == nil {
		t.Fatalf("JSON values: %v %s", err, b[:200])
	}

	// When the latest year holds the record, no record line is sent.
	for i := range pts {
		if pts[i].Date.Year() == 2021 {
			pts[i].Value = 30
		}
	}
	sp, err = SparkOf(l)
	if err != nil || sp.RecordYear != 2021 || sp.Record != nil {
		t.Fatalf("latest year as record year: %+v, %v", sp, err)
	}
}

// TestBarSpark checks the monthly sparkline: the last 24 anomalies against
// the 1991-2020 mean of each calendar month, and the highest and lowest.
func TestBarSpark(t *testing.T) {
	ref, err := catalog.Resolve("co2.mlo")
	if err != nil {
		t.Fatal(err)
	}
	if ref.Indicator.Baseline != "" {
		t.Fatalf("co2.mlo is expected to publish values, not anomalies (baseline %q)", ref.Indicator.Baseline)
	}
	var pts []obs.Point
	for y := 1991; y <= 2022; y++ {
		for m := 1; m <= 12; m++ {
			v := 400 + float64(m)
			if y == 2022 && m == 12 {
				v += 1.5
			}
			if y == 2022 && m == 3 {
				v -= 0.25
			}
			pts = append(pts, obs.Point{Date: obs.NewDate(y, m, 1), Value: v})
		}
	}
	l := Loaded{Ref: ref, Series: obs.Series{Indicator: "co2.mlo", Unit: "ppm", Frequency: obs.Monthly, Points: pts}}
	sp, err := SparkOf(l)
	if err != nil || sp == nil {
		t.Fatalf("SparkOf: %v, %v", sp, err)
	}
	if sp.Kind != "bars" || sp.Basis != "climatology" || sp.Baseline != "1991-2020" || len(sp.Values) != SparkMonths {
		t.Fatalf("spark: %+v", sp)
	}
	if sp.Dates[0] != "2021-01" || sp.Dates[SparkMonths-1] != "2022-12" {
		t.Fatalf("dates %s..%s", sp.Dates[0], sp.Dates[SparkMonths-1])
	}
	if float64(sp.Values[SparkMonths-1]) != 1.5 || float64(sp.Values[0]) != 0 {
		t.Fatalf("anomalies: first %v, last %v", sp.Values[0], sp.Values[SparkMonths-1])
	}
	if sp.Max == nil || sp.Max.Date != "2022-12" || sp.Max.Value != 1.5 || sp.Min == nil || sp.Min.Date != "2022-03" || sp.Min.Value != -0.25 {
		t.Fatalf("max %+v, min %+v", sp.Max, sp.Min)
	}
	// Weekly, annual and irregular series have no sparkline.
	l.Series.Frequency = obs.Annual
	if sp, err := SparkOf(l); sp != nil || err != nil {
		t.Fatalf("annual: %+v, %v", sp, err)
	}
}
