package grid

import (
	"fmt"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// ncFormatNetCDF4 is netCDF-C's NC_FORMAT_NETCDF4.
const ncFormatNetCDF4 = 3

// ncType is a netCDF external type code (NC_BYTE ... NC_STRING).
type ncType int

const (
	ncByte   ncType = 1  // NC_BYTE
	ncChar   ncType = 2  // NC_CHAR
	ncShort  ncType = 3  // NC_SHORT
	ncInt    ncType = 4  // NC_INT
	ncFloat  ncType = 5  // NC_FLOAT
	ncDouble ncType = 6  // NC_DOUBLE
	ncUByte  ncType = 7  // NC_UBYTE
	ncUShort ncType = 8  // NC_USHORT
	ncUInt   ncType = 9  // NC_UINT
	ncInt64  ncType = 10 // NC_INT64
	ncUInt64 ncType = 11 // NC_UINT64
	ncString ncType = 12 // NC_STRING
)

// size returns the size in bytes of one element of t, or 0 for types that
// the reader does not decode as numbers.
func (t ncType) size() int {
	switch t {
	case ncByte, ncUByte:
		return 1
	case ncShort, ncUShort:
		return 2
	case ncInt, ncUInt, ncFloat:
		return 4
	case ncDouble, ncInt64, ncUInt64:
		return 8
	}
	return 0
}

func (t ncType) String() string {
	names := map[ncType]string{ncByte: "byte", ncChar: "char", ncShort: "short", ncInt: "int",
		ncFloat: "float", ncDouble: "double", ncUByte: "ubyte", ncUShort: "ushort", ncUInt: "uint",
		ncInt64: "int64", ncUInt64: "uint64", ncString: "string"}
	if s, ok := names[t]; ok {
		return s
	}
	return fmt.Sprintf("type%d", int(t))
}

// attr is one attribute: numeric attributes keep their values as float64
// (exact for every type but 64-bit integers beyond 2^53), text attributes
// their string.
type attr struct {
	typ  ncType
	nums []float64
	str  string
}

// ncDim is one dimension of a file: its name and length (the current
// number of records for an unlimited dimension).
type ncDim struct {
	name string
	len  int
}

// ncVar is one variable of a file's root group.
type ncVar struct {
	name  string
	id    int          // netCDF-C variable id (netCDF-C reader)
	h5    *hdf5.Object // the dataset (Go reader)
	typ   ncType
	dims  []int // dimension ids, slowest-varying first
	attrs map[string]attr
	natts int  // number of attributes
	read  bool // attrs have been read (see ncFile.loadAttrs)
}

// ncFile is an open netCDF file with its root-group metadata read.
type ncFile struct {
	path   string
	id     int        // netCDF-C file id (netCDF-C reader)
	h5     *hdf5.File // the open file (Go reader); nil for netCDF-C
	format int        // NC_FORMAT_CLASSIC ... NC_FORMAT_NETCDF4
	dims   []ncDim
	vars   []*ncVar
	global map[string]attr // global attributes
}

// varByName returns the root-group variable called name, or nil.
func (f *ncFile) varByName(name string) *ncVar {
	for _, v := range f.vars {
		if v.name == name {
			return v
		}
	}
	return nil
}

// shape returns the dimension lengths of v.
func (f *ncFile) shape(v *ncVar) []int {
	s := make([]int, len(v.dims))
	for i, d := range v.dims {
		s[i] = f.dims[d].len
	}
	return s
}

// loadAttrs reads the attributes of v, once. The netCDF-C reader reads them
// only for the variables it uses (in a NetCDF-4 file each variable's
// attributes cost HDF5 object-header reads); the Go reader has read them all
// at open. The netCDF-C reader's caller holds cMu.
func (f *ncFile) loadAttrs(v *ncVar) error {
	if v.read {
		return nil
	}
	if f.h5 != nil {
		return fmt.Errorf("variable %s: attributes not read", v.name)
	}
	return f.cLoadAttrs(v)
}

// readFloat64 reads the hyperslab start+count of v converted to float64. It
// is used for coordinates, which are small.
func (f *ncFile) readFloat64(v *ncVar, start, count []int) ([]float64, error) {
	if f.h5 != nil {
		return f.goReadFloat64(v, start, count)
	}
	return f.cReadFloat64(v, start, count)
}

// readRaw reads the hyperslab start+count of v in its stored type and
// native byte order into buf, which must hold exactly prod(count)*size
// bytes. direct reports whether the netCDF-C reader took its direct chunk
// path (the Go reader always reads chunks itself and reports false).
func (f *ncFile) readRaw(v *ncVar, start, count []int, buf []byte) (direct bool, err error) {
	if f.h5 != nil {
		return false, f.goReadRaw(v, start, count, buf)
	}
	return f.cReadRaw(v, start, count, buf)
}

// close closes the file.
func (f *ncFile) close() {
	if f.h5 != nil {
		f.h5.Close()
		return
	}
	f.cClose()
}
