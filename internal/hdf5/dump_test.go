package hdf5

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"testing"
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

func TestDump(t *testing.T) {
	p := os.Getenv("H5DUMP")
	if p == "" {
		t.Skip()
	}
	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := f.Root()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		t.Logf("%s order %d ds %v dims %v max %v type %+v lay %+v filters %v", o.Name, o.Order, o.IsDataset, o.Dims, o.MaxDims, o.Type, o.lay, o.filters)
		as, err := o.Attrs()
		if err != nil {
			t.Fatal(err)
		}
		for n, a := range as {
			fl, _ := a.Floats()
			s, _ := a.Strings()
			r, _ := a.References()
			t.Logf("   %s %v %q %v", n, fl, s, r)
		}
	}
	ga, err := f.RootAttrs()
	if err != nil {
		t.Fatal(err)
	}
	for n, a := range ga {
		s, _ := a.Strings()
		t.Logf("global %s %q", n, s)
	}
	for _, o := range objs {
		if o.Name == "sst" || o.Name == "v" || o.Name == "lat" {
			cnt := append([]uint64(nil), o.Dims...)
			n := o.Type.Size
			for _, c := range cnt {
				n *= int(c)
			}
			out := make([]byte, n)
			err := o.Read(make([]uint64, len(cnt)), cnt, out, Codec{Inflate: zlibInflate})
			t.Logf("%s read %v %v", o.Name, err, out[len(out)/2:len(out)/2+16])
		}
	}
}
