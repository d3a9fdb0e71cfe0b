package gistemp

import (
	"testing"

	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFile(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "nasa-gistemp-v4")
	// 1880-01..2025-06 is 1746 months; 2025-07..12 are "***". The 1880
	// row's D-N and DJF columns are also "***" but are not read.
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.gistemp", Points: 1746,
		First: "1880-01", FirstValue: -0.19, Last: "2025-06", LastValue: 1.03,
		Values: map[string]float64{"1880-03": -0.09, "2023-09": 1.48, "2024-02": 1.44, "1881-07": 0},
		Absent: []string{"2025-07", "2025-12"},
	})
	// The J-D column: 1880 is -.17, 2023 is 1.17, 2024 is 1.29 (NASA's
	// announced 2024 anomaly); 2025 is "***" (year in progress).
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.gistemp.annual", Points: 145,
		First: "1880", FirstValue: -0.17, Last: "2024", LastValue: 1.29,
		Values: map[string]float64{"2023": 1.17},
		Absent: []string{"2025"},
	})
}

const head = "Land-Ocean: Global Means\nYear,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D,D-N,DJF,MAM,JJA,SON\n"

func TestInline(t *testing.T) {
	inds := parsetest.Dataset(t, "nasa-gistemp-v4").Indicators
	// No title line, CRLF line ends, rows out of order.
	p, err := Parse("g.csv", []byte(
		"Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D,D-N,DJF,MAM,JJA,SON\r\n"+
			"2025,1.37,1.26,1.36,1.23,1.07,1.03,***,***,***,***,***,***,***,***,1.30,1.22,***,***\r\n"+
			"2024,1.25,1.44,1.39,1.31,1.15,1.24,1.20,1.30,1.23,1.34,1.29,1.27,1.29,1.29,1.36,1.28,1.25,1.29\r\n"), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.gistemp", Points: 18,
		First: "2024-01", FirstValue: 1.25, Last: "2025-06", LastValue: 1.03,
		Absent: []string{"2025-07"},
	})
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "gmst.gistemp.annual", Points: 1, First: "2024", FirstValue: 1.29, Last: "2024", LastValue: 1.29,
		Absent: []string{"2025"},
	})
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "nasa-gistemp-v4").Indicators
	f := func(data string, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "g.csv", []byte(data), inds, want...)
	}
	const ok = "2024,1.25,1.44,1.39,1.31,1.15,1.24,1.20,1.30,1.23,1.34,1.29,1.27,1.29,1.29,1.36,1.28,1.25,1.29\n"
	f("", "g.csv: empty file")
	f("<html><body>Service unavailable</body></html>\n", "g.csv:1:", "HTML")
	f(head, "g.csv:2: no data rows")
	f("Land-Ocean\n\n\n\n\n\n", "no header line")
	f("Land-Ocean: Global Means\nYear,Jan,Feb\n", "g.csv:2: header", "12 month")
	f("Land-Ocean: Global Means\nYear,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Dec,Nov\n", "g.csv:2: header column 12", "Nov")
	f(head+"2024,1.25,1.44\n", "g.csv:3: expected 19", "got 3")
	f(head+"2024,1.25,1.44,1.39,1.31,1.15,1.24,1.20,1.30,1.23,1.34,1.29,1.2.7,1.29,1.29,1.36,1.28,1.25,1.29\n", "g.csv:3: column Dec", "1.2.7")
	f(head+"20x4,1.25,1.44,1.39,1.31,1.15,1.24,1.20,1.30,1.23,1.34,1.29,1.27,1.29,1.29,1.36,1.28,1.25,1.29\n", "g.csv:3: column Year")
	f(head+ok+ok, "g.csv:4: duplicate date 2024-01 (also at line 3)")
	f(head+"2024,***,***,***,***,***,***,***,***,***,***,***,***,***,***,***,***,***,***\n", "all 12 rows are missing")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "nasa-gistemp-v4").Indicators
	data := testutil.ReadShared(f, "nasa-gistemp/GLB.Ts+dSST.csv")
	f.Add(data)
	f.Add(parsetest.Head(data, 6))
	f.Add([]byte(head + "2025,1.37,1.26,1.36,1.23,1.07,1.03,***,***,***,***,***,***,***,***,1.30,1.22,***,***\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.csv", data, inds)
	})
}
