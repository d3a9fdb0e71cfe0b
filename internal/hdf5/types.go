package hdf5

import (
	"encoding/binary"
	"math"
	"strings"
)

// Datatype classes.
const (
	ClassFixed     = 0
	ClassFloat     = 1
	ClassString    = 3
	ClassReference = 7
	ClassVlen      = 9
)

// Datatype is a decoded datatype message. Supported is false for classes
// and encodings the reader cannot decode (compound, enum, opaque, array,
// bitfield, time, non-IEEE floats, region references).
type Datatype struct {
	Class      int
	Size       int  // bytes per element
	Signed     bool // fixed-point
	BigEndian  bool // fixed- and floating-point
	VlenString bool // variable-length string (Class == ClassVlen)
	Base       *Datatype
	Supported  bool
}

// datatype decodes a datatype message at c.
func (f *File) datatype(c *cursor) Datatype {
	cv := c.u8()
	class, ver := int(cv&0x0f), cv>>4
	bits := c.bytes(3)
	size := c.u32()
	if size == 0 || size > 1<<20 {
		fail(corrupt("datatype of %d bytes", size))
	}
	t := Datatype{Class: class, Size: int(size)}
	if ver < 1 || ver > 4 {
		return t
	}
	switch class {
	case ClassFixed:
		off, prec := c.u16(), c.u16()
		t.BigEndian = bits[0]&1 != 0
		t.Signed = bits[0]&8 != 0
		t.Supported = off == 0 && int(prec) == 8*t.Size && (t.Size == 1 || t.Size == 2 || t.Size == 4 || t.Size == 8)
	case ClassFloat:
		off, prec := c.u16(), c.u16()
		c.skip(8)
		t.BigEndian = bits[0]&1 != 0
		t.Supported = bits[0]&0x40 == 0 && off == 0 && int(prec) == 8*t.Size && (t.Size == 4 || t.Size == 8)
	case ClassString:
		t.Supported = true
	case ClassReference:
		t.Supported = bits[0]&0x0f == 0 && t.Size == f.offSize
	case ClassVlen:
		base := f.datatype(c)
		t.Base = &base
		t.VlenString = bits[0]&0x0f == 1
		t.Supported = base.Supported && t.Size == 4+f.offSize+4
	}
	return t
}

// dataspace decodes a dataspace message: current and maximum extents; nil
// dims for a scalar, null for a dataspace without elements.
func (f *File) dataspace(b []byte) (dims, maxDims []uint64, null bool) {
	c := &cursor{f: f, b: b, what: "dataspace message"}
	ver := c.u8()
	rank := int(c.u8())
	fl := c.u8()
	switch ver {
	case 1:
		c.skip(5)
	case 2:
		switch c.u8() {
		case 0:
			return nil, nil, false
		case 2:
			return nil, nil, true
		}
	default:
		fail(unsupported("dataspace message version %d", ver))
	}
	if rank > 32 {
		fail(corrupt("dataspace of rank %d", rank))
	}
	for i := 0; i < rank; i++ {
		dims = append(dims, c.length())
	}
	if fl&1 != 0 {
		for i := 0; i < rank; i++ {
			m := c.length()
			if f.lenSize < 8 && m == 1<<(8*f.lenSize)-1 {
				m = Unlimited
			}
			maxDims = append(maxDims, m)
		}
	} else {
		maxDims = append([]uint64(nil), dims...)
	}
	return dims, maxDims, false
}

// Layout classes.
const (
	layCompact    = 0
	layContiguous = 1
	layChunked    = 2
)

// layout is a decoded data layout message.
type layout struct {
	class   int
	addr    uint64 // contiguous data, chunk index (B-tree) or single chunk
	size    uint64 // contiguous: bytes; single filtered chunk: stored bytes
	compact []byte
	chunk   []uint64 // chunk extent per dimension (element size dropped)
	index   int      // chunked: 0 = version-1 B-tree, 1 = single chunk, 2 = implicit
	mask    uint32   // single filtered chunk: filter mask
	err     error    // why the layout cannot be read
}

func (f *File) parseLayout(b []byte) layout {
	c := &cursor{f: f, b: b, what: "data layout message"}
	var l layout
	ver := c.u8()
	if ver != 3 && ver != 4 {
		l.err = unsupported("data layout message version %d", ver)
		return l
	}
	l.class = int(c.u8())
	switch l.class {
	case layCompact:
		n := int(c.u16())
		l.compact = c.bytes(n)
	case layContiguous:
		l.addr = c.addr()
		l.size = c.length()
	case layChunked:
		var rank int
		var flags uint8
		encLen := 4
		if ver == 4 {
			flags = c.u8()
			rank = int(c.u8())
			encLen = int(c.u8())
			if encLen < 1 || encLen > 8 {
				fail(corrupt("chunk dimension size of %d bytes", encLen))
			}
		} else {
			rank = int(c.u8())
			l.addr = c.addr()
		}
		if rank < 1 || rank > 33 {
			fail(corrupt("chunk rank %d", rank-1))
		}
		for i := 0; i < rank; i++ {
			d := c.uN(encLen)
			if d == 0 {
				fail(corrupt("chunk dimension of size 0"))
			}
			l.chunk = append(l.chunk, d)
		}
		l.chunk = l.chunk[:rank-1]
		if ver == 4 {
			l.index = int(c.u8())
			switch l.index {
			case 1:
				if flags&2 != 0 {
					l.size = c.length()
					l.mask = c.u32()
				}
			case 2:
			default:
				l.err = unsupported("chunk index type %d", l.index)
				return l
			}
			l.addr = c.addr()
		}
	default:
		l.err = unsupported("data layout class %d", l.class)
	}
	return l
}

// Filter identifiers the reader implements.
const (
	FilterDeflate = 1
	FilterShuffle = 2
)

// filter is one entry of a filter pipeline.
type filter struct {
	id       uint16
	optional bool
}

func (f *File) parseFilters(b []byte) []filter {
	c := &cursor{f: f, b: b, what: "filter pipeline message"}
	ver := c.u8()
	n := int(c.u8())
	if ver == 1 {
		c.skip(6)
	} else if ver != 2 {
		fail(unsupported("filter pipeline message version %d", ver))
	}
	if n > 32 {
		fail(corrupt("filter pipeline of %d filters", n))
	}
	var fs []filter
	for i := 0; i < n; i++ {
		id := c.u16()
		nameLen := 0
		if ver == 1 || id >= 256 {
			nameLen = int(c.u16())
		}
		fl := c.u16()
		nv := int(c.u16())
		if ver == 1 {
			c.skip((nameLen + 7) &^ 7)
		} else {
			c.skip(nameLen)
		}
		c.skip(4 * nv)
		if ver == 1 && nv%2 == 1 {
			c.skip(4)
		}
		fs = append(fs, filter{id: id, optional: fl&1 != 0})
	}
	return fs
}

// Attr is a decoded attribute: its datatype, its element count and its
// raw data in the file's byte order.
type Attr struct {
	f     *File
	Name  string
	Type  Datatype
	Count int // elements; 0 for a null dataspace
	data  []byte
}

// attribute decodes an attribute message.
func (f *File) attribute(b []byte) *Attr {
	c := &cursor{f: f, b: b, what: "attribute message"}
	ver := c.u8()
	fl := c.u8()
	nameLen, typeLen, spaceLen := int(c.u16()), int(c.u16()), int(c.u16())
	pad := func(n int) int { return n }
	switch ver {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
	case 3:
		c.u8()
	default:
		fail(unsupported("attribute message version %d", ver))
	}
	if fl&3 != 0 {
		fail(unsupported("attribute with a shared datatype or dataspace"))
	}
	a := &Attr{f: f, Name: cstring(c.bytes(pad(nameLen)))}
	tb := c.bytes(pad(typeLen))
	a.Type = f.datatype(&cursor{f: f, b: tb, what: "attribute " + a.Name + " datatype"})
	dims, _, null := f.dataspace(c.bytes(pad(spaceLen)))
	if !null {
		a.Count = 1
		for _, d := range dims {
			if d > maxMeta || a.Count*int(d) > maxMeta {
				fail(corrupt("attribute %s has %d elements", a.Name, d))
			}
			a.Count *= int(d)
		}
	}
	if a.Count*a.Type.Size > maxMeta {
		fail(corrupt("attribute %s of %d bytes", a.Name, a.Count*a.Type.Size))
	}
	a.data = c.bytes(a.Count * a.Type.Size)
	return a
}

// Floats returns the values of a numeric (fixed- or floating-point)
// attribute as float64.
func (a *Attr) Floats() (out []float64, err error) {
	defer catch(&err)
	t := a.Type
	if !t.Supported || (t.Class != ClassFixed && t.Class != ClassFloat) {
		return nil, unsupported("attribute %s is not a number (class %d)", a.Name, t.Class)
	}
	for i := 0; i < a.Count; i++ {
		out = append(out, number(a.data[i*t.Size:(i+1)*t.Size], t))
	}
	return out, nil
}

// number decodes one fixed- or floating-point element.
func number(b []byte, t Datatype) float64 {
	var o binary.ByteOrder = binary.LittleEndian
	if t.BigEndian {
		o = binary.BigEndian
	}
	if t.Class == ClassFloat {
		if t.Size == 4 {
			return float64(math.Float32frombits(o.Uint32(b)))
		}
		return math.Float64frombits(o.Uint64(b))
	}
	var u uint64
	switch t.Size {
	case 1:
		u = uint64(b[0])
	case 2:
		u = uint64(o.Uint16(b))
	case 4:
		u = uint64(o.Uint32(b))
	case 8:
		u = o.Uint64(b)
	}
	if t.Signed {
		sh := 64 - 8*t.Size
		return float64(int64(u<<sh) >> sh)
	}
	return float64(u)
}

// Strings returns the values of a string attribute: fixed-length strings
// up to their first NUL, variable-length strings from the global heap.
func (a *Attr) Strings() (out []string, err error) {
	defer catch(&err)
	t := a.Type
	switch {
	case t.Class == ClassString:
		for i := 0; i < a.Count; i++ {
			out = append(out, cstring(a.data[i*t.Size:(i+1)*t.Size]))
		}
	case t.Class == ClassVlen && t.Supported && t.VlenString:
		for i := 0; i < a.Count; i++ {
			b := a.f.vlen(a.data[i*t.Size:(i+1)*t.Size], 1)
			out = append(out, strings.TrimRight(string(b), "\x00"))
		}
	default:
		return nil, unsupported("attribute %s is not a string (class %d)", a.Name, t.Class)
	}
	return out, nil
}

// References returns the values of an attribute whose elements are
// variable-length sequences of object references (such as the
// DIMENSION_LIST of dimension scales): per element, the object header
// addresses.
func (a *Attr) References() (out [][]uint64, err error) {
	defer catch(&err)
	t := a.Type
	if t.Class != ClassVlen || !t.Supported || t.VlenString || t.Base.Class != ClassReference {
		return nil, unsupported("attribute %s is not a list of object references", a.Name)
	}
	for i := 0; i < a.Count; i++ {
		b := a.f.vlen(a.data[i*t.Size:(i+1)*t.Size], t.Base.Size)
		c := &cursor{f: a.f, b: b, what: "object reference"}
		var refs []uint64
		for c.left() > 0 {
			refs = append(refs, c.addr())
		}
		out = append(out, refs)
	}
	return out, nil
}
