package datahub

import (
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

// gistemp is an extra indicator selecting the file's GISTEMP rows, to test a
// second source.
var gistemp = catalog.Indicator{ID: "gmst.gistemp.datahub", Unit: "degC", Frequency: obs.Monthly, Column: "GISTEMP"}

func TestRealFile(t *testing.T) {
	d := parsetest.Dataset(t, "datahub-global-temp-hadcrut5")
	path := d.Files[0].Path
	data := testutil.ReadShared(t, path)
	p, err := Parse(path, data, d.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	// 2095 gcag rows (1850-01..2024-07); the 1728 GISTEMP rows are not
	// kept. The file has no missing values.
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.hadcrut5", Points: 2095,
		First: "1850-01", FirstValue: -0.6746, Last: "2024-07", LastValue: 1.1398,
		Values: map[string]float64{"2023-06": 1.0518},
	})
	if len(p.Series) != 1 {
		t.Errorf("%d series, want 1", len(p.Series))
	}
	p, err = Parse(path, data, append(d.Indicators, gistemp))
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.gistemp.datahub", Points: 1728,
		First: "1880-01", FirstValue: -0.2, Last: "2023-12", LastValue: 1.35,
		Values: map[string]float64{"2023-06": 1.08},
	})
}

func TestInline(t *testing.T) {
	inds := parsetest.Dataset(t, "datahub-global-temp-hadcrut5").Indicators
	// Newest first, as in other versions of the package; day-dated months;
	// a quoted field; an empty (missing) Mean.
	p, err := Parse("m.csv", parsetest.Lines(
		"Source,Year,Mean",
		"gcag,2016-12-06,0.7895",
		`"gcag",2016-11-06,0.8`,
		"GISTEMP,2016-11-06,0.93",
		"gcag,2016-10-06,",
		"gcag,2016-09-06,0.8",
	), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.hadcrut5", Points: 3,
		First: "2016-09", FirstValue: 0.8, Last: "2016-12", LastValue: 0.7895,
		Absent: []string{"2016-10"},
	})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "datahub-global-temp-hadcrut5").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "m.csv", []byte(data), inds, want...)
	}
	const head = "Source,Year,Mean\n"
	f("", "m.csv: empty file")
	f("<!DOCTYPE html><html></html>", "m.csv:1:", "HTML")
	f(head, "m.csv:1: no data rows")
	f("Source,Date,Value\ngcag,2023-01,1\n", "m.csv:1: expected a header with columns Source, Year and Mean")
	f(head+"gcag,2023-01\n", "m.csv:2: expected 3", "got 2")
	f(head+"gcag,2023-01,1\n\"gcag,2023-02,1\n", "m.csv:3: malformed CSV")
	f(head+"gcag,2023-01,1.0.1\n", "m.csv:2: column Mean")
	f(head+"gcag,2023-02-30,1\n", "m.csv:2: column Year", "2023-02-30")
	f(head+"gcag,2023-13,1\n", "m.csv:2: column Year")
	f(head+"gcag,2023,1\n", "m.csv:2: column Year", "YYYY-MM")
	f(head+"gcag,-023-01,1\n", "m.csv:2: column Year")
	f(head+"gcag,2023-01,1\ngcag,2023-02,1\ngcag,2023-01,1\n", "m.csv:4: duplicate date 2023-01 (also at line 2)")
	f(head+"GISTEMP,2023-01,1\n", `no rows with Source "gcag"`, `"GISTEMP"`)
	f(head+"gcag,2023-01,-9999\n", "all 1 rows are missing")
	if _, err := Parse("m.csv", []byte(head+"gcag,2023-01,1\n"), []catalog.Indicator{{ID: "x", Unit: "degC", Frequency: obs.Monthly}}); err == nil {
		t.Error("no error for an indicator without Column")
	}
}

func FuzzParse(f *testing.F) {
	inds := append(parsetest.Dataset(f, "datahub-global-temp-hadcrut5").Indicators, gistemp)
	data := testutil.ReadShared(f, "datahub-global-temp/monthly.csv")
	f.Add(data)
	f.Add(parsetest.Head(data, 40))
	f.Add([]byte("Source,Year,Mean\ngcag,2016-12-06,0.7895\nGISTEMP,2016-11,\"0.9\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.csv", data, inds)
	})
}
