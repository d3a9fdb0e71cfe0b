// Package cpconi parses NOAA CPC's Oceanic Nino Index table (catalog format
// "cpc-oni"), oni.ascii.txt:
//
//	SEAS  YR   TOTAL   ANOM
//	 DJF 1950  25.01  -1.32
//
// Each row is a 3-month running season; it is dated on the first of its
// centre month in year YR: DJF 1950 (Dec 1949 - Feb 1950) -> 1950-01,
// JFM -> February, ..., NDJ 2025 (Nov 2025 - Jan 2026) -> 2025-12. Values
// are degrees Celsius: TOTAL is the Nino 3.4 SST, ANOM its anomaly (the
// ONI). Each indicator reads the header column named by its Column, ANOM
// when Column is empty. -99.9, -99.99, -999.9 and -9999 mean missing.
package cpconi

import (
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a CPC ONI table (SEAS YR TOTAL ANOM)"

var missing = textutil.NewMarkers("-99.9", "-99.99", "-999.9", "-9999")

// centre maps each season to its centre month.
var centre = map[string]int{
	"DJF": 1, "JFM": 2, "FMA": 3, "MAM": 4, "AMJ": 5, "MJJ": 6,
	"JJA": 7, "JAS": 8, "ASO": 9, "SON": 10, "OND": 11, "NDJ": 12,
}

// Parse reads the table into one monthly series per indicator.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 0, "no indicators given")
	}
	for _, ind := range inds {
		if err := textutil.CheckFrequency(file, ind, obs.Monthly); err != nil {
			return nil, err
		}
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	var cols []int
	iSeas, iYr, width := -1, -1, 0
	cs := make([]textutil.Collector, len(inds))
	rows := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if cols == nil {
			iSeas, iYr, width = index(f, "SEAS"), index(f, "YR"), len(f)
			if iSeas < 0 || iYr < 0 {
				return nil, parse.Errorf(file, sc.Line(), "expected the header line (SEAS YR TOTAL ANOM), got %s", textutil.Quote(line))
			}
			for _, ind := range inds {
				name := column(ind)
				i := index(f, name)
				if i < 0 || i == iSeas || i == iYr {
					return nil, parse.Errorf(file, sc.Line(), "indicator %s: value column %q not in header %s", ind.ID, name, textutil.Quote(line))
				}
				cols = append(cols, i)
			}
			continue
		}
		if len(f) != width {
			return nil, parse.Errorf(file, sc.Line(), "expected %d whitespace-separated columns like the header, got %d in %s", width, len(f), textutil.Quote(line))
		}
		m, ok := centre[f[iSeas]]
		if !ok {
			return nil, parse.Errorf(file, sc.Line(), "column SEAS: expected a 3-month season (DJF, JFM, ..., NDJ), got %s", textutil.Quote(f[iSeas]))
		}
		y, err := textutil.ParseYear(f[iYr])
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column YR: %v", err)
		}
		rows++
		for k, i := range cols {
			v, ok, err := missing.Parse(f[i])
			if err != nil {
				return nil, parse.Errorf(file, sc.Line(), "column %s: %v", column(inds[k]), err)
			}
			cs[k].Add(obs.NewDate(y, m, 1), v, ok, sc.Line())
		}
	}
	if cols == nil {
		return nil, parse.Errorf(file, sc.Line(), "no header line: expected %s", what)
	}
	if rows == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the header")
	}
	return textutil.SeriesOf(file, inds, cs)
}

// column returns the header column an indicator reads: its Column, or ANOM.
func column(ind catalog.Indicator) string {
	if ind.Column == "" {
		return "ANOM"
	}
	return ind.Column
}

// index returns the position of name in header (case-insensitive), or -1.
func index(header []string, name string) int {
	for i, h := range header {
		if strings.EqualFold(h, name) {
			return i
		}
	}
	return -1
}
