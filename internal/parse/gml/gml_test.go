package gml

import (
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFiles(t *testing.T) {
	f := func(dataset string, fn parse.Func, w parsetest.Want) {
		t.Helper()
		parsetest.Series(t, parsetest.ParseDataset(t, fn, dataset), w)
	}
	// In co2_mm_mlo.txt the 1958 rows have ndays -1 and sdev -9.99; those
	// markers belong to their own columns, so the average is still stored.
	// The current file has no missing average (it fills gaps by
	// interpolation), so all 821 rows give a point.
	f("noaa-gml-co2-mlo-monthly", Parse, parsetest.Want{
		Indicator: "co2.mlo", Points: 821,
		First: "1958-03", FirstValue: 315.71, Last: "2026-07", LastValue: 429.12,
		Values: map[string]float64{"2023-06": 423.68},
	})
	// The latest CH4 and N2O rows have average_unc and trend_unc -9.99
	// (preliminary); the average is stored.
	f("noaa-gml-ch4-global", Parse, parsetest.Want{
		Indicator: "ch4.global", Points: 514,
		First: "1983-07", FirstValue: 1626.05, Last: "2026-04", LastValue: 1937.59,
		Values: map[string]float64{"2023-06": 1914.97},
	})
	f("noaa-gml-n2o-global", Parse, parsetest.Want{
		Indicator: "n2o.global", Points: 304,
		First: "2001-01", FirstValue: 316.30, Last: "2026-04", LastValue: 339.78,
		Values: map[string]float64{"2023-06": 336.56},
	})
	// 2727 weeks, 20 of them -999.99 (e.g. the week starting 1975-10-05).
	f("noaa-gml-co2-mlo-weekly", ParseWeekly, parsetest.Want{
		Indicator: "co2.mlo.weekly", Points: 2707,
		First: "1974-05-19", FirstValue: 333.37, Last: "2026-08-16", LastValue: 426.93,
		Values: map[string]float64{"1975-09-28": 327.97, "2023-06-18": 423.49},
		Absent: []string{"1975-10-05", "1975-12-07", "2023-06-19"},
	})
}

func TestInline(t *testing.T) {
	monthly := parsetest.Dataset(t, "noaa-gml-co2-mlo-monthly").Indicators
	p, err := Parse("co2.txt", parsetest.Lines(
		"# header",
		"#  decimal average",
		"",
		" 1958    3   1958.2027      315.71      314.44     -1   -9.99   -0.99",
		" 1958    4   1958.2877      -99.99      315.16     -1   -9.99   -0.99",
		" 1958    5   1958.3699      317.51      314.69     -1   -9.99   -0.99",
	), monthly)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "co2.mlo", Points: 2,
		First: "1958-03", FirstValue: 315.71, Last: "1958-05", LastValue: 317.51,
		Absent: []string{"1958-04"},
	})
}

func TestBadInput(t *testing.T) {
	monthly := parsetest.Dataset(t, "noaa-gml-ch4-global").Indicators
	weekly := parsetest.Dataset(t, "noaa-gml-co2-mlo-weekly").Indicators
	f := func(fn parse.Func, inds []catalog.Indicator, data []byte, want ...string) {
		t.Helper()
		parsetest.Bad(t, fn, "g.txt", data, inds, want...)
	}
	const ok = "  2023       6      2023.458       1914.97          1.20       1920.99          0.71"
	f(Parse, monthly, nil, "g.txt: empty file")
	f(Parse, monthly, []byte("\n<!doctype html><title>Service Unavailable</title>"), "g.txt:2:", "HTML")
	f(Parse, monthly, parsetest.Lines("# only", "# comments"), "g.txt:2: no data rows")
	f(Parse, monthly, parsetest.Lines("# c", "  2023  6  2023.458  1914.97"), "g.txt:2: expected 7 or 8", "got 4")
	f(Parse, monthly, parsetest.Lines("# c", ok, "  2023  7  2023.542  1914.97  1.20  1920.99  0.71  9"), "g.txt:3: expected 7", "got 8")
	f(Parse, monthly, parsetest.Lines(ok, "  2023  7  2023.542  19l4.97  1.20  1920.99  0.71"), "g.txt:2: column average", "19l4.97")
	f(Parse, monthly, parsetest.Lines(ok, "  2023  13  2023.542  1914.97  1.20  1920.99  0.71"), "g.txt:2:", "2023-13-01")
	f(Parse, monthly, parsetest.Lines(ok, "  2O23  7  2023.542  1914.97  1.20  1920.99  0.71"), "g.txt:2:", "four-digit year")
	f(Parse, monthly, parsetest.Lines(ok, "  2023  7  2O23.542  1914.97  1.20  1920.99  0.71"), "g.txt:2: column decimal", "2O23.542")
	f(Parse, monthly, parsetest.Lines(ok, "  2023  7  2022.542  1914.97  1.20  1920.99  0.71"), "g.txt:2: column decimal", "year 2023")
	f(Parse, monthly, parsetest.Lines(ok, ok), "g.txt:2: duplicate date 2023-06 (also at line 1)")
	f(Parse, monthly, parsetest.Lines("  2023  7  2023.542  -9.99  1.20  1920.99  0.71"), "all 1 rows are missing")
	f(Parse, weekly, parsetest.Lines(ok), "declared \"weekly\"")
	const wk = "  2023   6  18  2023.4616    423.49  7           420.84    398.39    141.31"
	f(ParseWeekly, weekly, nil, "empty file")
	f(ParseWeekly, weekly, []byte("<html>"), "HTML")
	f(ParseWeekly, weekly, parsetest.Lines("# yr mon day"), "g.txt:1: no data rows")
	f(ParseWeekly, weekly, parsetest.Lines(wk, "  2023   2  30  2023.16  423.49  7  420.84  398.39  141.31"), "g.txt:2:", "2023-02-30")
	f(ParseWeekly, weekly, parsetest.Lines(wk, "  2023   6  25  2023.48  x  7  420.84  398.39  141.31"), "g.txt:2: column ppm")
	f(ParseWeekly, weekly, parsetest.Lines(wk, "  2023   6  25  2023.48"), "g.txt:2: expected 9")
	f(ParseWeekly, weekly, parsetest.Lines(wk, "  2023   6  25  NaN  423.49  7  420.84  398.39  141.31"), "g.txt:2: column decimal", "NaN")
	f(ParseWeekly, weekly, parsetest.Lines(wk, wk), "g.txt:2: duplicate date 2023-06-18")
}

func FuzzParse(f *testing.F) {
	monthly := parsetest.Dataset(f, "noaa-gml-co2-mlo-monthly").Indicators
	weekly := parsetest.Dataset(f, "noaa-gml-co2-mlo-weekly").Indicators
	for _, path := range []string{"noaa-gml/co2_mm_mlo.txt", "noaa-gml/ch4_mm_gl.txt", "noaa-gml/n2o_mm_gl.txt", "noaa-gml/co2_weekly_mlo.txt"} {
		data := testutil.ReadShared(f, path)
		f.Add(data)
		f.Add(parsetest.Head(data, 60))
	}
	f.Add(parsetest.Lines("# c", " 1958  4  1958.2877  -99.99  315.16  -1  -9.99  -0.99"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.txt", data, monthly)
		parsetest.Fuzz(t, ParseWeekly, "fuzz.txt", data, weekly)
	})
}
