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
