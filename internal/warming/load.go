package warming

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// Reader is the one store method Load needs; the query Store and the
// record-event store (store.EventStore) both have it.
type Reader interface {
	SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, store.Source, error)
}

// Load reads the stored series of source s from the first of its datasets
// (Source.Datasets, in order of preference) that is stored: for HadCRUT5 the
// Met Office's summary CSV when it is stored, the datahub.io mirror copy
// otherwise. The returned provenance names the dataset read. The error
// wraps store.ErrNotFound when none is stored. It is the only function of
// the package that reads data, and it reads them only through r.
func Load(ctx context.Context, r Reader, s Source) (obs.Series, store.Source, error) {
	for _, id := range s.Datasets {
		se, src, err := r.SeriesByID(ctx, id, s.Indicator, "")
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		return se, src, err
	}
	return obs.Series{}, store.Source{}, fmt.Errorf("%s: none of %s is stored: %w", s.Indicator, strings.Join(s.Datasets, ", "), store.ErrNotFound)
}
