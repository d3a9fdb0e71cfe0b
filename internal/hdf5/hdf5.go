// Package hdf5 is a minimal, defensive reader of HDF5 files as netCDF-C 4.x
// writes them (superblock version 2 or 3): object headers, compact and dense
// links and attributes, dataspaces, fixed-point, floating-point, string,
// reference and variable-length datatypes, and contiguous, compact and
// chunked data (version-1 B-tree chunk index, or a single chunk) with the
// deflate and shuffle filters. It is pure Go and safe for concurrent use of
// different Files.
//
// Anything outside that subset is reported as an error that wraps
// ErrUnsupported, so that a caller can hand the file to a complete HDF5
// implementation instead. A file that is damaged (a checksum that does not
// match, an address past the end of the file, a size that cannot be right)
// gives an error that wraps ErrCorrupt and says what was wrong; the reader
// never returns numbers from a structure it could not verify.
package hdf5

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
)

// ErrUnsupported is wrapped by every error about a valid HDF5 feature that
// this reader does not implement.
var ErrUnsupported = errors.New("HDF5 feature not supported by the Go reader")

// ErrCorrupt is wrapped by every error about a damaged or impossible file.
var ErrCorrupt = errors.New("corrupt HDF5 file")

// unsupported returns an error wrapping ErrUnsupported that names what.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// corrupt returns an error wrapping ErrCorrupt that says what is wrong.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// parseError carries an error through a panic inside the parsers; catch
// turns it back into a returned error.
type parseError struct{ err error }

// fail aborts the current parse with err.
func fail(err error) { panic(parseError{err}) }

// catch converts a parse panic (or a runtime error from a structure the
// checks missed) into *err. It must be deferred by every exported entry
// point.
func catch(err *error) {
	switch r := recover().(type) {
	case nil:
	case parseError:
		*err = r.err
	case runtime.Error:
		*err = corrupt("malformed structure (%v)", r)
	default:
		panic(r)
	}
}

// undef is the undefined address (all bits set) in 64 bits; addresses of
// smaller files are widened to it when they are undefined.
const undef = ^uint64(0)

// Limits that keep a damaged file from making the reader allocate or loop
// without bound.
const (
	maxMeta      = 64 << 20 // bytes of one metadata structure
	maxObjects   = 1 << 16  // links of a group, chunks of a dataset
	maxHeaderMsg = 1 << 16  // messages of one object header
)

// File is an open HDF5 file.
type File struct {
	r        io.ReaderAt
	closer   io.Closer
	size     int64 // bytes in the file
	head     []byte
	offSize  int // bytes of an address
	lenSize  int // bytes of a length
	base     uint64
	eof      uint64 // end-of-file address from the superblock, base included
	rootAddr uint64
	Version  int // superblock version

	windows [][]byte // metadata read beyond head, windows[i] at position wpos[i]
	wpos    []uint64
	gheaps  map[uint64][]byte // global heap collections read so far
	dblocks map[uint64][]byte // fractal heap direct blocks read and checked so far
}

// headBytes is how much of the file Open reads at once: netCDF-C writes the
// metadata of small files near the start, so most header reads are served
// from memory.
const headBytes = 64 << 10

// Open opens the HDF5 file at path and reads its superblock.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	f, err := NewFile(fh, st.Size())
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// NewFile reads the superblock of the HDF5 file of size bytes in r.
func NewFile(r io.ReaderAt, size int64) (f *File, err error) {
	defer catch(&err)
	f = &File{r: r, size: size, gheaps: map[uint64][]byte{}, dblocks: map[uint64][]byte{}}
	n := min(size, headBytes)
	f.head = make([]byte, n)
	if m, err := r.ReadAt(f.head, 0); int64(m) < n {
		return nil, fmt.Errorf("reading: %v", err)
	}
	sig := "\x89HDF\r\n\x1a\n"
	at := int64(-1)
	for o := int64(0); o+8 <= size; o = max(512, o*2) {
		b := make([]byte, 8)
		if o+8 <= int64(len(f.head)) {
			copy(b, f.head[o:])
		} else if _, err := r.ReadAt(b, o); err != nil {
			break
		}
		if string(b) == sig {
			at = o
			break
		}
	}
	if at < 0 {
		return nil, unsupported("no HDF5 signature")
	}
	sb := f.rawAt(uint64(at), 12)
	f.Version = int(sb[8])
	if f.Version != 2 && f.Version != 3 {
		return nil, unsupported("superblock version %d (only 2 and 3)", f.Version)
	}
	f.offSize, f.lenSize = int(sb[9]), int(sb[10])
	if f.offSize != 4 && f.offSize != 8 || f.lenSize != 4 && f.lenSize != 8 {
		return nil, unsupported("sizes of offsets/lengths %d/%d", f.offSize, f.lenSize)
	}
	n2 := 12 + 4*f.offSize + 4
	b := f.rawAt(uint64(at), n2)
	if got, want := checksum(b[:n2-4]), binary.LittleEndian.Uint32(b[n2-4:]); got != want && !skipChecksums {
		return nil, corrupt("superblock checksum mismatch (stored %08x, computed %08x)", want, got)
	}
	c := &cursor{f: f, b: b, p: 12}
	f.base = c.addr()
	c.addr() // superblock extension: its shared-message tables would show as shared messages
	f.eof = c.addr()
	f.rootAddr = c.addr()
	if f.base == undef || f.eof == undef || f.rootAddr == undef {
		return nil, corrupt("superblock has an undefined base, end-of-file or root address")
	}
	if f.base != uint64(at) {
		return nil, unsupported("base address %d differs from the superblock position %d", f.base, at)
	}
	if f.base+f.eof < f.base || int64(f.base+f.eof) > size || f.base+f.eof > 1<<62 {
		return nil, corrupt("file is truncated: the superblock says it ends at byte %d, but it has %d bytes", f.base+f.eof, size)
	}
	return f, nil
}

// Close closes the file.
func (f *File) Close() error {
	if f.closer != nil {
		return f.closer.Close()
	}
	return nil
}

// rawAt returns n bytes at absolute file position pos, failing the parse
// when they lie past the end of the file.
func (f *File) rawAt(pos uint64, n int) []byte {
	if n < 0 || n > maxMeta || pos > uint64(f.size) || uint64(n) > uint64(f.size)-pos {
		fail(corrupt("%d bytes at position %d lie past the end of the file (%d bytes)", n, pos, f.size))
	}
	end := pos + uint64(n)
	if end <= uint64(len(f.head)) {
		return f.head[pos:end:end]
	}
	for i, w := range f.windows {
		if p := f.wpos[i]; pos >= p && end <= p+uint64(len(w)) {
			return w[pos-p : end-p : end-p]
		}
	}
	// Metadata past the head is read a window at a time (at least
	// windowBytes, aligned), since object headers are read in several small
	// pieces (prefix, then the rest) and neighbouring structures follow.
	// Windows are never written after they are read, so the slices handed
	// out stay valid.
	start := pos &^ (windowBytes - 1)
	wend := min(max(end, start+windowBytes), uint64(f.size))
	b := make([]byte, wend-start)
	m, err := f.r.ReadAt(b, int64(start))
	if uint64(m) < end-start {
		fail(fmt.Errorf("reading %d bytes at position %d: %v", n, pos, err))
	}
	b = b[:m]
	if len(f.windows) < maxWindows {
		f.windows = append(f.windows, b)
		f.wpos = append(f.wpos, start)
	}
	return b[pos-start : end-start : end-start]
}

// windowBytes is the smallest read of metadata past the head, and
// maxWindows the most windows kept per file (later ones are read each time).
const (
	windowBytes = 4 << 10
	maxWindows  = 64
)

// at returns n bytes at file address addr (relative to the base address),
// failing the parse for undefined addresses and ranges past the
// superblock's end-of-file address.
func (f *File) at(addr uint64, n int, what string) []byte {
	if addr == undef {
		fail(corrupt("%s has an undefined address", what))
	}
	if n < 0 || addr > f.eof || uint64(n) > f.eof-addr {
		fail(corrupt("%s at address %d (+%d bytes) lies past the end of the file (end-of-file address %d)", what, addr, n, f.eof))
	}
	return f.rawAt(f.base+addr, n)
}

// cursor decodes little-endian fields from b; reading past the end fails
// the parse as corrupt.
type cursor struct {
	f    *File
	b    []byte
	p    int
	what string // structure name for error messages
}

func (c *cursor) need(n int) {
	if n < 0 || c.p+n > len(c.b) || c.p+n < c.p {
		w := c.what
		if w == "" {
			w = "structure"
		}
		fail(corrupt("%s is cut short (%d bytes needed at %d of %d)", w, n, c.p, len(c.b)))
	}
}
func (c *cursor) u8() uint8 { c.need(1); c.p++; return c.b[c.p-1] }
func (c *cursor) u16() uint16 {
	c.need(2)
	c.p += 2
	return binary.LittleEndian.Uint16(c.b[c.p-2:])
}
func (c *cursor) u32() uint32 {
	c.need(4)
	c.p += 4
	return binary.LittleEndian.Uint32(c.b[c.p-4:])
}

// uN decodes an n-byte little-endian unsigned integer (n <= 8).
func (c *cursor) uN(n int) uint64 {
	if n > 8 {
		fail(corrupt("%d-byte integer field", n))
	}
	c.need(n)
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(c.b[c.p+i])
	}
	c.p += n
	return v
}

// addr decodes an address; the undefined address becomes undef.
func (c *cursor) addr() uint64 {
	v := c.uN(c.f.offSize)
	if c.f.offSize < 8 && v == 1<<(8*c.f.offSize)-1 {
		return undef
	}
	return v
}

// length decodes a length field.
func (c *cursor) length() uint64 { return c.uN(c.f.lenSize) }

func (c *cursor) bytes(n int) []byte {
	c.need(n)
	c.p += n
	return c.b[c.p-n : c.p]
}
func (c *cursor) skip(n int) { c.need(n); c.p += n }
func (c *cursor) left() int  { return len(c.b) - c.p }
func (c *cursor) sig(s string) {
	if string(c.bytes(len(s))) != s {
		fail(corrupt("%s: signature %q not found", c.what, s))
	}
}

// skipChecksums turns checksum verification off; only the fuzz and damage
// tests set it, so that damaged inputs reach the parsers behind the
// checksums.
var skipChecksums = false

// verify checks the checksum stored in the 4 bytes after b[:n] and fails
// the parse when it does not match.
func verify(b []byte, n int, what string) {
	if n < 0 || n+4 > len(b) {
		fail(corrupt("%s is cut short before its checksum", what))
	}
	if got, want := checksum(b[:n]), binary.LittleEndian.Uint32(b[n:]); got != want && !skipChecksums {
		fail(corrupt("%s checksum mismatch (stored %08x, computed %08x)", what, want, got))
	}
}
