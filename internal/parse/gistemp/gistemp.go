// Package gistemp parses NASA GISS GISTEMP v4 tables in their CSV form
// (catalog format "gistemp-csv"), such as GLB.Ts+dSST.csv:
//
//	Land-Ocean: Global Means
//	Year,Jan,Feb,Mar,Apr,May,Jun,Jul,Aug,Sep,Oct,Nov,Dec,J-D,D-N,DJF,MAM,JJA,SON
//	1880,-.19,-.25,-.09,-.16,-.10,-.21,-.18,-.10,-.15,-.23,-.22,-.18,-.17,***,***,-.12,-.16,-.20
//
// Lines before the header (the title) are skipped. Values are anomalies in
// degrees Celsius relative to 1951-1980, written without a leading zero
// ("-.19"); "***" (and "****", "*****") mean missing. The first indicator
// (monthly, no Column) takes the monthly columns Jan..Dec, each dated on the
// first of its month. Every further indicator must be annual and name a
// header column in its Column (catalog: "J-D", GISS's published January to
// December mean, which is the annual value NASA announces, computed by GISS
// from unrounded monthly values); its value is dated 1 January of the row's
// year. A year whose annual column is "***" (the year in progress) has no
// annual point.
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

// Parse reads a GISTEMP CSV table into one monthly series for inds[0] and
// one annual series for each further indicator (see the package comment).
// Every data row must have as many columns as the header.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 0, "no indicators given: the first must be the monthly series")
	}
	ind := inds[0]
	if err := textutil.CheckFrequency(file, ind, obs.Monthly); err != nil {
		return nil, err
	}
	extra := inds[1:]
	for _, a := range extra {
		if err := textutil.CheckFrequency(file, a, obs.Annual); err != nil {
			return nil, err
		}
		if a.Column == "" {
			return nil, parse.Errorf(file, 0, "indicator %s has no Column naming the annual column (such as J-D)", a.ID)
		}
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	width := 0
	var cols []int // header position of each extra (annual) indicator's column
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
		for _, a := range extra {
			i := -1
			for j, h := range f {
				if j > 12 && strings.EqualFold(h, a.Column) {
					i = j
				}
			}
			if i < 0 {
				return nil, parse.Errorf(file, sc.Line(), "indicator %s: column %q not in header %s", a.ID, a.Column, textutil.Quote(sc.Text()))
			}
			cols = append(cols, i)
		}
	}
	if width == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no header line starting with \"Year,Jan\": expected %s", what)
	}
	var c textutil.Collector
	ac := make([]textutil.Collector, len(extra))
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
		for k, i := range cols {
			v, ok, err := missing.Parse(f[i])
			if err != nil {
				return nil, parse.Errorf(file, sc.Line(), "column %s: %v", extra[k].Column, err)
			}
			ac[k].Add(obs.NewDate(y, 1, 1), v, ok, sc.Line())
		}
	}
	if c.Rows() == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the header")
	}
	out, err := c.Parsed(file, ind)
	if err != nil {
		return nil, err
	}
	if len(extra) > 0 {
		more, err := textutil.SeriesOf(file, extra, ac)
		if err != nil {
			return nil, err
		}
		out.Series = append(out.Series, more.Series...)
	}
	return out, nil
}

// split splits a CSV line (GISS writes no quotes) and trims each field.
func split(line string) []string {
	f := strings.Split(line, ",")
	for i := range f {
		f[i] = strings.TrimSpace(f[i])
	}
	return f
}
