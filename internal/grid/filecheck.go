package grid

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// MaxGridCells bounds the latitude-by-longitude size of a grid the reader
// accepts (2^26 cells: a global 0.05-degree grid is 7200 x 3600 = 2.6e7),
// checked before the read buffer is allocated, so that a file declaring a
// 40000 x 40000 grid is refused instead of asking for gigabytes.
const MaxGridCells = 1 << 26

// ErrTruncated means a file is shorter than its header declares: a
// NetCDF-3 file whose variables end past the end of the file, or an HDF5
// (NetCDF-4) file whose superblock's end-of-file address is past it.
// netCDF-C would read the missing part as zeros or fill values, so the
// mean would look valid while being wrong.
var ErrTruncated = errors.New("file is truncated")

// checkDeclaredSize compares the size of the file at path with the size its
// header declares. Formats other than NetCDF-3 and HDF5 are left to
// netCDF-C, which refuses them.
func checkDeclaredSize(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	var magic [8]byte
	if _, err := io.ReadFull(f, magic[:]); err != nil {
		return nil // Too short for any format: netCDF-C reports it.
	}
	switch {
	case string(magic[:3]) == "CDF" && (magic[3] == 1 || magic[3] == 2 || magic[3] == 5):
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		need, err := nc3DeclaredSize(bufio.NewReaderSize(f, 64<<10))
		if err != nil {
			return fmt.Errorf("%w: NetCDF-3 header: %v", ErrTruncated, err)
		}
		if need > size {
			return fmt.Errorf("%w: the NetCDF-3 header declares %d bytes of data, the file has %d", ErrTruncated, need, size)
		}
	default:
		eof, ok, err := hdf5DeclaredSize(f, size)
		if err != nil {
			return fmt.Errorf("%w: HDF5 superblock: %v", ErrTruncated, err)
		}
		if ok && eof > size {
			return fmt.Errorf("%w: the HDF5 superblock declares %d bytes, the file has %d", ErrTruncated, eof, size)
		}
	}
	return nil
}

// nc3DeclaredSize parses a classic (CDF-1), 64-bit offset (CDF-2) or
// 64-bit data (CDF-5) header and returns the offset just past the last
// byte of variable data it declares (unpadded).
func nc3DeclaredSize(r *bufio.Reader) (int64, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return 0, err
	}
	ver := magic[3]
	wide := ver == 5 // CDF-5: 8-byte counts and lengths
	u32 := func() (uint64, error) {
		var b [4]byte
		_, err := io.ReadFull(r, b[:])
		return uint64(binary.BigEndian.Uint32(b[:])), err
	}
	u64 := func() (uint64, error) {
		var b [8]byte
		_, err := io.ReadFull(r, b[:])
		return binary.BigEndian.Uint64(b[:]), err
	}
	count := u32
	if wide {
		count = u64
	}
	offset := u32
	if ver != 1 {
		offset = u64
	}
	const maxCount = 1 << 24 // more names, attributes or values than any real header
	skip := func(n uint64) error {
		_, err := r.Discard(int(n))
		return err
	}
	pad4 := func(n uint64) uint64 { return (n + 3) &^ 3 }
	name := func() error {
		n, err := count()
		if err != nil {
			return err
		}
		if n > maxCount {
			return fmt.Errorf("name of %d bytes", n)
		}
		return skip(pad4(n))
	}
	typeSize := map[uint64]uint64{1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}
	attrs := func() error {
		tag, err := u32()
		if err != nil {
			return err
		}
		n, err := count()
		if err != nil {
			return err
		}
		if tag == 0 && n == 0 {
			return nil
		}
		if tag != 0x0C || n > maxCount {
			return fmt.Errorf("bad attribute list (tag %#x, %d entries)", tag, n)
		}
		for range n {
			if err := name(); err != nil {
				return err
			}
			typ, err := u32()
			if err != nil {
				return err
			}
			m, err := count()
			if err != nil {
				return err
			}
			sz, ok := typeSize[typ]
			if !ok || m > maxCount {
				return fmt.Errorf("bad attribute (type %d, %d values)", typ, m)
			}
			if err := skip(pad4(m * sz)); err != nil {
				return err
			}
		}
		return nil
	}

	numrecs, err := count()
	if err != nil {
		return 0, err
	}
	// Dimensions.
	tag, err := u32()
	if err != nil {
		return 0, err
	}
	ndims, err := count()
	if err != nil {
		return 0, err
	}
	if !(tag == 0 && ndims == 0) && (tag != 0x0A || ndims > maxCount) {
		return 0, fmt.Errorf("bad dimension list (tag %#x, %d entries)", tag, ndims)
	}
	dims := make([]uint64, 0, ndims)
	for range ndims {
		if err := name(); err != nil {
			return 0, err
		}
		n, err := count()
		if err != nil {
			return 0, err
		}
		dims = append(dims, n)
	}
	if err := attrs(); err != nil {
		return 0, err
	}
	// Variables.
	tag, err = u32()
	if err != nil {
		return 0, err
	}
	nvars, err := count()
	if err != nil {
		return 0, err
	}
	if !(tag == 0 && nvars == 0) && (tag != 0x0B || nvars > maxCount) {
		return 0, fmt.Errorf("bad variable list (tag %#x, %d entries)", tag, nvars)
	}
	type ncv struct {
		begin, size uint64 // size of the whole variable, or of one record
		record      bool
	}
	vars := make([]ncv, 0, nvars)
	for range nvars {
		if err := name(); err != nil {
			return 0, err
		}
		nd, err := count()
		if err != nil {
			return 0, err
		}
		if nd > 1024 {
			return 0, fmt.Errorf("variable with %d dimensions", nd)
		}
		var v ncv
		prod := uint64(1)
		for k := range nd {
			id, err := count()
			if err != nil {
				return 0, err
			}
			if id >= uint64(len(dims)) {
				return 0, fmt.Errorf("dimension id %d of %d", id, len(dims))
			}
			if dims[id] == 0 {
				if k != 0 {
					return 0, fmt.Errorf("record dimension not first")
				}
				v.record = true
				continue
			}
			if prod > math.MaxInt64/dims[id] {
				return 0, fmt.Errorf("variable of more than 2^63 values")
			}
			prod *= dims[id]
		}
		if err := attrs(); err != nil {
			return 0, err
		}
		typ, err := u32()
		if err != nil {
			return 0, err
		}
		sz, ok := typeSize[typ]
		if !ok {
			return 0, fmt.Errorf("variable type %d", typ)
		}
		if _, err := count(); err != nil { // vsize: recomputed below
			return 0, err
		}
		if v.begin, err = offset(); err != nil {
			return 0, err
		}
		if prod > math.MaxInt64/sz {
			return 0, fmt.Errorf("variable of more than 2^63 bytes")
		}
		v.size = prod * sz
		vars = append(vars, v)
	}
	var recsize uint64
	nrec := 0
	for _, v := range vars {
		if v.record {
			recsize += pad4(v.size)
			nrec++
		}
	}
	if nrec == 1 {
		for _, v := range vars {
			if v.record {
				recsize = v.size
			}
		}
	}
	streaming := numrecs == 0xFFFFFFFF || (wide && numrecs == math.MaxUint64)
	var end uint64
	for _, v := range vars {
		e := v.begin + v.size
		if v.record {
			if streaming || numrecs == 0 {
				continue
			}
			if numrecs > math.MaxInt64/max(recsize, 1) {
				return 0, fmt.Errorf("%d records of %d bytes", numrecs, recsize)
			}
			e = v.begin + (numrecs-1)*recsize + v.size
		}
		end = max(end, e)
	}
	if end > math.MaxInt64 {
		return 0, fmt.Errorf("declared size beyond 2^63 bytes")
	}
	return int64(end), nil
}

// hdf5DeclaredSize finds the HDF5 superblock (at offset 0, 512, 1024, ...)
// and returns base address + end-of-file address. ok is false when the file
// has no HDF5 signature (netCDF-C then decides) or the address is undefined.
func hdf5DeclaredSize(f *os.File, size int64) (eof int64, ok bool, err error) {
	sig := []byte("\x89HDF\r\n\x1a\n")
	for at := int64(0); at+8 <= size; at = max(512, at*2) {
		buf := make([]byte, 96)
		n, _ := f.ReadAt(buf, at)
		buf = buf[:n]
		if len(buf) < 8 || string(buf[:8]) != string(sig) {
			continue
		}
		if len(buf) < 12 {
			return 0, false, fmt.Errorf("superblock cut short")
		}
		ver := buf[8]
		var sizeOfOffsets int
		var fields int // offset of the base address
		switch ver {
		case 0, 1:
			sizeOfOffsets = int(buf[13])
			fields = 24
			if ver == 1 {
				fields += 4
			}
		case 2, 3:
			sizeOfOffsets = int(buf[9])
			fields = 12
		default:
			return 0, false, nil // Unknown version: leave it to the library.
		}
		if sizeOfOffsets != 4 && sizeOfOffsets != 8 {
			return 0, false, fmt.Errorf("size of offsets %d", sizeOfOffsets)
		}
		addr := func(i int) (uint64, bool) {
			o := fields + i*sizeOfOffsets
			if o+sizeOfOffsets > len(buf) {
				return 0, false
			}
			if sizeOfOffsets == 4 {
				return uint64(binary.LittleEndian.Uint32(buf[o:])), true
			}
			return binary.LittleEndian.Uint64(buf[o:]), true
		}
		// v0/1: base, free-space, end of file, driver; v2/3: base,
		// extension, end of file, root.
		base, ok1 := addr(0)
		end, ok2 := addr(2)
		if !ok1 || !ok2 {
			return 0, false, fmt.Errorf("superblock cut short")
		}
		undefined := uint64(math.MaxUint64)
		if sizeOfOffsets == 4 {
			undefined = math.MaxUint32
		}
		if end == undefined || base == undefined {
			return 0, false, nil
		}
		if base > math.MaxInt64/2 || end > math.MaxInt64/2 {
			return math.MaxInt64, true, nil
		}
		return int64(base + end), true, nil
	}
	return 0, false, nil
}
