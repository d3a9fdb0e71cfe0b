package query

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// fakeStore holds series by dataset, indicator and entity.
type fakeStore map[[3]string]obs.Series

func (f fakeStore) SeriesByID(ctx context.Context, dataset, indicator, entity string) (obs.Series, store.Source, error) {
	se, ok := f[[3]string{dataset, indicator, entity}]
	if !ok {
		return se, store.Source{}, store.ErrNotFound
	}
	return se, store.Source{Dataset: dataset, Version: "test"}, nil
}

func (f fakeStore) AllSeries(ctx context.Context, ref catalog.Ref) ([]obs.Series, store.Source, error) {
	return nil, store.Source{}, store.ErrNotFound
}

func (f fakeStore) SeriesWindow(ctx context.Context, dataset, indicator, entity string, w store.Window) (obs.Series, store.Source, error) {
	se, src, err := f.SeriesByID(ctx, dataset, indicator, entity)
	if err != nil {
		return se, src, err
	}
	return cut(se, w), src, nil
}

func (f fakeStore) AllSeriesWindow(ctx context.Context, ref catalog.Ref, w store.Window, entities []string) ([]obs.Series, store.Source, error) {
	return nil, store.Source{}, store.ErrNotFound
}

// cut returns se with only its points dated in w.
func cut(se obs.Series, w store.Window) obs.Series {
	var pts []obs.Point
	for _, p := range se.Points {
		if p.Date >= w.From && p.Date <= w.To {
			pts = append(pts, p)
		}
	}
	se.Points = pts
	return se
}

func (f fakeStore) Lineage(ctx context.Context, dataset, indicator, entity string, date obs.Date) (store.Version, error) {
	return store.Version{}, store.ErrNotFound
}

func (f fakeStore) VersionFiles(ctx context.Context, id int64) ([]store.VersionFile, error) {
	return nil, nil
}

// monthly returns a fake store with gmst.noaa holding the given values for
// January of consecutive years from 2000.
func monthly(t *testing.T, vals ...float64) fakeStore {
	t.Helper()
	ref, err := catalog.Resolve("gmst.noaa")
	if err != nil {
		t.Fatal(err)
	}
	se := obs.Series{Indicator: ref.Indicator.ID, Unit: "degC", Frequency: obs.Monthly}
	for i, v := range vals {
		se.Points = append(se.Points, obs.Point{Date: obs.NewDate(2000+i, 1, 1), Value: v})
	}
	return fakeStore{{ref.Dataset.ID, ref.Indicator.ID, ""}: se}
}

func TestErrorText(t *testing.T) {
	_, err := Records(context.Background(), monthly(t, 1), RecordsRequest{ID: "gmst.noaa", On: "2000-01", AsOf: "1999"})
	var qe *Error
	if !errors.As(err, &qe) || qe.Kind != Invalid {
		t.Fatalf("err %v", err)
	}
	if got := qe.Error(); got != "on=2000-01 is after as_of=1999" {
		t.Errorf("API text %q", got)
	}
	cli := qe.Text(func(f string) string {
		if n, ok := strings.CutSuffix(f, "="); ok {
			return "--" + strings.ReplaceAll(n, "_", "-") + " "
		}
		return "--" + f
	})
	if cli != "--on 2000-01 is after --as-of 1999" {
		t.Errorf("CLI text %q", cli)
	}
	_, err = Series(context.Background(), monthly(t, 1), SeriesRequest{ID: "no.such"})
	if !errors.As(err, &qe) || qe.Kind != Unknown {
		t.Errorf("unknown indicator: %v", err)
	}
	_, err = Series(context.Background(), fakeStore{}, SeriesRequest{ID: "gmst.noaa"})
	if !errors.As(err, &qe) || qe.Kind != NotFound || !IsNoData(err) {
		t.Errorf("nothing stored: %v", err)
	}
}

func TestEqual(t *testing.T) {
	f := func(a, b float64, want bool) {
		t.Helper()
		if got := Equal(a, b); got != want {
			t.Errorf("Equal(%v, %v) = %v, want %v", a, b, got, want)
		}
	}
	f(0.1+0.2, 0.3, true)
	f(1e6, 1e6+1e-4, true) // relative: 1e-10
	f(1e6, 1e6+1e-2, false)
	f(0, 1e-10, true) // absolute near zero
	f(0, 1e-8, false)
}

// TestRanksTies ranks January values where two differ only by float noise:
// they tie and share the better rank, as the records engine counts them.
func TestRanksTies(t *testing.T) {
	st := monthly(t, 0.5, 0.1+0.2, 0.9, 0.3)
	r, _, err := RanksOf(context.Background(), st, RanksRequest{ID: "gmst.noaa", Kind: "max"})
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(r.Ranks))
	for i, x := range r.Ranks {
		got[i] = strings.Join([]string{x.Date, string(rune('0' + x.Rank)), map[bool]string{true: "tie", false: ""}[x.Tie]}, " ")
	}
	want := []string{"2000-01 2 ", "2001-01 3 tie", "2002-01 1 ", "2003-01 3 tie"}
	if strings.Join(got, "|") != strings.Join(want, "|") || r.Slot != "month" || r.Ranks[0].Of != 4 {
		t.Errorf("ranks %v, want %v (slot %s)", got, want, r.Slot)
	}
}

// TestTrendBasis fits annual means of monthly values and lists the
// incomplete year inside the window.
func TestTrendBasis(t *testing.T) {
	ref, _ := catalog.Resolve("gmst.noaa")
	se := obs.Series{Indicator: ref.Indicator.ID, Unit: "degC", Frequency: obs.Monthly}
	for y := 2000; y <= 2004; y++ {
		for m := 1; m <= 12; m++ {
			if y == 2002 && m == 7 {
				continue // 2002 is incomplete
			}
			se.Points = append(se.Points, obs.Point{Date: obs.NewDate(y, m, 1), Value: float64(y-2000) * 0.1})
		}
	}
	st := fakeStore{{ref.Dataset.ID, ref.Indicator.ID, ""}: se}
	res, err := Trend(context.Background(), st, TrendRequest{ID: "gmst.noaa", From: "2001", To: "2004"})
	if err != nil {
		t.Fatal(err)
	}
	tr := res.Trend
	if tr.N != 3 || strings.Join(tr.Incomplete, ",") != "2002" || tr.OLSPerDecade < 0.999 || tr.OLSPerDecade > 1.001 {
		t.Errorf("trend %+v", tr)
	}
}
