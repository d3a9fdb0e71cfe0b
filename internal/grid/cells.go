//go:build netcdf

package grid

import "math"

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
func badCell(data []byte, typ ncType, pk *packing, lo, hi float64) (idx int, val float64, found bool) {
	switch typ {
	case ncShort:
		return scanCells(unsafeSlice[int16](data), typ, pk, lo, hi)
	case ncUShort:
		return scanCells(unsafeSlice[uint16](data), typ, pk, lo, hi)
	case ncByte:
		return scanCells(unsafeSlice[int8](data), typ, pk, lo, hi)
	case ncUByte:
		return scanCells(unsafeSlice[uint8](data), typ, pk, lo, hi)
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
