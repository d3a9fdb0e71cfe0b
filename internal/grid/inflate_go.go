//go:build !netcdf

package grid

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// inflate inflates the zlib stream src into dst with the standard library
// (a build without the "netcdf" tag has no cgo libraries) and returns the
// length written. Like zlib it checks the header and the Adler-32 of the
// output; an output longer than dst is an error.
func inflate(dst, src []byte) (int, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return 0, err
	}
	n, err := io.ReadFull(r, dst)
	switch err {
	case io.ErrUnexpectedEOF:
	case nil:
		// dst is full: the stream must end here.
		var one [1]byte
		m, err := r.Read(one[:])
		if m > 0 {
			return 0, errors.New("inflated data longer than the chunk")
		}
		if err != io.EOF {
			return 0, err
		}
	default:
		return 0, err
	}
	if err := r.Close(); err != nil {
		return 0, err
	}
	return n, nil
}

// goInflater names the inflater of the Go reader in this build.
const goInflater = "compress/zlib"

// codec is the Go reader's chunk decoder in this build.
var codec = hdf5.Codec{Inflate: inflate}

// planeSumsI16 is planeSumsGo in a build without cgo.
func planeSumsI16(lo, hi []byte, nlon int, rows []int, runs [][2]int, vlo, vhi int64, sums, cnts []int64) {
	planeSumsGo(lo, hi, nlon, rows, runs, vlo, vhi, sums, cnts)
}
