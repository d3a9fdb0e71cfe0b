package hdf5

import "math/bits"

// vlen returns the bytes of one variable-length element (length, global
// heap collection address, object index) whose base elements are elsize
// bytes each.
func (f *File) vlen(b []byte, elsize int) []byte {
	c := &cursor{f: f, b: b, what: "variable-length element"}
	n := uint64(c.u32())
	coll := c.addr()
	idx := c.u32()
	if n == 0 {
		return nil
	}
	obj := f.globalObject(coll, idx)
	if n*uint64(elsize) > uint64(len(obj)) {
		fail(corrupt("variable-length element of %d items exceeds its %d-byte heap object", n, len(obj)))
	}
	return obj[:n*uint64(elsize)]
}

// globalObject returns object idx of the global heap collection at addr.
func (f *File) globalObject(addr uint64, idx uint32) []byte {
	coll, ok := f.gheaps[addr]
	if !ok {
		hd := f.at(addr, 8+f.lenSize, "global heap")
		c := &cursor{f: f, b: hd, what: "global heap"}
		c.sig("GCOL")
		if v := c.u8(); v != 1 {
			fail(corrupt("global heap version %d", v))
		}
		c.skip(3)
		size := c.length()
		if size < uint64(8+f.lenSize) || size > maxMeta {
			fail(corrupt("global heap collection of %d bytes", size))
		}
		coll = f.at(addr, int(size), "global heap")
		f.gheaps[addr] = coll
	}
	c := &cursor{f: f, b: coll, p: 8 + f.lenSize, what: "global heap"}
	for c.left() >= 8+f.lenSize {
		i := c.u16()
		c.skip(6)
		size := c.length()
		if i == 0 {
			break // free space: the end of the objects
		}
		if size > uint64(c.left()) {
			fail(corrupt("global heap object of %d bytes overruns its collection", size))
		}
		data := c.bytes(int(size))
		c.skip(min(c.left(), int((size+7)&^7-size)))
		if uint32(i) == idx {
			return data
		}
	}
	fail(corrupt("global heap object %d not found at address %d", idx, addr))
	return nil
}

// fheap is a fractal heap header.
type fheap struct {
	addr      uint64
	idLen     int
	checked   bool // direct blocks carry checksums
	width     int
	start     uint64 // starting block size
	maxDirect uint64
	offBytes  int // bytes of a heap offset
	lenBytes  int // bytes of an object length in a managed heap ID
	root      uint64
	rows      int
}

// limitEncSize is the number of bytes HDF5 uses to encode values up to l.
func limitEncSize(l uint64) int { return (bits.Len64(l)-1)/8 + 1 }

func (f *File) fractalHeap(addr uint64) *fheap {
	hdrLen := 4 + 1 + 2 + 2 + 1 + 4 + 12*f.lenSize + 3*f.offSize + 2 + 2 + 2 + 2 + 4
	b := f.at(addr, hdrLen, "fractal heap header")
	c := &cursor{f: f, b: b, what: "fractal heap header"}
	c.sig("FRHP")
	if v := c.u8(); v != 0 {
		fail(corrupt("fractal heap version %d", v))
	}
	h := &fheap{addr: addr}
	h.idLen = int(c.u16())
	filterLen := c.u16()
	flags := c.u8()
	h.checked = flags&2 != 0
	maxMan := c.u32()
	c.length()
	c.addr()
	c.length()
	c.addr()
	c.skip(8 * f.lenSize)
	h.width = int(c.u16())
	h.start = c.length()
	h.maxDirect = c.length()
	maxBits := int(c.u16())
	c.u16()
	h.root = c.addr()
	h.rows = int(c.u16())
	if filterLen != 0 {
		fail(unsupported("fractal heap with I/O filters"))
	}
	verify(b, c.p, "fractal heap header")
	if h.width == 0 || h.width > 1024 || h.start == 0 || h.start&(h.start-1) != 0 || h.maxDirect < h.start ||
		h.maxDirect&(h.maxDirect-1) != 0 || h.maxDirect > maxMeta || maxBits == 0 || maxBits > 64 || h.rows > 64 {
		fail(corrupt("fractal heap at address %d has impossible parameters", addr))
	}
	h.offBytes = (maxBits + 7) / 8
	h.lenBytes = min(limitEncSize(h.maxDirect), limitEncSize(uint64(maxMan)))
	return h
}

// object returns the heap object with heap ID id.
func (f *File) heapObject(h *fheap, id []byte) []byte {
	c := &cursor{f: f, b: id, what: "fractal heap ID"}
	kind := (c.u8() >> 4) & 3
	switch kind {
	case 0:
	case 2:
		n := int(id[0]&0x0f) + 1
		return c.bytes(n)
	default:
		fail(unsupported("huge fractal heap objects"))
	}
	off := c.uN(h.offBytes)
	n := c.uN(h.lenBytes)
	if n == 0 || n > h.maxDirect {
		fail(corrupt("fractal heap object of %d bytes", n))
	}
	if h.rows == 0 {
		blk := f.directBlock(h, h.root, h.start, 0)
		if off+n > uint64(len(blk)) {
			fail(corrupt("fractal heap object at offset %d overruns its block", off))
		}
		return blk[off : off+n]
	}
	// The root is an indirect block: find the direct block holding off.
	nDirectRows := bits.Len64(h.maxDirect) - bits.Len64(h.start) + 2
	hdr := 5 + f.offSize + h.offBytes
	ib := f.at(h.root, hdr+h.rows*h.width*f.offSize+4, "fractal heap indirect block")
	ic := &cursor{f: f, b: ib, what: "fractal heap indirect block"}
	ic.sig("FHIB")
	verify(ib, len(ib)-4, "fractal heap indirect block")
	ic.p = hdr
	var blockOff uint64
	for r := 0; r < h.rows; r++ {
		size := h.start
		if r > 1 {
			size = h.start << (r - 1)
		}
		for col := 0; col < h.width; col++ {
			a := ic.addr()
			if off >= blockOff && off < blockOff+size {
				if r >= nDirectRows {
					fail(unsupported("fractal heap with nested indirect blocks"))
				}
				blk := f.directBlock(h, a, size, blockOff)
				rel := off - blockOff
				if rel+n > uint64(len(blk)) {
					fail(corrupt("fractal heap object at offset %d overruns its block", off))
				}
				return blk[rel : rel+n]
			}
			blockOff += size
		}
	}
	fail(corrupt("fractal heap offset %d lies outside the heap", off))
	return nil
}

// directBlock reads and checks the direct block of size bytes at addr.
func (f *File) directBlock(h *fheap, addr, size, blockOff uint64) []byte {
	if b, ok := f.dblocks[addr]; ok && uint64(len(b)) == size {
		return b // already read and checked
	}
	b := f.at(addr, int(size), "fractal heap direct block")
	c := &cursor{f: f, b: b, what: "fractal heap direct block"}
	c.sig("FHDB")
	c.u8()
	if c.addr() != h.addr {
		fail(corrupt("fractal heap direct block at address %d belongs to another heap", addr))
	}
	if c.uN(h.offBytes) != blockOff {
		fail(corrupt("fractal heap direct block at address %d has the wrong offset", addr))
	}
	if h.checked {
		at := c.p
		stored := c.u32()
		tmp := append([]byte(nil), b...)
		tmp[at], tmp[at+1], tmp[at+2], tmp[at+3] = 0, 0, 0, 0
		if got := checksum(tmp); got != stored && !skipChecksums {
			fail(corrupt("fractal heap direct block at address %d: checksum mismatch (stored %08x, computed %08x)", addr, stored, got))
		}
	}
	f.dblocks[addr] = b
	return b
}

// denseRecords returns the objects (link or attribute messages) of a dense
// storage: the fractal heap at heapAddr indexed by the version-2 B-tree at
// btreeAddr, whose records are of type recType (5: link names, 8: attribute
// names).
func (f *File) denseRecords(heapAddr, btreeAddr uint64, recType int) (out [][]byte, err error) {
	defer catch(&err)
	h := f.fractalHeap(heapAddr)
	hdrLen := 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + f.offSize + 2 + f.lenSize + 4
	b := f.at(btreeAddr, hdrLen, "B-tree header")
	c := &cursor{f: f, b: b, what: "B-tree header"}
	c.sig("BTHD")
	c.u8()
	if t := int(c.u8()); t != recType {
		return nil, corrupt("B-tree of record type %d where %d was expected", t, recType)
	}
	nodeSize := int(c.u32())
	recSize := int(c.u16())
	depth := int(c.u16())
	c.skip(2)
	root := c.addr()
	nroot := int(c.u16())
	total := c.length()
	verify(b, c.p, "B-tree header")
	if nodeSize < 16 || nodeSize > maxMeta || recSize < 1 || recSize > nodeSize || depth > 16 || total > maxObjects {
		return nil, corrupt("B-tree at address %d has impossible parameters", btreeAddr)
	}
	// Sizes of the child pointers of internal nodes, per depth (HDF5's
	// node_info table).
	leafMax := uint64((nodeSize - 10) / recSize)
	if leafMax == 0 {
		return nil, corrupt("B-tree node too small")
	}
	maxNrecSize := limitEncSize(leafMax)
	cumMax := []uint64{leafMax}
	cumSize := []int{0}
	for d := 1; d <= depth; d++ {
		ptr := f.offSize + maxNrecSize + cumSize[d-1]
		if d == 1 {
			ptr = f.offSize + maxNrecSize
		}
		m := uint64(max(0, (nodeSize-(10+ptr))/(recSize+ptr)))
		cm := (m+1)*cumMax[d-1] + m
		cumMax = append(cumMax, cm)
		cumSize = append(cumSize, limitEncSize(cm))
	}
	idOff, idLen := 0, 8
	if recType == 5 {
		idOff, idLen = 4, min(h.idLen, recSize-4)
	}
	var walk func(addr uint64, nrec, d int)
	walk = func(addr uint64, nrec, d int) {
		if len(out) > maxObjects {
			fail(corrupt("B-tree has too many records"))
		}
		ptrSize := 0
		sig := "BTLF"
		if d > 0 {
			sig = "BTIN"
			ptrSize = f.offSize + maxNrecSize
			if d > 1 {
				ptrSize += cumSize[d-1]
			}
		}
		n := 6 + nrec*recSize + (nrec+1)*ptrSize*btoi(d > 0)
		if n+4 > nodeSize {
			fail(corrupt("B-tree node at address %d holds more records than fit", addr))
		}
		nb := f.at(addr, n+4, "B-tree node")
		nc := &cursor{f: f, b: nb, what: "B-tree node"}
		nc.sig(sig)
		verify(nb, n, "B-tree node")
		nc.skip(2)
		for i := 0; i < nrec; i++ {
			rec := nc.bytes(recSize)
			if recType == 8 && rec[8]&2 != 0 {
				fail(unsupported("shared attribute in dense storage"))
			}
			out = append(out, f.heapObject(h, rec[idOff:idOff+idLen]))
		}
		if d == 0 {
			return
		}
		for i := 0; i <= nrec; i++ {
			child := nc.addr()
			cn := int(nc.uN(maxNrecSize))
			if d > 1 {
				nc.uN(cumSize[d-1])
			}
			walk(child, cn, d-1)
		}
	}
	if root != undef && nroot > 0 {
		walk(root, nroot, depth)
	}
	if uint64(len(out)) != total {
		return nil, corrupt("B-tree at address %d lists %d records but holds %d", btreeAddr, total, len(out))
	}
	return out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
