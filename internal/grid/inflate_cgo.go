//go:build netcdf

package grid

/*
#include "direct.h"
*/
import "C"

import (
	"errors"
	"sync"
	"unsafe"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// free holds idle libdeflate decompressors: the Go reader inflates chunks
// in many goroutines at once without cMu, each with its own decompressor.
// Decompressors are kept for reuse (never freed), so there are at most as
// many as goroutines ever inflated at the same time.
var (
	freeMu sync.Mutex
	free   []unsafe.Pointer
)

// inflate inflates the zlib stream src into dst with libdeflate (the
// inflater of the netCDF-C build's direct chunk reader too) and returns the
// length written.
func inflate(dst, src []byte) (int, error) {
	if len(src) == 0 || len(dst) == 0 {
		return 0, errors.New("empty buffer")
	}
	freeMu.Lock()
	var d unsafe.Pointer
	if n := len(free); n > 0 {
		d, free = free[n-1], free[:n-1]
	}
	freeMu.Unlock()
	if d == nil {
		if d = C.st_decompressor(); d == nil {
			return 0, errors.New("out of memory")
		}
	}
	defer func() {
		freeMu.Lock()
		free = append(free, d)
		freeMu.Unlock()
	}()
	n := C.st_inflate_with(d, unsafe.Pointer(&src[0]), C.size_t(len(src)), unsafe.Pointer(&dst[0]), C.size_t(len(dst)))
	if n < 0 {
		return 0, errors.New("corrupt deflate stream or wrong size")
	}
	return int(n), nil
}

// goInflater names the inflater of the Go reader in this build.
const goInflater = "libdeflate"

// codec is the Go reader's chunk decoder in this build: libdeflate, and the
// SSE2 unshuffle of the direct chunk reader.
var codec = hdf5.Codec{Inflate: inflate, Unshuffle: func(dst, src []byte, es int) {
	n := len(src) / es
	if n == 0 || len(dst) < len(src) {
		hdf5.Unshuffle(dst, src, es)
		return
	}
	C.st_unshuffle(unsafe.Pointer(&src[0]), unsafe.Pointer(&dst[0]), C.size_t(n), C.size_t(es))
	copy(dst[n*es:], src[n*es:])
}}

// planeSumsI16 computes, for each row rows[k] of a field of nlon columns
// held as 16-bit byte planes lo and hi, the sum and number of the signed
// values in [vlo, vhi] over the column ranges runs, into sums[k] and
// cnts[k], with the SSE2 code of direct.c in one call (the same integers
// as planeSumsGo). Every row and range must lie inside the planes
// (planesInside).
func planeSumsI16(lo, hi []byte, nlon int, rows []int, runs [][2]int, vlo, vhi int64, sums, cnts []int64) {
	if len(rows) == 0 {
		return
	}
	if len(runs) == 0 || len(lo) == 0 {
		clear(sums)
		clear(cnts)
		return
	}
	C.st_plane_sums_i16((*C.uchar)(unsafe.Pointer(&lo[0])), (*C.uchar)(unsafe.Pointer(&hi[0])), C.size_t(nlon),
		(*C.longlong)(unsafe.Pointer(&rows[0])), C.size_t(len(rows)), (*C.longlong)(unsafe.Pointer(&runs[0])), C.size_t(len(runs)),
		C.int(vlo), C.int(vhi), (*C.longlong)(unsafe.Pointer(&sums[0])), (*C.longlong)(unsafe.Pointer(&cnts[0])))
}
