package hdf5

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unsafe"

	"github.com/stocktake/stocktake/internal/testutil"
)

func zlibInflate(dst, src []byte) (int, error) {
	r, err := zlib.NewReader(bytes.NewReader(src))
	if err != nil {
		return 0, err
	}
	n, err := io.ReadFull(r, dst)
	if err == io.ErrUnexpectedEOF {
		err = nil
	}
	return n, err
}

var testCodec = Codec{Inflate: zlibInflate}

func realFile(t testing.TB) string {
	return filepath.Join(testutil.SharedData(t), "noaa-oisst-v2.1", "oisst-avhrr-v02r01.20240724.nc")
}

// smallCDL is a small NetCDF-4 file with the structures the reader meets
// in netCDF-C's files: dimension scales, DIMENSION_LIST references, a
// chunked deflated and shuffled variable with partial edge chunks, a
// contiguous one, numeric and text attributes and a string attribute.
const smallCDL = `netcdf small {
dimensions:
	time = UNLIMITED ;
	y = 3 ;
	x = 5 ;
variables:
	double time(time) ;
		time:units = "days since 2000-01-01" ;
	float y(y) ;
	short v(time, y, x) ;
		v:scale_factor = 0.5 ;
		v:valid_range = 0s, 100s ;
		string v:note = "a note" ;
		v:_ChunkSizes = 1, 2, 2 ;
		v:_DeflateLevel = 3 ;
		v:_Shuffle = "true" ;
	int w(y, x) ;
		w:_Endianness = "big" ;
	:title = "small" ;
data:
	time = 1, 2 ;
	y = 10, 20, 30 ;
	v = 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	    -1, -2, -3, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15 ;
	w = 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500 ;
}
`

// small writes smallCDL with ncgen and returns the file's bytes.
func small(t testing.TB) []byte {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "small.cdl")
	out := filepath.Join(dir, "small.nc")
	if err := os.WriteFile(src, []byte(smallCDL), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("ncgen", "-k", "nc4", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("ncgen (Debian package netcdf-bin): %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll opens the file in b and reads every object, attribute and
// dataset (datasets of at most limit bytes), returning a text summary of
// what it read, or the first error.
func readAll(b []byte, limit int) (string, error) {
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return "", err
	}
	var sum strings.Builder
	objs, err := f.Root()
	if err != nil {
		return "", err
	}
	ga, err := f.RootAttrs()
	if err != nil {
		return "", err
	}
	var names []string
	for n := range ga {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s, _ := ga[n].Strings()
		sum.WriteString(n + "=" + strings.Join(s, ",") + ";")
	}
	for _, o := range objs {
		as, err := o.Attrs()
		if err != nil {
			return "", err
		}
		for _, a := range as {
			a.Floats()
			a.Strings()
			a.References()
		}
		if !o.IsDataset || o.Readable() != nil {
			continue
		}
		n := uint64(o.Type.Size)
		for _, d := range o.Dims {
			n *= d
		}
		if n > uint64(limit) {
			continue
		}
		out := make([]byte, n)
		if err := o.Read(make([]uint64, len(o.Dims)), o.Dims, out, testCodec); errors.Is(err, ErrUnsupported) {
			sum.WriteString(o.Name + ": unsupported;")
			continue
		} else if err != nil {
			return "", err
		}
		sum.WriteString(o.Name + ":")
		sum.Write(out)
	}
	return sum.String(), nil
}

// TestSmallFile checks decoded values of every kind in the small file.
func TestSmallFile(t *testing.T) {
	b := small(t)
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	objs, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*Object{}
	var names []string
	for _, o := range objs {
		byName[o.Name] = o
		names = append(names, o.Name)
	}
	// Creation order, with the dimension x (no variable) where ncgen made it.
	if got := strings.Join(names, " "); got != "time y x v w" {
		t.Errorf("objects %q", got)
	}
	v := byName["v"]
	if v.Type.Class != ClassFixed || v.Type.Size != 2 || !v.Type.Signed || len(v.Dims) != 3 || v.Dims[0] != 2 || v.MaxDims[0] != Unlimited {
		t.Fatalf("v: %+v dims %v max %v", v.Type, v.Dims, v.MaxDims)
	}
	as, err := v.Attrs()
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := as["scale_factor"].Floats(); len(x) != 1 || x[0] != 0.5 {
		t.Errorf("scale_factor %v", x)
	}
	if x, _ := as["valid_range"].Floats(); len(x) != 2 || x[0] != 0 || x[1] != 100 || as["valid_range"].Type.Size != 2 {
		t.Errorf("valid_range %v", x)
	}
	if s, err := as["note"].Strings(); err != nil || len(s) != 1 || s[0] != "a note" {
		t.Errorf("note %q %v", s, err)
	}
	refs, err := as["DIMENSION_LIST"].References()
	if err != nil || len(refs) != 3 || refs[0][0] != byName["time"].Addr || refs[1][0] != byName["y"].Addr || refs[2][0] != byName["x"].Addr {
		t.Errorf("DIMENSION_LIST %v %v", refs, err)
	}
	// A slab across partial edge chunks: time 1, y 1..2, x 2..4.
	out := make([]byte, 2*2*3)
	if err := v.Read([]uint64{1, 1, 2}, []uint64{1, 2, 3}, out, testCodec); err != nil {
		t.Fatal(err)
	}
	want := []int16{-8, -9, -10, -13, -14, -15}
	for i, w := range want {
		if g := int16(binary.LittleEndian.Uint16(out[2*i:])); g != w {
			t.Errorf("v[%d] = %d, want %d", i, g, w)
		}
	}
	// Big-endian contiguous ints come back in little-endian order.
	w := byName["w"]
	out = make([]byte, 4*2)
	if err := w.Read([]uint64{2, 3}, []uint64{1, 2}, out, testCodec); err != nil {
		t.Fatal(err)
	}
	if a, b := binary.LittleEndian.Uint32(out), binary.LittleEndian.Uint32(out[4:]); a != 1400 || b != 1500 {
		t.Errorf("w[2,3:5] = %d %d, want 1400 1500", a, b)
	}
	ga, err := f.RootAttrs()
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := ga["title"].Strings(); len(s) != 1 || s[0] != "small" {
		t.Errorf("title %q", s)
	}
	// Slabs outside the extent and wrong buffers are errors.
	if err := w.Read([]uint64{2, 3}, []uint64{2, 2}, out, testCodec); err == nil {
		t.Error("a slab past the extent was read")
	}
	if err := w.Read([]uint64{0, 0}, []uint64{1, 1}, out, testCodec); err == nil {
		t.Error("a buffer of the wrong size was accepted")
	}
}

// TestRealFile checks the structures of the real OISST file: dense global
// attributes (fractal heap and version-2 B-tree), the product version, and
// the sst chunk inflated and unshuffled.
func TestRealFile(t *testing.T) {
	f, err := Open(realFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ga, err := f.RootAttrs()
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := ga["product_version"].Strings(); len(s) != 1 || s[0] != "Version v02r01" || len(ga) != 37 {
		t.Errorf("product_version %q, %d global attributes (want 37)", s, len(ga))
	}
	objs, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Name)
	}
	if got := strings.Join(names, " "); got != "time zlev lat lon sst anom err ice" {
		t.Fatalf("objects %q", got)
	}
	sst := objs[4]
	out := make([]byte, 720*1440*2)
	if err := sst.Read([]uint64{0, 0, 0, 0}, sst.Dims, out, testCodec); err != nil {
		t.Fatal(err)
	}
	// Row 360 (0.125N), column 0 (0.125E): 26.52 degC packed as 2652.
	if g := int16(binary.LittleEndian.Uint16(out[2*360*1440:])); g != 2652 {
		t.Errorf("sst at 0.125N 0.125E = %d, want 2652", g)
	}
	// Row 0 (89.875S) is Antarctica: fill values.
	if g := int16(binary.LittleEndian.Uint16(out)); g != -999 {
		t.Errorf("sst at 89.875S = %d, want -999", g)
	}
}

// TestUnshuffle compares the word-at-a-time 2-byte unshuffle with the
// byte loop for every length up to 40.
func TestUnshuffle(t *testing.T) {
	for n := 0; n <= 40; n++ {
		src := make([]byte, 2*n+1)
		for i := range src {
			src[i] = byte(i*7 + 3)
		}
		got := make([]byte, len(src))
		Unshuffle(got, src, 2)
		for i := 0; i < n; i++ {
			if got[2*i] != src[i] || got[2*i+1] != src[n+i] {
				t.Fatalf("n=%d: element %d = %d,%d", n, i, got[2*i], got[2*i+1])
			}
		}
		if got[2*n] != src[2*n] {
			t.Errorf("n=%d: trailing byte not copied", n)
		}
	}
}

// TestChecksum checks lookup3 against HDF5's: the stored checksums of the
// small file's superblock and of a header verify, and the empty input
// hashes to lookup3's initial value.
func TestChecksum(t *testing.T) {
	if c := checksum(nil); c != 0xdeadbeef {
		t.Errorf("checksum of nothing = %08x, want deadbeef", c)
	}
	b := small(t)
	if c, want := checksum(b[:44]), binary.LittleEndian.Uint32(b[44:]); c != want {
		t.Errorf("superblock checksum %08x, stored %08x", c, want)
	}
}

// TestDamage flips every bit pattern 0xff into each metadata byte of the
// small file, and cuts it at every length: the reader must never panic,
// and every error must wrap ErrCorrupt or ErrUnsupported. (A flip in raw
// data, which HDF5 does not checksum, may change values; one in a header
// must not: headers carry checksums.)
func TestDamage(t *testing.T) {
	b := small(t)
	orig, err := readAll(b, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := NewFile(bytes.NewReader(b), int64(len(b)))
	objs, _ := f.Root()
	var raw [][2]uint64 // raw data ranges (no checksum)
	for _, o := range objs {
		if o.lay.class == layContiguous {
			raw = append(raw, [2]uint64{o.lay.addr, o.lay.addr + o.lay.size})
		}
		if o.lay.class == layChunked {
			cs, _ := o.chunks()
			for _, c := range cs {
				raw = append(raw, [2]uint64{c.addr, c.addr + c.size})
			}
		}
	}
	inRaw := func(i int) bool {
		for _, r := range raw {
			if uint64(i) >= r[0] && uint64(i) < r[1] {
				return true
			}
		}
		return false
	}
	for i := range b {
		d := append([]byte(nil), b...)
		d[i] ^= 0xff
		got, err := readAll(d, 1<<20)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) || strings.Contains(err.Error(), "runtime error") {
				t.Errorf("byte %d: error %v is neither corrupt nor unsupported", i, err)
			}
			continue
		}
		if got != orig && !inRaw(i) {
			t.Errorf("byte %d (metadata) flipped: different values and no error", i)
		}
	}
	for n := 0; n < len(b); n += 7 {
		if _, err := readAll(b[:n], 1<<20); err == nil {
			t.Errorf("file cut to %d of %d bytes read without error", n, len(b))
		}
	}
}

// TestHugeDeclaredSize rewrites the real file's sst dataspace to declare
// 2^40 rows (with a valid checksum) and requires an error, not an
// allocation or a read.
func TestHugeDeclaredSize(t *testing.T) {
	b, err := os.ReadFile(realFile(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	objs, _ := f.Root()
	sst := objs[4]
	for _, m := range sst.msgs {
		if m.typ == msgDataspace {
			off := int(uintptr(unsafe.Pointer(&m.data[0])) - uintptr(unsafe.Pointer(&f.head[0])))
			binary.LittleEndian.PutUint64(b[off+4+2*8:], 1<<40) // lat
		}
	}
	// Recompute the header's checksum, as a writer of a damaged file would.
	hdr := f.at(sst.Addr, 8, "")
	size := int(binary.LittleEndian.Uint16(hdr[6:]))
	end := int(sst.Addr) + 8 + size
	binary.LittleEndian.PutUint32(b[end:], checksum(b[sst.Addr:end]))
	g, err := NewFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	objs, err = g.Root()
	if err != nil {
		t.Fatal(err)
	}
	if objs[4].Dims[2] != 1<<40 {
		t.Fatalf("patch did not take: dims %v", objs[4].Dims)
	}
	err = objs[4].Read([]uint64{0, 0, 0, 0}, []uint64{1, 1, 1, 1}, make([]byte, 2), testCodec)
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("huge dataspace: %v", err)
	}
}

// FuzzHDF5 feeds damaged files to every parser, with checksum verification
// off so that the damage reaches the parsers behind the checksums: no input
// may panic or fail with a runtime error, and every error must be a corrupt
// or unsupported one.
func FuzzHDF5(f *testing.F) {
	f.Add(small(f))
	if b, err := os.ReadFile(realFile(f)); err == nil {
		// The metadata part of the real file, its end-of-file address
		// patched to fit and the superblock checksum recomputed.
		m := append([]byte(nil), b[:48*1024]...)
		binary.LittleEndian.PutUint64(m[28:], uint64(len(m)))
		binary.LittleEndian.PutUint32(m[44:], checksum(m[:44]))
		f.Add(m)
	}
	skipChecksums = true
	defer func() { skipChecksums = false }()
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := readAll(b, 1<<16)
		if err != nil && (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) || strings.Contains(err.Error(), "runtime error")) {
			t.Errorf("error %v", err)
		}
	})
}

// TestRandomDamage is a deterministic complement to FuzzHDF5: 5000 copies
// of the small file with 1 to 8 random bytes replaced, checksums not
// verified, must each read or fail cleanly.
func TestRandomDamage(t *testing.T) {
	b := small(t)
	skipChecksums = true
	defer func() { skipChecksums = false }()
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		d := append([]byte(nil), b...)
		for k := rng.IntN(8) + 1; k > 0; k-- {
			d[rng.IntN(len(d))] = byte(rng.IntN(256))
		}
		if _, err := readAll(d, 1<<16); err != nil && (!errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrUnsupported) || strings.Contains(err.Error(), "runtime error")) {
			t.Fatalf("damage %d: %v", i, err)
		}
	}
}

// TestReadShuffled checks ReadShuffled on the real file's sst: the whole
// chunk comes back as byte planes that unshuffle to what Read returns, and
// a slab that is only part of the chunk comes back as Read's elements.
func TestReadShuffled(t *testing.T) {
	f, err := Open(realFile(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	objs, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	sst := objs[4]
	want := make([]byte, 720*1440*2)
	if err := sst.Read([]uint64{0, 0, 0, 0}, sst.Dims, want, testCodec); err != nil {
		t.Fatal(err)
	}
	planes := make([]byte, len(want))
	shuffled, err := sst.ReadShuffled([]uint64{0, 0, 0, 0}, sst.Dims, planes, testCodec)
	if err != nil || !shuffled {
		t.Fatalf("whole chunk: shuffled %v, error %v", shuffled, err)
	}
	got := make([]byte, len(want))
	Unshuffle(got, planes, 2)
	if !bytes.Equal(got, want) {
		t.Error("the planes do not unshuffle to the chunk's elements")
	}
	if bytes.Equal(planes, want) {
		t.Error("the planes equal the elements: nothing was left shuffled")
	}
	part := make([]byte, 10*1440*2)
	shuffled, err = sst.ReadShuffled([]uint64{0, 0, 360, 0}, []uint64{1, 1, 10, 1440}, part, testCodec)
	if err != nil || shuffled {
		t.Fatalf("part of the chunk: shuffled %v, error %v", shuffled, err)
	}
	if !bytes.Equal(part, want[360*1440*2:370*1440*2]) {
		t.Error("part of the chunk differs from Read's")
	}
}

// TestRawAtWindows checks the reads of metadata past the head: every range
// (inside one window, across window boundaries, longer than a window,
// ending at the end of the file, after the window cache is full) returns
// the file's bytes, and a range past the end is an error.
func TestRawAtWindows(t *testing.T) {
	data := make([]byte, headBytes+(2*maxWindows+1)*windowBytes+123)
	for i := range data {
		data[i] = byte(i*31 + i>>9)
	}
	f := &File{r: bytes.NewReader(data), size: int64(len(data)), head: data[:headBytes]}
	type rng struct{ pos, n int }
	var cases []rng
	for _, p := range []int{headBytes - 3, headBytes, headBytes + 5, headBytes + windowBytes - 2, headBytes + 3*windowBytes, len(data) - 123, len(data) - 1} {
		for _, n := range []int{1, 2, 16, windowBytes, 3*windowBytes + 7} {
			if p+n <= len(data) {
				cases = append(cases, rng{p, n})
			}
		}
	}
	for k := 0; k < 2*maxWindows; k++ {
		cases = append(cases, rng{headBytes + k*windowBytes + 17, 40})
	}
	for _, c := range cases {
		var got []byte
		err := func() (err error) {
			defer catch(&err)
			got = f.rawAt(uint64(c.pos), c.n)
			return nil
		}()
		if err != nil || !bytes.Equal(got, data[c.pos:c.pos+c.n]) {
			t.Fatalf("rawAt(%d, %d): %d bytes, error %v", c.pos, c.n, len(got), err)
		}
	}
	if len(f.windows) != maxWindows {
		t.Errorf("%d windows kept, want the limit %d", len(f.windows), maxWindows)
	}
	err := func() (err error) {
		defer catch(&err)
		f.rawAt(uint64(len(data)-2), 3)
		return nil
	}()
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("range past the end: error %v", err)
	}
}
