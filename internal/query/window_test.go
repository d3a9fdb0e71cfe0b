package query

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// wholeStore answers windowed reads with whole series, which is what the
// questions read before they asked for windows: the reference that the
// windowed answers must equal byte for byte.
type wholeStore struct{ *store.Store }

func (w wholeStore) SeriesWindow(ctx context.Context, dataset, indicator, entity string, _ store.Window) (obs.Series, store.Source, error) {
	return w.SeriesByID(ctx, dataset, indicator, entity)
}

func (w wholeStore) AllSeriesWindow(ctx context.Context, ref catalog.Ref, _ store.Window, _ []string) ([]obs.Series, store.Source, error) {
	return w.AllSeries(ctx, ref)
}

// TestWindowedQuestionsEqualWhole checks, on the real shared data, that
// rank --year and fixed-baseline climatologies, which read only their
// window, give exactly the JSON (or the error text) they give from whole
// series: gap filling, smoothing (trailing, centred, with a wide fill) and
// NSIDC's day 366 at the edges of the baseline, the first year of a
// national series (no previous year), and years outside the data.
func TestWindowedQuestionsEqualWhole(t *testing.T) {
	ctx := context.Background()
	data := testutil.SharedData(t)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "w.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var dss []catalog.Dataset
	for _, id := range []string{"co2.emissions", "sst.world", "seaice.north", "gmst.noaa"} {
		ref, err := catalog.Resolve(id)
		if err != nil {
			t.Fatal(err)
		}
		dss = append(dss, ref.Dataset)
	}
	outs, err := ingest.Run(ctx, st, dss, ingest.Options{Mirror: data})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != ingest.Ingested {
			t.Fatalf("%s: %s %s", o.Dataset, o.Status, o.Error)
		}
	}
	answer := func(q Store, f func(Store) (any, error)) string {
		v, err := f(q)
		if err != nil {
			return "error: " + err.Error()
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	type tcase struct {
		name string
		f    func(Store) (any, error)
	}
	var cases []tcase
	for _, y := range []string{"2023", "2000", "1950", "1850", "1750", "1700", "2100", ""} {
		cases = append(cases, tcase{"rank co2.emissions " + y, func(q Store) (any, error) {
			return Rank(ctx, q, RankRequest{ID: "co2.emissions", Year: y, Top: "0"})
		}})
	}
	cases = append(cases, tcase{"rank cumulative 2000", func(q Store) (any, error) {
		return Rank(ctx, q, RankRequest{ID: "co2.emissions", Year: "2000", Cumulative: "true"})
	}})
	clim := []ClimatologyRequest{
		{ID: "sst.world"},
		{ID: "sst.world", Baseline: "1982-2011"},
		{ID: "sst.world", Baseline: "1991-2020", Smooth: "5d"},
		{ID: "sst.world", Baseline: "1991-2020", Smooth: "7d-centred", Convention: "daycount"},
		{ID: "sst.world", Baseline: "1800-1900"},
		{ID: "sst.world", Baseline: "2020-1991"},
		{ID: "seaice.north"},
		{ID: "seaice.north", Baseline: "1979-1990", Smooth: "5d"},
		{ID: "seaice.north", Baseline: "1981-2010", Smooth: "9d(min=2,fill=4)", Convention: "calendar"},
		{ID: "gmst.noaa", Baseline: "1991-2020"},
		{ID: "gmst.noaa", Baseline: "1850-1900"},
		{ID: "gmst.noaa", Smooth: "5d"},
	}
	for _, r := range clim {
		cases = append(cases, tcase{"climatology " + r.ID + " " + r.Baseline + " " + r.Smooth, func(q Store) (any, error) {
			res, err := Climatology(ctx, q, r)
			if err != nil {
				return nil, err
			}
			return res.JSON(), nil
		}})
	}
	for _, c := range cases {
		got, want := answer(st, c.f), answer(wholeStore{st}, c.f)
		if got != want {
			t.Errorf("%s: windowed answer differs from the whole-series one:\n got  %.300s\n want %.300s", c.name, got, want)
		}
		if len(want) < 40 && want[:6] != "error:" {
			t.Errorf("%s: implausibly short answer %q", c.name, want)
		}
	}
	// The cases must exercise real answers, not only errors.
	if a := answer(st, cases[0].f); a[:6] == "error:" {
		t.Fatalf("rank 2023: %s", a)
	}
}
