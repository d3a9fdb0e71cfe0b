//go:build netcdf

package grid

import (
	"math"
	"os"
	"testing"
)

// benchReduce measures the reduction kernel alone on a synthetic
// OISST-sized field (720 by 1440 cells, 0.25 degrees) of elsize-byte raw
// values, so that a change to the kernels can be timed without the cost of
// reading and inflating a file.
func benchReduce(b *testing.B, typ ncType, elsize int) {
	const nlat, nlon = 720, 1440
	l := regularLayout(nlat, nlon, -89.875, 0.25, 0.125, 0.25)
	pk := packing{scale: 0.01, lo: math.Inf(-1), hi: math.Inf(1), rawRange: true, fills: []float64{-127}}
	data := make([]byte, nlat*nlon*elsize)
	for i := range data {
		data[i] = byte(i * 7)
	}
	s := l.selectRegion(World)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		reduce(data, typ, &pk, &l, s, nlon)
	}
}

func BenchmarkReduceShort(b *testing.B)  { benchReduce(b, ncShort, 2) }
func BenchmarkReduceUShort(b *testing.B) { benchReduce(b, ncUShort, 2) }
func BenchmarkReduceByte(b *testing.B)   { benchReduce(b, ncByte, 1) }
func BenchmarkReduceFloat(b *testing.B)  { benchReduce(b, ncFloat, 4) }

// TestReduceTableMatchesGeneral checks that the lookup-table kernel for 8-
// and 16-bit data gives the same mean and cell count as the general kernel,
// for every small integer type, with a fill value, a valid range and
// packing.
func TestReduceTableMatchesGeneral(t *testing.T) {
	const nlat, nlon = 6, 10
	l := regularLayout(nlat, nlon, -75, 30, 18, 36)
	s := l.selectRegion(mustRegion(t, "-60,80,30,300"))
	for _, tc := range []struct {
		typ    ncType
		elsize int
	}{{ncShort, 2}, {ncUShort, 2}, {ncByte, 1}, {ncUByte, 1}} {
		pk := packing{scale: 0.5, offset: 3, lo: -100, hi: 60000, rawRange: true, fills: []float64{7}}
		data := make([]byte, nlat*nlon*tc.elsize)
		for i := range data {
			data[i] = byte(i*37 + 11)
		}
		got, gotCells := reduce(data, tc.typ, &pk, &l, s, nlon)
		var vals []float64
		switch tc.typ {
		case ncShort:
			vals = widen(unsafeSlice[int16](data))
		case ncUShort:
			vals = widen(unsafeSlice[uint16](data))
		case ncByte:
			vals = widen(unsafeSlice[int8](data))
		case ncUByte:
			vals = widen(unsafeSlice[uint8](data))
		}
		want, wantCells := reduceFloat(vals, tc.typ, &pk, &l, s, nlon)
		if gotCells != wantCells || math.Abs(got-want) > 1e-12*math.Max(1, math.Abs(want)) || gotCells == 0 {
			t.Errorf("%s: table kernel %v over %d cells, general kernel %v over %d", tc.typ, got, gotCells, want, wantCells)
		}
	}
}

// TestEmptyLongitude checks that a grid whose longitude axis has no cells
// (an unlimited dimension with no records) gives NaN over 0 cells with
// either weighting, and does not panic.
func TestEmptyLongitude(t *testing.T) {
	dir := t.TempDir()
	src, out := dir+"/empty.cdl", dir+"/empty.nc"
	cdl := `netcdf empty {
dimensions: lat = 2 ; lon = UNLIMITED ;
variables:
  float lat(lat) ; lat:units = "degrees_north" ;
  float lon(lon) ; lon:units = "degrees_east" ;
  float sst(lat, lon) ;
data: lat = -10, 10 ;
}`
	if err := os.WriteFile(src, []byte(cdl), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := execCommand("ncgen", "-k", "nc4", "-o", out, src); err != nil {
		t.Fatalf("ncgen: %v\n%s", err, b)
	}
	for _, w := range []Weighting{Exact, CDO} {
		got, err := MeanFile(out, "sst", []Region{World}, w)
		if err != nil {
			t.Fatalf("%s: %v", w, err)
		}
		if len(got) != 1 || !math.IsNaN(got[0].Value) || got[0].Cells != 0 {
			t.Errorf("%s: got %+v, want one NaN over 0 cells", w, got)
		}
	}
}

// BenchmarkPlanesOISST compares, on an OISST-like field (720 by 1440
// shorts, scale 0.01, valid_range -300..4500, _FillValue -999 on about a
// third of the cells, in runs like land), the kernel over unshuffled
// values with the kernel over the shuffle filter's byte planes.
func BenchmarkPlanesOISST(b *testing.B) {
	const nlat, nlon = 720, 1440
	l := regularLayout(nlat, nlon, -89.875, 0.25, 0.125, 0.25)
	pk := packing{scale: 0.01, lo: -300, hi: 4500, rawRange: true, fills: []float64{-999}}
	n := nlat * nlon
	data := make([]byte, 2*n)
	planes := make([]byte, 2*n)
	for k := 0; k < n; k++ {
		v := int16(k*37%4700 - 250)
		if (k/97)%3 == 0 {
			v = -999
		}
		data[2*k], data[2*k+1] = byte(v), byte(uint16(v)>>8)
		planes[k], planes[n+k] = byte(v), byte(uint16(v)>>8)
	}
	s := l.selectRegion(World)
	b.Run("values", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			reduce(data, ncShort, &pk, &l, s, nlon)
		}
	})
	b.Run("planes", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			reducePlanes[int16](planes[:n], planes[n:], ncShort, &pk, s, nlon)
		}
	})
}

// regularLayout is an Exact-weighted layout of nlat by nlon cells whose
// centres start at lat0 and lon0 (degrees) and step by dlat and dlon; each
// row's weight is the sine difference of its edges, half a step either side.
func regularLayout(nlat, nlon int, lat0, dlat, lon0, dlon float64) layout {
	l := layout{lat: make([]float64, nlat), lon: make([]float64, nlon), latW: make([]float64, nlat), weighting: Exact}
	for i := range l.lat {
		l.lat[i] = lat0 + dlat*float64(i)
		l.latW[i] = math.Sin((l.lat[i]+dlat/2)*math.Pi/180) - math.Sin((l.lat[i]-dlat/2)*math.Pi/180)
	}
	for j := range l.lon {
		l.lon[j] = lon0 + dlon*float64(j)
	}
	return l
}
