package warming

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/provenance"
)

// errNotStored stands for the store's "not stored" error.
var errNotStored = errors.New("not stored")

// mapReader holds series by dataset id (indicator and entity ignored).
type mapReader map[string]obs.Series

func (m mapReader) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, provenance.Source, error) {
	se, ok := m[dataset]
	if !ok {
		return obs.Series{}, provenance.Source{}, fmt.Errorf("%s: %w", dataset, errNotStored)
	}
	return se, provenance.Source{Dataset: dataset}, nil
}

// TestSourcesInCatalog checks that every dataset of every source exists in
// the catalog and holds the source's indicator.
func TestSourcesInCatalog(t *testing.T) {
	for _, s := range Sources {
		for _, id := range s.Datasets {
			ds, ok := catalog.DatasetByID(id)
			if !ok {
				t.Fatalf("%s: no catalog dataset %s", s.Key, id)
			}
			if !slices.ContainsFunc(ds.Indicators, func(i catalog.Indicator) bool { return i.ID == s.Indicator }) {
				t.Errorf("%s: dataset %s has no indicator %s", s.Key, id, s.Indicator)
			}
		}
	}
	if got := SourcesOfDataset("datahub-global-temp-hadcrut5"); !slices.Equal(got, []string{"hadcrut5", "gistemp"}) {
		t.Errorf("sources of the datahub HadCRUT5: %v", got)
	}
	if got := SourcesOfDataset("metoffice-hadcrut5-monthly"); !slices.Equal(got, []string{"hadcrut5", "gistemp"}) {
		t.Errorf("sources of the Met Office HadCRUT5: %v", got)
	}
	if got := SourcesOfDataset("climate-reanalyzer-t2m.world"); !slices.Equal(got, []string{"era5"}) {
		t.Errorf("sources of ERA5: %v", got)
	}
	if got := SourcesOfDataset("nasa-gistemp-v4"); !slices.Equal(got, []string{"gistemp"}) {
		t.Errorf("sources of GISTEMP: %v", got)
	}
	if got := SourcesOfDataset("noaa-gml-co2-mlo-monthly"); len(got) != 0 {
		t.Errorf("sources of an unrelated dataset: %v", got)
	}
}

// TestLoadPrefersMetOffice: with both HadCRUT5 copies stored, Load reads
// the Met Office's; with the datahub copy alone, the datahub's; with
// neither, an error wrapping the reader's not-stored error.
func TestLoadPrefersMetOffice(t *testing.T) {
	ctx := context.Background()
	s, _ := SourceByKey("hadcrut5")
	met := obs.Series{Indicator: "gmst.hadcrut5", Points: []obs.Point{{Date: obs.NewDate(2024, 12, 1), Value: 1.1}}}
	dh := obs.Series{Indicator: "gmst.hadcrut5", Points: []obs.Point{{Date: obs.NewDate(2024, 7, 1), Value: 1.2}}}
	se, src, err := Load(ctx, mapReader{"metoffice-hadcrut5-monthly": met, "datahub-global-temp-hadcrut5": dh}, s, errNotStored)
	if err != nil || src.Dataset != "metoffice-hadcrut5-monthly" || se.Points[0].Value != 1.1 {
		t.Errorf("both stored: read %s %v (%v), want the Met Office's", src.Dataset, se.Points, err)
	}
	se, src, err = Load(ctx, mapReader{"datahub-global-temp-hadcrut5": dh}, s, errNotStored)
	if err != nil || src.Dataset != "datahub-global-temp-hadcrut5" || se.Points[0].Value != 1.2 {
		t.Errorf("datahub alone: read %s %v (%v), want the datahub copy", src.Dataset, se.Points, err)
	}
	if _, _, err := Load(ctx, mapReader{}, s, errNotStored); !errors.Is(err, errNotStored) {
		t.Errorf("none stored: %v, want the reader's not-stored error", err)
	}
	// Another error is returned as it is, without trying the fallback.
	bad := errors.New("disk on fire")
	if _, _, err := Load(ctx, failReader{bad}, s, errNotStored); !errors.Is(err, bad) {
		t.Errorf("read error: %v, want %v", err, bad)
	}
}

// failReader fails every read with err.
type failReader struct{ err error }

func (f failReader) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, provenance.Source, error) {
	return obs.Series{}, provenance.Source{}, f.err
}
