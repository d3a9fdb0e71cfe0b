//go:build !netcdf

package grid

// NetCDFSupport tells whether this binary was built with the "netcdf" build
// tag and so can read NetCDF files.
const NetCDFSupport = false

// meanFile is the NetCDF reader of a binary built without the "netcdf"
// build tag: it reads nothing and returns ErrNoNetCDF.
func meanFile(path, varName string, regions []Region, weighting Weighting) ([]Result, string, error) {
	return nil, "", ErrNoNetCDF
}

// RawChunks needs netCDF-C; without the "netcdf" build tag it returns
// ErrNoNetCDF.
func RawChunks(path, varName string) ([][]byte, error) { return nil, ErrNoNetCDF }

// InflateZlib needs zlib through cgo; without the "netcdf" build tag it
// returns ErrNoNetCDF.
func InflateZlib(in, out []byte) (int, error) { return 0, ErrNoNetCDF }

// InflateLibdeflate needs libdeflate through cgo; without the "netcdf"
// build tag it returns ErrNoNetCDF.
func InflateLibdeflate(in, out []byte) (int, error) { return 0, ErrNoNetCDF }
