// Package cugmsl parses the University of Colorado Sea Level Research Group's
// global mean sea level series (catalog format "cu-gmsl"), e.g.
// gmsl_2026rel2_seasons_rmvd.txt: '#' comment lines, then two
// whitespace-separated columns, a decimal year and GMSL in mm.
//
// Dating rule: a decimal year x is dated on the calendar day (UTC) nearest to
// x, computed as y = floor(x), offset = round((x - y) * days in year y) with
// halves rounded away from zero, date = 1 January of y plus offset days (an
// offset equal to the year's length gives 1 January of y+1). Cycles are about
// 9.9 days apart (the shortest gap in the 2026_rel2 file is 5 days), so two
// cycles should never land on the same day; if they do, the file is rejected
// with an error naming both lines rather than one value being dropped.
//
// The series' frequency is taken from the indicator (Irregular in the
// catalog). GMSL has no missing-value marker in the file; values of -9999,
// -999.99 or -999.9 are nevertheless read as missing.
package cugmsl

import (
	"fmt"
	"math"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a CU global mean sea level text file (decimal year, GMSL mm)"

var missing = textutil.NewMarkers("-9999", "-999.99", "-999.9")

// Parse reads the file into one series for inds[0].
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, "")
	if err != nil {
		return nil, err
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	var c textutil.Collector
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, parse.Errorf(file, sc.Line(), "expected 2 whitespace-separated columns (decimal year, GMSL mm), got %d in %s", len(f), textutil.Quote(line))
		}
		x, err := textutil.ParseNumber(f[0])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column decimal year: %v", err)
		}
		d, err := DecimalYear(x)
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column decimal year: %v", err)
		}
		v, ok, err := missing.Parse(f[1])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column GMSL: %v", err)
		}
		c.Add(d, v, ok, sc.Line())
	}
	if c.Rows() == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the '#' header")
	}
	return c.Parsed(file, ind)
}

// DecimalYear returns the calendar day nearest to the decimal year x by the
// rule in the package comment. x must lie in [1000, 10000).
func DecimalYear(x float64) (obs.Date, error) {
	if !(x >= 1000 && x < 10000) {
		return 0, fmt.Errorf("decimal year %v is out of range 1000..9999", x)
	}
	y := math.Floor(x)
	n := 365.0
	if obs.IsLeap(int(y)) {
		n = 366
	}
	off := math.Round((x - y) * n)
	return obs.NewDate(int(y), 1, 1) + obs.Date(off), nil
}
