//go:build netcdf

package grid

//go:generate sh gen_soname.sh

// netCDF-C and HDF5 are not linked: ncdl.c opens libnetcdf with dlopen when
// a file first needs it (see loadNetCDF). pkg-config still supplies their
// header paths; --as-needed, which precedes the pkg-config libraries on the
// link line, keeps the linker from recording libraries nothing references
// (libnetcdf, libhdf5), so only zlib and libdeflate are loaded at start-up.
// TestNoNetCDFLink checks this on the test binary.

/*
#cgo pkg-config: netcdf hdf5 zlib libdeflate
#cgo CFLAGS: -O3
#cgo LDFLAGS: -Wl,--as-needed
#include <stdlib.h>
#include "ncdl.h"
#include "direct.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// NetCDFSupport tells whether this binary was built with the "netcdf" build
// tag and so can read NetCDF files.
const NetCDFSupport = true

// cMu serialises every call into netCDF-C and HDF5. Neither library, as
// built by Debian, is thread-safe, so at most one goroutine of a process may
// be inside them at any time. Parallelism comes from worker processes (see
// Pool), each with its own copy of the libraries.
var cMu sync.Mutex

// ncErr returns netCDF-C's message for a status code.
func ncErr(status C.int) string {
	return C.GoString(C.stnc_strerror(status))
}

// lockC takes cMu and pins the goroutine to its OS thread until unlockC.
func lockC() {
	cMu.Lock()
	runtime.LockOSThread()
}

// lockNC loads netCDF-C if needed and then does what lockC does, with
// HDF5's error printing silenced. Pinning matters because Debian builds
// HDF5 thread-safe, which makes its error-printing switch per thread:
// st_quiet silences the current thread only. HDF5's error stack is reported
// through return values instead. When the library cannot be loaded it
// returns the error and holds nothing.
func lockNC() error {
	if err := loadNetCDF(); err != nil {
		return err
	}
	lockC()
	C.st_quiet()
	return nil
}

// netcdfNames are the names loadNetCDF tries in order: the soname the
// binary was built against, then the unversioned name of the development
// package.
var netcdfNames = []string{netcdfSoname, "libnetcdf.so"}

// loadNetCDF loads netCDF-C (and with it HDF5) into the process once, on
// the first call, and returns the same outcome to every call. Only files
// the Go reader declines, --reader netcdf and the benchmark's RawChunks
// need it, so a process reading only NetCDF-4 files the Go reader supports
// never maps netCDF-C, HDF5 or their dependencies (curl, OpenSSL, Kerberos,
// LDAP).
var loadNetCDF = sync.OnceValue(func() error { return loadNetCDFFrom(netcdfNames) })

// loadNetCDFFrom loads the first of names that loads as netCDF-C; when none
// does, the error gives every name with its reason and says what to install.
func loadNetCDFFrom(names []string) error {
	var errs []string
	for _, name := range names {
		err := loadNetCDFLib(name)
		if err == nil {
			return nil
		}
		errs = append(errs, err.Error())
	}
	return fmt.Errorf("this file needs netCDF-C, which could not be loaded (install %s, Debian package libnetcdf%s): %s",
		netcdfSoname, strings.TrimPrefix(netcdfSoname, "libnetcdf.so."), strings.Join(errs, "; "))
}

// loadNetCDFLib loads the shared library name (a soname or a path) as
// netCDF-C and resolves the functions the reader uses. On failure the
// error names the library and says why (dlopen's message or the missing
// function), and the functions resolved by an earlier successful call stay
// in place.
func loadNetCDFLib(name string) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	var msg [512]C.char
	cMu.Lock()
	rc := C.st_load_netcdf(cname, &msg[0], C.size_t(len(msg)))
	cMu.Unlock()
	if rc != 0 {
		return fmt.Errorf("loading %s: %s", name, C.GoString(&msg[0]))
	}
	return nil
}

// checkHDF5Version is the check st_load_netcdf applies to the HDF5 under
// the netCDF-C it loads: nil when maj.min.rel is the version of the HDF5
// headers stocktake was compiled with (HDF5 itself aborts the process on
// any other), otherwise an error naming both versions.
func checkHDF5Version(maj, min, rel uint) error {
	var msg [512]C.char
	if C.st_check_hdf5_version(C.unsigned(maj), C.unsigned(min), C.unsigned(rel), &msg[0], C.size_t(len(msg))) != 0 {
		return errors.New(C.GoString(&msg[0]))
	}
	return nil
}

// headersHDF5Version is the HDF5 version of the headers stocktake was
// compiled with.
func headersHDF5Version() (maj, min, rel uint) {
	return uint(C.H5_VERS_MAJOR), uint(C.H5_VERS_MINOR), uint(C.H5_VERS_RELEASE)
}

// unlockC releases what lockC took.
func unlockC() {
	runtime.UnlockOSThread()
	cMu.Unlock()
}

// openNC opens path read-only and reads its dimensions, variables and
// attributes. The caller must hold cMu (through lockC) and call close.
func openNC(path string) (*ncFile, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	f := &ncFile{path: path}
	var cid C.int
	if st := C.stnc_open(cpath, C.NC_NOWRITE, &cid); st != C.NC_NOERR {
		return nil, fmt.Errorf("cannot open as NetCDF: %s", ncErr(st))
	}
	f.id = int(cid)
	ok := false
	defer func() {
		if !ok {
			C.stnc_close(C.int(f.id))
		}
	}()
	var format C.int
	if st := C.stnc_inq_format(C.int(f.id), &format); st != C.NC_NOERR {
		return nil, fmt.Errorf("reading format: %s", ncErr(st))
	}
	f.format = int(format)
	var ndims, nvars, ngatts, unlim C.int
	if st := C.stnc_inq(C.int(f.id), &ndims, &nvars, &ngatts, &unlim); st != C.NC_NOERR {
		return nil, fmt.Errorf("reading header: %s", ncErr(st))
	}
	// Dimension ids in the root group of a netCDF-4 file are 0..ndims-1 as
	// long as there are no subgroups defining dimensions; ask for them to be
	// sure.
	ids := make([]C.int, max(int(ndims), 1))
	var nd C.int
	if st := C.stnc_inq_dimids(C.int(f.id), &nd, &ids[0], 0); st != C.NC_NOERR {
		return nil, fmt.Errorf("reading dimensions: %s", ncErr(st))
	}
	maxID := 0
	for _, id := range ids[:nd] {
		maxID = max(maxID, int(id))
	}
	f.dims = make([]ncDim, maxID+1)
	name := (*C.char)(C.malloc(C.NC_MAX_NAME + 1))
	defer C.free(unsafe.Pointer(name))
	for _, id := range ids[:nd] {
		var n C.size_t
		if st := C.stnc_inq_dim(C.int(f.id), id, name, &n); st != C.NC_NOERR {
			return nil, fmt.Errorf("reading dimension %d: %s", id, ncErr(st))
		}
		f.dims[id] = ncDim{name: C.GoString(name), len: int(n)}
	}
	for v := C.int(0); v < nvars; v++ {
		var typ C.nc_type
		var nvd, natts C.int
		dimids := make([]C.int, C.NC_MAX_VAR_DIMS)
		if st := C.stnc_inq_var(C.int(f.id), v, name, &typ, &nvd, &dimids[0], &natts); st != C.NC_NOERR {
			return nil, fmt.Errorf("reading variable %d: %s", v, ncErr(st))
		}
		nv := &ncVar{name: C.GoString(name), id: int(v), typ: ncType(typ), attrs: map[string]attr{}}
		for _, d := range dimids[:nvd] {
			if int(d) >= len(f.dims) || d < 0 {
				return nil, fmt.Errorf("variable %s: bad dimension id %d", nv.name, d)
			}
			nv.dims = append(nv.dims, int(d))
		}
		nv.natts = int(natts)
		f.vars = append(f.vars, nv)
	}
	// Only the global attributes that the reader reports are read.
	f.global = map[string]attr{}
	for _, g := range []string{"product_version", "version"} {
		cg := C.CString(g)
		var typ C.nc_type
		var n C.size_t
		if C.stnc_inq_att(C.int(f.id), C.NC_GLOBAL, cg, &typ, &n) == C.NC_NOERR {
			if at, err := readAttr(C.int(f.id), C.NC_GLOBAL, cg); err == nil {
				f.global[g] = at
			}
		}
		C.free(unsafe.Pointer(cg))
	}
	ok = true
	return f, nil
}

// readAttr reads attribute name of variable v (or NC_GLOBAL) of the open
// file nc: text and string attributes as text (string arrays joined with
// commas), numeric ones as float64. Attributes of user-defined types come
// back empty. The caller holds cMu.
func readAttr(nc, v C.int, name *C.char) (attr, error) {
	var typ C.nc_type
	var n C.size_t
	if st := C.stnc_inq_att(nc, v, name, &typ, &n); st != C.NC_NOERR {
		return attr{}, fmt.Errorf("%s", ncErr(st))
	}
	a := attr{typ: ncType(typ)}
	switch a.typ {
	case ncChar:
		if n == 0 {
			return a, nil
		}
		buf := make([]byte, n)
		if st := C.stnc_get_att_text(nc, v, name, (*C.char)(unsafe.Pointer(&buf[0]))); st != C.NC_NOERR {
			return a, fmt.Errorf("%s", ncErr(st))
		}
		a.str = strings.TrimRight(string(buf), "\x00")
	case ncString:
		if n == 0 {
			return a, nil
		}
		ps := make([]*C.char, n)
		if st := C.stnc_get_att_string(nc, v, name, &ps[0]); st != C.NC_NOERR {
			return a, fmt.Errorf("%s", ncErr(st))
		}
		var parts []string
		for _, p := range ps {
			if p != nil {
				parts = append(parts, C.GoString(p))
			}
		}
		C.stnc_free_string(n, &ps[0])
		a.str = strings.Join(parts, ",")
	default:
		if a.typ.size() == 0 || n == 0 {
			return a, nil // user-defined types are ignored
		}
		a.nums = make([]float64, n)
		if st := C.stnc_get_att_double(nc, v, name, (*C.double)(unsafe.Pointer(&a.nums[0]))); st != C.NC_NOERR {
			return a, fmt.Errorf("%s", ncErr(st))
		}
	}
	return a, nil
}

// loadAttrs reads the attributes of v, once. Attributes are read only for
// the variables the reader uses: in a NetCDF-4 file each variable's
// attributes cost HDF5 object-header reads. The caller holds cMu.
func (f *ncFile) cLoadAttrs(v *ncVar) error {
	if v.read {
		return nil
	}
	name := (*C.char)(C.malloc(C.NC_MAX_NAME + 1))
	defer C.free(unsafe.Pointer(name))
	for a := C.int(0); a < C.int(v.natts); a++ {
		if st := C.stnc_inq_attname(C.int(f.id), C.int(v.id), a, name); st != C.NC_NOERR {
			return fmt.Errorf("variable %s: reading attribute %d: %s", v.name, a, ncErr(st))
		}
		at, err := readAttr(C.int(f.id), C.int(v.id), name)
		if err != nil {
			return fmt.Errorf("variable %s: attribute %s: %v", v.name, C.GoString(name), err)
		}
		v.attrs[C.GoString(name)] = at
	}
	v.read = true
	return nil
}

// close closes the file. The caller holds cMu.
func (f *ncFile) cClose() {
	C.stnc_close(C.int(f.id))
}

// readFloat64 reads the hyperslab start+count of v converted to float64 by
// netCDF-C. It is used for coordinates, which are small. The caller holds cMu.
func (f *ncFile) cReadFloat64(v *ncVar, start, count []int) ([]float64, error) {
	n := 1
	for _, c := range count {
		n *= c
	}
	out := make([]float64, max(n, 1))
	cs, cc := sizes(start), sizes(count)
	if st := C.stnc_get_vara_double(C.int(f.id), C.int(v.id), ptr(cs), ptr(cc), (*C.double)(unsafe.Pointer(&out[0]))); st != C.NC_NOERR {
		return nil, fmt.Errorf("reading %s: %s", v.name, ncErr(st))
	}
	return out[:n], nil
}

// readRaw reads the hyperslab start+count of v in its stored type and native
// byte order into buf, which must hold exactly prod(count)*size bytes. For
// NetCDF-4 files whose variable is chunked with deflate and shuffle only it
// reads the chunks directly through HDF5 and inflates them itself, which is
// about twice as fast as netCDF-C's path; otherwise it calls nc_get_vara.
// direct reports which path was taken. The caller holds cMu.
func (f *ncFile) cReadRaw(v *ncVar, start, count []int, buf []byte) (direct bool, err error) {
	if len(buf) == 0 {
		return false, nil
	}
	cs, cc := sizes(start), sizes(count)
	if f.format == ncFormatNetCDF4 && !disableDirect {
		shape := sizes(f.shape(v))
		cpath := C.CString(f.path)
		cname := C.CString("/" + v.name)
		rc := C.st_direct_read(cpath, cname, C.int(len(v.dims)), ptr(shape), ptr(cs), ptr(cc),
			C.size_t(v.typ.size()), unsafe.Pointer(&buf[0]))
		C.free(unsafe.Pointer(cpath))
		C.free(unsafe.Pointer(cname))
		switch rc {
		case C.ST_OK:
			directReads++
			return true, nil
		case C.ST_FALLBACK, C.ST_ERR_OPEN:
			// Let netCDF-C try, and report its error if it fails too.
		case C.ST_ERR_INFLATE, C.ST_ERR_SIZE:
			return true, fmt.Errorf("reading %s: a compressed chunk is corrupt (inflate failed)", v.name)
		case C.ST_ERR_NOMEM:
			return true, fmt.Errorf("reading %s: out of memory", v.name)
		default:
			return true, fmt.Errorf("reading %s: HDF5 could not read a chunk (truncated or corrupt file?)", v.name)
		}
	}
	if st := C.stnc_get_vara(C.int(f.id), C.int(v.id), ptr(cs), ptr(cc), unsafe.Pointer(&buf[0])); st != C.NC_NOERR {
		return false, fmt.Errorf("reading %s: %s", v.name, ncErr(st))
	}
	return false, nil
}

// directReads counts successful direct chunk reads (guarded by cMu); tests
// use it to check which path was taken.
var directReads int

// disableDirect forces the netCDF-C path; tests use it to check that both
// paths agree.
var disableDirect bool

// sizes converts a to C size_t values; the result has at least one element,
// so that ptr may take its address even for a scalar variable.
func sizes(a []int) []C.size_t {
	s := make([]C.size_t, max(len(a), 1))
	for i, x := range a {
		s[i] = C.size_t(x)
	}
	return s
}

// ptr returns the address of the first element of s, which must not be
// empty.
func ptr(s []C.size_t) *C.size_t { return &s[0] }

// inflateC inflates a zlib stream with zlib, or with libdeflate (the
// reader's inflater) when fast is set, and returns the number of bytes
// written to out, or an error. The benchmark reaches it through InflateZlib
// and InflateLibdeflate. Like every C call here it holds the C lock (the
// libdeflate decompressor is shared).
func inflateC(in, out []byte, fast bool) (int, error) {
	if len(in) == 0 || len(out) == 0 {
		return 0, fmt.Errorf("empty buffer")
	}
	lockC()
	defer unlockC()
	var n C.long
	if fast {
		n = C.st_inflate_libdeflate(unsafe.Pointer(&in[0]), C.size_t(len(in)), unsafe.Pointer(&out[0]), C.size_t(len(out)))
	} else {
		n = C.st_inflate(unsafe.Pointer(&in[0]), C.size_t(len(in)), unsafe.Pointer(&out[0]), C.size_t(len(out)))
	}
	if n < 0 {
		return 0, fmt.Errorf("inflate failed")
	}
	return int(n), nil
}

// meanC computes the means with netCDF-C, holding cMu. goErr, when not
// nil, is why the Go reader did not read the file; netCDF-C's own error is
// reported if it fails too.
func meanC(path, varName string, regions []Region, weighting Weighting, goErr error) ([]Result, string, error) {
	if err := lockNC(); err != nil {
		if goErr != nil {
			return nil, "", fmt.Errorf("%w (the built-in NetCDF-4 reader cannot read this file: %v)", err, goErr)
		}
		return nil, "", err
	}
	defer unlockC()
	f, err := openNC(path)
	if err != nil {
		return nil, "", err
	}
	defer f.close()
	return meanOf(f, varName, regions, weighting)
}
