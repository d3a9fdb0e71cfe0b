// Package grid computes area-weighted regional means of NetCDF grids. The
// reader uses netCDF-C and HDF5 through cgo and is compiled only with the
// build tag "netcdf" (go build -tags netcdf); without it the package still
// builds, in pure Go, and every read returns ErrNoNetCDF.
package grid

import "errors"

// ErrNoNetCDF is the error of every NetCDF read in a binary built without
// the "netcdf" build tag.
var ErrNoNetCDF = errors.New("this stocktake was built without NetCDF support; build with -tags netcdf")

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
