package hdf5

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// Codec undoes the filters of stored chunks.
type Codec struct {
	// Inflate inflates the zlib stream src into dst, which has room for the
	// whole output, and returns the number of bytes written. It is required
	// for deflated data.
	Inflate func(dst, src []byte) (int, error)
	// Unshuffle undoes the shuffle filter (see the package function
	// Unshuffle, used when this is nil).
	Unshuffle func(dst, src []byte, es int)
}

// chunkRef is one stored chunk: its offset in elements per dimension, its
// address and stored size, and its filter mask.
type chunkRef struct {
	off  []uint64
	addr uint64
	size uint64
	mask uint32
}

// Readable reports whether Read can read o; the error says why not (it
// wraps ErrUnsupported or ErrCorrupt).
func (o *Object) Readable() error {
	if !o.IsDataset {
		return unsupported("%s is not a dataset", o.Name)
	}
	if o.typeErr != nil {
		return o.typeErr
	}
	if o.lay.err != nil {
		return o.lay.err
	}
	t := o.Type
	if !t.Supported || (t.Class != ClassFixed && t.Class != ClassFloat && !(t.Class == ClassString && t.Size == 1)) {
		return unsupported("dataset %s has a datatype of class %d the reader cannot read", o.Name, t.Class)
	}
	for _, fl := range o.filters {
		if fl.id != FilterDeflate && fl.id != FilterShuffle {
			return unsupported("dataset %s uses filter %d (only deflate and shuffle)", o.Name, fl.id)
		}
	}
	if o.lay.class == layChunked && len(o.lay.chunk) != len(o.Dims) {
		return corrupt("dataset %s: chunk rank %d differs from its rank %d", o.Name, len(o.lay.chunk), len(o.Dims))
	}
	return nil
}

// bufs holds reusable buffers for reading, inflating and unshuffling
// chunks. Unlike a sync.Pool it survives garbage collections, so that
// reading file after file does not allocate (and page-fault) fresh
// megabytes each time; it keeps at most maxFree buffers.
var (
	bufMu sync.Mutex
	bufs  []*[]byte
)

const maxFree = 32

func getBuf(n int) *[]byte {
	bufMu.Lock()
	var p *[]byte
	if k := len(bufs); k > 0 {
		p, bufs = bufs[k-1], bufs[:k-1]
	}
	bufMu.Unlock()
	if p == nil {
		p = new([]byte)
	}
	if cap(*p) < n {
		FreeLarge(*p)
		// Large buffers get an eighth more room: the compressed chunks of
		// a series differ in size by a few bytes from file to file, and an
		// exact fit would be replaced (and its fresh pages faulted in,
		// which is costly on virtual machines) each time a file's chunk is
		// the largest so far; 16 times in the 100 benchmark files. Buffers
		// of largeBuf bytes and more come from huge pages (AllocLarge).
		c := n
		if n >= 64<<10 {
			c = (n + n/8 + 4095) &^ 4095
		}
		if c >= largeBuf {
			*p = AllocLarge(c)[:n]
		} else {
			*p = make([]byte, n, c)
		}
	}
	*p = (*p)[:n]
	return p
}

// largeBuf is the size from which pooled buffers come from AllocLarge.
const largeBuf = 512 << 10

func putBuf(p *[]byte) {
	bufMu.Lock()
	if len(bufs) < maxFree {
		bufs = append(bufs, p)
		p = nil
	}
	bufMu.Unlock()
	if p != nil {
		FreeLarge(*p)
	}
}

// Read reads the hyperslab start+count of dataset o into out, which must
// hold exactly prod(count) elements, in little-endian byte order (the
// order of every platform Go supports for this package's callers: amd64 and
// arm64). Unallocated storage (fill values) is reported as unsupported.
// codec undoes the chunks' filters.
func (o *Object) Read(start, count []uint64, out []byte, codec Codec) (err error) {
	defer catch(&err)
	_, err = o.read(start, count, out, codec, false)
	return err
}

// ReadShuffled is Read, except that when the slab is exactly one stored
// chunk, the data are little-endian and the chunk's last decoding step is
// the shuffle filter, that step is skipped: out then receives the chunk's
// byte planes as the shuffle filter stored them (plane b, bytes
// b*n..(b+1)*n-1 for n elements, holds byte b of every element, byte 0
// being the least significant) and shuffled is true. This saves the
// unshuffle pass over the chunk for a caller that can consume the planes.
// In every other case out holds what Read writes and shuffled is false.
func (o *Object) ReadShuffled(start, count []uint64, out []byte, codec Codec) (shuffled bool, err error) {
	defer catch(&err)
	return o.read(start, count, out, codec, true)
}

// read is Read, and ReadShuffled when keep is set.
func (o *Object) read(start, count []uint64, out []byte, codec Codec, keep bool) (shuffled bool, err error) {
	if err := o.Readable(); err != nil {
		return false, err
	}
	f := o.f
	rank := len(o.Dims)
	es := o.Type.Size
	if len(start) != rank || len(count) != rank {
		return false, fmt.Errorf("dataset %s has rank %d, not %d", o.Name, rank, len(start))
	}
	n := uint64(1)
	for d := 0; d < rank; d++ {
		if start[d] > o.Dims[d] || count[d] > o.Dims[d]-start[d] {
			return false, fmt.Errorf("dataset %s: slab outside its extent", o.Name)
		}
		n *= count[d]
	}
	if n*uint64(es) != uint64(len(out)) {
		return false, fmt.Errorf("dataset %s: output buffer of %d bytes for %d elements of %d bytes", o.Name, len(out), n, es)
	}
	if n == 0 {
		return false, nil
	}
	total := uint64(es)
	for _, d := range o.Dims {
		total *= d
		if total > 1<<40 {
			return false, corrupt("dataset %s declares %v elements", o.Name, o.Dims)
		}
	}
	swap := o.Type.BigEndian && es > 1
	switch o.lay.class {
	case layCompact, layContiguous:
		var src []byte
		if o.lay.class == layCompact {
			if uint64(len(o.lay.compact)) < total {
				return false, corrupt("dataset %s: compact data of %d bytes, %d needed", o.Name, len(o.lay.compact), total)
			}
			src = o.lay.compact
		} else {
			if o.lay.addr == undef {
				return false, unsupported("dataset %s has no storage allocated (fill values)", o.Name)
			}
			if o.lay.size < total {
				return false, corrupt("dataset %s: contiguous storage of %d bytes, %d needed", o.Name, o.lay.size, total)
			}
			if o.lay.addr > f.eof || total > f.eof-o.lay.addr {
				return false, corrupt("dataset %s: data at address %d (+%d bytes) lie past the end of the file", o.Name, o.lay.addr, total)
			}
		}
		copySlab(o.Dims, make([]uint64, rank), o.Dims, start, count, es, out, func(pos, length uint64, dst []byte) {
			if src != nil {
				copy(dst, src[pos:pos+length])
				return
			}
			if m, err := f.r.ReadAt(dst, int64(f.base+o.lay.addr+pos)); uint64(m) < length {
				fail(fmt.Errorf("dataset %s: reading data: %v", o.Name, err))
			}
		})
		if swap {
			byteswap(out, es)
		}
		return false, nil
	}
	chunks, err := o.chunks()
	if err != nil {
		return false, err
	}
	chunkN := uint64(1)
	for _, c := range o.lay.chunk {
		chunkN *= c
	}
	chunkBytes := int(chunkN) * es
	if chunkN*uint64(es) > 1<<31 {
		return false, corrupt("dataset %s: chunks of %d elements", o.Name, chunkN)
	}
	// Visit every chunk that intersects the slab.
	first := make([]uint64, rank)
	last := make([]uint64, rank)
	idx := make([]uint64, rank)
	for d := 0; d < rank; d++ {
		first[d] = start[d] / o.lay.chunk[d]
		last[d] = (start[d] + count[d] - 1) / o.lay.chunk[d]
		idx[d] = first[d]
	}
	// The two scratch buffers are taken only when a chunk needs them (a
	// whole chunk read without its unshuffle goes straight into out).
	var sc scratch
	defer sc.release()
	off := make([]uint64, rank)
	for {
		for d := range off {
			off[d] = idx[d] * o.lay.chunk[d]
		}
		ref, ok := chunks[chunkKey(off)]
		if !ok {
			return false, unsupported("dataset %s: chunk at %v is not allocated (fill values)", o.Name, off)
		}
		whole := !swap
		for d := range off {
			whole = whole && off[d] == start[d] && o.lay.chunk[d] == count[d]
		}
		// The planes are kept only when this chunk is the whole slab
		// (then the loop ends after it).
		plain, shuf := o.decodeChunk(ref, &sc, chunkBytes, codec, whole, whole && keep && !o.Type.BigEndian, out)
		shuffled = shuf
		if plain != nil {
			if swap {
				byteswap(plain, es)
			}
			copySlab(o.lay.chunk, off, o.Dims, start, count, es, out, func(pos, length uint64, dst []byte) {
				copy(dst, plain[pos:pos+length])
			})
		}
		d := rank - 1
		for ; d >= 0; d-- {
			if idx[d]++; idx[d] <= last[d] {
				break
			}
			idx[d] = first[d]
		}
		if d < 0 {
			return shuffled, nil
		}
	}
}

// scratch holds the two chunk-sized buffers of one read, taken from the
// pool on first use.
type scratch struct{ a, b *[]byte }

func (s *scratch) get(which int, n int) []byte {
	p := &s.a
	if which == 1 {
		p = &s.b
	}
	if *p == nil {
		*p = getBuf(n)
	}
	return **p
}

func (s *scratch) release() {
	if s.a != nil {
		putBuf(s.a)
	}
	if s.b != nil {
		putBuf(s.b)
	}
}

// decodeChunk reads the chunk ref and undoes its filters. When whole is
// set the chunk is exactly the output and the last step writes into out
// (decodeChunk then returns nil); otherwise it returns the chunk's
// elements in file byte order, in one of sc's buffers. When keep is set
// (only with whole) and the last decoding step would be the shuffle
// filter, that step is skipped, out receives the byte planes and shuffled
// is true.
func (o *Object) decodeChunk(ref chunkRef, sc *scratch, chunkBytes int, codec Codec, whole, keep bool, out []byte) (plain []byte, shuffled bool) {
	f := o.f
	if ref.size > uint64(chunkBytes)+(uint64(chunkBytes)>>3)+(1<<20) || ref.addr == undef || ref.addr > f.eof || ref.size > f.eof-ref.addr {
		fail(corrupt("dataset %s: chunk at address %d of %d bytes is impossible or past the end of the file", o.Name, ref.addr, ref.size))
	}
	raw := getBuf(int(ref.size))
	defer putBuf(raw)
	if m, err := f.r.ReadAt(*raw, int64(f.base+ref.addr)); m < len(*raw) {
		fail(fmt.Errorf("dataset %s: reading a chunk: %v", o.Name, err))
	}
	cur := *raw
	lastF := -1 // the filter applied last when decoding: the first active one
	for i := range o.filters {
		if ref.mask&(1<<i) == 0 {
			lastF = i
			break
		}
	}
	skip := -1 // a shuffle filter left undone
	if keep && lastF >= 0 && o.filters[lastF].id == FilterShuffle {
		skip, shuffled = lastF, true
		lastF = -1
		for i := skip + 1; i < len(o.filters); i++ {
			if ref.mask&(1<<i) == 0 {
				lastF = i
				break
			}
		}
	}
	for i := len(o.filters) - 1; i >= 0; i-- {
		if ref.mask&(1<<i) != 0 || i == skip {
			continue
		}
		var dst []byte
		switch {
		case whole && i == lastF:
			dst = out
		case len(cur) > 0 && sc.a != nil && len(*sc.a) > 0 && &cur[0] == &(*sc.a)[0]:
			dst = sc.get(1, chunkBytes)
		default:
			dst = sc.get(0, chunkBytes)
		}
		switch o.filters[i].id {
		case FilterDeflate:
			if codec.Inflate == nil {
				fail(unsupported("no inflater given"))
			}
			n, err := codec.Inflate(dst[:chunkBytes], cur)
			if err != nil {
				fail(corrupt("dataset %s: a compressed chunk is corrupt (inflate failed: %v)", o.Name, err))
			}
			cur = dst[:n]
		case FilterShuffle:
			if len(cur) != chunkBytes {
				fail(corrupt("dataset %s: chunk of %d bytes, %d expected", o.Name, len(cur), chunkBytes))
			}
			if codec.Unshuffle != nil {
				codec.Unshuffle(dst[:chunkBytes], cur, o.Type.Size)
			} else {
				Unshuffle(dst[:chunkBytes], cur, o.Type.Size)
			}
			cur = dst[:chunkBytes]
		}
	}
	if len(cur) != chunkBytes {
		fail(corrupt("dataset %s: chunk of %d bytes, %d expected", o.Name, len(cur), chunkBytes))
	}
	if whole {
		if len(out) > 0 && &cur[0] != &out[0] {
			copy(out, cur)
		}
		return nil, shuffled
	}
	if &cur[0] == &(*raw)[0] {
		a := sc.get(0, chunkBytes)
		copy(a, cur) // raw goes back to the pool
		cur = a[:chunkBytes]
	}
	return cur, false
}

// copySlab copies the part of a block (extent blk at element offset boff,
// row-major) that lies inside the dataset extent dims and the slab
// start+count into out (row-major over count), one run along the last
// dimension at a time; get fills dst with length bytes at byte pos of the
// block.
func copySlab(blk, boff, dims, start, count []uint64, es int, out []byte, get func(pos, length uint64, dst []byte)) {
	rank := len(blk)
	if rank == 0 {
		get(0, uint64(es), out[:es])
		return
	}
	lo := make([]uint64, rank)
	hi := make([]uint64, rank)
	for d := 0; d < rank; d++ {
		lo[d] = max(boff[d], start[d])
		hi[d] = min(boff[d]+blk[d], start[d]+count[d], dims[d])
		if lo[d] >= hi[d] {
			return
		}
	}
	p := append([]uint64(nil), lo...)
	run := (hi[rank-1] - lo[rank-1]) * uint64(es)
	for {
		var bi, oi uint64
		bs, os := uint64(1), uint64(1)
		for d := rank - 1; d >= 0; d-- {
			bi += (p[d] - boff[d]) * bs
			bs *= blk[d]
			oi += (p[d] - start[d]) * os
			os *= count[d]
		}
		o := oi * uint64(es)
		get(bi*uint64(es), run, out[o:o+run])
		d := rank - 2
		for ; d >= 0; d-- {
			if p[d]++; p[d] < hi[d] {
				break
			}
			p[d] = lo[d]
		}
		if d < 0 {
			return
		}
	}
}

// chunkKey is a map key for a chunk offset.
func chunkKey(off []uint64) string {
	b := make([]byte, 8*len(off))
	for i, x := range off {
		binary.LittleEndian.PutUint64(b[8*i:], x)
	}
	return string(b)
}

// chunks returns the stored chunks of o by offset.
func (o *Object) chunks() (map[string]chunkRef, error) {
	out := map[string]chunkRef{}
	rank := len(o.Dims)
	add := func(r chunkRef) {
		for d := 0; d < rank; d++ {
			if r.off[d]%o.lay.chunk[d] != 0 || r.off[d] >= o.Dims[d] {
				fail(corrupt("dataset %s: chunk offset %v is not on the chunk grid inside the extent %v", o.Name, r.off, o.Dims))
			}
		}
		if len(out) >= maxObjects*16 {
			fail(corrupt("dataset %s has too many chunks", o.Name))
		}
		k := chunkKey(r.off)
		if _, dup := out[k]; dup {
			fail(corrupt("dataset %s: chunk offset %v is stored twice", o.Name, r.off))
		}
		out[k] = r
	}
	switch o.lay.index {
	case 1: // single chunk
		size := o.lay.size
		if len(o.filters) == 0 {
			size = uint64(o.Type.Size)
			for _, c := range o.lay.chunk {
				size *= c
			}
		}
		if o.lay.addr != undef {
			add(chunkRef{off: make([]uint64, rank), addr: o.lay.addr, size: size, mask: o.lay.mask})
		}
		return out, nil
	case 2:
		return nil, unsupported("implicit chunk index")
	}
	if o.lay.addr == undef {
		return out, nil
	}
	seen := map[uint64]bool{}
	var walk func(addr uint64, level int)
	walk = func(addr uint64, level int) {
		if seen[addr] || len(seen) > maxObjects {
			fail(corrupt("dataset %s: chunk B-tree has a loop", o.Name))
		}
		seen[addr] = true
		hd := o.f.at(addr, 8+2*o.f.offSize, "chunk B-tree node")
		c := &cursor{f: o.f, b: hd, what: "chunk B-tree node"}
		c.sig("TREE")
		if t := c.u8(); t != 1 {
			fail(corrupt("dataset %s: B-tree node of type %d where 1 (chunks) was expected", o.Name, t))
		}
		lvl := int(c.u8())
		if level >= 0 && lvl != level {
			fail(corrupt("dataset %s: chunk B-tree node at level %d, %d expected", o.Name, lvl, level))
		}
		entries := int(c.u16())
		keySize := 8 + 8*(rank+1)
		n := 8 + 2*o.f.offSize + entries*(keySize+o.f.offSize) + keySize
		c = &cursor{f: o.f, b: o.f.at(addr, n, "chunk B-tree node"), p: 8 + 2*o.f.offSize, what: "chunk B-tree node"}
		for i := 0; i < entries; i++ {
			size := uint64(c.u32())
			mask := c.u32()
			off := make([]uint64, rank)
			for d := 0; d < rank; d++ {
				off[d] = c.uN(8)
			}
			c.uN(8)
			child := c.addr()
			if lvl > 0 {
				walk(child, lvl-1)
				continue
			}
			add(chunkRef{off: off, addr: child, size: size, mask: mask})
		}
	}
	walk(o.lay.addr, -1)
	return out, nil
}

// byteswap reverses the bytes of each es-byte element of b.
func byteswap(b []byte, es int) {
	for i := 0; i+es <= len(b); i += es {
		for x, y := i, i+es-1; x < y; x, y = x+1, y-1 {
			b[x], b[y] = b[y], b[x]
		}
	}
}

// Unshuffle undoes HDF5's shuffle filter: src holds byte plane 0 of every
// element, then plane 1, and so on; dst receives the elements of es bytes.
// Trailing bytes that do not make a whole element are copied as they are,
// as HDF5 leaves them.
func Unshuffle(dst, src []byte, es int) {
	n := len(src) / es
	if es == 1 || n == 0 {
		copy(dst, src)
		return
	}
	if es == 2 {
		lo, hi := src[:n], src[n:2*n]
		i := 0
		for ; i+8 <= n; i += 8 {
			l := binary.LittleEndian.Uint64(lo[i:])
			h := binary.LittleEndian.Uint64(hi[i:])
			binary.LittleEndian.PutUint64(dst[2*i:], spread(uint32(l))|spread(uint32(h))<<8)
			binary.LittleEndian.PutUint64(dst[2*i+8:], spread(uint32(l>>32))|spread(uint32(h>>32))<<8)
		}
		for ; i < n; i++ {
			dst[2*i], dst[2*i+1] = lo[i], hi[i]
		}
	} else {
		for b := 0; b < es; b++ {
			plane := src[b*n : (b+1)*n]
			for i, x := range plane {
				dst[i*es+b] = x
			}
		}
	}
	copy(dst[n*es:], src[n*es:])
}

// spread moves byte i of x to byte 2i of the result.
func spread(x uint32) uint64 {
	v := uint64(x)
	v = (v | v<<16) & 0x0000FFFF0000FFFF
	v = (v | v<<8) & 0x00FF00FF00FF00FF
	return v
}
