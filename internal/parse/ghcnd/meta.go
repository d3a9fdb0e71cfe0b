package ghcnd

import (
	"bytes"
	"io"
	"strconv"

	"github.com/stocktake/stocktake/internal/parse"
)

// Station is one line of ghcnd-stations.txt.
type Station struct {
	ID        string  // 11-character station id; its first two characters are the FIPS country code
	Latitude  float64 // decimal degrees north
	Longitude float64 // decimal degrees east
	Elevation float64 // metres; NaN-free: -999.9 (NOAA's missing marker) is kept as given
	State     string  // U.S. or Canadian postal code, "" elsewhere
	Name      string
	GSN       bool   // part of the GCOS Surface Network
	HCNCRN    string // "HCN", "CRN" or ""
	WMO       string // WMO station number, "" when none
}

// Country returns the FIPS country code of the station (the first two
// characters of its id).
func (s Station) Country() string { return s.ID[:2] }

// Inventory is one line of ghcnd-inventory.txt: the first and last year of
// unflagged data of one element at one station.
type Inventory struct {
	ID        string
	Latitude  float64
	Longitude float64
	Element   string
	FirstYear int
	LastYear  int
}

// Country is one line of ghcnd-countries.txt.
type Country struct {
	Code string // FIPS country code
	Name string
}

// field returns columns from..to (1-based, inclusive) of line, trimmed; a
// line shorter than from yields "".
func field(line []byte, from, to int) []byte {
	if len(line) < from {
		return nil
	}
	if len(line) < to {
		to = len(line)
	}
	return bytes.TrimSpace(line[from-1 : to])
}

func parseFloat(file string, n int, line []byte, from, to int, name string, lo, hi float64) (float64, error) {
	b := field(line, from, to)
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || v < lo || v > hi {
		return 0, parse.Errorf(file, n, "columns %d-%d: %s %q is not a number in [%g, %g]", from, to, name, b, lo, hi)
	}
	return v, nil
}

// ParseStations reads ghcnd-stations.txt (readme section IV). Lines must
// reach at least the name field (column 42); the flag and WMO columns may be
// cut off when blank.
func ParseStations(file string, r io.Reader) ([]Station, error) {
	var out []Station
	lr := newLineReader(file, r)
	for {
		line, err := lr.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		n := lr.n
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) < 42 {
			return out, parse.Errorf(file, n, "line is %d characters; a station line reaches at least column 42 (NAME)", len(line))
		}
		if !validID(line[0:11]) {
			return out, parse.Errorf(file, n, "columns 1-11: station id %q is not 11 letters or digits", line[0:11])
		}
		s := Station{ID: string(line[0:11])}
		if s.Latitude, err = parseFloat(file, n, line, 13, 20, "LATITUDE", -90, 90); err != nil {
			return out, err
		}
		if s.Longitude, err = parseFloat(file, n, line, 22, 30, "LONGITUDE", -180, 180); err != nil {
			return out, err
		}
		if s.Elevation, err = parseFloat(file, n, line, 32, 37, "ELEVATION", -999.9, 9000); err != nil {
			return out, err
		}
		s.State = string(field(line, 39, 40))
		s.Name = string(field(line, 42, 71))
		s.GSN = string(field(line, 73, 75)) == "GSN"
		s.HCNCRN = string(field(line, 77, 79))
		s.WMO = string(field(line, 81, 85))
		if s.HCNCRN != "" && s.HCNCRN != "HCN" && s.HCNCRN != "CRN" {
			return out, parse.Errorf(file, n, "columns 77-79: HCN/CRN flag %q is not HCN, CRN or blank", s.HCNCRN)
		}
		out = append(out, s)
	}
}

// ParseInventory reads ghcnd-inventory.txt (readme section VII).
func ParseInventory(file string, r io.Reader) ([]Inventory, error) {
	var out []Inventory
	lr := newLineReader(file, r)
	for {
		line, err := lr.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		n := lr.n
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) < 45 {
			return out, parse.Errorf(file, n, "line is %d characters; an inventory line is 45", len(line))
		}
		if !validID(line[0:11]) {
			return out, parse.Errorf(file, n, "columns 1-11: station id %q is not 11 letters or digits", line[0:11])
		}
		v := Inventory{ID: string(line[0:11])}
		if v.Latitude, err = parseFloat(file, n, line, 13, 20, "LATITUDE", -90, 90); err != nil {
			return out, err
		}
		if v.Longitude, err = parseFloat(file, n, line, 22, 30, "LONGITUDE", -180, 180); err != nil {
			return out, err
		}
		if el := field(line, 32, 35); validElement(el) {
			v.Element = string(el)
		} else {
			return out, parse.Errorf(file, n, "columns 32-35: element %q is not a 4-character code", el)
		}
		var ok1, ok2 bool
		v.FirstYear, ok1 = atoi(field(line, 37, 40))
		v.LastYear, ok2 = atoi(field(line, 42, 45))
		if !ok1 || !ok2 || v.FirstYear < 1700 || v.LastYear < v.FirstYear {
			return out, parse.Errorf(file, n, "columns 37-45: years %q..%q are not FIRSTYEAR <= LASTYEAR", field(line, 37, 40), field(line, 42, 45))
		}
		out = append(out, v)
	}
}

// ParseCountries reads ghcnd-countries.txt (readme section V).
func ParseCountries(file string, r io.Reader) ([]Country, error) {
	var out []Country
	lr := newLineReader(file, r)
	for {
		line, err := lr.next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		n := lr.n
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) < 4 || line[2] != ' ' || !validElement(append([]byte{}, line[0], line[1], 'X', 'X')) {
			return out, parse.Errorf(file, n, "expected a 2-character FIPS code, a blank and a name; got %q", line)
		}
		name := field(line, 4, 50)
		if len(name) == 0 {
			return out, parse.Errorf(file, n, "columns 4-50: country name is empty")
		}
		out = append(out, Country{Code: string(line[0:2]), Name: string(name)})
	}
}
