package catalog_test

import (
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/registry"
	"github.com/stocktake/stocktake/internal/testutil"
)

// decimals returns the number of decimals of the shortest representation of
// v: a value written "20.990" reads back as 20.99 and gives 2, so the
// maximum over a whole series is the number of decimals the producer writes.
func decimals(v float64) int {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 {
		return len(s) - i - 1
	}
	return 0
}

// TestResolutionMatchesFiles parses every real file of every dataset whose
// indicators declare a Resolution and checks that the most decimals written
// in the file for that series is exactly the declared resolution: declared
// 0.001 means some value has three decimals and none has four.
func TestResolutionMatchesFiles(t *testing.T) {
	root := testutil.SharedData(t)
	checked := 0
	for _, ds := range catalog.Datasets() {
		declared := map[string]float64{}
		for _, ind := range ds.Indicators {
			if ind.Resolution > 0 {
				declared[ind.ID] = ind.Resolution
			}
		}
		if len(declared) == 0 {
			continue
		}
		parse, ok := registry.Lookup(ds.Format)
		if !ok {
			t.Fatalf("%s: no parser for %s", ds.ID, ds.Format)
		}
		missing := false
		for _, f := range ds.Files {
			if _, err := os.Stat(filepath.Join(root, f.Path)); err != nil {
				missing = true
			}
		}
		if missing {
			// The shared folder holds no copy of this version (the
			// Antarctic v4.0 file); its sibling version is checked.
			t.Logf("%s: a file is not in the shared data, not checked", ds.ID)
			continue
		}
		most := map[string]int{}
		for _, f := range ds.Files {
			p, err := parse(f.Path, testutil.ReadShared(t, f.Path), ds.Indicators)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range p.Series {
				for _, pt := range s.Points {
					most[s.Indicator] = max(most[s.Indicator], decimals(pt.Value))
				}
			}
		}
		for id, res := range declared {
			want := int(math.Round(-math.Log10(res)))
			if most[id] != want {
				t.Errorf("%s %s: declared resolution %g (%d decimals), the file writes at most %d decimals", ds.ID, id, res, want, most[id])
			}
			checked++
		}
	}
	// Every vital-sign indicator declares one (national ones are
	// republished with floating-point noise and declare none): NSIDC 3
	// files present, Climate Reanalyzer 4, GML 4, Climate at a Glance 4
	// (with the annual), GISTEMP 2, HadCRUT5 1, JMA 3, GMSL 1, ONI 1.
	if checked != 23 {
		t.Errorf("checked %d indicators, want 23", checked)
	}
}

// TestCompanions checks that every companion named by an indicator exists,
// is annual, has the same unit, and points back with CompanionOf; and that
// the ONI is flagged seasonal.
func TestCompanions(t *testing.T) {
	byID := map[string]catalog.Indicator{}
	for _, r := range catalog.Indicators() {
		if r.Indicator.Default {
			byID[r.Indicator.ID] = r.Indicator
		}
	}
	pairs := 0
	for _, ind := range byID {
		for _, c := range []string{ind.Uncertainty, ind.PublishedAnnual} {
			if c == "" {
				continue
			}
			pairs++
			comp, ok := byID[c]
			if !ok {
				t.Errorf("%s names companion %s, which is not declared", ind.ID, c)
				continue
			}
			if comp.Unit != ind.Unit || comp.CompanionOf != ind.ID || comp.Frequency != obs.Annual {
				t.Errorf("%s companion %s: unit %s (want %s), CompanionOf %q, frequency %s (want annual)", ind.ID, c, comp.Unit, ind.Unit, comp.CompanionOf, comp.Frequency)
			}
		}
	}
	if pairs != 3 {
		t.Errorf("%d companion links, want 3 (gmst.gistemp.annual, gmst.noaa.annual, ohc.jma.err95)", pairs)
	}
	if !byID["ohc.jma.err95"].IsUncertainty() || byID["gmst.gistemp.annual"].IsUncertainty() {
		t.Error("IsUncertainty: want true for ohc.jma.err95 only")
	}
	if !byID["oni"].Seasonal || byID["gmst.noaa"].Seasonal {
		t.Error("Seasonal: want true for oni only")
	}
}
