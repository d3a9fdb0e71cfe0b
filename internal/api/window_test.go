package api

import (
	"context"
	"reflect"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// annual returns a series of entity with one value (the year) per year.
func annual(entity string, years ...int) obs.Series {
	se := obs.Series{Indicator: "co2.emissions", Entity: entity, Unit: "t", Frequency: obs.Annual}
	for _, y := range years {
		se.Points = append(se.Points, obs.Point{Date: obs.NewDate(y, 1, 1), Value: float64(y)})
	}
	return se
}

// TestWindowFromCachedSeries checks that windowed reads answered from
// series the cache already holds keep exactly the points in the window
// (both ends included), leave out entities not asked for and series with
// no point in the window, as store.AllSeriesWindow does, and return the
// cached source and not-found answers.
func TestWindowFromCachedSeries(t *testing.T) {
	ctx := context.Background()
	ref, err := catalog.Resolve("co2.emissions")
	if err != nil {
		t.Fatal(err)
	}
	gc := newGenCache(1, 1<<20)
	src := store.Source{Dataset: ref.Dataset.ID, Version: "v1"}
	gc.all[ref.Dataset.ID+"\x00"+ref.Indicator.ID] = &loadedAll{all: []obs.Series{
		annual("CHN", 2020, 2021, 2022, 2023),
		annual("FRA", 1990, 1991),
		annual("USA", 2021, 2023, 2024),
	}, src: src}
	w := store.Years(2022, 2023)
	all, gotSrc, err := gc.loadAllWindow(ctx, nil, ref, w, nil)
	if err != nil || gotSrc != src {
		t.Fatalf("err %v, source %+v", err, gotSrc)
	}
	want := []obs.Series{annual("CHN", 2022, 2023), annual("USA", 2023)}
	if !reflect.DeepEqual(all, want) {
		t.Errorf("all entities: got %+v, want %+v", all, want)
	}
	some, _, err := gc.loadAllWindow(ctx, nil, ref, store.Years(2021, 2024), []string{"USA", "FRA"})
	if want := []obs.Series{annual("USA", 2021, 2023, 2024)}; err != nil || !reflect.DeepEqual(some, want) {
		t.Errorf("USA and FRA: got %+v (%v), want %+v", some, err, want)
	}

	key := seriesKey{ref.Dataset.ID, ref.Indicator.ID, "CHN"}
	gc.series[key] = &loaded{se: annual("CHN", 2020, 2021, 2022, 2023), src: src}
	se, _, err := gc.loadSeriesWindow(ctx, nil, key.dataset, key.indicator, key.entity, store.Years(2021, 2021))
	if want := annual("CHN", 2021); err != nil || !reflect.DeepEqual(se, want) {
		t.Errorf("CHN 2021: got %+v (%v), want %+v", se, err, want)
	}
	se, _, err = gc.loadSeriesWindow(ctx, nil, key.dataset, key.indicator, key.entity, store.Years(1900, 1910))
	if err != nil || len(se.Points) != 0 || se.Unit != "t" {
		t.Errorf("CHN 1900-1910: got %+v (%v), want no points and the series' unit", se, err)
	}
	missing := seriesKey{ref.Dataset.ID, ref.Indicator.ID, "DEU"}
	gc.series[missing] = &loaded{err: store.ErrNotFound}
	if _, _, err := gc.loadSeriesWindow(ctx, nil, missing.dataset, missing.indicator, missing.entity, w); err != store.ErrNotFound {
		t.Errorf("DEU: err %v, want the cached not-found", err)
	}
}
