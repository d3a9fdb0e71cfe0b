package cpconi

import (
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFile(t *testing.T) {
	d := parsetest.Dataset(t, "noaa-cpc-oni")
	path := d.Files[0].Path
	data := testutil.ReadShared(t, path)
	p, err := Parse(path, data, d.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	// DJF 1950 .. MJJ 2026: 918 seasons, no missing values. NDJ 2025
	// (Nov 2025 - Jan 2026) is dated 2025-12 and DJF 2026 2026-01.
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "oni", Points: 918,
		First: "1950-01", FirstValue: -1.32, Last: "2026-06", LastValue: 1.39,
		Values: map[string]float64{"1950-12": -0.79, "2023-07": 1.00, "2025-12": -0.60, "2026-01": -0.39},
	})
	total := catalog.Indicator{ID: "nino34.total", Unit: "degC", Frequency: obs.Monthly, Column: "TOTAL"}
	p, err = Parse(path, data, []catalog.Indicator{total})
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "nino34.total", Points: 918,
		First: "1950-01", FirstValue: 25.01, Last: "2026-06", LastValue: 29.02,
	})
}

func TestSeasons(t *testing.T) {
	inds := parsetest.Dataset(t, "noaa-cpc-oni").Indicators
	seasons := []string{"DJF", "JFM", "FMA", "MAM", "AMJ", "MJJ", "JJA", "JAS", "ASO", "SON", "OND", "NDJ"}
	data := " SEAS  YR   TOTAL   ANOM\n"
	for i, s := range seasons {
		data += "  " + s + " 2024  26.00  " + []string{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0", "1.1", "-99.9"}[i] + "\n"
	}
	p, err := Parse("oni.txt", []byte(data), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "oni", Points: 11,
		First: "2024-01", FirstValue: 0.1, Last: "2024-11", LastValue: 1.1,
		Values: map[string]float64{"2024-06": 0.6},
		Absent: []string{"2024-12"},
	})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "noaa-cpc-oni").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "oni.txt", []byte(data), inds, want...)
	}
	const head = " SEAS  YR   TOTAL   ANOM\n"
	f("", "oni.txt: empty file")
	f("<HTML><HEAD><TITLE>Error</TITLE></HEAD></HTML>", "oni.txt:1:", "HTML")
	f(head, "oni.txt:1: no data rows")
	f("  DJF 1950  25.01  -1.32\n", "oni.txt:1: expected the header line")
	f(" SEAS YR TOTAL\n", `oni.txt:1: indicator oni: value column "ANOM" not in header`)
	f(head+"  DJF 1950  25.01\n", "oni.txt:2: expected 4", "got 3")
	f(head+"  DJG 1950  25.01  -1.32\n", "oni.txt:2: column SEAS", "DJG")
	f(head+"  DJF 50  25.01  -1.32\n", "oni.txt:2: column YR")
	f(head+"  DJF 1950  25.01  -1.3.2\n", "oni.txt:2: column ANOM")
	f(head+"  DJF 1950  25.01  -1.32\n  JFM 1950  25.36  -1.20\n  DJF 1950  25.01  -1.32\n", "oni.txt:4: duplicate date 1950-01 (also at line 2)")
	f(head+"  DJF 1950  25.01  -99.9\n", "all 1 rows are missing")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "noaa-cpc-oni").Indicators
	f.Add(testutil.ReadShared(f, "noaa-cpc-oni/oni.txt"))
	f.Add([]byte(" SEAS  YR   TOTAL   ANOM\n  NDJ 2025  25.96  -0.60\n  DJF 2026  26.15  -99.9\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.txt", data, inds)
	})
}
