package registry

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/testutil"
)

// vitalSigns returns the catalog datasets whose indicators are all global
// (not per country).
func vitalSigns() []catalog.Dataset {
	var out []catalog.Dataset
	for _, d := range catalog.Datasets() {
		national := false
		for _, ind := range d.Indicators {
			national = national || ind.National
		}
		if !national {
			out = append(out, d)
		}
	}
	return out
}

func TestEveryVitalSignFormatHasAParser(t *testing.T) {
	ds := vitalSigns()
	if len(ds) == 0 {
		t.Fatal("catalog has no vital-sign datasets")
	}
	for _, d := range ds {
		if _, ok := Lookup(d.Format); !ok {
			t.Errorf("dataset %s: no parser for format %q", d.ID, d.Format)
		}
	}
	if _, ok := Lookup("no-such-format"); ok {
		t.Error("Lookup found an unknown format")
	}
	if f := Formats(); !slices.IsSorted(f) || len(f) < 10 {
		t.Errorf("Formats() = %v, want sorted and at least the 10 vital-sign formats", f)
	}
}

// TestVitalSignFiles parses every vital-sign dataset's mirror file through
// the registry. Only the Antarctic v4.0 file is allowed to be absent from
// the shared data (no copy of it was found).
func TestVitalSignFiles(t *testing.T) {
	root := testutil.SharedData(t)
	allowedMissing := map[string]bool{"nsidc-g02135/S_seaice_extent_daily_v4.0.csv": true,
		// No copy of the Met Office summary CSV is in the shared data; its
		// parser is tested on a fixture in internal/parse/metoffice.
		"metoffice-hadcrut5/HadCRUT.5.0.2.0.analysis.summary_series.global.monthly.csv": true}
	for _, d := range vitalSigns() {
		parse, ok := Lookup(d.Format)
		if !ok {
			continue // reported by TestEveryVitalSignFormatHasAParser
		}
		for _, file := range d.Files {
			data, err := os.ReadFile(filepath.Join(root, file.Path))
			if errors.Is(err, fs.ErrNotExist) {
				if !allowedMissing[file.Path] {
					t.Errorf("dataset %s: mirror file %s is missing", d.ID, file.Path)
				}
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := parse(file.Path, data, d.Indicators)
			if err != nil {
				t.Errorf("dataset %s: %v", d.ID, err)
				continue
			}
			if err := p.Check(); err != nil {
				t.Errorf("dataset %s: %v", d.ID, err)
			}
			for _, ind := range d.Indicators {
				n := -1
				for _, s := range p.Series {
					if s.Indicator == ind.ID {
						n = len(s.Points)
					}
				}
				if n <= 0 {
					t.Errorf("dataset %s: indicator %s has no points (%d)", d.ID, ind.ID, n)
				}
			}
		}
	}
}
