package grid

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Region is a latitude-longitude box in degrees. A cell belongs to the
// region when its centre does: S <= lat <= N and, unless AllLon, its
// longitude taken modulo 360 lies on the eastward arc from W to E, both ends
// included. W > E (for example 170,-170) is a box that crosses the date line;
// W < 0 <= E one that crosses the prime meridian; an arc of 360 degrees or
// more is every longitude. This is the rule of CDO's sellonlatbox, which
// selects cells by their centres.
type Region struct {
	Name       string  `json:"name"`
	S, N, W, E float64 // degrees north and east
	AllLon     bool    // every longitude, whatever W and E say
}

// Climate Reanalyzer's SST regions.
var (
	World  = Region{Name: "world", S: -60, N: 60, W: 0, E: 360, AllLon: true}
	NatLan = Region{Name: "natlan", S: 0, N: 60, W: -80, E: 0}
	Nino34 = Region{Name: "nino34", S: -5, N: 5, W: -170, E: -120}
)

// NamedRegions lists the regions that ParseRegion knows by name.
var NamedRegions = []Region{World, NatLan, Nino34}

// ParseRegion reads a region name (world, natlan, nino34; also "nino3.4")
// or a box "S,N,W,E" in degrees, e.g. "-5,5,-170,-120" or "40,50,170,-170".
// A box is named by its text.
func ParseRegion(s string) (Region, error) {
	key := strings.ToLower(strings.TrimSpace(s))
	if key == "nino3.4" {
		key = "nino34"
	}
	for _, r := range NamedRegions {
		if r.Name == key {
			return r, nil
		}
	}
	parts := strings.Split(key, ",")
	if len(parts) != 4 {
		return Region{}, fmt.Errorf("region %q: expected world, natlan, nino34 or S,N,W,E in degrees", s)
	}
	var v [4]float64
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return Region{}, fmt.Errorf("region %q: %q is not a number", s, p)
		}
		v[i] = f
	}
	r := Region{Name: strings.ReplaceAll(key, " ", ""), S: v[0], N: v[1], W: v[2], E: v[3]}
	if r.S < -90 || r.N > 90 || r.S > r.N {
		return Region{}, fmt.Errorf("region %q: need -90 <= S <= N <= 90", s)
	}
	if math.Abs(r.W) > 360 || math.Abs(r.E) > 360 {
		return Region{}, fmt.Errorf("region %q: longitudes must lie within -360..360", s)
	}
	return r, nil
}

// hasLat reports whether a cell centred at latitude lat is in r.
func (r Region) hasLat(lat float64) bool { return lat >= r.S && lat <= r.N }

// hasLon reports whether a cell centred at longitude lon (any convention,
// 0..360 or -180..180) is in r.
func (r Region) hasLon(lon float64) bool {
	if r.AllLon {
		return true
	}
	span := r.E - r.W
	if span < 0 {
		span += 360
	}
	if span >= 360 {
		return true
	}
	d := math.Mod(lon-r.W, 360)
	if d < 0 {
		d += 360
	}
	return d <= span
}
