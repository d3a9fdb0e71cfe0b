package grid

import (
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// cellRange returns the physical range of a variable's unit, for the unit
// spellings canonicalUnit returns: temperatures in degC or K, and
// percentages. ok is false for other units.
func cellRange(unit string) (lo, hi float64, ok bool) {
	switch unit {
	case "degC":
		return -100, 70, true
	case "K", "kelvin", "degK", "degrees_K":
		return 173.15, 343.15, true
	case "%", "percent":
		return 0, 100, true
	}
	return 0, 0, false
}

// badCell returns the index and unpacked value of the first valid cell of
// the latitude-major field data whose unpacked value is infinite or outside
// [lo, hi] (a marker written without a _FillValue, or a damaged value);
// found is false when every valid cell is in range.
//
// For 8- and 16-bit types the answer for every possible raw value is
// computed once (see badTable) with the same arithmetic as the general
// path, so the result is identical; when no raw value at all can be valid
// and out of range (OISST's valid_range lies inside the physical range), the
// field is not scanned.
func badCell(data []byte, typ ncType, pk *packing, lo, hi float64) (idx int, val float64, found bool) {
	switch typ {
	case ncShort:
		return scanTable(unsafeSlice[int16](data), typ, pk, lo, hi)
	case ncUShort:
		return scanTable(unsafeSlice[uint16](data), typ, pk, lo, hi)
	case ncByte:
		return scanTable(unsafeSlice[int8](data), typ, pk, lo, hi)
	case ncUByte:
		return scanTable(unsafeSlice[uint8](data), typ, pk, lo, hi)
	case ncInt:
		return scanCells(unsafeSlice[int32](data), typ, pk, lo, hi)
	case ncUInt:
		return scanCells(unsafeSlice[uint32](data), typ, pk, lo, hi)
	case ncInt64:
		return scanCells(unsafeSlice[int64](data), typ, pk, lo, hi)
	case ncUInt64:
		return scanCells(unsafeSlice[uint64](data), typ, pk, lo, hi)
	case ncFloat:
		return scanCells(unsafeSlice[float32](data), typ, pk, lo, hi)
	case ncDouble:
		return scanCells(unsafeSlice[float64](data), typ, pk, lo, hi)
	}
	return 0, 0, false
}

func scanCells[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64](data []T, typ ncType, pk *packing, lo, hi float64) (int, float64, bool) {
	for i, r := range data {
		x := float64(r)
		if !pk.valid(x, typ) {
			continue
		}
		u := x*pk.scale + pk.offset
		if math.IsInf(u, 0) || u < lo || u > hi {
			return i, u, true
		}
	}
	return 0, 0, false
}

// scanTable is badCell for 8- and 16-bit types: a lookup per cell in the
// table of bad raw values, or no scan at all when the table has none.
func scanTable[T int8 | uint8 | int16 | uint16](data []T, typ ncType, pk *packing, lo, hi float64) (int, float64, bool) {
	var z T
	bt := badTable(typ, pk, lo, hi, 1<<(8*unsafe.Sizeof(z)))
	if !bt.any {
		return 0, 0, false
	}
	// The whole field is scanned branch-free in blocks; only a block that
	// holds a bad cell is searched for its first one.
	const block = 4096
	for b := 0; b < len(data); b += block {
		part := data[b:min(b+block, len(data))]
		var acc uint8
		if len(bt.bad) == 1<<8 {
			for _, v := range part {
				acc |= bt.bad[uint8(v)]
			}
		} else {
			for _, v := range part {
				acc |= bt.bad[uint16(v)]
			}
		}
		if acc == 0 {
			continue
		}
		for i, v := range part {
			x := float64(v)
			if bt.bad[tableIndex(v)] != 0 {
				return b + i, x*pk.scale + pk.offset, true
			}
		}
	}
	return 0, 0, false
}

// tableIndex is the index of raw value v in a 256- or 65536-entry table:
// its unsigned bit pattern.
func tableIndex[T int8 | uint8 | int16 | uint16](v T) int {
	var z T
	if unsafe.Sizeof(z) == 1 {
		return int(uint8(v))
	}
	return int(uint16(v))
}

// cellTable flags the raw values of an 8- or 16-bit type that are valid
// under a packing but whose unpacked value is infinite or outside a
// physical range.
type cellTable struct {
	bad []uint8 // 1 for such raw values, indexed by the unsigned bit pattern
	any bool    // some entry is 1
}

var (
	badMu    sync.Mutex
	badCache = map[string]cellTable{}
)

// badTable returns the cellTable of n entries for type typ, packing pk and
// range [lo, hi], computed with scanCells' arithmetic and cached, as every
// file of a series shares it.
func badTable(typ ncType, pk *packing, lo, hi float64, n int) cellTable {
	key := fmt.Sprintf("%d %v %v %v", typ, *pk, lo, hi)
	badMu.Lock()
	defer badMu.Unlock()
	if t, ok := badCache[key]; ok {
		return t
	}
	t := cellTable{bad: make([]uint8, n)}
	for i := 0; i < n; i++ {
		x := rawValue(typ, i)
		if !pk.valid(x, typ) {
			continue
		}
		if u := x*pk.scale + pk.offset; math.IsInf(u, 0) || u < lo || u > hi {
			t.bad[i], t.any = 1, true
		}
	}
	if len(badCache) > 64 {
		clear(badCache)
	}
	badCache[key] = t
	return t
}

// badCellPlanes is badCell for 16-bit data held as the shuffle filter's
// low and high byte planes (see reducePlanes): the same table, and the same
// first bad cell and value.
func badCellPlanes(lo, hi []byte, typ ncType, pk *packing, lo2, hi2 float64) (idx int, val float64, found bool) {
	bt := badTable(typ, pk, lo2, hi2, 1<<16)
	if !bt.any {
		return 0, 0, false
	}
	hi = hi[:len(lo)]
	for k, x := range lo {
		bits := uint16(x) | uint16(hi[k])<<8
		if bt.bad[bits] != 0 {
			return k, rawValue(typ, int(bits))*pk.scale + pk.offset, true
		}
	}
	return 0, 0, false
}
