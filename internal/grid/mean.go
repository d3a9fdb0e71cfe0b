package grid

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/stocktake/stocktake/internal/hdf5"
)

// Reader selects how NetCDF-4/HDF5 files are read.
type Reader string

const (
	// ReaderAuto reads with the Go reader and falls back to netCDF-C for
	// files (or features) the Go reader does not support.
	ReaderAuto Reader = ""
	// ReaderGo uses only the Go reader: a file it does not support is an
	// error.
	ReaderGo Reader = "go"
	// ReaderNetCDF uses only netCDF-C (binaries built with -tags netcdf).
	ReaderNetCDF Reader = "netcdf"
)

// ParseReader checks a --reader value: "auto" (or ""), "go" or "netcdf".
func ParseReader(s string) (Reader, error) {
	switch s {
	case "", "auto":
		return ReaderAuto, nil
	case "go":
		return ReaderGo, nil
	case "netcdf":
		return ReaderNetCDF, nil
	}
	return "", fmt.Errorf("unknown reader %q (want auto, go or netcdf)", s)
}

// meanFile is MeanFile without the error wrapping; it also returns the
// file's product version (the product_version or version global attribute,
// "" if none).
func meanFile(path, varName string, regions []Region, weighting Weighting) ([]Result, string, error) {
	return meanFileReader(path, varName, regions, weighting, ReaderAuto)
}

// meanFileReader is meanFile with the reader chosen by reader. Under
// ReaderAuto a file the Go reader does not support (an error wrapping
// hdf5.ErrUnsupported, including every non-HDF5 file) is read again with
// netCDF-C; any other error of the Go reader (a corrupt or truncated file)
// is the answer.
func meanFileReader(path, varName string, regions []Region, weighting Weighting, reader Reader) ([]Result, string, error) {
	weighting, err := ParseWeighting(string(weighting))
	if err != nil {
		return nil, "", err
	}
	if len(regions) == 0 {
		return nil, "", errors.New("no region given")
	}
	// Check the file exists first, for a clearer message than netCDF's.
	if st, err := os.Stat(path); err != nil {
		return nil, "", err
	} else if st.IsDir() {
		return nil, "", errors.New("is a directory")
	}
	var goErr error
	if reader != ReaderNetCDF {
		res, version, err := meanGo(path, varName, regions, weighting)
		if err == nil || reader == ReaderGo || !errors.Is(err, hdf5.ErrUnsupported) {
			return res, version, err
		}
		goErr = err
	}
	// netCDF-C would read the missing part of a truncated file as zeros or
	// fill values; the Go reader checks the HDF5 end-of-file address itself.
	if NetCDFSupport {
		if err := checkDeclaredSize(path); err != nil {
			return nil, "", err
		}
	}
	return meanC(path, varName, regions, weighting, goErr)
}

// meanGo computes the means with the Go reader.
func meanGo(path, varName string, regions []Region, weighting Weighting) ([]Result, string, error) {
	f, err := openGo(path)
	if err != nil {
		return nil, "", err
	}
	defer f.close()
	res, version, err := meanOf(f, varName, regions, weighting)
	if err == nil {
		goReads.Add(1)
	}
	return res, version, err
}

// meanOf computes the means of variable varName of the open file f, read
// by either reader (the netCDF-C reader's caller holds cMu).
func meanOf(f *ncFile, varName string, regions []Region, weighting Weighting) ([]Result, string, error) {
	path := f.path
	v := f.varByName(varName)
	if v == nil {
		var names []string
		for _, x := range f.vars {
			if len(x.dims) >= 2 {
				names = append(names, x.name)
			}
		}
		return nil, "", fmt.Errorf("no variable %q (gridded variables: %s)", varName, strings.Join(names, ", "))
	}
	if err := f.loadAttrs(v); err != nil {
		return nil, "", err
	}
	lay, err := f.layoutOf(v, weighting)
	if err != nil {
		return nil, "", err
	}
	pk, err := newPacking(v)
	if err != nil {
		return nil, "", err
	}
	unit := canonicalUnit(v.text("units"))
	sels := make([]selection, len(regions))
	for i, r := range regions {
		sels[i] = lay.selectRegion(r)
	}
	shape := f.shape(v)
	nlat, nlon := len(lay.lat), len(lay.lon)
	elsize := v.typ.size()
	if elsize == 0 || v.typ == ncChar {
		return nil, "", fmt.Errorf("variable %s has type %s, not a number", v.name, v.typ)
	}
	if nlat*nlon > MaxGridCells || nlat > MaxGridCells || nlon > MaxGridCells {
		return nil, "", fmt.Errorf("variable %s: a grid of %d x %d cells exceeds the limit of %d cells", v.name, nlat, nlon, MaxGridCells)
	}
	// Every valid cell is checked: an infinite value always, a value
	// outside the physical range of a temperature or percentage unit too.
	lo, hi, ranged := cellRange(unit)
	if !ranged {
		lo, hi = math.Inf(-1), math.Inf(1)
	}
	buf := getReadBuf(nlat * nlon * elsize)
	defer putReadBuf(buf)
	start := make([]int, len(shape))
	count := make([]int, len(shape))
	for i := range count {
		count[i] = 1
	}
	count[lay.iLat], count[lay.iLon] = nlat, nlon
	// 16-bit data on a uniform latitude-major grid read by the Go reader
	// may come back as the shuffle filter's byte planes, reduced as they are.
	planesOK := usePlanes && f.h5 != nil && (v.typ == ncShort || v.typ == ncUShort) && lay.iLat < lay.iLon && lay.lonW == nil
	var out []Result
	for t, date := range lay.dates {
		if lay.iTime >= 0 {
			start[lay.iTime] = t
		}
		shuffled := false
		if planesOK {
			shuffled, err = f.goReadPlanes(v, start, count, buf)
		} else {
			_, err = f.readRaw(v, start, count, buf)
		}
		if err != nil {
			return nil, "", err
		}
		if shuffled {
			planeReads.Add(1)
			n := nlat * nlon
			pl, ph := buf[:n], buf[n:2*n]
			if i, val, bad := badCellPlanes(pl, ph, v.typ, &pk, lo, hi); bad {
				return nil, "", badCellError(v, &lay, date, i, val, unit, ranged, lo, hi)
			}
			for i, s := range sels {
				var val float64
				var cells int
				if v.typ == ncShort {
					val, cells = reducePlanes[int16](pl, ph, v.typ, &pk, s, nlon)
				} else {
					val, cells = reducePlanes[uint16](pl, ph, v.typ, &pk, s, nlon)
				}
				out = append(out, Result{File: path, Date: date, Var: v.name, Region: regions[i].Name,
					Value: val, Unit: unit, Cells: cells})
			}
			continue
		}
		data := buf
		if lay.iLon < lay.iLat {
			data = transpose(buf, nlon, nlat, elsize)
		}
		if i, val, bad := badCell(data, v.typ, &pk, lo, hi); bad {
			return nil, "", badCellError(v, &lay, date, i, val, unit, ranged, lo, hi)
		}
		for i, s := range sels {
			val, cells := reduce(data, v.typ, &pk, &lay, s, nlon)
			out = append(out, Result{File: path, Date: date, Var: v.name, Region: regions[i].Name,
				Value: val, Unit: unit, Cells: cells})
		}
	}
	version := f.global["product_version"].str
	if version == "" {
		version = f.global["version"].str
	}
	return out, strings.TrimSpace(version), nil
}

// usePlanes enables the byte-plane reduction of meanOf; tests turn it off
// to compare with the path that unshuffles. planeReads counts the fields
// reduced from byte planes (atomically), so that tests can tell which path
// ran.
var (
	usePlanes  = true
	planeReads atomic.Int64
)

// badCellError describes the bad cell i (latitude-major index) of the
// field of v at date, whose unpacked value is val.
func badCellError(v *ncVar, lay *layout, date string, i int, val float64, unit string, ranged bool, lo, hi float64) error {
	nlon := len(lay.lon)
	when := date
	if when == "" {
		when = "the only time step"
	}
	what := "is not finite"
	if ranged && !math.IsInf(val, 0) {
		what = fmt.Sprintf("is outside the physical range %g to %g %s (a missing-value marker without _FillValue?)", lo, hi, unit)
	}
	return fmt.Errorf("variable %s, %s, cell at latitude %g longitude %g: value %g %s %s",
		v.name, when, lay.lat[i/nlon], lay.lon[i%nlon], val, unit, what)
}

// readBufs holds field buffers for reuse across files, so that reading a
// file does not allocate and page-fault a fresh field-sized buffer each
// time (a sync.Pool would be emptied by every garbage collection). It keeps
// at most 16 buffers, more than the goroutines that read at once.
var (
	readMu   sync.Mutex
	readBufs [][]byte
)

// getReadBuf returns a buffer of n bytes with undefined contents. Buffers
// of 512 KiB and more come from huge pages outside the Go heap
// (hdf5.AllocLarge): an OISST field is 2 MiB, one page fault instead of
// 512 the first time each goroutine uses it.
func getReadBuf(n int) []byte {
	readMu.Lock()
	for i, b := range readBufs {
		if cap(b) >= n {
			readBufs = append(readBufs[:i], readBufs[i+1:]...)
			readMu.Unlock()
			return b[:n]
		}
	}
	readMu.Unlock()
	if n >= 512<<10 {
		return hdf5.AllocLarge(n)
	}
	return make([]byte, n)
}

// putReadBuf returns b for reuse; nothing may use b afterwards.
func putReadBuf(b []byte) {
	readMu.Lock()
	if len(readBufs) < 16 {
		readBufs = append(readBufs, b)
		b = nil
	}
	readMu.Unlock()
	if b != nil {
		hdf5.FreeLarge(b)
	}
}
