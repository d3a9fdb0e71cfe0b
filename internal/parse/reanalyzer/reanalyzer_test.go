package reanalyzer

import (
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func TestRealFiles(t *testing.T) {
	type clim struct {
		baseline           string
		slot0, slot59, end float64 // end is slot 365 (NaN when null)
	}
	f := func(dataset string, w parsetest.Want, clims ...clim) {
		t.Helper()
		p := parsetest.ParseDataset(t, Parse, dataset)
		parsetest.Series(t, p, w)
		if len(p.Climatologies) != len(clims) {
			t.Fatalf("%s: %d climatologies, want %d", dataset, len(p.Climatologies), len(clims))
		}
		for i, c := range clims {
			got := p.Climatologies[i]
			if got.Baseline != c.baseline || got.Convention != "daycount" || got.Indicator != w.Indicator || len(got.Values) != 366 {
				t.Errorf("%s climatology %d: %+v", dataset, i, got)
				continue
			}
			same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
			if !same(got.Values[0], c.slot0) || !same(got.Values[59], c.slot59) || !same(got.Values[365], c.end) {
				t.Errorf("%s %s: slots 0, 59, 365 = %v %v %v, want %v %v %v", dataset, c.baseline,
					got.Values[0], got.Values[59], got.Values[365], c.slot0, c.slot59, c.end)
			}
		}
	}
	nan := math.NaN()
	// 1981-09-01 .. 2026-08-06: 16411 values. Index 59 is 1 March in 2023
	// and 29 February in 2024; index 365 is null in 2023 (no point on
	// 2024-01-01 from the 2023 row) and 31 December in 2024. The
	// "Preliminary" row (2026-08-07..21) is not stored.
	f("climate-reanalyzer-sst.world", parsetest.Want{
		Indicator: "sst.world", Points: 16411,
		First: "1981-09-01", FirstValue: 20.147, Last: "2026-08-06", LastValue: 21.119,
		Values: map[string]float64{"2023-03-01": 20.868, "2024-02-29": 21.165, "2024-12-31": 20.744, "2024-04-24": 21.173},
		Absent: []string{"1981-08-31", "2026-08-07", "2026-08-21"},
	}, clim{"1982-2010", 20.096, 20.369, nan}, clim{"1991-2020", 20.246, 20.516, 20.245})
	f("climate-reanalyzer-sst.natlan", parsetest.Want{
		Indicator: "sst.natlan", Points: 16411,
		First: "1981-09-01", FirstValue: 23.783, Last: "2026-08-06", LastValue: 24.689,
		Values: map[string]float64{"2023-08-31": 25.37, "2024-12-31": 21.094},
		Absent: []string{"2026-08-07"},
	}, clim{"1982-2010", 20.086, 19.164, nan}, clim{"1991-2020", 20.299, 19.319, 20.329})
	f("climate-reanalyzer-sst.nino34", parsetest.Want{
		Indicator: "sst.nino34", Points: 16411,
		First: "1981-09-01", FirstValue: 26.647, Last: "2026-08-06", LastValue: 29.421,
		Values: map[string]float64{"2015-11-17": 29.815, "2024-02-29": 28.351},
		Absent: []string{"2026-08-07"},
	}, clim{"1982-2010", 26.277, 26.805, nan}, clim{"1991-2020", 26.326, 26.856, 26.325})
	f("climate-reanalyzer-t2m.world", parsetest.Want{
		Indicator: "t2m.world", Points: 31047,
		First: "1940-01-01", FirstValue: 11.721, Last: "2024-12-31", LastValue: 13.408,
		Values: map[string]float64{"2024-07-23": 17.152, "2023-03-01": 13.524, "2024-02-29": 13.498},
	})
}

// row builds one JSON row whose data has the given values at the given
// indices and null elsewhere.
func row(name string, n int, vals map[int]string) string {
	d := make([]string, n)
	for i := range d {
		d[i] = "null"
		if v, ok := vals[i]; ok {
			d[i] = v
		}
	}
	return `{"data_source":"test","name":"` + name + `","data":[` + strings.Join(d, ",") + `]}`
}

func arr(rows ...string) []byte { return []byte("[\n" + strings.Join(rows, ",\n") + "\n]") }

func TestInline(t *testing.T) {
	inds := parsetest.Dataset(t, "climate-reanalyzer-sst.world").Indicators
	p, err := Parse("x.json", arr(
		row("2023", 366, map[int]string{0: "20.1", 59: "20.9", 364: "20.5"}),
		row("2024", 366, map[int]string{59: "21.2", 365: "20.7"}),
		row("Preliminary", 366, map[int]string{100: "99"}),
		row("1991-2020", 366, map[int]string{0: "20.2"}),
		row("+2σ", 366, nil),
	), inds)
	if err != nil {
		t.Fatal(err)
	}
	parsetest.Series(t, p, parsetest.Want{
		Indicator: "sst.world", Points: 5,
		First: "2023-01-01", FirstValue: 20.1, Last: "2024-12-31", LastValue: 20.7,
		Values: map[string]float64{"2023-03-01": 20.9, "2023-12-31": 20.5, "2024-02-29": 21.2},
		Absent: []string{"2023-01-02", "2024-04-10"},
	})
	if len(p.Climatologies) != 1 || p.Climatologies[0].Values[0] != 20.2 || !math.IsNaN(p.Climatologies[0].Values[1]) {
		t.Errorf("climatologies: %+v", p.Climatologies)
	}
	if d := obs.NewDate(2024, 1, 1) + 59; d.String() != "2024-02-29" {
		t.Errorf("day count 59 in 2024 is %s", d)
	}
}

func TestBadInput(t *testing.T) {
	inds := parsetest.Dataset(t, "climate-reanalyzer-sst.world").Indicators
	f := func(data []byte, want ...string) {
		t.Helper()
		parsetest.Bad(t, Parse, "x.json", data, inds, want...)
	}
	ok := row("2022", 366, map[int]string{0: "1"})
	f(nil, "x.json: empty file")
	f([]byte("<html><head><title>403 Forbidden</title></head></html>"), "x.json:1:", "HTML")
	f([]byte(`[`), "invalid JSON")
	f([]byte("[\n"+ok+",\n{\"name\": }]"), "x.json:3: invalid JSON")
	f([]byte(`{"name":"2023"}`), "at $", "got a JSON object")
	f([]byte(`[]`), "empty array")
	f([]byte(` null `), "at $", "got null")
	f(arr(`"2023"`), "at [0]:", "expected an object")
	f(arr(`{"name":2023,"data":[]}`), "at [0].name")
	f(arr(`{"name":null,"data":[]}`), "at [0].name")
	f(arr(`{"name":"2023"}`), "at [0].data")
	f(arr(ok, row("2023", 365, nil)), "at [1].data:", "got 365")
	f(arr(ok, row("2023", 366, map[int]string{7: `"12.5"`})), "at [1].data[7]")
	f(arr(ok, row("2023", 366, map[int]string{7: `1e999`})), "at [1].data[7]")
	f(arr(ok, row("2023", 366, map[int]string{7: `{}`})), "at [1].data[7]")
	f(arr(ok, row("2023", 366, map[int]string{365: "20.1"})), "at [1].data[365]", "not a leap year")
	f(arr(ok, ok), "at [1].name", "year 2022 does not follow year 2022")
	f(arr(row("2023", 366, map[int]string{0: "1"}), ok), "at [1].name", "strictly increasing")
	f(arr(ok, row("1991-2020", 366, nil), row("1991-2020", 366, nil)), "at [2].name", "duplicate climatology")
	f(arr(ok, row("2020-1991", 366, nil)), "at [1].name", "ends before")
	f(arr(row("1991-2020", 366, nil)), "no rows named by a four-digit year")
	f(arr(row("2023", 366, nil)), "no data rows for indicator sst.world")
}

func FuzzParse(f *testing.F) {
	inds := parsetest.Dataset(f, "climate-reanalyzer-sst.world").Indicators
	for _, path := range []string{"climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json", "climate-reanalyzer-era5/era5_world_t2_day.json"} {
		f.Add(testutil.ReadShared(f, path))
	}
	f.Add(arr(row("2023", 366, map[int]string{0: "20.1", 364: "20.5"}), row("1991-2020", 366, map[int]string{0: "1"})))
	f.Add([]byte(`[{"name":"2024","data":[1,null,2]}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		parsetest.Fuzz(t, Parse, "fuzz.json", data, inds)
	})
}
