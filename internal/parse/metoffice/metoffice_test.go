package metoffice

import (
	"os"
	"testing"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
)

// fixture is a small file written in the Met Office's layout (header exactly
// as in HadCRUT.5.0.2.0.analysis.summary_series.global.monthly.csv). Its
// anomalies are the datahub package's four-decimal HadCRUT5 values for
// 1850-01..03 and 2024-01..07; its limits are illustrative, about as wide as
// HadCRUT5's (±0.3 °C in 1850, ±0.03 °C in 2024); 2024-08 is an empty row.
const fixture = "testdata/summary_series.global.monthly.csv"

func TestFixture(t *testing.T) {
	d := parsetest.Dataset(t, "metoffice-hadcrut5-monthly")
	data, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(fixture, data, d.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); err != nil {
		t.Fatal(err)
	}
	if len(p.Series) != 3 {
		t.Fatalf("%d series, want 3 (anomaly and its two limits)", len(p.Series))
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.hadcrut5", Points: 10,
		First: "1850-01", FirstValue: -0.6746, Last: "2024-07", LastValue: 1.1398,
		Values: map[string]float64{"2024-02": 1.2902}, Absent: []string{"2024-08"},
	})
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.hadcrut5.lower95", Points: 10,
		First: "1850-01", FirstValue: -0.9818, Last: "2024-07", LastValue: 1.1061,
	})
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.hadcrut5.upper95", Points: 10,
		First: "1850-01", FirstValue: -0.3674, Last: "2024-07", LastValue: 1.1735,
	})
	// The limits become half-widths for the uncertainty rules:
	// (-0.3674 - -0.9818) / 2 = 0.3072 for January 1850.
	hw := analysis.HalfWidths(p.Series[1].Points, p.Series[2].Points)
	if len(hw) != 10 || hw[0].Value < 0.30719 || hw[0].Value > 0.30721 {
		t.Errorf("half-widths: %v", hw)
	}
}

func TestAnnualAndColumnOrder(t *testing.T) {
	inds := []catalog.Indicator{
		{ID: "a", Unit: "degC", Frequency: obs.Annual, Column: AnomalyColumn},
		{ID: "u", Unit: "degC", Frequency: obs.Annual, Column: UpperColumn},
	}
	p, err := Parse("a.csv", parsetest.Lines(
		"Upper confidence limit (97.5%),Time,Lower confidence limit (2.5%),Anomaly (deg C)",
		"1.56,2024,1.50,1.53",
		"1.24,2023,1.18,1.21",
	), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{Indicator: "a", Points: 2, First: "2023", FirstValue: 1.21, Last: "2024", LastValue: 1.53})
	parsetest.Series(t, p, parsetest.Want{Indicator: "u", Points: 2, First: "2023", FirstValue: 1.24, Last: "2024", LastValue: 1.56})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "metoffice-hadcrut5-monthly").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "m.csv", []byte(data), inds, want...)
	}
	const head = "Time,Anomaly (deg C),Lower confidence limit (2.5%),Upper confidence limit (97.5%)\n"
	f("", "m.csv: empty file")
	f("<html><body>Not found</body></html>", "m.csv:1:", "HTML")
	f(head, "m.csv:1: no data rows")
	f("Date,Anomaly (deg C),Lower confidence limit (2.5%),Upper confidence limit (97.5%)\n2024-01,1,0.9,1.1\n", `m.csv:1: expected a header starting "Time"`)
	f("Time,Anomaly (deg C),Lower confidence limit (2.5%)\n2024-01,1,0.9\n", "m.csv:1:", "gmst.hadcrut5.upper95", "no column")
	f(head+"2024-01,1,0.9\n", "m.csv:2:", "number of fields")
	f(head+"2024-01,1.0.1,0.9,1.1\n", "m.csv:2: column Anomaly (deg C)")
	f(head+"2024-13,1,0.9,1.1\n", "m.csv:2: column Time", "2024-13")
	f(head+"2024,1,0.9,1.1\n", "m.csv:2: column Time", "YYYY-MM")
	f(head+"2024-1x,1,0.9,1.1\n", "m.csv:2: column Time")
	f(head+"2024-01,1,1.1,0.9\n", "m.csv:2: lower limit 1.1 is above the upper limit 0.9")
	f(head+"2024-01,1.2,0.9,1.1\n", "m.csv:2: anomaly 1.2 lies outside its 95% limits 0.9..1.1")
	f(head+"2024-01,1,0.9,1.1\n2024-02,1,0.9,1.1\n2024-01,1,0.9,1.1\n", "m.csv:4: duplicate date 2024-01 (also at line 2)")
	f(head+"2024-01,,,\n", "all 1 rows are missing")
	f(head+"2024-01,NaN,0.9,1.1\n", "m.csv:2:", "expected a number")
	mixed := []catalog.Indicator{inds[0], {ID: "y", Unit: "degC", Frequency: obs.Annual, Column: AnomalyColumn}}
	parsetest.Bad(t, Parse, "m.csv", []byte(head+"2024-01,1,0.9,1.1\n"), mixed, "differ in frequency")
	daily := []catalog.Indicator{{ID: "d", Unit: "degC", Frequency: obs.Daily, Column: AnomalyColumn}}
	parsetest.Bad(t, Parse, "m.csv", []byte(head+"2024-01,1,0.9,1.1\n"), daily, "monthly or annual")
	noCol := []catalog.Indicator{{ID: "n", Unit: "degC", Frequency: obs.Monthly}}
	parsetest.Bad(t, Parse, "m.csv", []byte(head+"2024-01,1,0.9,1.1\n"), noCol, "no Column")
	parsetest.Bad(t, Parse, "m.csv", []byte(head+"2024-01,1,0.9,1.1\n"), nil, "no indicators")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "metoffice-hadcrut5-monthly").Indicators
	data, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(parsetest.Head(data, 3))
	f.Add([]byte("Time,Anomaly (deg C)\n2024-01,1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.csv", data, inds)
	})
}
