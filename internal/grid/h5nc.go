package grid

import (
	"errors"
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// The Go reader (package internal/hdf5) reads NetCDF-4 files as netCDF-C
// 4.x writes them without cgo and without netCDF-C's process-wide lock;
// openGo maps an HDF5 file onto the same ncFile/ncVar/attr structures that
// the netCDF-C reader fills, so that every CF rule downstream (layout.go,
// cf.go, reduce.go, cells.go) runs on identical inputs. Whatever it does
// not implement is an error wrapping hdf5.ErrUnsupported, and the caller
// falls back to netCDF-C.

// hiddenAttrs are the attributes netCDF-C uses for its own bookkeeping and
// does not report as netCDF attributes.
var hiddenAttrs = map[string]bool{"CLASS": true, "NAME": true, "REFERENCE_LIST": true, "DIMENSION_LIST": true,
	"_Netcdf4Dimid": true, "_Netcdf4Coordinates": true, "_nc3_strict": true, "_NCProperties": true, "_IsNetcdf4": true,
	"_SuperblockVersion": true}

// neededAttrs are the attributes the CF rules read: one of them that the
// Go reader cannot decode makes the file unsupported rather than silently
// missing. Others are skipped.
var neededAttrs = map[string]bool{"units": true, "standard_name": true, "axis": true, "calendar": true, "bounds": true,
	"scale_factor": true, "add_offset": true, "_FillValue": true, "missing_value": true, "valid_min": true,
	"valid_max": true, "valid_range": true, "product_version": true, "version": true}

// nonVarPrefix starts the NAME attribute of a dimension without a
// coordinate variable, which netCDF-C does not report as a variable.
const nonVarPrefix = "This is a netCDF dimension but not a netCDF variable"

// openGo opens path with the Go reader and reads its dimensions,
// variables and all their attributes.
func openGo(path string) (*ncFile, error) {
	hf, err := hdf5.Open(path)
	if err != nil {
		return nil, err
	}
	f := &ncFile{path: path, format: ncFormatNetCDF4, h5: hf, global: map[string]attr{}}
	if err := f.fillGo(); err != nil {
		hf.Close()
		return nil, err
	}
	return f, nil
}

// fillGo reads the metadata of the open HDF5 file f.h5.
func (f *ncFile) fillGo() error {
	objs, err := f.h5.Root()
	if err != nil {
		return err
	}
	type dimInfo struct {
		id  int
		obj *hdf5.Object
	}
	dimAt := map[uint64]dimInfo{} // dimension scales by object header address
	attrsOf := map[*hdf5.Object]map[string]*hdf5.Attr{}
	maxID := -1
	for _, o := range objs {
		if !o.IsDataset {
			continue // subgroups and named types: netCDF-C's root-group reader ignores them too
		}
		if strings.HasPrefix(o.Name, "_nc4_non_coord_") {
			return fmt.Errorf("%w: variable %s is a multidimensional coordinate", hdf5.ErrUnsupported, o.Name)
		}
		as, err := o.Attrs()
		if err != nil {
			return err
		}
		attrsOf[o] = as
		if cls, ok := as["CLASS"]; ok {
			if s, err := cls.Strings(); err == nil && len(s) == 1 && s[0] == "DIMENSION_SCALE" {
				ida, ok := as["_Netcdf4Dimid"]
				if !ok {
					return fmt.Errorf("%w: dimension %s has no _Netcdf4Dimid", hdf5.ErrUnsupported, o.Name)
				}
				ids, err := ida.Floats()
				if err != nil || len(ids) != 1 || ids[0] < 0 || ids[0] > 1<<16 || ids[0] != float64(int(ids[0])) {
					return fmt.Errorf("%w: dimension %s has a bad _Netcdf4Dimid", hdf5.ErrCorrupt, o.Name)
				}
				if len(o.Dims) != 1 {
					return fmt.Errorf("%w: dimension scale %s of rank %d", hdf5.ErrUnsupported, o.Name, len(o.Dims))
				}
				id := int(ids[0])
				for _, d := range dimAt {
					if d.id == id {
						return fmt.Errorf("%w: two dimensions with id %d", hdf5.ErrCorrupt, id)
					}
				}
				dimAt[o.Addr] = dimInfo{id, o}
				maxID = max(maxID, id)
			}
		}
	}
	if maxID+1 != len(dimAt) {
		return fmt.Errorf("%w: dimension ids are not 0..%d", hdf5.ErrUnsupported, len(dimAt)-1)
	}
	f.dims = make([]ncDim, maxID+1)
	unlimited := make([]bool, maxID+1)
	for _, d := range dimAt {
		f.dims[d.id] = ncDim{name: d.obj.Name, len: int(d.obj.Dims[0])}
		unlimited[d.id] = d.obj.MaxDims[0] == hdf5.Unlimited
	}
	for _, o := range objs {
		as, ok := attrsOf[o]
		if !ok {
			continue
		}
		if n, ok := as["NAME"]; ok {
			if s, err := n.Strings(); err == nil && len(s) == 1 && strings.HasPrefix(s[0], nonVarPrefix) {
				continue // a dimension without a coordinate variable
			}
		}
		v := &ncVar{name: o.Name, id: len(f.vars), h5: o, attrs: map[string]attr{}, read: true}
		if v.typ, err = goType(o.Type); err != nil {
			return fmt.Errorf("variable %s: %w", o.Name, err)
		}
		if d, ok := dimAt[o.Addr]; ok {
			v.dims = []int{d.id}
		} else if len(o.Dims) > 0 {
			dl, ok := as["DIMENSION_LIST"]
			if !ok {
				return fmt.Errorf("%w: variable %s has no DIMENSION_LIST", hdf5.ErrUnsupported, o.Name)
			}
			refs, err := dl.References()
			if err != nil {
				return fmt.Errorf("variable %s: DIMENSION_LIST: %w", o.Name, err)
			}
			if len(refs) != len(o.Dims) {
				return fmt.Errorf("%w: variable %s has %d dimensions but %d in its DIMENSION_LIST", hdf5.ErrCorrupt, o.Name, len(o.Dims), len(refs))
			}
			for _, r := range refs {
				if len(r) != 1 {
					return fmt.Errorf("%w: variable %s: a DIMENSION_LIST entry with %d scales", hdf5.ErrUnsupported, o.Name, len(r))
				}
				d, ok := dimAt[r[0]]
				if !ok {
					return fmt.Errorf("%w: variable %s: a dimension outside the root group", hdf5.ErrUnsupported, o.Name)
				}
				v.dims = append(v.dims, d.id)
			}
		}
		// The length of an unlimited dimension is the largest extent of
		// the variables that use it, as netCDF-C computes it.
		for i, d := range v.dims {
			if unlimited[d] {
				f.dims[d].len = max(f.dims[d].len, int(o.Dims[i]))
			}
		}
		for name, a := range as {
			if hiddenAttrs[name] {
				continue
			}
			at, err := goAttr(a)
			if err != nil {
				if neededAttrs[name] {
					return fmt.Errorf("variable %s: attribute %s: %w", o.Name, name, err)
				}
				continue
			}
			v.attrs[name] = at
		}
		v.natts = len(v.attrs)
		f.vars = append(f.vars, v)
	}
	// A variable whose extent differs from its dimensions' lengths (a
	// variable shorter along an unlimited dimension, which netCDF-C pads
	// with fill values) is left to netCDF-C.
	for _, v := range f.vars {
		for i, d := range v.dims {
			if int(v.h5.Dims[i]) != f.dims[d].len {
				return fmt.Errorf("%w: variable %s is shorter than dimension %s", hdf5.ErrUnsupported, v.name, f.dims[d].name)
			}
		}
	}
	gas, err := f.h5.RootAttrs()
	if err != nil {
		return err
	}
	for _, g := range []string{"product_version", "version"} {
		if a, ok := gas[g]; ok {
			if at, err := goAttr(a); err == nil {
				f.global[g] = at
			}
		}
	}
	return nil
}

// goType maps an HDF5 datatype onto the netCDF type netCDF-C reports.
func goType(t hdf5.Datatype) (ncType, error) {
	if !t.Supported {
		return 0, fmt.Errorf("%w: datatype of class %d", hdf5.ErrUnsupported, t.Class)
	}
	switch t.Class {
	case hdf5.ClassFixed:
		types := map[[2]int]ncType{{1, 1}: ncByte, {1, 0}: ncUByte, {2, 1}: ncShort, {2, 0}: ncUShort,
			{4, 1}: ncInt, {4, 0}: ncUInt, {8, 1}: ncInt64, {8, 0}: ncUInt64}
		return types[[2]int{t.Size, b2i(t.Signed)}], nil
	case hdf5.ClassFloat:
		if t.Size == 4 {
			return ncFloat, nil
		}
		return ncDouble, nil
	case hdf5.ClassString:
		if t.Size == 1 {
			return ncChar, nil
		}
	case hdf5.ClassVlen:
		if t.VlenString {
			return ncString, nil
		}
	}
	return 0, fmt.Errorf("%w: datatype of class %d", hdf5.ErrUnsupported, t.Class)
}

// goAttr converts an HDF5 attribute the way readAttr converts netCDF-C's:
// text as a string (string arrays joined with commas), numbers as float64.
func goAttr(a *hdf5.Attr) (attr, error) {
	switch {
	case a.Type.Class == hdf5.ClassString:
		s, err := a.Strings()
		if err != nil {
			return attr{}, err
		}
		// netCDF-C returns a char attribute as one text of all elements.
		return attr{typ: ncChar, str: strings.TrimRight(strings.Join(s, ""), "\x00")}, nil
	case a.Type.Class == hdf5.ClassVlen && a.Type.VlenString:
		s, err := a.Strings()
		if err != nil {
			return attr{}, err
		}
		return attr{typ: ncString, str: strings.Join(s, ",")}, nil
	}
	typ, err := goType(a.Type)
	if err != nil {
		return attr{}, err
	}
	nums, err := a.Floats()
	if err != nil {
		return attr{}, err
	}
	if len(nums) == 0 {
		nums = nil
	}
	return attr{typ: typ, nums: nums}, nil
}

// goReadRaw reads a hyperslab with the Go reader (see readRaw).
func (f *ncFile) goReadRaw(v *ncVar, start, count []int, buf []byte) error {
	if len(buf) == 0 {
		return nil
	}
	s, c := make([]uint64, len(start)), make([]uint64, len(count))
	for i := range start {
		if start[i] < 0 || count[i] < 0 {
			return errors.New("negative hyperslab")
		}
		s[i], c[i] = uint64(start[i]), uint64(count[i])
	}
	if err := v.h5.Read(s, c, buf, codec); err != nil {
		return fmt.Errorf("reading %s: %w", v.name, err)
	}
	return nil
}

// goReadPlanes is goReadRaw, except that when the hyperslab is exactly one
// stored chunk whose last filter step is the shuffle, buf receives the
// chunk's byte planes instead of its elements and shuffled is true (see
// hdf5.Object.ReadShuffled).
func (f *ncFile) goReadPlanes(v *ncVar, start, count []int, buf []byte) (shuffled bool, err error) {
	if len(buf) == 0 {
		return false, nil
	}
	s, c := make([]uint64, len(start)), make([]uint64, len(count))
	for i := range start {
		if start[i] < 0 || count[i] < 0 {
			return false, errors.New("negative hyperslab")
		}
		s[i], c[i] = uint64(start[i]), uint64(count[i])
	}
	shuffled, err = v.h5.ReadShuffled(s, c, buf, codec)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", v.name, err)
	}
	return shuffled, nil
}

// goReadFloat64 reads a hyperslab converted to float64 (see readFloat64).
func (f *ncFile) goReadFloat64(v *ncVar, start, count []int) ([]float64, error) {
	n := 1
	for _, c := range count {
		n *= c
	}
	es := v.typ.size()
	if es == 0 {
		return nil, fmt.Errorf("reading %s: type %s is not a number", v.name, v.typ)
	}
	buf := make([]byte, n*es)
	if err := f.goReadRaw(v, start, count, buf); err != nil {
		return nil, err
	}
	return rawFloats(buf, v.typ), nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
