package query

import (
	"context"
	"math"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// hadcrut5Store returns a fake store with world CO2 emissions (for the
// budgets) and gmst.hadcrut5 in the given datasets: 1850-1900 at 0 °C,
// then 2023 at base+1.5 °C every month.
func hadcrut5Store(t *testing.T, bases map[string]float64) fakeStore {
	t.Helper()
	f := fakeStore{}
	for ds, base := range bases {
		se := obs.Series{Indicator: "gmst.hadcrut5", Unit: "degC", Frequency: obs.Monthly}
		for y := 1850; y <= 1900; y++ {
			for m := 1; m <= 12; m++ {
				se.Points = append(se.Points, obs.Point{Date: obs.NewDate(y, m, 1), Value: base})
			}
		}
		for m := 1; m <= 12; m++ {
			se.Points = append(se.Points, obs.Point{Date: obs.NewDate(2023, m, 1), Value: base + 1.5 + float64(len(ds))/1000})
		}
		f[[3]string{ds, "gmst.hadcrut5", ""}] = se
	}
	ref, err := catalog.Resolve("co2.emissions")
	if err != nil {
		t.Fatal(err)
	}
	co2 := obs.Series{Indicator: ref.Indicator.ID, Entity: "OWID_WRL", Unit: "t", Frequency: obs.Annual}
	for y := 2015; y <= 2023; y++ {
		co2.Points = append(co2.Points, obs.Point{Date: obs.NewDate(y, 1, 1), Value: 37e9})
	}
	f[[3]string{ref.Dataset.ID, ref.Indicator.ID, "OWID_WRL"}] = co2
	return f
}

// TestWarmingPrefersMetOffice: when both HadCRUT5 copies are stored, the
// answer reads the Met Office's summary CSV (its source names it, and its
// values are the ones re-based); the datahub mirror copy is the fallback.
func TestWarmingPrefersMetOffice(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		stored []string
		want   string
	}{
		{[]string{"metoffice-hadcrut5-monthly", "datahub-global-temp-hadcrut5"}, "metoffice-hadcrut5-monthly"},
		{[]string{"datahub-global-temp-hadcrut5"}, "datahub-global-temp-hadcrut5"},
		{[]string{"metoffice-hadcrut5-monthly"}, "metoffice-hadcrut5-monthly"},
	} {
		bases := map[string]float64{}
		for i, ds := range c.stored {
			bases[ds] = -0.3 - 0.1*float64(i)
		}
		w, err := WarmingAnswer(ctx, hadcrut5Store(t, bases), WarmingRequest{Dataset: "hadcrut5"})
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Datasets) != 1 || w.Datasets[0].Source.Dataset != c.want {
			t.Fatalf("stored %v: answer %+v, want source %s", c.stored, w.Datasets, c.want)
		}
		// The 2023 value is 1.5 plus the chosen dataset id's length in
		// thousandths, after subtracting its own 1850-1900 mean.
		if got, want := *w.Datasets[0].YearValue, 1.5+float64(len(c.want))/1000; math.Abs(got-want) > 1e-9 {
			t.Errorf("stored %v: 2023 = %v, want %v (the %s values)", c.stored, got, want, c.want)
		}
		if math.Abs(w.Datasets[0].Offset+bases[c.want]) > 1e-9 {
			t.Errorf("stored %v: offset %v, want %v", c.stored, w.Datasets[0].Offset, -bases[c.want])
		}
	}
}
