package owid

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestRealFiles checks values straight from the shared CSVs.
func TestRealFiles(t *testing.T) {
	f := func(ds, ind, entity string, year int, want float64) {
		t.Helper()
		p := parsetest.ParseDataset(t, Parse, ds)
		if got := parsetest.AnnualValue(t, p, ind, entity, year); !near(got, want) {
			t.Errorf("%s %s %d = %v, want %v", ind, entity, year, got, want)
		}
	}
	f("owid-co2-emissions", "co2.emissions", "CHN", 2023, 11902503000)
	f("owid-co2-emissions", "co2.emissions", "USA", 2005, 6132183000)
	f("owid-co2-emissions", "co2.emissions", "OWID_WRL", 2023, 37791570000)
	f("owid-co2-emissions", "co2.emissions", "AFG", 1949, 14656)
	f("owid-co2-emissions", "co2.emissions", "OWID_EUROPEAN_UNION_27", 2023, 2510622000)
	f("owid-ch4-emissions", "ch4.emissions", "CHN", 2020, 1732467500)
	f("owid-ch4-emissions", "ch4.emissions", "AFG", 1850, 3594926.2)
	f("owid-solar-capacity", "solar.capacity", "CHN", 2023, 609.92084)
	f("owid-wind-capacity", "wind.capacity", "CHN", 2023, 441.89493)
	f("owid-hydro-generation", "hydro.generation", "CHN", 2023, 1226)
	f("owid-hydro-generation", "hydro.generation", "OWID_USS", 1965, mustRow(t, "owid-energy-irena-ember/hydropower-consumption.csv", "USSR,OWID_USS,1965,"))
	f("owid-wind-generation", "wind.generation", "OWID_WRL", 2023, 2312.13)
	f("owid-hydro-generation", "hydro.generation", "OWID_ASEAN_EMBER", 2000, 50.45)
	f("owid-electricity-mix", "electricity.coal", "CHN", 2023, 5741.51)
	f("owid-electricity-mix", "electricity.other_renewables", "OWID_WRL", 2023, 89.81)
	f("owid-electricity-mix", "electricity.bioenergy", "CHN", 2023, 187.05)
	total := 0 + 187.05 + 584.15 + 885.87 + 1245.17 + 434.72 + 73.52 + 307.6 + 5741.51
	f("owid-electricity-mix", "electricity.total", "CHN", 2023, total)
	f("owid-electricity-mix", "electricity.coal.share", "CHN", 2023, 100*5741.51/total)
	// The odd header Entity,Code,Year,,Longitude,Tree cover loss driven by all causes.
	f("owid-tree-cover-loss", "forest.loss", "AFG", 2001, 70.865295)
	f("owid-tree-cover-loss", "forest.loss", "OWID_KOS", 2002, 202.07652)
}

// mustRow returns the last field of the first line of a shared file that
// starts with prefix.
func mustRow(t *testing.T, file, prefix string) float64 {
	t.Helper()
	for _, line := range strings.Split(string(testutil.ReadShared(t, file)), "\n") {
		if strings.HasPrefix(line, prefix) {
			var v float64
			fields := strings.Split(strings.TrimSpace(line), ",")
			if _, err := fmtSscan(fields[len(fields)-1], &v); err != nil {
				t.Fatal(err)
			}
			return v
		}
	}
	t.Fatalf("%s: no line starting %q", file, prefix)
	return 0
}

func TestEveryNationalOWIDDataset(t *testing.T) {
	for _, ds := range catalog.Datasets() {
		if ds.Format != "owid-grapher-csv" {
			continue
		}
		p := parsetest.ParseDataset(t, Parse, ds.ID)
		counts := map[string]int{}
		for _, s := range p.Series {
			counts[s.Indicator] += len(s.Points)
			if s.Entity == "" {
				t.Errorf("%s: series %s without entity", ds.ID, s.Indicator)
			}
		}
		for _, ind := range ds.Indicators {
			if counts[ind.ID] == 0 {
				t.Errorf("%s: indicator %s has no points", ds.ID, ind.ID)
			}
		}
	}
}

func TestSharesSumTo100(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "owid-electricity-mix")
	sum := 0.0
	for _, s := range []string{"coal", "gas", "oil", "nuclear", "hydro", "wind", "solar", "bioenergy", "other_renewables"} {
		sum += parsetest.AnnualValue(t, p, "electricity."+s+".share", "USA", 2022)
	}
	if !near(sum, 100) {
		t.Fatalf("shares of USA 2022 sum to %v", sum)
	}
}

var co2 = []catalog.Indicator{{ID: "co2.emissions", Unit: "t", Frequency: obs.Annual, National: true, Column: "Annual CO2 emissions"}}

func TestBadInput(t *testing.T) {
	f := func(name, data string, inds []catalog.Indicator, line int, wantMsg string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			_, err := Parse("x.csv", []byte(data), inds)
			parsetest.ErrorLine(t, err, line, wantMsg)
		})
	}
	h := "Entity,Code,Year,Annual CO₂ emissions\n"
	f("unknown code", h+"China,CHN,2020,1\nNarnia,NRN,2020,2\n", co2, 3, `unknown entity code "NRN"`)
	f("duplicate", h+"China,CHN,2020,1\nChina,CHN,2021,1\nChina,CHN,2020,2\n", co2, 4, "already appears on line 2")
	f("duplicate aggregate", h+"Asia,,2020,1\nAsia,,2020,1\n", co2, 3, "duplicate row")
	f("non-numeric", h+"China,CHN,2020,lots\n", co2, 2, `value "lots" is not a finite number`)
	f("nan", h+"China,CHN,2020,NaN\n", co2, 2, "not a finite number")
	f("bad year", h+"China,CHN,20x0,1\n", co2, 2, "expected an integer year")
	f("short row", h+"China,CHN,2020\n", co2, 2, "wrong number of fields")
	f("bad header", "Country,Code,Year,x\n", co2, 1, "expected Entity,Code,Year")
	f("only helpers", "Entity,Code,Year,,Longitude\n", co2, 1, "no indicator column")
	f("missing column", "Entity,Code,Year,Something else\nChina,CHN,2020,1\n", co2, 1, `no column titled "Annual CO2 emissions"`)
	f("wrong unit", "Entity,Code,Year,Annual CO₂ emissions (Mt)\nChina,CHN,2020,1\n", co2, 1, "is in Mt, but the catalog unit is t")
	f("empty", "", co2, 1, "empty file")
	f("no rows", h, co2, 1, "no values")
	f("no name no code", h+",,2020,1\n", co2, 2, "neither an entity name nor a code")
	f("bad quote", h+"\"China,CHN,2020,1\n", co2, 2, "")
}

func TestOddHeaders(t *testing.T) {
	loss := []catalog.Indicator{{ID: "forest.loss", Unit: "ha", Frequency: obs.Annual}}
	// Blank and helper columns around the value; empty Column picks the only value column.
	p, err := Parse("x.csv", []byte("\ufeffEntity,Code,Year,,Longitude,Tree cover loss (ha)\r\nAfghanistan,AFG,2001,,,70.5\r\nEurope,,2001,,,5\r\n"), loss)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Series) != 2 || p.Series[0].Entity != "AFG" || p.Series[1].Entity != "OWID_EUROPE" || p.Series[0].Points[0].Value != 70.5 {
		t.Fatalf("got %+v", p.Series)
	}
	// Two value columns and no Column: ambiguous.
	if _, err := Parse("x.csv", []byte("Entity,Code,Year,a,b\nChina,CHN,2020,1,2\n"), loss); err == nil || !strings.Contains(err.Error(), "the catalog must name one") {
		t.Fatalf("ambiguous columns: %v", err)
	}
	// Rows out of order are sorted; blank values skipped.
	p, err = Parse("x.csv", []byte("Entity,Code,Year,Annual CO2 emissions\nChina,CHN,2021,2\nChina,CHN,2020,1\nChina,CHN,2019,\n"), co2)
	if err != nil {
		t.Fatal(err)
	}
	if pts := p.Series[0].Points; len(pts) != 2 || pts[0].Date.Year() != 2020 {
		t.Fatalf("got %+v", pts)
	}
}

func TestAggregateCodes(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "owid-co2-emissions")
	want := map[string]bool{"OWID_WRL": false, "OWID_EUROPEAN_UNION_27": false, "OWID_HIGH_INCOME_COUNTRIES": false,
		"OWID_INTERNATIONAL_AVIATION": false, "OWID_ASIA_EXCL_CHINA_AND_INDIA": false}
	for _, s := range p.Series {
		if _, ok := want[s.Entity]; ok {
			want[s.Entity] = true
		}
	}
	for code, found := range want {
		if !found {
			t.Errorf("no series for %s", code)
		}
	}
}

func TestMetadataUnits(t *testing.T) {
	md := testutil.ReadShared(t, "owid-national-emissions/annual-co2-emissions-per-country.metadata.json")
	if p, err := Parse("m.metadata.json", md, co2); err != nil || len(p.Series) != 0 {
		t.Fatalf("metadata: %v %v", p, err)
	}
	bad := []catalog.Indicator{{ID: "co2.emissions", Unit: "Mt", Frequency: obs.Annual, Column: "Annual CO2 emissions"}}
	_, err := Parse("m.metadata.json", md, bad)
	var pe *parse.Error
	if !errors.As(err, &pe) || !strings.Contains(pe.Msg, "catalog unit is Mt") {
		t.Fatalf("wrong unit accepted: %v", err)
	}
	if _, err := Parse("m.metadata.json", []byte("{"), co2); !errors.As(err, &pe) {
		t.Fatalf("bad json: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, path := range []string{
		"owid-national-emissions/annual-co2-emissions-per-country.csv",
		"gfw-tree-cover-loss/tree-cover-loss.csv",
		"owid-energy-irena-ember/electricity-prod-source-stacked.csv",
	} {
		b := testutil.ReadShared(f, path)
		if len(b) > 4000 {
			b = b[:4000]
		}
		f.Add(b)
	}
	f.Add([]byte("Entity,Code,Year,,Longitude,x\nA,,1,,,2\n"))
	ds, _ := catalog.DatasetByID("owid-electricity-mix")
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, inds := range [][]catalog.Indicator{co2, ds.Indicators, {{ID: "x", Unit: "ha", Frequency: obs.Annual}}} {
			parsetest.FuzzEntities(t, Parse, "fuzz.csv", data, inds)
		}
	})
}

func fmtSscan(s string, v *float64) (int, error) { return fmt.Sscan(s, v) }

// TestRejectsNonDecimalNumbers: a hexadecimal or NaN value is an error that
// names the line, as in every other parser.
func TestRejectsNonDecimalNumbers(t *testing.T) {
	inds := []catalog.Indicator{{ID: "co2.emissions", Unit: "t", Frequency: obs.Annual, National: true}}
	for _, v := range []string{"0x1p3", "NaN", "Inf", "1,5"} {
		data := "Entity,Code,Year,Annual CO2 emissions (t)\nChina,CHN,2023,\"" + v + "\"\n"
		_, err := Parse("x.csv", []byte(data), inds)
		if err == nil || !strings.Contains(err.Error(), "x.csv:2:") || !strings.Contains(err.Error(), "not a finite number") {
			t.Errorf("%s: got %v", v, err)
		}
	}
}
