package grid

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// text returns the text attribute name of v, or "".
func (v *ncVar) text(name string) string { return strings.TrimSpace(v.attrs[name].str) }

// num returns the first value of the numeric attribute name and whether it
// exists.
func (v *ncVar) num(name string) (float64, bool) {
	a, ok := v.attrs[name]
	if !ok || len(a.nums) == 0 {
		return 0, false
	}
	return a.nums[0], true
}

// Axis kinds recognised on coordinate variables.
const (
	axisNone = iota
	axisLat
	axisLon
	axisTime
)

var (
	latUnits = map[string]bool{"degrees_north": true, "degree_north": true, "degree_n": true,
		"degrees_n": true, "degreen": true, "degreesn": true}
	lonUnits = map[string]bool{"degrees_east": true, "degree_east": true, "degree_e": true,
		"degrees_e": true, "degreee": true, "degreese": true}
)

// axisOf classifies a coordinate variable, following CF: latitude and
// longitude by their units (degrees_north, degrees_east and the CF
// spellings), by standard_name, or by the usual names lat/latitude and
// lon/longitude when they carry no other units; time by units of the form
// "UNIT since DATE".
func axisOf(v *ncVar) int {
	units := strings.ToLower(v.text("units"))
	std := strings.ToLower(v.text("standard_name"))
	name := strings.ToLower(v.name)
	switch {
	case latUnits[units] || std == "latitude":
		return axisLat
	case lonUnits[units] || std == "longitude":
		return axisLon
	case strings.Contains(units, " since ") || std == "time":
		return axisTime
	}
	if units == "" || units == "degrees" || units == "degree" {
		switch name {
		case "lat", "latitude", "nav_lat":
			return axisLat
		case "lon", "longitude", "nav_lon":
			return axisLon
		}
	}
	if name == "time" || strings.ToUpper(v.text("axis")) == "T" {
		return axisTime
	}
	return axisNone
}

// coordVar returns the coordinate variable of dimension d, the 1-D
// variable with the dimension's name, with its attributes read; or nil.
func (f *ncFile) coordVar(d int) (*ncVar, error) {
	v := f.varByName(f.dims[d].name)
	if v == nil || len(v.dims) != 1 || v.dims[0] != d {
		return nil, nil
	}
	return v, f.loadAttrs(v)
}

// unitRe matches CF time units: "UNIT since DATE[ TIME][ ZONE]". It is
// compiled on first use rather than at start-up, which every command pays.
var unitRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*([a-zA-Z]+)\s+since\s+(-?\d{1,4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{1,2})(?::(\d{1,2}(?:\.\d*)?))?)?\s*(Z|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)?\s*$`)
})

// timeDecoder turns values of a CF time coordinate into instants.
type timeDecoder struct {
	unit time.Duration
	ref  time.Time
}

// newTimeDecoder parses CF time units and the calendar attribute. It accepts
// the Gregorian calendars (standard, gregorian, proleptic_gregorian; dates
// are treated as proleptic Gregorian, which differs from "standard" only
// before 1582-10-15) and rejects the model calendars (noleap, 360_day, ...)
// whose dates are not civil dates.
func newTimeDecoder(units, calendar string) (*timeDecoder, error) {
	switch strings.ToLower(strings.TrimSpace(calendar)) {
	case "", "standard", "gregorian", "proleptic_gregorian":
	default:
		return nil, fmt.Errorf("time calendar %q is not supported (only standard/gregorian/proleptic_gregorian)", calendar)
	}
	m := unitRe().FindStringSubmatch(units)
	if m == nil {
		return nil, fmt.Errorf("unknown time units %q (expected e.g. \"days since 1978-01-01 12:00:00\")", units)
	}
	var unit time.Duration
	switch strings.ToLower(m[1]) {
	case "days", "day", "d":
		unit = 24 * time.Hour
	case "hours", "hour", "hrs", "hr", "h":
		unit = time.Hour
	case "minutes", "minute", "mins", "min":
		unit = time.Minute
	case "seconds", "second", "secs", "sec", "s":
		unit = time.Second
	default:
		return nil, fmt.Errorf("unknown time units %q: unit %q is not days, hours, minutes or seconds", units, m[1])
	}
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	y, mo, d := atoi(m[2]), atoi(m[3]), atoi(m[4])
	if !obs.ValidYMD(y, mo, d) {
		return nil, fmt.Errorf("unknown time units %q: no such reference date", units)
	}
	h, mi := atoi(m[5]), atoi(m[6])
	sec := 0.0
	if m[7] != "" {
		sec, _ = strconv.ParseFloat(m[7], 64)
	}
	if h > 24 || mi > 59 || sec >= 61 {
		return nil, fmt.Errorf("unknown time units %q: bad reference time", units)
	}
	ref := time.Date(y, time.Month(mo), d, h, mi, 0, int(sec*1e9), time.UTC)
	if z := m[8]; z != "" && z != "Z" && z != "UTC" && z != "GMT" {
		z = strings.ReplaceAll(z, ":", "")
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		z = z[1:]
		zh, zm := 0, 0
		if len(z) <= 2 {
			zh = atoi(z)
		} else {
			zh, zm = atoi(z[:len(z)-2]), atoi(z[len(z)-2:])
		}
		ref = ref.Add(-time.Duration(sign) * (time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute))
	}
	return &timeDecoder{unit: unit, ref: ref}, nil
}

// date returns the UTC calendar date of the instant value units after the
// reference, rounded to the millisecond first so that float32 noise does not
// move an instant across midnight.
func (td *timeDecoder) date(value float64) (obs.Date, error) {
	if math.IsNaN(value) || math.IsInf(value, 0) || math.Abs(value*float64(td.unit)) > 9e18 {
		return 0, fmt.Errorf("time value %v is out of range", value)
	}
	ms := math.Round(value * float64(td.unit) / float64(time.Millisecond))
	t := td.ref.Add(time.Duration(ms) * time.Millisecond)
	return obs.FromTime(t), nil
}

// packing holds the CF decoding rules of a data variable: the unpacked
// value is raw*scale+offset; a raw value is missing when it equals the fill
// or missing values, is NaN, or falls outside the valid range.
type packing struct {
	scale, offset float64
	fills         []float64 // raw values that mark missing data
	// lo and hi bound the valid values (inclusive). rawRange says whether
	// they apply to raw (packed) values or to unpacked ones.
	lo, hi   float64
	rawRange bool
}

// defaultFill returns netCDF's default fill value for t.
func defaultFill(t ncType) (float64, bool) {
	switch t {
	case ncByte:
		return -127, true
	case ncShort:
		return -32767, true
	case ncInt:
		return -2147483647, true
	case ncFloat:
		return float64(float32(9.9692099683868690e+36)), true
	case ncDouble:
		return 9.9692099683868690e+36, true
	case ncUByte:
		return 255, true
	case ncUShort:
		return 65535, true
	case ncUInt:
		return 4294967295, true
	}
	return 0, false
}

// newPacking reads scale_factor, add_offset, _FillValue, missing_value,
// valid_min, valid_max and valid_range following the CF conventions (and
// the NUG): a valid range whose type is the variable's own type applies to
// packed values, otherwise to unpacked values. When a variable has no
// _FillValue attribute, netCDF's default fill value for its type is treated
// as missing too, as netCDF-C and CDO do; byte variables are exempt, as the
// NUG says.
func newPacking(v *ncVar) (packing, error) {
	p := packing{scale: 1, offset: 0, lo: math.Inf(-1), hi: math.Inf(1), rawRange: true}
	if s, ok := v.num("scale_factor"); ok {
		p.scale = s
	}
	if o, ok := v.num("add_offset"); ok {
		p.offset = o
	}
	if p.scale == 0 || math.IsNaN(p.scale) || math.IsInf(p.scale, 0) || math.IsNaN(p.offset) || math.IsInf(p.offset, 0) {
		return p, fmt.Errorf("variable %s: unusable scale_factor %v / add_offset %v", v.name, p.scale, p.offset)
	}
	if a, ok := v.attrs["_FillValue"]; ok && len(a.nums) > 0 {
		p.fills = append(p.fills, a.nums[0])
	} else if f, ok := defaultFill(v.typ); ok && v.typ != ncByte && v.typ != ncUByte {
		p.fills = append(p.fills, f)
	}
	if a, ok := v.attrs["missing_value"]; ok {
		p.fills = append(p.fills, a.nums...)
	}
	var rangeType ncType
	if a, ok := v.attrs["valid_range"]; ok && len(a.nums) == 2 {
		p.lo, p.hi, rangeType = a.nums[0], a.nums[1], a.typ
	} else {
		if a, ok := v.attrs["valid_min"]; ok && len(a.nums) > 0 {
			p.lo, rangeType = a.nums[0], a.typ
		}
		if a, ok := v.attrs["valid_max"]; ok && len(a.nums) > 0 {
			p.hi, rangeType = a.nums[0], a.typ
		}
	}
	if rangeType != 0 && rangeType != v.typ {
		_, hasScale := v.attrs["scale_factor"]
		_, hasOffset := v.attrs["add_offset"]
		p.rawRange = !(hasScale || hasOffset)
	}
	return p, nil
}

// canonicalUnit maps the spellings of degrees Celsius to "degC", the unit
// stocktake stores SST in, and returns other units unchanged.
func canonicalUnit(u string) string {
	switch strings.ToLower(strings.TrimSpace(u)) {
	case "celsius", "degc", "deg_c", "deg c", "degree_celsius", "degrees_celsius", "degrees c", "degree c", "°c", "c":
		return "degC"
	}
	return strings.TrimSpace(u)
}
