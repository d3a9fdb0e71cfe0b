package catalog

import (
	"strings"
	"testing"
)

func TestCatalogIsValid(t *testing.T) {
	if err := Validate(Datasets()); err != nil {
		t.Fatal(err)
	}
	// Every indicator id named by the product brief's command-line contract
	// is declared.
	for _, id := range []string{"sst.world", "sst.natlan", "sst.nino34", "t2m.world", "seaice.north", "seaice.south",
		"gmst.noaa", "gmst.noaa.ocean", "gmst.gistemp", "gmst.hadcrut5", "co2.mlo", "co2.mlo.weekly", "ch4.global",
		"n2o.global", "ohc.jma", "gmsl", "oni", "co2.emissions", "ch4.emissions", "solar.capacity", "wind.capacity",
		"hydro.generation", "wind.generation", "electricity.coal", "forest.loss", "forest.loss.emissions"} {
		if _, err := Resolve(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	good := vitalSigns[0]
	f := func(name string, ds []Dataset, want string) {
		t.Helper()
		err := Validate(ds)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want an error containing %q", name, err, want)
		}
	}
	f("repeated id", []Dataset{good, good}, "repeated")
	noFiles := good
	noFiles.Files = nil
	f("no files", []Dataset{noFiles}, "required")
	twoDefaults := good
	twoDefaults.ID = "other"
	f("two defaults", []Dataset{good, twoDefaults}, "2 default")
}

func TestResolve(t *testing.T) {
	f := func(ref, dataset string, ok bool) {
		t.Helper()
		r, err := Resolve(ref)
		if (err == nil) != ok || (ok && r.Dataset.ID != dataset) {
			t.Errorf("%s: got %s, %v", ref, r.Dataset.ID, err)
		}
	}
	f("seaice.north", "nsidc-g02135-north-v3", true)
	f("seaice.north@4.0", "nsidc-g02135-north-v4", true)
	f("seaice.north@v4.0", "nsidc-g02135-north-v4", true)
	f("seaice.south@4.0", "nsidc-g02135-south-v4", true)
	f("seaice.north@5.0", "", false)
	f("no.such", "", false)
	f("forest.loss", "gfw-tree-cover-loss", true)
}

func TestHeadlineKind(t *testing.T) {
	f := func(id string, want Direction) {
		t.Helper()
		r, err := Resolve(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Indicator.HeadlineKind(); got != want {
			t.Errorf("%s: %s, want %s", id, got, want)
		}
	}
	f("seaice.south", Low)
	f("seaice.north@4.0", Low)
	f("sst.world", High)
	f("oni", High)
	f("co2.mlo", High)
}

// TestEveryIndicatorHasAPlausibleRange makes sure no indicator escapes the
// ingest check for impossible values, and spot-checks a few bounds.
func TestEveryIndicatorHasAPlausibleRange(t *testing.T) {
	for _, ref := range Indicators() {
		if _, ok := ref.Indicator.Plausible(); !ok {
			t.Errorf("%s (%s): no plausible range", ref.Indicator.ID, ref.Indicator.Unit)
		}
	}
	f := func(id string, lo, hi float64) {
		t.Helper()
		ref, err := Resolve(id)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := ref.Indicator.Plausible(); r.Min != lo || r.Max != hi {
			t.Errorf("%s: %v, want %v..%v", id, r, lo, hi)
		}
	}
	f("seaice.south", 0, 30)
	f("gmst.noaa", -10, 10)
	f("sst.world", -3, 40)
	f("electricity.coal.share", 0, 100)
	f("gmsl", -90, 500)
	f("solar.capacity", 0, 8000)
	f("co2.emissions", 0, 1e11)
	f("forest.loss", 0, 1.5e10)
}

// TestPlausibleRefusesMarkers is the catalog half of finding 4: the values a
// broken producer file was seen to carry are outside every range they were
// stored under, and the real extremes are inside.
func TestPlausibleRefusesMarkers(t *testing.T) {
	in := func(id string, v float64) bool {
		ref, err := Resolve(id)
		if err != nil {
			t.Fatal(err)
		}
		r, _ := ref.Indicator.Plausible()
		return v >= r.Min && v <= r.Max
	}
	for _, c := range []struct {
		id   string
		v    float64
		want bool
	}{
		{"solar.capacity", 1e30, false}, {"solar.capacity", 9999, false}, {"solar.capacity", 2200, true},
		{"wind.capacity", 9999, false}, {"gmsl", -999, false}, {"gmsl", -99.99, false}, {"gmsl", -21.363, true},
		{"gmsl", 98.973, true}, {"co2.emissions", 3.8e10, true}, {"co2.emissions", 1e30, false},
		{"electricity.total", 99999.9, true}, {"electricity.total", 9.999e9, false}, {"forest.loss", -999, false},
		{"t2m.world", -203, false}, {"sst.world", -999, false},
	} {
		if got := in(c.id, c.v); got != c.want {
			t.Errorf("%s = %v inside the plausible range: %v, want %v", c.id, c.v, got, c.want)
		}
	}
}
