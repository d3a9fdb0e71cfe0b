//go:build !netcdf

package grid

import (
	"errors"
	"fmt"
	"strings"
)

// NetCDFSupport tells whether this binary was built with the "netcdf" build
// tag and so can read every NetCDF file (through netCDF-C). Without it the
// Go reader still reads the NetCDF-4/HDF5 files it supports.
const NetCDFSupport = false

// meanC is the netCDF-C reader of a binary built without the "netcdf"
// build tag: it reads nothing and returns ErrNoNetCDF, saying why the Go
// reader could not read the file when it is an HDF5 file.
func meanC(path, varName string, regions []Region, weighting Weighting, goErr error) ([]Result, string, error) {
	if goErr == nil || strings.Contains(goErr.Error(), "no HDF5 signature") {
		return nil, "", ErrNoNetCDF
	}
	return nil, "", fmt.Errorf("%w (the built-in NetCDF-4 reader cannot read this file: %v)", ErrNoNetCDF, goErr)
}

// Stubs of the netCDF-C reader's methods; the Go reader never calls them.
var errNoC = errors.New("netCDF-C reader not built in")

func (f *ncFile) cLoadAttrs(v *ncVar) error { return errNoC }
func (f *ncFile) cReadFloat64(v *ncVar, start, count []int) ([]float64, error) {
	return nil, errNoC
}
func (f *ncFile) cReadRaw(v *ncVar, start, count []int, buf []byte) (bool, error) {
	return false, errNoC
}
func (f *ncFile) cClose() {}

// RawChunks needs netCDF-C; without the "netcdf" build tag it returns
// ErrNoNetCDF.
func RawChunks(path, varName string) ([][]byte, error) { return nil, ErrNoNetCDF }

// InflateZlib needs zlib through cgo; without the "netcdf" build tag it
// returns ErrNoNetCDF.
func InflateZlib(in, out []byte) (int, error) { return 0, ErrNoNetCDF }

// InflateLibdeflate needs libdeflate through cgo; without the "netcdf"
// build tag it returns ErrNoNetCDF.
func InflateLibdeflate(in, out []byte) (int, error) { return 0, ErrNoNetCDF }
