package query

import (
	"context"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/present"
	"github.com/stocktake/stocktake/internal/store"
)

// IndicatorStore is what Indicators reads: the coverage table the store keeps
// at ingest (one row per stored indicator) and each dataset's current version.
type IndicatorStore interface {
	Coverage(ctx context.Context) ([]store.Coverage, error)
	CurrentVersion(ctx context.Context, dataset string) (store.Version, bool, error)
}

// Indicators lists the stored indicators in catalog order (by id, default
// version first), then the gridded series ingested under "grid:<ID>". With
// all set, catalog indicators that are not stored yet are listed too.
func Indicators(ctx context.Context, st IndicatorStore, all bool) ([]present.Indicator, error) {
	cov, err := st.Coverage(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[[2]string]store.Coverage{}
	for _, c := range cov {
		byKey[[2]string{c.Dataset, c.Indicator}] = c
	}
	versions := map[string]store.Version{}
	rows := []present.Indicator{}
	add := func(ref catalog.Ref, c store.Coverage, ok bool) error {
		row := present.Indicator{
			Indicator: ref.Indicator.ID, Version: ref.Dataset.Version, Default: ref.Indicator.Default,
			Title: ref.Indicator.Title, Unit: ref.Indicator.Unit, Frequency: ref.Indicator.Frequency,
			National: ref.Indicator.National, Baseline: ref.Indicator.Baseline, Records: "high",
			Producer: ref.Dataset.Producer, Licence: ref.Dataset.Licence, Note: ref.Indicator.Note,
			Source:   present.Source{Dataset: ref.Dataset.ID, Version: ref.Dataset.Version},
			Seasonal: ref.Indicator.Seasonal, Resolution: ref.Indicator.Resolution,
		}
		if ref.Indicator.HeadlineKind() == catalog.Low {
			row.Records = "low"
		}
		if ok {
			first, last := c.First.Format(c.Frequency), c.Last.Format(c.Frequency)
			row.First, row.Last, row.Rows = &first, &last, c.Rows
			row.Unit, row.Frequency = c.Unit, c.Frequency
			if row.National {
				row.Entities = c.Entities
			}
			v, has := versions[c.Dataset]
			if _, seen := versions[c.Dataset]; !seen {
				var err error
				v, has, err = st.CurrentVersion(ctx, c.Dataset)
				if err != nil {
					return err
				}
				if has {
					versions[c.Dataset] = v
				}
			}
			if has {
				row.Source.SHA256, row.Source.URL = v.SHA256, v.Source
				t := v.Retrieved
				row.Source.Retrieved = &t
			}
		}
		rows = append(rows, row)
		return nil
	}
	for _, ref := range catalog.Indicators() {
		c, ok := byKey[[2]string{ref.Dataset.ID, ref.Indicator.ID}]
		// An uncertainty companion (ohc.jma.err95) holds error half-widths,
		// not observations: it is listed only when all is asked for; the
		// indicator it accompanies uses it.
		if ref.Indicator.IsUncertainty() && !all {
			continue
		}
		if ok || all {
			if err := add(ref, c, ok); err != nil {
				return nil, err
			}
		}
	}
	for _, c := range cov {
		if strings.HasPrefix(c.Dataset, "grid:") {
			if err := add(present.GridRef(c.Dataset, c.Indicator, c.Unit, c.Frequency), c, true); err != nil {
				return nil, err
			}
		}
	}
	return rows, nil
}
