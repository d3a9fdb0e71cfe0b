// Package nsidc parses the NSIDC Sea Ice Index (G02135) daily extent CSV,
// catalog format "nsidc-extent-csv", and the Sea Ice Index daily climatology
// CSV (ParseClimatology), which is not a catalog format.
//
// The daily file has two header lines, the column names and their units:
//
//	Year, Month, Day,     Extent,    Missing, Source Data
//	YYYY,    MM,  DD, 10^6 sq km, 10^6 sq km, Source data product web sites: ...
//
// followed by one row per day. The value stored is Extent in 10^6 km^2 (the
// total area of cells with at least 15% ice). The Missing column (area of the
// pole hole and other missing cells) and the Source Data column (the list of
// input files, which holds commas inside brackets and quotes) are not stored:
// a row is split at its first five commas and the rest is the source field.
// An Extent of -9999 is NSIDC's missing-value marker and yields no point.
// Rows before August 1987 are every other day, and there are gaps (e.g.
// 1987-12-03..1988-01-12); gaps are simply absent rows, not markers.
package nsidc

import (
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "an NSIDC Sea Ice Index daily extent CSV"

// extentUnit is the unit NSIDC writes for Extent on the units line; it is
// 10^6 km^2, the unit of the catalog indicators.
const extentUnit = "10^6 sq km"

// missing holds NSIDC's missing-value markers for Extent.
var missing = textutil.NewMarkers("-9999", "-9999.0", "-9999.000")

// Parse reads a G02135 daily extent CSV into one daily series for inds[0]
// (which must be the only indicator, with daily frequency). Rows may come in
// any order; they are sorted, and two rows for one date are an error.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, obs.Daily)
	if err != nil {
		return nil, err
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	if err := header(file, sc); err != nil {
		return nil, err
	}
	var c textutil.Collector
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.SplitN(line, ",", 6)
		if len(f) != 6 {
			return nil, parse.Errorf(file, sc.Line(), "expected 6 comma-separated columns (Year, Month, Day, Extent, Missing, Source Data), got %d in %s", len(f), textutil.Quote(line))
		}
		d, err := ymd(f[0], f[1], f[2])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "%v", err)
		}
		v, ok, err := missing.Parse(f[3])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column Extent: %v", err)
		}
		c.Add(d, v, ok, sc.Line())
	}
	if c.Rows() == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the two header lines")
	}
	return c.Parsed(file, ind)
}

// header reads and checks the two header lines: the column names (the first
// five must be Year, Month, Day, Extent, Missing) and the units line, whose
// Extent unit must be 10^6 sq km.
func header(file string, sc *textutil.Scanner) error {
	if !sc.Scan() {
		return parse.Errorf(file, 0, "empty file: expected %s", what)
	}
	names := fields(sc.Text(), 6)
	want := []string{"Year", "Month", "Day", "Extent", "Missing"}
	if len(names) < len(want) {
		return parse.Errorf(file, sc.Line(), "expected the header line %q, got %s", "Year, Month, Day, Extent, Missing, Source Data", textutil.Quote(sc.Text()))
	}
	for i, w := range want {
		if !strings.EqualFold(names[i], w) {
			return parse.Errorf(file, sc.Line(), "header column %d: expected %q, got %s", i+1, w, textutil.Quote(names[i]))
		}
	}
	if !sc.Scan() {
		return parse.Errorf(file, 1, "expected a units line (YYYY, MM, DD, 10^6 sq km, ...) after the header")
	}
	units := fields(sc.Text(), 6)
	if len(units) < 4 || units[0] != "YYYY" {
		return parse.Errorf(file, sc.Line(), "expected the units line (YYYY, MM, DD, 10^6 sq km, ...), got %s", textutil.Quote(sc.Text()))
	}
	if units[3] != extentUnit {
		return parse.Errorf(file, sc.Line(), "Extent unit: expected %q, got %s", extentUnit, textutil.Quote(units[3]))
	}
	return nil
}

// fields splits a header line at its first n-1 commas and trims each field.
func fields(line string, n int) []string {
	f := strings.SplitN(line, ",", n)
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}

// ymd parses the Year, Month and Day fields into a date.
func ymd(ys, ms, ds string) (obs.Date, error) {
	y, err := textutil.ParseYear(ys)
	if err != nil {
		return 0, err
	}
	m, err := textutil.ParseInt(ms)
	if err != nil {
		return 0, err
	}
	d, err := textutil.ParseInt(ds)
	if err != nil {
		return 0, err
	}
	return textutil.Date(y, m, d)
}
