// Package jma parses the Japan Meteorological Agency's global ocean heat
// content table (catalog format "jma-ohc"), ohc_global_1955.txt:
//
//	# OHC[10**22 J]
//	# A(0-700) : Deviation from 1955 [0-700m]
//	 Year    A(0-700) A(700-2000)   A(0-2000)   E(0-2000)
//	 1955        0.00        0.00        0.00        3.69
//
// '#' lines are comments; the first other non-blank line is the header, whose
// first column must be Year. Values are in 10^22 J, anomalies relative to
// 1955 (A columns) or the 95% analysis error (E column). Each indicator picks
// its column by its Column, the header name (e.g. "A(0-2000)"); each year's
// value is dated 1 January. The file has no missing values; -99.99, -999.9,
// -999.99 and -9999 are nevertheless read as missing, since no real anomaly
// comes near them.
package jma

import (
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a JMA ocean heat content table (Year A(0-700) A(700-2000) A(0-2000) E(0-2000))"

var missing = textutil.NewMarkers("-99.99", "-999.9", "-999.99", "-9999")

// Parse reads the table into one annual series per indicator.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 0, "no indicators given: each needs a Column naming a header column")
	}
	for _, ind := range inds {
		if err := textutil.CheckFrequency(file, ind, obs.Annual); err != nil {
			return nil, err
		}
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	var cols []int // column index per indicator
	var width int
	cs := make([]textutil.Collector, len(inds))
	rows := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if cols == nil {
			if !strings.EqualFold(f[0], "Year") {
				return nil, parse.Errorf(file, sc.Line(), "expected the header line starting with Year, got %s", textutil.Quote(line))
			}
			width = len(f)
			for _, ind := range inds {
				i := index(f, ind.Column)
				if i <= 0 {
					return nil, parse.Errorf(file, sc.Line(), "indicator %s: column %q not in header %s", ind.ID, ind.Column, textutil.Quote(line))
				}
				cols = append(cols, i)
			}
			continue
		}
		if len(f) != width {
			return nil, parse.Errorf(file, sc.Line(), "expected %d whitespace-separated columns like the header, got %d in %s", width, len(f), textutil.Quote(line))
		}
		y, err := textutil.ParseYear(f[0])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column Year: %v", err)
		}
		rows++
		for k, i := range cols {
			v, ok, err := missing.Parse(f[i])
			if err != nil {
				return nil, parse.Errorf(file, sc.Line(), "column %s: %v", inds[k].Column, err)
			}
			cs[k].Add(obs.NewDate(y, 1, 1), v, ok, sc.Line())
		}
	}
	if cols == nil {
		return nil, parse.Errorf(file, sc.Line(), "no header line (Year ...): expected %s", what)
	}
	if rows == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the header")
	}
	return textutil.SeriesOf(file, inds, cs)
}

// index returns the position of name in header, or -1. An empty name is
// never found.
func index(header []string, name string) int {
	for i, h := range header {
		if name != "" && h == name {
			return i
		}
	}
	return -1
}
