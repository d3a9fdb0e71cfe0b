package grid

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// layout describes where the latitude, longitude and time axes of a data
// variable are, with their coordinate values and the cell weights.
type layout struct {
	v          *ncVar
	iLat, iLon int       // positions of the lat and lon dimensions in v.dims
	iTime      int       // position of the time dimension, -1 if none
	lat, lon   []float64 // cell-centre coordinates in degrees
	latW       []float64 // relative cell area per row: sin(north edge) - sin(south edge)
	lonW       []float64 // relative cell width per column in degrees; nil when uniform
	latB       [][2]float64
	weighting  Weighting
	latBounds  bool     // the latitude has a CF bounds variable
	dates      []string // YYYY-MM-DD per time step; one "" when there is no time axis
}

// layoutOf finds the latitude, longitude and time dimensions of v from
// their coordinate variables and reads the coordinates. Any other dimension
// must have length 1 (such as OISST's zlev).
func (f *ncFile) layoutOf(v *ncVar, weighting Weighting) (layout, error) {
	l := layout{v: v, iLat: -1, iLon: -1, iTime: -1, weighting: weighting}
	var extra []int
	var latV, lonV, timeV *ncVar
	for i, d := range v.dims {
		cv, err := f.coordVar(d)
		if err != nil {
			return l, err
		}
		kind := axisNone
		if cv != nil {
			kind = axisOf(cv)
		}
		switch {
		case kind == axisLat && l.iLat < 0:
			l.iLat, latV = i, cv
		case kind == axisLon && l.iLon < 0:
			l.iLon, lonV = i, cv
		case kind == axisTime && l.iTime < 0:
			l.iTime, timeV = i, cv
		case f.dims[d].len == 1:
		default:
			extra = append(extra, d)
		}
	}
	var dn []string
	for _, d := range v.dims {
		dn = append(dn, f.dims[d].name)
	}
	if l.iLat < 0 || l.iLon < 0 {
		return l, fmt.Errorf("variable %s(%s) has no latitude/longitude coordinate variables (need 1-D coordinates with units degrees_north and degrees_east, or named lat/lon)",
			v.name, strings.Join(dn, ","))
	}
	if len(extra) > 0 {
		d := extra[0]
		return l, fmt.Errorf("variable %s: dimension %s (length %d) is not latitude, longitude or time; only length-1 extra dimensions are supported",
			v.name, f.dims[d].name, f.dims[d].len)
	}
	var err error
	if l.lat, err = f.readAll(latV); err != nil {
		return l, err
	}
	if l.lon, err = f.readAll(lonV); err != nil {
		return l, err
	}
	for _, x := range l.lat {
		if math.IsNaN(x) || x < -90 || x > 90 {
			return l, fmt.Errorf("latitude %s has value %v outside -90..90", latV.name, x)
		}
	}
	for _, x := range l.lon {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return l, fmt.Errorf("longitude %s has value %v", lonV.name, x)
		}
	}
	latB, fromFile, err := f.boundsFrom(latV, l.lat)
	l.latBounds = fromFile
	if err != nil {
		return l, err
	}
	l.latW = make([]float64, len(l.lat))
	l.latB = latB
	for i, b := range latB {
		lo, hi := math.Max(-90, math.Min(b[0], b[1])), math.Min(90, math.Max(b[0], b[1]))
		l.latB[i] = [2]float64{lo, hi}
		l.latW[i] = math.Max(0, math.Sin(hi*math.Pi/180)-math.Sin(lo*math.Pi/180))
	}
	lonB, err := f.bounds(lonV, l.lon)
	if err != nil {
		return l, err
	}
	l.lonW = make([]float64, len(l.lon))
	uniform := true
	for j, b := range lonB {
		l.lonW[j] = math.Min(360, math.Abs(b[1]-b[0]))
		if math.Abs(l.lonW[j]-l.lonW[0]) > 1e-9*l.lonW[0] {
			uniform = false
		}
	}
	if weighting == CDO && len(l.lonW) > 0 {
		// The great-circle area of a cell depends on its width and both
		// edges, not on a product of a row and a column factor; on a
		// uniform longitude grid it is still one value per row. A grid
		// without longitudes has no cells, so its row weights do not
		// matter.
		for i, b := range l.latB {
			l.latW[i] = gcQuadArea(b[0], b[1], l.lonW[0])
		}
	}
	if uniform {
		l.lonW = nil
	}
	l.dates = []string{""}
	if l.iTime >= 0 {
		td, err := newTimeDecoder(timeV.text("units"), timeV.text("calendar"))
		if err != nil {
			return l, fmt.Errorf("time coordinate %s: %v", timeV.name, err)
		}
		tv, err := f.readAll(timeV)
		if err != nil {
			return l, err
		}
		l.dates = l.dates[:0]
		for _, x := range tv {
			d, err := td.date(x)
			if err != nil {
				return l, fmt.Errorf("time coordinate %s: %v", timeV.name, err)
			}
			l.dates = append(l.dates, d.String())
		}
	}
	return l, nil
}

// readAll reads every value of v converted to float64 by netCDF-C, in the
// variable's storage order. It is meant for coordinate and bounds variables,
// which are small. The caller holds cMu.
func (f *ncFile) readAll(v *ncVar) ([]float64, error) {
	shape := f.shape(v)
	return f.readFloat64(v, make([]int, len(shape)), shape)
}

// bounds returns the edges of each cell along a 1-D coordinate: from the
// CF bounds variable named by the coordinate's "bounds" attribute when there
// is one, else halfway between neighbouring centres, the outer edges half a
// spacing beyond the outer centres (CDO's rule for grids without bounds).
func (f *ncFile) bounds(cv *ncVar, c []float64) ([][2]float64, error) {
	b, _, err := f.boundsFrom(cv, c)
	return b, err
}

// boundsFrom is bounds; fromFile says whether a bounds variable was used.
func (f *ncFile) boundsFrom(cv *ncVar, c []float64) ([][2]float64, bool, error) {
	b := make([][2]float64, len(c))
	if name := cv.text("bounds"); name != "" {
		if bv := f.varByName(name); bv != nil && len(bv.dims) == 2 && f.dims[bv.dims[0]].len == len(c) && f.dims[bv.dims[1]].len == 2 {
			vals, err := f.readAll(bv)
			if err != nil {
				return nil, false, err
			}
			for i := range b {
				b[i] = [2]float64{vals[2*i], vals[2*i+1]}
			}
			return b, true, nil
		}
	}
	return midBounds(c), false, nil
}

// midBounds returns cell edges halfway between neighbouring centres, the
// outer edges half a spacing beyond the outer centres.
func midBounds(c []float64) [][2]float64 {
	b := make([][2]float64, len(c))
	n := len(c)
	if n == 1 {
		// A single row or column: assume it spans the whole axis.
		return [][2]float64{{-90, 90}}
	}
	for i := range c {
		var lo, hi float64
		if i == 0 {
			lo = c[0] - (c[1]-c[0])/2
		} else {
			lo = (c[i-1] + c[i]) / 2
		}
		if i == n-1 {
			hi = c[n-1] + (c[n-1]-c[n-2])/2
		} else {
			hi = (c[i] + c[i+1]) / 2
		}
		b[i] = [2]float64{lo, hi}
	}
	return b
}

// selection is the set of cells of one region: the rows (latitude
// indices) and, per row, the same runs of consecutive longitude indices.
type selection struct {
	rows []int
	latW []float64 // row weights, indexed like the layout's rows
	runs [][2]int  // half-open [from, to) index ranges into the longitudes
}

// selectRegion returns the cells of l whose centres lie in r (see Region),
// with the row weights to use for them: the layout's own, or under CDO
// weighting without latitude bounds, CDO's weights re-derived from the
// selected rows.
func (l *layout) selectRegion(r Region) selection {
	var s selection
	for i, y := range l.lat {
		if r.hasLat(y) {
			s.rows = append(s.rows, i)
		}
	}
	start := -1
	for j, x := range l.lon {
		in := r.hasLon(x)
		if in && start < 0 {
			start = j
		}
		if !in && start >= 0 {
			s.runs = append(s.runs, [2]int{start, j})
			start = -1
		}
	}
	if start >= 0 {
		s.runs = append(s.runs, [2]int{start, len(l.lon)})
	}
	sort.Ints(s.rows)
	s.latW = l.latW
	if l.weighting == CDO && !l.latBounds && len(s.rows) >= 2 {
		// CDO's sellonlatbox keeps the selected centres but not the edges it
		// derived from the whole grid: fldmean then derives them again from
		// the selection, so the outer selected rows get edges half a spacing
		// beyond their centres. On a regular grid that changes nothing; on an
		// irregular one it changes the outer rows' weights, and CDO mode
		// reproduces it.
		c := make([]float64, len(s.rows))
		for k, i := range s.rows {
			c[k] = l.lat[i]
		}
		width := 360.0 / float64(len(l.lon))
		if l.lonW == nil && len(l.lon) > 1 {
			width = math.Abs(l.lon[1] - l.lon[0])
		}
		s.latW = append([]float64(nil), l.latW...)
		for k, b := range midBounds(c) {
			lo, hi := math.Max(-90, math.Min(b[0], b[1])), math.Min(90, math.Max(b[0], b[1]))
			s.latW[s.rows[k]] = gcQuadArea(lo, hi, width)
		}
	}
	return s
}
