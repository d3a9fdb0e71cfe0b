package grid

import (
	"math"
	"math/rand/v2"
	"testing"
)

// planeField is a latitude-major field of 16-bit raw values, as the
// interleaved elements the unshuffle produces and as the shuffle filter's
// two byte planes.
type planeField struct {
	values, planes []byte
	n              int
}

func newPlaneField(raw []uint16) planeField {
	n := len(raw)
	f := planeField{values: make([]byte, 2*n), planes: make([]byte, 2*n), n: n}
	for k, v := range raw {
		f.values[2*k], f.values[2*k+1] = byte(v), byte(v>>8)
		f.planes[k], f.planes[n+k] = byte(v), byte(v>>8)
	}
	return f
}

// TestReducePlanesMatchesTable checks that the reduction over byte planes
// (the SSE2 call for signed data with one valid interval, the Go loops
// otherwise) gives the same float64 bits and cell counts as the kernel
// over unshuffled values, for odd grid sizes (tails shorter than the 8
// values of an SSE2 step), partial and split longitude ranges, fill values
// on the first and last cell of rows and on both sides of 8- and 16-cell
// boundaries, values at and just outside the valid range, the extremes of
// the type, and packings whose valid values are one interval or not.
func TestReducePlanesMatchesTable(t *testing.T) {
	inf := math.Inf(1)
	packings := []struct {
		name string
		typ  ncType
		pk   packing
	}{
		{"short valid range, fill outside", ncShort, packing{scale: 0.01, lo: -300, hi: 4500, rawRange: true, fills: []float64{-999}}},
		{"short fill inside the range", ncShort, packing{scale: 0.01, offset: 273.15, lo: -inf, hi: inf, rawRange: true, fills: []float64{0}}},
		{"short every value valid", ncShort, packing{scale: 1, lo: -inf, hi: inf, rawRange: true}},
		{"short no value valid", ncShort, packing{scale: 1, lo: 5, hi: 4, rawRange: true}},
		{"short unpacked range", ncShort, packing{scale: 0.5, offset: -10, lo: -20, hi: 100, fills: []float64{-32767}}},
		{"short default fill only", ncShort, packing{scale: 1, lo: -inf, hi: inf, rawRange: true, fills: []float64{-32767}}},
		{"ushort valid range", ncUShort, packing{scale: 0.1, lo: 10, hi: 60000, rawRange: true, fills: []float64{65535}}},
		{"ushort fill inside", ncUShort, packing{scale: 0.1, lo: -inf, hi: inf, rawRange: true, fills: []float64{100}}},
	}
	sizes := [][2]int{{1, 1}, {3, 7}, {4, 8}, {2, 9}, {5, 13}, {3, 16}, {2, 17}, {6, 33}, {2, 1440}, {1, 70001}}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range packings {
		special := []int64{-300, 4500, -301, 4501, -999, 0, -32768, 32767, -32767, 10, 60000, 65535, 9, 100, 5, 4}
		for _, sz := range sizes {
			nlat, nlon := sz[0], sz[1]
			raw := make([]uint16, nlat*nlon)
			for k := range raw {
				if rng.IntN(3) == 0 {
					raw[k] = uint16(special[rng.IntN(len(special))])
				} else {
					raw[k] = uint16(rng.IntN(1 << 16))
				}
			}
			fill := uint16(special[4]) // -999, the OISST fill
			if p.typ == ncUShort {
				fill = 65535
			}
			for i := 0; i < nlat; i++ {
				for _, j := range []int{0, nlon - 1, 7, 8, 15, 16} {
					if j < nlon && rng.IntN(2) == 0 {
						raw[i*nlon+j] = fill
					}
				}
			}
			f := newPlaneField(raw)
			lat := make([]float64, nlat)
			for i := range lat {
				lat[i] = 0.1 + float64(i)*0.37
			}
			var rows []int
			for i := 0; i < nlat; i++ {
				if i%3 != 1 || nlat == 1 {
					rows = append(rows, i)
				}
			}
			runsets := [][][2]int{{{0, nlon}}, {{nlon / 3, nlon - nlon/4}}, {{0, nlon / 2}, {nlon/2 + 1, nlon}}, {{nlon / 2, nlon / 2}}}
			for _, runs := range runsets {
				s := selection{rows: rows, latW: lat, runs: runs}
				l := layout{lat: lat, lon: make([]float64, nlon), latW: lat}
				want, wantCells := reduce(f.values, p.typ, &p.pk, &l, s, nlon)
				var got float64
				var gotCells int
				if p.typ == ncShort {
					got, gotCells = reducePlanes[int16](f.planes[:f.n], f.planes[f.n:], p.typ, &p.pk, s, nlon)
				} else {
					got, gotCells = reducePlanes[uint16](f.planes[:f.n], f.planes[f.n:], p.typ, &p.pk, s, nlon)
				}
				if math.Float64bits(got) != math.Float64bits(want) && !(math.IsNaN(got) && math.IsNaN(want)) || gotCells != wantCells {
					t.Errorf("%s, %dx%d, runs %v: planes %v (%d cells), values %v (%d cells)", p.name, nlat, nlon, runs, got, gotCells, want, wantCells)
				}
			}
		}
	}
}

// TestPlaneSums compares the build's planeSumsI16 (SSE2 in the netcdf
// build) with the Go loop on long rows, where the vector accumulators must
// be flushed (more than 4096 steps of 8 values per run) and every value is
// an extreme of the type, and on short runs that are only a tail.
func TestPlaneSums(t *testing.T) {
	const nlon = 70001
	rng := rand.New(rand.NewPCG(3, 4))
	n := 2 * nlon
	lo, hi := make([]byte, n), make([]byte, n)
	for k := range n {
		v := uint16(rng.IntN(1 << 16))
		if k < nlon {
			v = 0x7fff // row 0: every value 32767
		}
		if k >= nlon && k%2 == 0 {
			v = 0x8000 // row 1: half the values -32768
		}
		lo[k], hi[k] = byte(v), byte(v>>8)
	}
	rows := []int{0, 1}
	for _, runs := range [][][2]int{{{0, nlon}}, {{3, 10}, {11, 12}, {nlon - 5, nlon}}, {{5, 5}}} {
		for _, b := range [][2]int64{{-32768, 32767}, {-300, 4500}, {32767, 32767}, {-32768, -32768}} {
			gs, gc := make([]int64, 2), make([]int64, 2)
			ws, wc := make([]int64, 2), make([]int64, 2)
			planeSumsI16(lo, hi, nlon, rows, runs, b[0], b[1], gs, gc)
			planeSumsGo(lo, hi, nlon, rows, runs, b[0], b[1], ws, wc)
			for r := range rows {
				if gs[r] != ws[r] || gc[r] != wc[r] {
					t.Errorf("runs %v, bounds %v, row %d: sum %d count %d, Go loop %d %d", runs, b, r, gs[r], gc[r], ws[r], wc[r])
				}
			}
		}
	}
	// A full row of 32767 sums to 32767 times its length.
	s, c := make([]int64, 1), make([]int64, 1)
	planeSumsI16(lo, hi, nlon, []int{0}, [][2]int{{0, nlon}}, -32768, 32767, s, c)
	if s[0] != 32767*nlon || c[0] != nlon {
		t.Errorf("row of 32767: sum %d count %d, want %d %d", s[0], c[0], 32767*nlon, nlon)
	}
}

// TestBadCellPlanes checks that the cell check over byte planes finds the
// same first bad cell and value as badCell over the unshuffled values.
func TestBadCellPlanes(t *testing.T) {
	pk := packing{scale: 0.01, lo: -10000, hi: 10000, rawRange: true, fills: []float64{-999}}
	for _, at := range []int{-1, 0, 7, 8, 99, 150} {
		raw := make([]uint16, 151)
		for k := range raw {
			raw[k] = uint16(int16(k*13%4000 - 200))
		}
		fill := int16(-999)
		raw[3] = uint16(fill) // never bad
		if at >= 0 {
			raw[at] = uint16(int16(9000)) // 90 degC, outside -100..70
			if at+1 < len(raw) {
				cold := int16(-9999) // -99.99 degC: valid and in range
				raw[at+1] = uint16(cold)
			}
		}
		f := newPlaneField(raw)
		wi, wv, wf := badCell(f.values, ncShort, &pk, -100, 70)
		gi, gv, gf := badCellPlanes(f.planes[:f.n], f.planes[f.n:], ncShort, &pk, -100, 70)
		if wf != (at >= 0) || gi != wi || math.Float64bits(gv) != math.Float64bits(wv) || gf != wf {
			t.Errorf("bad cell at %d: planes %d %v %v, values %d %v %v", at, gi, gv, gf, wi, wv, wf)
		}
	}
}
