package warming

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/provenance"
)

// Reader is the one store method Load needs; the store, the query Store
// and the record-event store all have it.
type Reader interface {
	SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, provenance.Source, error)
}

// Load reads the stored series of source s from the first of its datasets
// (Source.Datasets, in order of preference) that is stored: for HadCRUT5 the
// Met Office's summary CSV when it is stored, the datahub.io mirror copy
// otherwise. notFound is the reader's "not stored" error (store.ErrNotFound;
// this package sits below the store and does not import it): a dataset
// whose read fails with it is skipped, and when none is stored the
// returned error wraps it. The returned provenance names the dataset read.
// It is the only function of the package that reads data, and it reads
// them only through r.
func Load(ctx context.Context, r Reader, s Source, notFound error) (obs.Series, provenance.Source, error) {
	for _, id := range s.Datasets {
		se, src, err := r.SeriesByID(ctx, id, s.Indicator, "")
		if errors.Is(err, notFound) {
			continue
		}
		return se, src, err
	}
	return obs.Series{}, provenance.Source{}, fmt.Errorf("%s: none of %s is stored: %w", s.Indicator, strings.Join(s.Datasets, ", "), notFound)
}
