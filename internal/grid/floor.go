//go:build netcdf

package grid

/*
#include <stdlib.h>
#include "direct.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// RawChunks returns the stored bytes of every chunk of variable varName of
// a NetCDF-4 file, still compressed, in HDF5's chunk order. It exists for the
// benchmark's inflate floor (see bench/grid) and is not needed to read data.
func RawChunks(path, varName string) ([][]byte, error) {
	if err := lockNC(); err != nil {
		return nil, err
	}
	defer unlockC()
	cpath, cname := C.CString(path), C.CString("/"+varName)
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(cname))
	var out [][]byte
	for i := 0; ; i++ {
		n := C.st_raw_chunk(cpath, cname, C.int(i), nil, 0)
		if n == -2 {
			return out, nil
		}
		if n < 0 {
			return nil, fmt.Errorf("%s: reading chunk %d of %s failed", path, i, varName)
		}
		buf := make([]byte, max(int(n), 1))
		if m := C.st_raw_chunk(cpath, cname, C.int(i), unsafe.Pointer(&buf[0]), C.size_t(len(buf))); m != n {
			return nil, fmt.Errorf("%s: reading chunk %d of %s failed", path, i, varName)
		}
		out = append(out, buf[:n])
	}
}

// InflateZlib inflates the zlib stream in into out with zlib (the library
// HDF5's deflate filter, netCDF-C and CDO use) and returns the length
// written. It exists for the benchmark's inflate floor.
func InflateZlib(in, out []byte) (int, error) { return inflateC(in, out, false) }

// InflateLibdeflate inflates like InflateZlib with libdeflate, the inflater
// of the direct chunk reader. It exists for the benchmark's second floor.
func InflateLibdeflate(in, out []byte) (int, error) { return inflateC(in, out, true) }
