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
		return Range{-1000, 1000}, true
	case i.Unit == "%":
		return Range{0, 100}, true
	case i.National:
		// Emissions, generation, capacity, areas: never negative.
		return Range{0, inf}, true
	}
	return Range{}, false
}
