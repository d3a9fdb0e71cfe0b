package jma

import (
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFile(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "jma-ohc-global")
	if len(p.Series) != 3 {
		t.Fatalf("%d series, want 3", len(p.Series))
	}
	// 1955..2025, anomalies relative to 1955 (so 1955 is 0). The file has
	// no missing values.
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "ohc.jma", Points: 71,
		First: "1955", FirstValue: 0, Last: "2025", LastValue: 50.97,
		Values: map[string]float64{"1956": 2.17, "2023": 46.58},
	})
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "ohc.jma.0-700", Points: 71,
		First: "1955", FirstValue: 0, Last: "2025", LastValue: 33.38,
		Values: map[string]float64{"1956": 1.60, "2023": 30.34},
	})
	// E(0-2000), the 95% analysis error: 3.69 in 1955, 2.53 in 2022 and
	// 2024, 2.49 in 2025 (ohc_global_1955.txt, updated 20 Feb 2026).
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "ohc.jma.err95", Points: 71,
		First: "1955", FirstValue: 3.69, Last: "2025", LastValue: 2.49,
		Values: map[string]float64{"2022": 2.53, "2024": 2.53, "2020": 2.38},
	})
}

func ind(id, col string) catalog.Indicator {
	return catalog.Indicator{ID: id, Unit: "10^22 J", Frequency: obs.Annual, Column: col}
}

const head = "# OHC[10**22 J]\n Year    A(0-700) A(700-2000)   A(0-2000)   E(0-2000)\n"

func TestInline(t *testing.T) {
	p, err := Parse("o.txt", []byte(head+
		" 1956        1.60        0.58        2.17        3.67\r\n"+
		" 1955        0.00        0.00        0.00        3.69\r\n"+
		" 1957        0.55       -0.15     -999.9        3.64\r\n"), []catalog.Indicator{ind("e", "E(0-2000)"), ind("a", "A(0-2000)")})
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{Indicator: "e", Points: 3, First: "1955", FirstValue: 3.69, Last: "1957", LastValue: 3.64})
	parsetest.Series(t, p, parsetest.Want{Indicator: "a", Points: 2, First: "1955", FirstValue: 0, Last: "1956", LastValue: 2.17, Absent: []string{"1957"}})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "jma-ohc-global").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "o.txt", []byte(data), inds, want...)
	}
	const ok = " 1955        0.00        0.00        0.00        3.69\n"
	f("", "o.txt: empty file")
	f("<html><body>404</body></html>", "o.txt:1:", "HTML")
	f("# comments only\n", "no header line")
	f(head, "o.txt:2: no data rows")
	f("# c\n 1955 0.00 0.00 0.00 3.69\n", "o.txt:2: expected the header line starting with Year")
	f("# c\n Year A(0-700)\n", `o.txt:2: indicator ohc.jma: column "A(0-2000)" not in header`)
	f(head+" 1955 0.00 0.00\n", "o.txt:3: expected 5", "got 3")
	f(head+" 1955 0.00 0.00 O.00 3.69\n", "o.txt:3: column A(0-2000)", "O.00")
	f(head+" 55 0.00 0.00 0.00 3.69\n", "o.txt:3: column Year", "four-digit year")
	f(head+ok+" 1956 1 1 1 1\n"+ok, "o.txt:5: duplicate date 1955 (also at line 3)")
	f(head+" 1955 -9999 0.00 -9999 3.69\n", "all 1 rows are missing")
	if _, err := Parse("o.txt", []byte(head+ok), []catalog.Indicator{ind("x", "")}); err == nil {
		t.Error("no error for an indicator without Column")
	}
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "jma-ohc-global").Indicators
	f.Add(testutil.ReadShared(f, "jma-ohc/ohc_global_1955.txt"))
	f.Add([]byte(head + " 1955 0.00 0.00 0.00 3.69\n 1956 1.60 0.58 -99.99 3.67\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.txt", data, inds)
	})
}
