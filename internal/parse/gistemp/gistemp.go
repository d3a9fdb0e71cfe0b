// Package gistemp parses NASA GISS GISTEMP v4 tables in their CSV form
// (catalog format "gistemp-csv"), such as GLB.Ts+dSST.csv:
//
//	Land-Ocean: Global Means
//	Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D,D-N,DJF,MAM,JJA,SON
//	1880,-.19,-.25,-.09,-.16,-.10,-.21,-.18,-.10,-.15,-.23,-.22,-.18,-.17,***,***,-.12,-.16,-.20
//
// Lines before the header (the title) are skipped. Values are anomalies in
// degrees Celsius relative to 1951-1980, written without a leading zero
// ("-.19"); "***" (and "****", "*****") mean missing. Only the monthly columns
// Jan..Dec are stored, each dated on the first of its month; the annual and
// seasonal columns are GISS's own averages and are not read.
package gistemp

import (
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a GISTEMP CSV table (title line, then Year,Jan,...,Dec,...)"

var months = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// missing holds GISS's missing-value markers.
var missing = textutil.NewMarkers("***", "****", "*****")

// maxTitleLines bounds the lines searched for the header, so that a file that
// is not a GISTEMP table fails near its top.
const maxTitleLines = 5

// Parse reads a GISTEMP CSV table into one monthly series for inds[0].
// Every data row must have as many columns as the header.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, obs.Monthly)
	if err != nil {
		return nil, err
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	width := 0
	for width == 0 && sc.Scan() {
		f := split(sc.Text())
		if !strings.EqualFold(f[0], "Year") {
			if sc.Line() >= maxTitleLines {
				return nil, parse.Errorf(file, sc.Line(), "no header line starting with \"Year,Jan\" in the first %d lines: expected %s", maxTitleLines, what)
			}
			continue
		}
		if len(f) < 13 {
			return nil, parse.Errorf(file, sc.Line(), "header: expected Year and 12 month columns, got %d columns", len(f))
		}
		for i, m := range months {
			if !strings.EqualFold(f[i+1], m) {
				return nil, parse.Errorf(file, sc.Line(), "header column %d: expected %q, got %s", i+2, m, textutil.Quote(f[i+1]))
			}
		}
		width = len(f)
	}
	if width == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no header line starting with \"Year,Jan\": expected %s", what)
	}
	var c textutil.Collector
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := split(sc.Text())
		if len(f) != width {
			return nil, parse.Errorf(file, sc.Line(), "expected %d comma-separated columns like the header, got %d in %s", width, len(f), textutil.Quote(sc.Text()))
		}
		y, err := textutil.ParseYear(f[0])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column Year: %v", err)
		}
		for m := 1; m <= 12; m++ {
			v, ok, err := missing.Parse(f[m])
			if err != nil {
				return nil, parse.Errorf(file, sc.Line(), "column %s: %v", months[m-1], err)
			}
			c.Add(obs.NewDate(y, m, 1), v, ok, sc.Line())
		}
	}
	if c.Rows() == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the header")
	}
	return c.Parsed(file, ind)
}

// split splits a CSV line (GISS writes no quotes) and trims each field.
func split(line string) []string {
	f := strings.Split(line, ",")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}
