package hdf5

import (
	"bytes"
	"fmt"
	"sort"
)

// Object header message types used by the reader.
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgLayout       = 0x08
	msgGroupInfo    = 0x0A
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// message is one object header message.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// header reads the object header at addr (version 1 or 2) with its
// continuation blocks and returns its messages.
func (f *File) header(addr uint64) []message {
	first := f.at(addr, 16, "object header")
	if string(first[:4]) == "OHDR" {
		return f.headerV2(addr)
	}
	if first[0] == 1 {
		return f.headerV1(addr)
	}
	fail(corrupt("object header at address %d: unknown version or signature", addr))
	return nil
}

// headerV2 reads a version-2 object header ("OHDR").
func (f *File) headerV2(addr uint64) []message {
	pre := f.at(addr, 6, "object header")
	flags := pre[5]
	if pre[4] != 2 {
		fail(corrupt("object header at address %d: version %d", addr, pre[4]))
	}
	n := 6
	if flags&0x20 != 0 {
		n += 16
	}
	if flags&0x10 != 0 {
		n += 4
	}
	sz := 1 << (flags & 3)
	c := &cursor{f: f, b: f.at(addr, n+sz, "object header"), p: n, what: "object header"}
	size := c.uN(sz)
	if size > maxMeta {
		fail(corrupt("object header at address %d declares %d bytes", addr, size))
	}
	total := n + sz + int(size)
	b := f.at(addr, total+4, "object header")
	verify(b, total, fmt.Sprintf("object header at address %d", addr))
	var msgs []message
	conts := f.messagesV2(b[n+sz:total], flags, &msgs)
	seen := map[uint64]bool{addr: true}
	for len(conts) > 0 {
		ct := conts[0]
		conts = conts[1:]
		if seen[ct[0]] || len(seen) > 1024 {
			fail(corrupt("object header at address %d: continuation blocks form a loop", addr))
		}
		seen[ct[0]] = true
		if ct[1] < 8 || ct[1] > maxMeta {
			fail(corrupt("object header continuation of %d bytes", ct[1]))
		}
		blk := f.at(ct[0], int(ct[1]), "object header continuation")
		if string(blk[:4]) != "OCHK" {
			fail(corrupt("object header continuation at address %d: signature OCHK not found", ct[0]))
		}
		verify(blk, len(blk)-4, fmt.Sprintf("object header continuation at address %d", ct[0]))
		conts = append(conts, f.messagesV2(blk[4:len(blk)-4], flags, &msgs)...)
	}
	return msgs
}

// messagesV2 appends the messages of one version-2 header block to msgs
// and returns the continuation blocks it names (address, length).
func (f *File) messagesV2(b []byte, hflags uint8, msgs *[]message) [][2]uint64 {
	var conts [][2]uint64
	hsz := 4
	if hflags&0x04 != 0 {
		hsz = 6
	}
	c := &cursor{f: f, b: b, what: "object header message"}
	for c.left() >= hsz {
		typ := uint16(c.u8())
		size := int(c.u16())
		flags := c.u8()
		if hsz == 6 {
			c.u16()
		}
		data := c.bytes(size)
		if len(*msgs) > maxHeaderMsg {
			fail(corrupt("object header has more than %d messages", maxHeaderMsg))
		}
		if typ == msgContinuation {
			cc := &cursor{f: f, b: data, what: "continuation message"}
			conts = append(conts, [2]uint64{cc.addr(), cc.length()})
			continue
		}
		*msgs = append(*msgs, message{typ, flags, data})
	}
	return conts
}

// headerV1 reads a version-1 object header.
func (f *File) headerV1(addr uint64) []message {
	c := &cursor{f: f, b: f.at(addr, 16, "object header"), what: "object header"}
	c.u8()
	c.u8()
	nmsgs := int(c.u16())
	c.u32()
	size := c.u32()
	if size > maxMeta {
		fail(corrupt("object header at address %d declares %d bytes", addr, size))
	}
	blocks := [][2]uint64{{addr + 16, uint64(size)}}
	var msgs []message
	seen := map[uint64]bool{}
	for len(blocks) > 0 {
		blk := blocks[0]
		blocks = blocks[1:]
		if seen[blk[0]] || len(seen) > 1024 || blk[1] > maxMeta {
			fail(corrupt("object header at address %d: bad continuation blocks", addr))
		}
		seen[blk[0]] = true
		c := &cursor{f: f, b: f.at(blk[0], int(blk[1]), "object header"), what: "object header message"}
		for c.left() >= 8 && len(msgs)+len(blocks) < nmsgs+len(seen) {
			typ := c.u16()
			size := int(c.u16())
			flags := c.u8()
			c.skip(3)
			data := c.bytes(size)
			if typ == msgContinuation {
				cc := &cursor{f: f, b: data, what: "continuation message"}
				blocks = append(blocks, [2]uint64{cc.addr(), cc.length()})
				continue
			}
			if len(msgs) > maxHeaderMsg {
				fail(corrupt("object header has too many messages"))
			}
			msgs = append(msgs, message{typ, flags, data})
		}
	}
	return msgs
}

// Object is a member of the root group: a dataset, or another kind of
// object (subgroup, named datatype) that the reader lists but cannot read.
type Object struct {
	f     *File
	Name  string
	Addr  uint64 // object header address
	Order int64  // link creation order, -1 when the group does not track it
	msgs  []message

	// Dataset properties, set when IsDataset.
	IsDataset bool
	Dims      []uint64 // current extent; nil for a scalar
	MaxDims   []uint64 // maximum extent; Unlimited for an unlimited one
	Null      bool     // the dataspace is null (no elements)
	Type      Datatype
	lay       layout
	filters   []filter
	typeErr   error // why the datatype or layout is unusable, if it is
}

// Unlimited is the maximum extent of an unlimited dimension.
const Unlimited = ^uint64(0)

// Root returns the objects linked from the root group by hard links, in
// link creation order when the group tracks it and else by name. Groups
// with old-style symbol tables (superblock 0/1 files) are unsupported.
func (f *File) Root() (objs []*Object, err error) {
	defer catch(&err)
	msgs := f.header(f.rootAddr)
	var links [][]byte
	for _, m := range msgs {
		switch m.typ {
		case msgLink:
			links = append(links, m.data)
		case msgSymbolTable:
			return nil, unsupported("root group uses an old-style symbol table")
		case msgLinkInfo:
			c := &cursor{f: f, b: m.data, what: "link info message"}
			if v := c.u8(); v != 0 {
				return nil, unsupported("link info message version %d", v)
			}
			fl := c.u8()
			if fl&1 != 0 {
				c.skip(8)
			}
			heap, name := c.addr(), c.addr()
			if heap != undef {
				dense, err := f.denseRecords(heap, name, 5)
				if err != nil {
					return nil, err
				}
				links = append(links, dense...)
			}
		}
	}
	if len(links) > maxObjects {
		return nil, corrupt("root group has %d links", len(links))
	}
	names := map[string]bool{}
	for _, l := range links {
		o, err := f.link(l)
		if err != nil {
			return nil, err
		}
		if names[o.Name] {
			return nil, corrupt("root group has two links named %q", o.Name)
		}
		names[o.Name] = true
		objs = append(objs, o)
	}
	byOrder := true
	for _, o := range objs {
		byOrder = byOrder && o.Order >= 0
	}
	sort.SliceStable(objs, func(i, j int) bool {
		if byOrder {
			return objs[i].Order < objs[j].Order
		}
		return objs[i].Name < objs[j].Name
	})
	return objs, nil
}

// link decodes a link message and reads the header of its object.
func (f *File) link(b []byte) (*Object, error) {
	c := &cursor{f: f, b: b, what: "link message"}
	if v := c.u8(); v != 1 {
		return nil, corrupt("link message version %d", v)
	}
	fl := c.u8()
	typ := uint8(0)
	if fl&0x08 != 0 {
		typ = c.u8()
	}
	o := &Object{f: f, Order: -1}
	if fl&0x04 != 0 {
		o.Order = int64(c.uN(8) & (1<<62 - 1))
	}
	if fl&0x10 != 0 {
		c.u8()
	}
	n := c.uN(1 << (fl & 3))
	if n == 0 || n > 1<<16 {
		return nil, corrupt("link name of %d bytes", n)
	}
	o.Name = string(c.bytes(int(n)))
	if typ != 0 {
		return nil, unsupported("link %q is not a hard link (type %d)", o.Name, typ)
	}
	o.Addr = c.addr()
	o.msgs = f.header(o.Addr)
	o.parse()
	return o, nil
}

// parse decodes the dataset messages of o, if it is a dataset.
func (o *Object) parse() {
	var haveSpace, haveType bool
	for _, m := range o.msgs {
		if m.typ == msgLayout {
			o.IsDataset = true
		}
	}
	if !o.IsDataset {
		return
	}
	for _, m := range o.msgs {
		if m.flags&0x02 != 0 && (m.typ == msgDataspace || m.typ == msgDatatype || m.typ == msgLayout || m.typ == msgFilters) {
			o.typeErr = unsupported("dataset %s uses a shared (committed) message of type %d", o.Name, m.typ)
			continue
		}
		switch m.typ {
		case msgDataspace:
			o.Dims, o.MaxDims, o.Null = o.f.dataspace(m.data)
			haveSpace = true
		case msgDatatype:
			o.Type = o.f.datatype(&cursor{f: o.f, b: m.data, what: "datatype message"})
			haveType = true
		case msgLayout:
			o.lay = o.f.parseLayout(m.data)
		case msgFilters:
			o.filters = o.f.parseFilters(m.data)
		}
	}
	if !haveSpace || !haveType {
		fail(corrupt("dataset %s has no dataspace or datatype message", o.Name))
	}
}

// Attrs returns the attributes of o by name. An attribute whose datatype
// the reader cannot decode is returned with Type.Class set and Err set, so
// that callers can decide whether they need it.
func (o *Object) Attrs() (attrs map[string]*Attr, err error) {
	defer catch(&err)
	attrs = map[string]*Attr{}
	add := func(b []byte) {
		a := o.f.attribute(b)
		if len(attrs) > maxObjects {
			fail(corrupt("object %s has too many attributes", o.Name))
		}
		attrs[a.Name] = a
	}
	for _, m := range o.msgs {
		switch m.typ {
		case msgAttribute:
			if m.flags&0x02 != 0 {
				return nil, unsupported("object %s has a shared attribute", o.Name)
			}
			add(m.data)
		case msgAttrInfo:
			c := &cursor{f: o.f, b: m.data, what: "attribute info message"}
			if v := c.u8(); v != 0 {
				return nil, unsupported("attribute info message version %d", v)
			}
			fl := c.u8()
			if fl&1 != 0 {
				c.skip(2)
			}
			heap, name := c.addr(), c.addr()
			if heap != undef {
				recs, err := o.f.denseRecords(heap, name, 8)
				if err != nil {
					return nil, err
				}
				for _, r := range recs {
					add(r)
				}
			}
		}
	}
	return attrs, nil
}

// RootAttrs returns the attributes of the root group.
func (f *File) RootAttrs() (map[string]*Attr, error) {
	o := &Object{f: f, Name: "/", Addr: f.rootAddr}
	var err error
	func() {
		defer catch(&err)
		o.msgs = f.header(f.rootAddr)
	}()
	if err != nil {
		return nil, err
	}
	return o.Attrs()
}

// cstring returns b up to its first NUL byte.
func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
