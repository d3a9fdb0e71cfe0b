package grid

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

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
	vals := rawFloats(data, typ)
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

// rawFloats returns the raw values in data, of type typ in native byte
// order, as float64 values (a view of data itself for doubles); nil for a
// type that is not a number.
func rawFloats(data []byte, typ ncType) []float64 {
	switch typ {
	case ncShort:
		return widen(unsafeSlice[int16](data))
	case ncUShort:
		return widen(unsafeSlice[uint16](data))
	case ncByte:
		return widen(unsafeSlice[int8](data))
	case ncUByte:
		return widen(unsafeSlice[uint8](data))
	case ncInt:
		return widen(unsafeSlice[int32](data))
	case ncUInt:
		return widen(unsafeSlice[uint32](data))
	case ncInt64:
		return widen(unsafeSlice[int64](data))
	case ncUInt64:
		return widen(unsafeSlice[uint64](data))
	case ncFloat:
		return widen(unsafeSlice[float32](data))
	case ncDouble:
		return unsafeSlice[float64](data)
	}
	return nil
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
	return packedMean(pk, sumW, sumWV, cells)
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
		x := rawValue(typ, i)
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

// rawValue is the value of the stored integer whose bit pattern, read as
// unsigned, is i: the signed short or byte for those types, i itself for
// the unsigned ones. The lookup tables over every raw value use it.
func rawValue(typ ncType, i int) float64 {
	switch typ {
	case ncShort:
		return float64(int16(uint16(i)))
	case ncByte:
		return float64(int8(uint8(i)))
	}
	return float64(i)
}

// reducePlanes is reduceTable for 16-bit data held as the shuffle filter's
// two byte planes (see hdf5.Object.ReadShuffled): the raw value of cell k
// has the bit pattern lo[k] | hi[k]<<8, lo and hi being the low and high
// byte planes of the latitude-major field. It sums the same integers per
// row and applies the same float64 arithmetic in the same order as
// reduceTable, so the results are bit-identical, without the unshuffle pass
// that would first interleave the planes.
//
// When the valid raw values form one interval (a valid range with the fill
// values outside it, as in OISST) validity is two comparisons done with
// integer arithmetic, branch-free, instead of a load from the 64 Ki-entry
// table.
func reducePlanes[T int16 | uint16](lo, hi []byte, typ ncType, pk *packing, s selection, nlon int) (float64, int) {
	vs := validSetOf(typ, pk, 1<<16)
	mask := (*[1 << 16]int8)(vs.mask)
	var z T
	signed := ^z < 0
	var sumW, sumWV float64
	cells := 0
	if vs.interval && signed && planesInside(lo, hi, s, nlon) {
		// The common case (OISST) in one call: the sums and counts per row,
		// then the same weighting as below.
		sums := make([]int64, 2*len(s.rows))
		cnts := sums[len(s.rows):]
		planeSumsI16(lo, hi, nlon, s.rows, s.runs, vs.lo, vs.hi, sums[:len(s.rows)], cnts)
		for r, i := range s.rows {
			w := s.latW[i]
			sumW += w * float64(cnts[r])
			sumWV += w * float64(sums[r])
			cells += int(cnts[r])
		}
		return packedMean(pk, sumW, sumWV, cells)
	}
	for _, i := range s.rows {
		rlo := lo[i*nlon : (i+1)*nlon]
		rhi := hi[i*nlon : (i+1)*nlon]
		var sum, cnt int64
		for _, r := range s.runs {
			a := rlo[r[0]:r[1]]
			b := rhi[r[0]:r[1]]
			b = b[:len(a)]
			var rs, rc int64
			switch {
			case vs.interval && signed:
				rs, rc = planeRunInterval[int16](a, b, vs.lo, vs.hi)
			case vs.interval:
				rs, rc = planeRunInterval[uint16](a, b, vs.lo, vs.hi)
			case signed:
				rs, rc = planeRunMask[int16](a, b, mask)
			default:
				rs, rc = planeRunMask[uint16](a, b, mask)
			}
			sum += rs
			cnt += rc
		}
		w := s.latW[i]
		sumW += w * float64(cnt)
		sumWV += w * float64(sum)
		cells += int(cnt)
	}
	return packedMean(pk, sumW, sumWV, cells)
}

// planesInside reports whether every row and column range of s lies inside
// planes lo and hi of nlon columns, the precondition of planeSumsI16.
func planesInside(lo, hi []byte, s selection, nlon int) bool {
	if len(hi) < len(lo) || nlon <= 0 {
		return false
	}
	for _, i := range s.rows {
		if i < 0 || i >= len(lo)/nlon {
			return false
		}
	}
	for _, r := range s.runs {
		if r[0] < 0 || r[0] > r[1] || r[1] > nlon {
			return false
		}
	}
	return true
}

// planeSumsGo is the Go version of planeSumsI16: for each row rows[k] of
// the planes, the sum and number of the signed 16-bit values in [vlo, vhi]
// over the column ranges runs, into sums[k] and cnts[k].
func planeSumsGo(lo, hi []byte, nlon int, rows []int, runs [][2]int, vlo, vhi int64, sums, cnts []int64) {
	for k, i := range rows {
		var sum, cnt int64
		for _, r := range runs {
			rs, rc := planeRunInterval[int16](lo[i*nlon+r[0]:i*nlon+r[1]], hi[i*nlon+r[0]:i*nlon+r[1]], vlo, vhi)
			sum += rs
			cnt += rc
		}
		sums[k], cnts[k] = sum, cnt
	}
}

// planeRunInterval returns the sum and the number of the values in
// [vlo, vhi] of the 16-bit values of type T whose low bytes are a and high
// bytes are b (len(b) >= len(a)). It is a leaf function of its own so that
// its loop keeps everything in registers.
//
//go:noinline
func planeRunInterval[T int16 | uint16](a, b []byte, vlo, vhi int64) (sum, cnt int64) {
	b = b[:len(a)]
	for k, x := range a {
		v := int64(T(uint16(x) | uint16(b[k])<<8))
		// m is -1 when vlo <= v <= vhi, else 0.
		m := ^(((v - vlo) | (vhi - v)) >> 63)
		sum += v & m
		cnt -= m
	}
	return sum, cnt
}

// planeRunMask is planeRunInterval for any set of valid values, given as
// a mask (see validSet).
//
//go:noinline
func planeRunMask[T int16 | uint16](a, b []byte, mask *[1 << 16]int8) (sum, cnt int64) {
	b = b[:len(a)]
	for k, x := range a {
		bits := uint16(x) | uint16(b[k])<<8
		m := int64(mask[bits])
		sum += int64(T(bits)) & m
		cnt -= m
	}
	return sum, cnt
}

// validSet describes the valid raw values of an 8- or 16-bit type under a
// packing.
type validSet struct {
	// mask is -1 for valid values and 0 otherwise, indexed by the values'
	// unsigned bit patterns.
	mask []int8
	// interval is set when the valid values are exactly lo..hi (inclusive,
	// compared as values of the type, signed for signed types) and there is
	// at least one.
	interval bool
	lo, hi   int64
}

var (
	setMu    sync.Mutex
	setCache = map[string]*validSet{}
)

// validSetOf returns the validSet of type typ (n possible raw values) under
// pk, cached like validMask.
func validSetOf(typ ncType, pk *packing, n int) *validSet {
	key := fmt.Sprintf("%d %v", typ, *pk)
	setMu.Lock()
	defer setMu.Unlock()
	if vs, ok := setCache[key]; ok {
		return vs
	}
	vs := &validSet{mask: validMask(typ, pk, n)}
	// Walk the raw values in increasing order of value: the first valid one
	// opens the interval, and it stays one interval only if every valid
	// value follows without a gap.
	first, last, runs := int64(0), int64(0), 0
	prev := false
	for k := 0; k < n; k++ {
		bits := k
		if typ == ncShort || typ == ncByte {
			bits = (k + n/2) % n // from the most negative value up
		}
		ok := vs.mask[bits] != 0
		if ok && !prev {
			runs++
			first = int64(rawValue(typ, bits))
		}
		if ok {
			last = int64(rawValue(typ, bits))
		}
		prev = ok
	}
	if runs == 1 {
		vs.interval, vs.lo, vs.hi = true, first, last
	}
	if len(setCache) > 64 {
		clear(setCache)
	}
	setCache[key] = vs
	return vs
}

// packedMean finishes a reduction over raw (packed) values: sumW is the sum
// of the valid cells' weights, sumWV the weighted sum of their raw values,
// and the mean is unpacked once with the variable's scale and offset (the
// packing is linear, so unpacking the mean equals the mean of the unpacked
// values). With no valid cell, or no weight, the mean is NaN.
func packedMean(pk *packing, sumW, sumWV float64, cells int) (float64, int) {
	if cells == 0 || sumW == 0 {
		return math.NaN(), cells
	}
	return pk.scale*(sumWV/sumW) + pk.offset, cells
}
