package grid

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// Result is the area-weighted mean of one variable over one region for one
// time step of one file.
type Result struct {
	File   string  `json:"file"`
	Date   string  `json:"date"` // YYYY-MM-DD of the time step; "" (JSON null) when the variable has no time axis
	Var    string  `json:"var"`
	Region string  `json:"region"`
	Value  float64 `json:"value"` // in Unit; NaN (JSON null) when Cells is 0
	Unit   string  `json:"unit"`  // the variable's units, with Celsius spelled "degC"
	Cells  int     `json:"cells"` // number of valid cells that entered the mean
}

// resultJSON is the JSON form of Result, with Value and Date pointers so
// that NaN (no valid cell) and a missing time axis are written as null.
type resultJSON struct {
	File   string   `json:"file"`
	Date   *string  `json:"date"`
	Var    string   `json:"var"`
	Region string   `json:"region"`
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit"`
	Cells  int      `json:"cells"`
}

// MarshalJSON writes Value as null when it is NaN.
func (r Result) MarshalJSON() ([]byte, error) {
	j := resultJSON{File: r.File, Var: r.Var, Region: r.Region, Unit: r.Unit, Cells: r.Cells}
	if r.Date != "" {
		j.Date = &r.Date
	}
	if !math.IsNaN(r.Value) && !math.IsInf(r.Value, 0) {
		j.Value = &r.Value
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads null as NaN.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j resultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Result{File: j.File, Var: j.Var, Region: j.Region, Unit: j.Unit, Cells: j.Cells, Value: math.NaN()}
	if j.Date != nil {
		r.Date = *j.Date
	}
	if j.Value != nil {
		r.Value = *j.Value
	}
	return nil
}

// FileError is a failure to read or reduce one file. Its message starts
// with the file name.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Weighting selects how cell areas are computed from the cell bounds.
type Weighting string

const (
	// Exact weights a cell by its true area on the sphere,
	// (sin(north edge) - sin(south edge)) * width: on a regular grid this is
	// exactly proportional to cos(latitude of the cell centre). The default.
	Exact Weighting = "exact"
	// CDO weights a cell by the area of the spherical quadrilateral with
	// great-circle edges through its corners, as CDO's gridarea and fldmean
	// do. It differs from Exact by about 5e-6 (relative) on a 0.25-degree
	// grid and 5e-3 on a 10-degree grid; use it to reproduce CDO to rounding.
	CDO Weighting = "cdo"
)

// ParseWeighting reads "exact" or "cdo"; "" means Exact.
func ParseWeighting(s string) (Weighting, error) {
	switch Weighting(strings.ToLower(s)) {
	case "", Exact:
		return Exact, nil
	case CDO:
		return CDO, nil
	}
	return "", fmt.Errorf("weighting %q: expected exact or cdo", s)
}

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

// MeanFile computes the area-weighted mean of variable varName of the
// NetCDF file at path over each region, for every time step, in the order
// time step then region. Errors are *FileError values naming the file. It
// is safe for concurrent use, but calls into netCDF-C are serialised; run a
// Pool of worker processes for parallelism and crash isolation.
func MeanFile(path, varName string, regions []Region, w Weighting) ([]Result, error) {
	res, _, err := meanFile(path, varName, regions, w)
	if err != nil {
		return nil, &FileError{File: path, Err: err}
	}
	return res, nil
}

// meanFile is MeanFile without the error wrapping; it also returns the
// file's product version (the product_version or version global attribute,
// "" if none).
func meanFile(path, varName string, regions []Region, weighting Weighting) ([]Result, string, error) {
	weighting, err := ParseWeighting(string(weighting))
	if err != nil {
		return nil, "", err
	}
	if len(regions) == 0 {
		return nil, "", errors.New("no region given")
	}
	// Check the file exists first, for a clearer message than netCDF's.
	if st, err := os.Stat(path); err != nil {
		return nil, "", err
	} else if st.IsDir() {
		return nil, "", errors.New("is a directory")
	}
	if err := checkDeclaredSize(path); err != nil {
		return nil, "", err
	}
	lockC()
	defer unlockC()
	f, err := openNC(path)
	if err != nil {
		return nil, "", err
	}
	defer f.close()
	v := f.varByName(varName)
	if v == nil {
		var names []string
		for _, x := range f.vars {
			if len(x.dims) >= 2 {
				names = append(names, x.name)
			}
		}
		return nil, "", fmt.Errorf("no variable %q (gridded variables: %s)", varName, strings.Join(names, ", "))
	}
	if err := f.loadAttrs(v); err != nil {
		return nil, "", err
	}
	lay, err := f.layoutOf(v, weighting)
	if err != nil {
		return nil, "", err
	}
	pk, err := newPacking(v)
	if err != nil {
		return nil, "", err
	}
	unit := canonicalUnit(v.text("units"))
	sels := make([]selection, len(regions))
	for i, r := range regions {
		sels[i] = lay.selectRegion(r)
	}
	shape := f.shape(v)
	nlat, nlon := len(lay.lat), len(lay.lon)
	elsize := v.typ.size()
	if elsize == 0 || v.typ == ncChar {
		return nil, "", fmt.Errorf("variable %s has type %s, not a number", v.name, v.typ)
	}
	if nlat*nlon > MaxGridCells || nlat > MaxGridCells || nlon > MaxGridCells {
		return nil, "", fmt.Errorf("variable %s: a grid of %d x %d cells exceeds the limit of %d cells", v.name, nlat, nlon, MaxGridCells)
	}
	// Every valid cell is checked: an infinite value always, a value
	// outside the physical range of a temperature or percentage unit too.
	lo, hi, ranged := cellRange(unit)
	if !ranged {
		lo, hi = math.Inf(-1), math.Inf(1)
	}
	buf := scratchBuf(nlat * nlon * elsize)
	start := make([]int, len(shape))
	count := make([]int, len(shape))
	for i := range count {
		count[i] = 1
	}
	count[lay.iLat], count[lay.iLon] = nlat, nlon
	var out []Result
	for t, date := range lay.dates {
		if lay.iTime >= 0 {
			start[lay.iTime] = t
		}
		if _, err := f.readRaw(v, start, count, buf); err != nil {
			return nil, "", err
		}
		data := buf
		if lay.iLon < lay.iLat {
			data = transpose(buf, nlon, nlat, elsize)
		}
		if i, val, bad := badCell(data, v.typ, &pk, lo, hi); bad {
			when := date
			if when == "" {
				when = "the only time step"
			}
			what := "is not finite"
			if ranged && !math.IsInf(val, 0) {
				what = fmt.Sprintf("is outside the physical range %g to %g %s (a missing-value marker without _FillValue?)", lo, hi, unit)
			}
			return nil, "", fmt.Errorf("variable %s, %s, cell at latitude %g longitude %g: value %g %s %s",
				v.name, when, lay.lat[i/nlon], lay.lon[i%nlon], val, unit, what)
		}
		for i, s := range sels {
			val, cells := reduce(data, v.typ, &pk, &lay, s, nlon)
			out = append(out, Result{File: path, Date: date, Var: v.name, Region: regions[i].Name,
				Value: val, Unit: unit, Cells: cells})
		}
	}
	version := f.global["product_version"].str
	if version == "" {
		version = f.global["version"].str
	}
	return out, strings.TrimSpace(version), nil
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

// transpose turns an n-by-m array of elsize-byte elements into m-by-n.
func transpose(b []byte, n, m, elsize int) []byte {
	out := make([]byte, len(b))
	for i := 0; i < n; i++ {
		for j := 0; j < m; j++ {
			copy(out[(j*n+i)*elsize:(j*n+i+1)*elsize], b[(i*m+j)*elsize:(i*m+j+1)*elsize])
		}
	}
	return out
}

// reduce returns the weighted mean over s of the nlat-by-nlon field in
// data (stored type typ, latitude-major) and the number of valid cells.
func reduce(data []byte, typ ncType, pk *packing, l *layout, s selection, nlon int) (float64, int) {
	if l.lonW == nil {
		switch typ {
		case ncShort:
			return reduceTable(unsafeSlice[int16](data), typ, pk, s, nlon)
		case ncUShort:
			return reduceTable(unsafeSlice[uint16](data), typ, pk, s, nlon)
		case ncByte:
			return reduceTable(unsafeSlice[int8](data), typ, pk, s, nlon)
		case ncUByte:
			return reduceTable(unsafeSlice[uint8](data), typ, pk, s, nlon)
		}
	}
	var vals []float64
	switch typ {
	case ncShort:
		vals = widen(unsafeSlice[int16](data))
	case ncUShort:
		vals = widen(unsafeSlice[uint16](data))
	case ncByte:
		vals = widen(unsafeSlice[int8](data))
	case ncUByte:
		vals = widen(unsafeSlice[uint8](data))
	case ncInt:
		vals = widen(unsafeSlice[int32](data))
	case ncUInt:
		vals = widen(unsafeSlice[uint32](data))
	case ncInt64:
		vals = widen(unsafeSlice[int64](data))
	case ncUInt64:
		vals = widen(unsafeSlice[uint64](data))
	case ncFloat:
		vals = widen(unsafeSlice[float32](data))
	case ncDouble:
		vals = unsafeSlice[float64](data)
	}
	return reduceFloat(vals, typ, pk, l, s, nlon)
}

// unsafeSlice reinterprets b, which holds values of type T in native byte
// order, as a []T of len(b)/sizeof(T) elements sharing b's memory (nil when
// b holds none). b must be aligned for T, as Go's allocator aligns the
// result of make([]byte, n) when n is a multiple of T's size.
func unsafeSlice[T any](b []byte) []T {
	var z T
	n := len(b) / int(unsafe.Sizeof(z))
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*T)(unsafe.Pointer(&b[0])), n)
}

// widen returns a as float64 values; 64-bit integers beyond 2^53 are
// rounded to the nearest float64.
func widen[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32](a []T) []float64 {
	out := make([]float64, len(a))
	for i, x := range a {
		out[i] = float64(x)
	}
	return out
}

// valid reports whether the raw value x is a valid datum under pk.
func (pk *packing) valid(x float64, typ ncType) bool {
	if math.IsNaN(x) {
		return false
	}
	for _, f := range pk.fills {
		if x == f || (typ == ncFloat && x == float64(float32(f))) {
			return false
		}
	}
	if pk.rawRange {
		return x >= pk.lo && x <= pk.hi
	}
	u := x*pk.scale + pk.offset
	return u >= pk.lo && u <= pk.hi
}

// reduceTable is the fast path for 8- and 16-bit data on grids with
// uniform longitude spacing: validity comes from a lookup table over every
// possible raw value, and each row's valid raw values are summed exactly in
// an int64 before the row weight is applied. Because unpacking is linear,
// scale*mean(raw)+offset equals the mean of the unpacked values.
//
// The function is generic rather than taking an index function, so that
// each element type gets its own compiled loop with no indirect call (an
// indirect call per cell made the loop about three times slower). A raw
// value's table index is its unsigned bit pattern, uint8(v) for 8-bit types
// (256 entries) and uint16(v) for 16-bit ones (65536 entries).
func reduceTable[T int8 | uint8 | int16 | uint16](data []T, typ ncType, pk *packing, s selection, nlon int) (float64, int) {
	var z T
	n := 1 << (8 * unsafe.Sizeof(z))
	// mask[i] is -1 for valid values and 0 otherwise, so that the inner
	// loop has no branch.
	mask := validMask(typ, pk, n)
	var sumW, sumWV float64
	cells := 0
	for _, i := range s.rows {
		row := data[i*nlon : (i+1)*nlon]
		var sum, cnt int64
		for _, r := range s.runs {
			if n == 1<<8 {
				for _, v := range row[r[0]:r[1]] {
					m := int64(mask[uint8(v)])
					sum += int64(v) & m
					cnt -= m
				}
				continue
			}
			for _, v := range row[r[0]:r[1]] {
				m := int64(mask[uint16(v)])
				sum += int64(v) & m
				cnt -= m
			}
		}
		w := s.latW[i]
		sumW += w * float64(cnt)
		sumWV += w * float64(sum)
		cells += int(cnt)
	}
	if cells == 0 || sumW == 0 {
		return math.NaN(), cells
	}
	return pk.scale*(sumWV/sumW) + pk.offset, cells
}

// reduceFloat is the general path: each raw value is checked, unpacked and
// weighted by its row's area and, on non-uniform longitude grids, its
// column's width.
func reduceFloat(vals []float64, typ ncType, pk *packing, l *layout, s selection, nlon int) (float64, int) {
	var sumW, sumWV float64
	cells := 0
	for _, i := range s.rows {
		row := vals[i*nlon : (i+1)*nlon]
		var rw, rv float64
		for _, r := range s.runs {
			for j := r[0]; j < r[1]; j++ {
				x := row[j]
				if !pk.valid(x, typ) {
					continue
				}
				w := 1.0
				if l.lonW != nil {
					w = l.lonW[j]
					if l.weighting == CDO {
						w = gcQuadArea(l.latB[i][0], l.latB[i][1], l.lonW[j]) / l.latW[i]
					}
				}
				rw += w
				rv += w * (x*pk.scale + pk.offset)
				cells++
			}
		}
		sumW += s.latW[i] * rw
		sumWV += s.latW[i] * rv
	}
	if cells == 0 || sumW == 0 {
		return math.NaN(), cells
	}
	return sumWV / sumW, cells
}

var (
	maskMu    sync.Mutex
	maskCache = map[string][]int8{}
)

// validMask returns, for each of the n possible raw values of an 8- or
// 16-bit type (indexed by their unsigned bit pattern), -1 when the value is
// valid under pk and 0 otherwise. Masks are cached by type and packing, as
// every file of a series shares them.
func validMask(typ ncType, pk *packing, n int) []int8 {
	key := fmt.Sprintf("%d %v", typ, *pk)
	maskMu.Lock()
	defer maskMu.Unlock()
	if m, ok := maskCache[key]; ok {
		return m
	}
	m := make([]int8, n)
	for i := 0; i < n; i++ {
		var x float64
		switch typ {
		case ncShort:
			x = float64(int16(uint16(i)))
		case ncByte:
			x = float64(int8(uint8(i)))
		default:
			x = float64(i)
		}
		if pk.valid(x, typ) {
			m[i] = -1
		}
	}
	if len(maskCache) > 64 {
		clear(maskCache)
	}
	maskCache[key] = m
	return m
}

// gcQuadArea returns the area, on the unit sphere, of the quadrilateral
// with corners at latitudes lo and hi (degrees) and longitudes 0 and width
// (degrees) joined by great circles, the way CDO computes cell areas: the
// sum of two spherical triangles, each from the Eriksson/Oosterom-Strackee
// formula tan(E/2) = |a.(b x c)| / (1 + a.b + b.c + c.a).
func gcQuadArea(lo, hi, width float64) float64 {
	p := func(lon, lat float64) [3]float64 {
		lon, lat = lon*math.Pi/180, lat*math.Pi/180
		return [3]float64{math.Cos(lat) * math.Cos(lon), math.Cos(lat) * math.Sin(lon), math.Sin(lat)}
	}
	dot := func(a, b [3]float64) float64 { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2] }
	tri := func(a, b, c [3]float64) float64 {
		x := [3]float64{b[1]*c[2] - b[2]*c[1], b[2]*c[0] - b[0]*c[2], b[0]*c[1] - b[1]*c[0]}
		return 2 * math.Atan2(math.Abs(dot(a, x)), 1+dot(a, b)+dot(b, c)+dot(c, a))
	}
	a, b, c, d := p(0, lo), p(width, lo), p(width, hi), p(0, hi)
	return tri(a, b, c) + tri(a, c, d)
}

// scratch is the read buffer, reused across files; it is only touched
// with cMu held.
var scratch []byte

// scratchBuf returns the shared read buffer resized to n bytes, growing it
// when needed; its contents are undefined. The caller holds cMu.
func scratchBuf(n int) []byte {
	if cap(scratch) < n {
		scratch = make([]byte, n)
	}
	return scratch[:n]
}
