package catalog

import (
	"math"
	"strings"
)

// Range is an inclusive interval of plausible values, in the indicator's
// unit.
type Range struct{ Min, Max float64 }

// Plausible returns the range outside which a value of the indicator cannot
// be a real measurement, and false when no range is set. The bounds are
// physical, far outside anything observed (Antarctic sea ice peaks near 20
// million km², world SST near 21 °C), so they never reject real data; they
// catch a missing-value marker written in an unexpected way (-9999.00
// instead of -9999), a shifted column or a damaged digit, which would
// otherwise become the "record" of the series.
func (i Indicator) Plausible() (Range, bool) {
	inf := math.Inf(1)
	anomaly := i.Baseline != "" || i.ID == "oni"
	switch {
	case i.Unit == "10^6 km^2":
		return Range{0, 30}, true
	case i.Unit == "degC" && anomaly:
		return Range{-10, 10}, true
	case i.Unit == "degC" && strings.HasPrefix(i.ID, "sst."):
		return Range{-3, 40}, true
	case i.Unit == "degC" && strings.HasPrefix(i.ID, "t2m."):
		return Range{-30, 45}, true
	case i.Unit == "ppm":
		return Range{250, 1000}, true
	case i.Unit == "ppb" && strings.HasPrefix(i.ID, "ch4."):
		return Range{1000, 5000}, true
	case i.Unit == "ppb" && strings.HasPrefix(i.ID, "n2o."):
		return Range{250, 500}, true
	case i.Unit == "10^22 J":
		return Range{-200, 200}, true
	case i.Unit == "mm":
		// Satellite-era global mean sea level is about -25 to +100 mm
		// against its 1993 start; -90 keeps the -99.99 and -999 markers
		// out, 500 leaves room for a century of rise.
		return Range{-90, 500}, true
	case i.Unit == "%":
		return Range{0, 100}, true
	case i.National:
		// Emissions, generation, capacity, areas: never negative, and
		// bounded well above the world total (the largest entity), so that
		// 1e30 or a 9999-style marker is refused.
		switch i.Unit {
		case "t", "t CO2e", "Mg CO2e":
			return Range{0, 1e11}, true // World fossil CO2 is about 3.8e10 t a year.
		case "TWh":
			return Range{0, 1e5}, true // World generation is about 3e4 TWh a year.
		case "GW":
			return Range{0, 8000}, true // World solar about 2200 GW and wind 1100 GW at the end of 2024.
		case "ha":
			return Range{0, 1.5e10}, true // The land area of the Earth is about 1.49e10 ha.
		}
		return Range{0, inf}, true
	}
	return Range{}, false
}
