package gfw

import (
	"math"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/textutil/parsetest"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestRealFiles checks values straight from the shared GFW CSVs.
func TestRealFiles(t *testing.T) {
	f := func(ds, ind, entity string, year int, want float64) {
		t.Helper()
		if got := parsetest.AnnualValue(t, parsetest.ParseDataset(t, Parse, ds), ind, entity, year); math.Abs(got-want) > 1e-9*want {
			t.Errorf("%s %s %d = %v, want %v", ind, entity, year, got, want)
		}
	}
	f("gfw-tree-cover-loss", "forest.loss", "AFG", 2001, 88.09271247269965993)
	f("gfw-tree-cover-loss", "forest.loss.emissions", "AFG", 2001, 27986.284115403841341)
	f("gfw-tree-cover-loss", "forest.loss", "BRA", 2024, 4391693.73095349970104400)
	f("gfw-tree-cover-loss", "forest.loss", "CHN", 2024, 675197.631496927926157673)
	f("gfw-tree-cover-loss", "forest.loss", "XKO", 2002, 214.734835993619804656)
	f("gfw-primary-forest-loss", "forest.loss.primary", "AGO", 2001, 4957.52125232632878932)
	f("gfw-primary-forest-loss", "forest.loss.primary.emissions", "ARG", 2001, 2342089.614865743692032)
	f("gfw-primary-forest-extent", "forest.primary.extent", "AGO", 2000, 2456706.21353566967619279)
}

func TestSeriesSpan(t *testing.T) {
	p := parsetest.ParseDataset(t, Parse, "gfw-tree-cover-loss")
	for _, s := range p.Series {
		if s.Indicator == "forest.loss" && s.Entity == "BRA" {
			if n := len(s.Points); n != 24 || s.Points[0].Date.Year() != 2001 || s.Points[n-1].Date.Year() != 2024 {
				t.Fatalf("BRA: %d points %v..%v", n, s.Points[0].Date, s.Points[n-1].Date)
			}
			return
		}
	}
	t.Fatal("no BRA series")
}

var inds = []catalog.Indicator{
	{ID: "forest.loss", Unit: "ha", Frequency: obs.Annual, Column: "umd_tree_cover_loss__ha"},
	{ID: "forest.loss.emissions", Unit: "Mg CO2e", Frequency: obs.Annual, Column: "gfw_gross_emissions_co2e_all_gases__Mg"},
}

func TestBadInput(t *testing.T) {
	f := func(name, data string, inds []catalog.Indicator, line int, want string) {
		t.Helper()
		t.Run(name, func(t *testing.T) {
			_, err := Parse("g.csv", []byte(data), inds)
			parsetest.ErrorLine(t, err, line, want)
		})
	}
	h := `"iso","umd_tree_cover_loss__year","umd_tree_cover_loss__ha","gfw_gross_emissions_co2e_all_gases__Mg"` + "\n"
	f("unknown code", h+"\"AFG\",2001,1,2\n\"QQQ\",2001,1,2\n", inds, 3, `unknown entity code "QQQ"`)
	f("duplicate", h+"\"AFG\",2001,1,2\n\"AFG\",2002,1,2\n\"AFG\",2001,3,4\n", inds, 4, "already appears on line 2")
	f("non-numeric", h+"\"AFG\",2001,n/a,2\n", inds, 2, `value "n/a" is not a finite number`)
	f("bad year", h+"\"AFG\",two,1,2\n", inds, 2, "is not a year")
	f("no iso", `"country","x__ha"`+"\n", inds, 1, `expected an "iso" column`)
	f("missing column", h, []catalog.Indicator{{ID: "x", Unit: "ha", Column: "nope__ha"}}, 1, `no column "nope__ha"`)
	f("wrong unit", h, []catalog.Indicator{{ID: "x", Unit: "t", Column: "umd_tree_cover_loss__ha"}}, 1, "is in ha, but the catalog unit is t")
	f("no year anywhere", `"iso","a__ha"`+"\n\"AFG\",1\n", []catalog.Indicator{{ID: "x", Unit: "ha", Column: "a__ha"}}, 1, "holds no year")
	f("wrong width", h+"\"AFG\",2001,1\n", inds, 2, "wrong number of fields")
	f("empty", "", inds, 1, "empty file")
}

func FuzzParse(f *testing.F) {
	for _, path := range []string{
		"gfw-tree-cover-loss/treecover_loss__ha.csv",
		"gfw-tree-cover-loss/treecover_extent_2000_in_primary_forests_2001_tropics_only__ha.csv",
	} {
		b := testutil.ReadShared(f, path)
		if len(b) > 3000 {
			b = b[:3000]
		}
		f.Add(b)
	}
	ext := []catalog.Indicator{{ID: "e", Unit: "ha", Frequency: obs.Annual, Column: "umd_tree_cover_extent_2000__ha"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, in := range [][]catalog.Indicator{inds, ext} {
			parsetest.FuzzEntities(t, Parse, "fuzz.csv", data, in)
		}
	})
}
