package cugmsl

import (
	"testing"

	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFile(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "cu-gmsl")
	// 1203 cycles; no two land on the same day (the shortest gap is 5
	// days). 1992.9594981674402 is day offset 351.18 in 1992 (a leap year),
	// i.e. 17 December. 1995.8369802968457 (offset 305.498) and
	// 2015.464383133412 (offset 169.49984) lie just under a half day and
	// round down. The file has no missing values.
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmsl", Points: 1203,
		First: "1992-12-17", FirstValue: -16.737, Last: "2026-06-27", LastValue: 98.849,
		Values: map[string]float64{"2012-06-04": 39.991, "1995-11-02": -6.14, "2015-06-19": 59.104},
	})
	if p.Series[0].Frequency != "irregular" {
		t.Errorf("frequency %q, want the indicator's (irregular)", p.Series[0].Frequency)
	}
}

func TestDecimalYear(t *testing.T) {
	f := func(x float64, want string) {
		t.Helper()
		d, err := DecimalYear(x)
		if err != nil {
			t.Fatalf("%v: %v", x, err)
		}
		if d.String() != want {
			t.Errorf("%v: got %s, want %s", x, d, want)
		}
	}
	f(2023.0, "2023-01-01")
	f(2023.5, "2023-07-03")             // offset 182.5 rounds away from zero to 183
	f(2024.5, "2024-07-02")             // offset 183 in a leap year
	f(2023+364.6/365, "2024-01-01")     // the last half day rolls into next year
	f(2023+58.4/365, "2023-02-28")      // not a leap year
	f(2024+59.0/366, "2024-02-29")      // leap day
	f(1992.9594981674402, "1992-12-17") // first cycle of the real file
	for _, x := range []float64{999.9, 10000, -1} {
		if _, err := DecimalYear(x); err == nil {
			t.Errorf("%v: no error", x)
		}
	}
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "cu-gmsl").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "g.txt", []byte(data), inds, want...)
	}
	const head = "# Date      2026_rel2 w/ seasonal signals and GIA removed (mm)\n"
	f("", "g.txt: empty file")
	f("<html><body>Moved</body></html>", "g.txt:1:", "HTML")
	f(head, "g.txt:1: no data rows")
	f(head+"1992.9594981674402\n", "g.txt:2: expected 2", "got 1")
	f(head+"1992.9594981674402 -16.737 0.1\n", "g.txt:2: expected 2", "got 3")
	f(head+"1992.95x -16.737\n", "g.txt:2: column decimal year")
	f(head+"19929.5 -16.737\n", "g.txt:2: column decimal year", "out of range")
	f(head+"1992.9594981674402 -16,737\n", "g.txt:2: column GMSL")
	f(head+"2023.500 1\n2023.510 2\n2023.502 3\n", "g.txt:4: duplicate date 2023-07-03 (also at line 2)")
	f(head+"2023.5 -9999\n", "all 1 rows are missing")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "cu-gmsl").Indicators
	data := testutil.ReadShared(f, "cu-sealevel/gmsl.txt")
	f.Add(data)
	f.Add(parsetest.Head(data, 20))
	f.Add([]byte("# h\n2023.5 1\n2024.0 -9999\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.txt", data, inds)
	})
}
