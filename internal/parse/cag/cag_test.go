package cag

import (
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFiles(t *testing.T) {
	f := func(dataset string, w parsetest.Want) {
		t.Helper()
		parsetest.Series(t, parsetest.ParseDataset(t, Parse, dataset), w)
	}
	// The mirrored files have no missing months: every key gives a point
	// (1850-01..2026-07 is 2119 months). Integer departures (e.g. 1) occur
	// and are read as numbers.
	f("noaa-cag-global-land-ocean", parsetest.Want{
		Indicator: "gmst.noaa", Points: 2119,
		First: "1850-01", FirstValue: -0.43, Last: "2026-07", LastValue: 1.18,
		Values: map[string]float64{"2023-06": 1.06, "2024-01": 1.30},
	})
	f("noaa-cag-global-ocean", parsetest.Want{
		Indicator: "gmst.noaa.ocean", Points: 2119,
		First: "1850-01", FirstValue: -0.07, Last: "2026-07", LastValue: 1.02,
		Values: map[string]float64{"2023-06": 0.93, "2024-01": 1.03},
	})
	// The 12-month series starts with the first complete 12 months.
	f("noaa-cag-global-land-ocean-12m", parsetest.Want{
		Indicator: "gmst.noaa.12m", Points: 2108,
		First: "1850-12", FirstValue: -0.15, Last: "2026-07", LastValue: 1.12,
		Values: map[string]float64{"2023-06": 0.95, "2024-01": 1.21},
		Absent: []string{"1850-11"},
	})
	// NOAA's published annual anomaly is the December value of the
	// 12-month file: 1850 to 2025 (176 years; 2026 has no December yet).
	f("noaa-cag-global-land-ocean-12m", parsetest.Want{
		Indicator: "gmst.noaa.annual", Points: 176,
		First: "1850", FirstValue: -0.15, Last: "2025", LastValue: 1.13,
		Values: map[string]float64{"2024": 1.26, "2023": 1.17, "2016": 1},
		Absent: []string{"2026"},
	})
}

func TestAnnualNeedsTwelveMonthFile(t *testing.T) {
	ds := parsetest.Dataset(t, "noaa-cag-global-land-ocean-12m")
	// The monthly (1-month time scale) file's title lacks "12-Month": its
	// December value is not an annual mean, so asking for one is refused.
	_, err := Parse("globe_land_ocean_tavg_1_0.json", testutil.ReadShared(t, "noaa-ncei-cag-globaltemp/globe_land_ocean_tavg_1_0.json"), ds.Indicators)
	if err == nil || !strings.Contains(err.Error(), "description.title") {
		t.Fatalf("got %v, want an error at description.title", err)
	}
}

const desc = `"description":{"title":"t","units":"Degrees Celsius","base_period":"1901-2000"}`

func TestInline(t *testing.T) {
	inds := parsetest.Dataset(t, "noaa-cag-global-land-ocean").Indicators
	// Keys out of order, missing markers, null, a numeric string, the older
	// "anomaly" field name and a bare number.
	p, err := Parse("c.json", []byte(`{`+desc+`,"data":{
		"202302":{"departure":0.97},
		"202301":{"departure":0.88},
		"202303":{"departure":-999},
		"202304":{"departure":null},
		"202305":null,
		"202306":{"departure":"1.08"},
		"202307":{"anomaly":1.19},
		"202308":1.19,
		"202309":{"departure":-99.99}}}`), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.noaa", Points: 5,
		First: "2023-01", FirstValue: 0.88, Last: "2023-08", LastValue: 1.19,
		Values: map[string]float64{"2023-02": 0.97, "2023-06": 1.08, "2023-07": 1.19},
		Absent: []string{"2023-03", "2023-04", "2023-05", "2023-09"},
	})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "noaa-cag-global-land-ocean").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "c.json", []byte(data), inds, want...)
	}
	f("", "c.json: empty file", "expected a JSON object from Climate at a Glance")
	f("<!DOCTYPE html>\n<html><body>Not Found</body></html>", "c.json:1: got HTML", "instead of a JSON object from Climate at a Glance")
	f(`[1,2]`, "at $", "expected a JSON object from Climate at a Glance, got a JSON array")
	f(`null`, "at $", "got null")
	f("{\n\"data\":{\"202301\":{\"departure\":0.88},}}", "c.json:2: invalid JSON")
	f(`{`+desc+`}`, "at data: missing")
	f(`{`+desc+`,"data":[]}`, "at data:", "expected an object")
	f(`{`+desc+`,"data":{}}`, "at data: no months")
	f(`{"data":{"2023-01":{"departure":1}}}`, `at data["2023-01"]`, "YYYYMM")
	f(`{"data":{"20231":{"departure":1}}}`, `at data["20231"]`, "YYYYMM")
	f(`{"data":{"202313":{"departure":1}}}`, `at data["202313"]`, "2023-13-01")
	f(`{"data":{"202300":{"departure":1}}}`, `at data["202300"]`, "2023-00-01")
	f(`{"data":{"202301":{"value":1}}}`, `at data["202301"]`, "departure")
	f(`{"data":{"202301":{"departure":"warm"}}}`, `at data["202301"]`, "expected a number")
	f(`{"data":{"202301":{"departure":true}}}`, `at data["202301"]`, "expected a number")
	f(`{"data":{"202301":{"departure":0.88},"202302":{"departure":0.9},"202301":{"departure":0.88}}}`,
		`at data["202301"]: duplicate date 2023-01 (also at data["202301"])`)
	f(`{"data":{"202301":{"departure":-999}}}`, "all 1 rows are missing")
	f(`{"description":{"units":"Degrees Fahrenheit","base_period":"1901-2000"},"data":{"202301":{"departure":1.6}}}`,
		"at description.units", "Fahrenheit")
	f(`{"description":{"units":"Degrees Celsius","base_period":"1991-2020"},"data":{"202301":{"departure":1}}}`,
		"at description.base_period", "1991-2020")
	f(`{"description":"x","data":{"202301":{"departure":1}}}`, "at description")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "noaa-cag-global-land-ocean").Indicators
	for _, path := range []string{
		"noaa-ncei-cag-globaltemp/globe_land_ocean_tavg_1_0.json",
		"noaa-ncei-cag-globaltemp/globe_land_ocean_tavg_12_0.json",
	} {
		f.Add(testutil.ReadShared(f, path))
	}
	f.Add([]byte(`{` + desc + `,"data":{"202302":{"departure":0.97},"202301":null,"202303":{"departure":"-999"}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.json", data, inds)
	})
}
