//go:build netcdf

package grid

import (
	"math"
	"testing"
)

// TestBadCellTableMatchesScan checks that the table path of badCell for 8-
// and 16-bit types finds the same first bad cell (index and unpacked value)
// as the general per-cell scan, and that it reports none when none is bad.
func TestBadCellTableMatchesScan(t *testing.T) {
	oisst := packing{scale: 0.01, offset: 0, lo: -300, hi: 4500, rawRange: true, fills: []float64{-999}}
	noRange := packing{scale: 0.01, offset: 0, lo: math.Inf(-1), hi: math.Inf(1), rawRange: true, fills: []float64{-999}}
	bytePk := packing{scale: 1, offset: 0, lo: math.Inf(-1), hi: math.Inf(1), rawRange: true, fills: []float64{-127}}
	for _, tc := range []struct {
		name      string
		typ       ncType
		pk        packing
		data      []byte
		wantFound bool
		wantIdx   int
		wantVal   float64
	}{
		// OISST's valid range (-3..45 degC) lies inside -100..70: the table
		// has no bad entry and -999 is a fill value, so nothing is found
		// even with raw values far outside the valid range.
		{"oisst no bad possible", ncShort, oisst, shorts(2000, -999, 30000, -30000, 4500), false, 0, 0},
		// Without a valid range, raw 7001 (70.01 degC) is valid and too hot;
		// the first one is at index 9000 (in the third 4096-cell block).
		{"short too hot", ncShort, noRange, withAt(shorts(2000, -999), 12000, map[int]int16{9000: 7001, 11000: -10001}), true, 9000, 70.01},
		{"short too cold first", ncShort, noRange, withAt(shorts(10), 9000, map[int]int16{5: -10001, 8000: 7001}), true, 5, -100.01},
		{"short all fine", ncShort, noRange, shorts(2000, -999, 7000, -10000), false, 0, 0},
		// As ushort, raw 65535 unpacks to 655.35, outside the range.
		{"ushort", ncUShort, noRange, withAt(shorts(100), 5000, map[int]int16{4097: -1}), true, 4097, 655.35},
		// Bytes: -127 is the fill value; 71 is too hot, -101 too cold.
		{"byte", ncByte, bytePk, []byte{0, 0x81, 10, 71, 0x9b}, true, 3, 71},
		{"byte cold", ncByte, bytePk, []byte{0, 0x81, 0x9b, 71}, true, 2, -101},
		{"ubyte", ncUByte, bytePk, []byte{0, 70, 200}, true, 2, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, val, found := badCell(tc.data, tc.typ, &tc.pk, -100, 70)
			if found != tc.wantFound || idx != tc.wantIdx || math.Abs(val-tc.wantVal) > 1e-9 {
				t.Fatalf("badCell = %d, %v, %v; want %d, %v, %v", idx, val, found, tc.wantIdx, tc.wantVal, tc.wantFound)
			}
			// The general per-cell scan must agree exactly.
			var gi int
			var gv float64
			var gf bool
			switch tc.typ {
			case ncShort:
				gi, gv, gf = scanCells(unsafeSlice[int16](tc.data), tc.typ, &tc.pk, -100, 70)
			case ncUShort:
				gi, gv, gf = scanCells(unsafeSlice[uint16](tc.data), tc.typ, &tc.pk, -100, 70)
			case ncByte:
				gi, gv, gf = scanCells(unsafeSlice[int8](tc.data), tc.typ, &tc.pk, -100, 70)
			case ncUByte:
				gi, gv, gf = scanCells(unsafeSlice[uint8](tc.data), tc.typ, &tc.pk, -100, 70)
			}
			if gi != idx || gv != val || gf != found {
				t.Fatalf("general scan = %d, %v, %v; table path = %d, %v, %v", gi, gv, gf, idx, val, found)
			}
		})
	}
}

// shorts returns the int16 values vs in native byte order.
func shorts(vs ...int16) []byte {
	b := make([]byte, 2*len(vs))
	copy(unsafeSlice[int16](b), vs)
	return b
}

// withAt returns n int16 values (native byte order), zero except at the
// given indices; b's own values fill the start.
func withAt(b []byte, n int, at map[int]int16) []byte {
	out := make([]byte, 2*n)
	copy(out, b)
	s := unsafeSlice[int16](out)
	for i, v := range at {
		s[i] = v
	}
	return out
}
