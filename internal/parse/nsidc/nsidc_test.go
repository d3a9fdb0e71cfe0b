package nsidc

import (
	"testing"

	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFiles(t *testing.T) {
	f := func(dataset string, w parsetest.Want) {
		t.Helper()
		parsetest.Series(t, parsetest.ParseDataset(t, Parse, dataset), w)
	}
	f("nsidc-g02135-south-v3", parsetest.Want{
		Indicator: "seaice.south", Points: 15334,
		First: "1978-10-26", FirstValue: 17.624, Last: "2025-05-02", LastValue: 7.881,
		Values: map[string]float64{
			"2023-02-19": 1.766, // the record low
			// The product brief quotes 1.908 for 2022-02-25, the value in
			// NSIDC's announcement at the time. This v3.0 file (reprocessed
			// since) holds 1.957 for that day; 1.908 appears on 2023-03-02.
			"2022-02-25": 1.957,
			"2023-03-02": 1.908,
		},
		// Every other day before August 1987, the 1987-12-03..1988-01-12
		// gap and the 2024-09-12..17 gap of the v3.0 files.
		Absent: []string{"1978-10-27", "1987-12-03", "1988-01-12", "2024-09-12", "2024-09-17"},
	})
	f("nsidc-g02135-north-v3", parsetest.Want{
		Indicator: "seaice.north", Points: 15334,
		First: "1978-10-26", FirstValue: 10.231, Last: "2025-05-02", LastValue: 13.381,
		Values: map[string]float64{"2012-09-16": 3.340, "1988-01-13": 14.826, "2024-09-18": 4.317},
		Absent: []string{"1987-12-03", "2024-09-12"},
	})
	f("nsidc-g02135-north-v4", parsetest.Want{
		Indicator: "seaice.north", Points: 15813,
		First: "1978-10-26", FirstValue: 10.231, Last: "2026-08-21", LastValue: 5.265,
		// Version 4.0 fills the September 2024 gap of version 3.0.
		Values: map[string]float64{"2024-09-12": 4.247, "2024-09-17": 4.305},
		Absent: []string{"1987-12-03", "2026-08-17"},
	})
}

func TestClimatology(t *testing.T) {
	const path = "nsidc-g02135/N_seaice_extent_climatology_1981-2010_v3.0.csv"
	tab, err := ParseClimatology(path, testutil.ReadShared(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if tab.Baseline != "1981-2010" || len(tab.Rows) != 366 {
		t.Fatalf("baseline %q, %d rows; want 1981-2010, 366", tab.Baseline, len(tab.Rows))
	}
	want0 := ClimatologyRow{DOY: 1, Average: 13.778, Std: 0.407, P10: 13.183, P25: 13.479, P50: 13.823, P75: 14.095, P90: 14.257}
	want365 := ClimatologyRow{DOY: 366, Average: 13.712, Std: 0.438, P10: 13.097, P25: 13.442, P50: 13.789, P75: 14.069, P90: 14.220}
	if tab.Rows[0] != want0 || tab.Rows[365] != want365 {
		t.Errorf("rows: got %+v ... %+v", tab.Rows[0], tab.Rows[365])
	}

	bad := func(data, want string) {
		t.Helper()
		_, err := ParseClimatology("clim.csv", []byte(data))
		parsetest.Error(t, err, want)
	}
	const head = "std Years = 1981-2010\nDOY, Average Extent, Std Deviation, 10th, 25th, 50th, 75th, 90th\n"
	bad("", "empty file")
	bad("<html>", "HTML")
	bad(head, "clim.csv:2: no data rows")
	bad(head+"001, 1, 2, 3, 4, 5, 6\n", "clim.csv:3: expected 8")
	bad(head+"001, 1, 2, 3, 4, 5, 6, x\n", "clim.csv:3: column 8")
	bad(head+"367, 1, 2, 3, 4, 5, 6, 7\n", "clim.csv:3: column DOY")
	bad(head+"002, 1, 2, 3, 4, 5, 6, 7\n002, 1, 2, 3, 4, 5, 6, 7\n", "clim.csv:4: DOY 2 does not follow")
	bad("001, 1, 2, 3, 4, 5, 6, 7\n", "no header line")
}

// head is the two header lines of a G02135 daily file.
const head = "Year, Month, Day,     Extent,    Missing, Source Data\n" +
	"YYYY,    MM,  DD, 10^6 sq km, 10^6 sq km, Source data product web sites: http://nsidc.org/data/nsidc-0081.html and http://nsidc.org/data/nsidc-0051.html\n"

func TestInline(t *testing.T) {
	inds := parsetest.Dataset(t, "nsidc-g02135-south-v3").Indicators
	p, err := Parse("s.csv", []byte(head+
		"2023,    02,  20,      1.790,      0.000,\"['/a/x.nc', '/a/y.nc']\"\r\n"+
		"2023,    02,  19,      1.766,      0.000, ['/a/z.bin']\r\n"+
		"2023,    02,  21,  -9999,      0.000, ['/a/z.bin']\r\n"), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "seaice.south", Points: 2,
		First: "2023-02-19", FirstValue: 1.766, Last: "2023-02-20", LastValue: 1.790,
		Absent: []string{"2023-02-21"},
	})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "nsidc-g02135-south-v3").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "s.csv", []byte(data), inds, want...)
	}
	row := func(ymd, extent string) string { return ymd + ", " + extent + ", 0.000, ['/x']\n" }
	f("", "s.csv: empty file")
	f(" \n\n", "empty file")
	f("<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>", "s.csv:1:", "HTML")
	f(head, "s.csv:2: no data rows")
	f("Year, Month, Day, Extent\n", "s.csv:1: expected the header line")
	f("Year, Month, Day, Area, Missing, Source Data\n", "s.csv:1: header column 4")
	f("Year, Month, Day, Extent, Missing, Source Data\n", "s.csv:1: expected a units line")
	f("Year, Month, Day, Extent, Missing, Source Data\nYYYY, MM, DD, km2, km2, x\n", "s.csv:2: Extent unit")
	f(head+"2023, 02, 19, 1.766\n", "s.csv:3: expected 6 comma-separated columns", "got 4")
	f(head+row("2023, 02, 19", "1.7x6"), "s.csv:3: column Extent", "1.7x6")
	f(head+row("2023, 02, 19", "NaN"), "s.csv:3: column Extent")
	f(head+row("2023, 02, 19", ""), "s.csv:3: column Extent")
	f(head+row("2023, 02, 30", "1.766"), "s.csv:3:", "2023-02-30")
	f(head+row("2023, 13, 01", "1.766"), "s.csv:3:", "2023-13-01")
	f(head+row("23, 02, 01", "1.766"), "s.csv:3:", "four-digit year")
	f(head+row("2023, 02, 19", "1.766")+row("2023, 02, 20", "1.79")+row("2023, 02, 19", "1.766"),
		"s.csv:5: duplicate date 2023-02-19 (also at line 3)")
	f(head+row("2023, 02, 19", "-9999"), "all 1 rows are missing")
	if _, err := Parse("s.csv", []byte(head+row("2023, 02, 19", "1")), nil); err == nil {
		t.Error("no error without indicators")
	}
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "nsidc-g02135-south-v3").Indicators
	for _, path := range []string{"nsidc-g02135/S_seaice_extent_daily_v3.0.csv", "nsidc-g02135/N_seaice_extent_daily_v4.0.csv"} {
		data := testutil.ReadShared(f, path)
		f.Add(data)
		f.Add(parsetest.Head(data, 12))
	}
	f.Add([]byte(head + "2023, 02, 19, 1.766, 0.000, ['/x']\n2023, 02, 18, -9999, 0.000,\"['a', 'b']\"\n"))
	f.Add([]byte(head))
	f.Add([]byte("<html></html>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.csv", data, inds)
		_, _ = ParseClimatology("fuzz.csv", data)
	})
}
