// Package gml parses NOAA Global Monitoring Laboratory trend files: monthly
// means (catalog format "gml-monthly", Parse) and the Mauna Loa weekly means
// (catalog format "gml-weekly", ParseWeekly).
//
// Both are whitespace-separated text with a header of '#' comment lines (the
// column names are part of the comments) and blank lines allowed anywhere.
//
// Monthly files come in two layouts, told apart by column count, and in both
// the value stored is the fourth column, "average":
//
//	co2_mm_mlo.txt (8 columns): year month decimal average deseasonalized ndays sdev unc
//	ch4_mm_gl.txt, n2o_mm_gl.txt (7): year month decimal average average_unc trend trend_unc
//
// A monthly value is dated on the first of its month. Missing-value markers
// are applied to the average column only, because the other columns use
// their own markers that are not missing values of the average (ndays is -1
// and sdev -9.99 in early Mauna Loa rows whose average is an interpolated
// value; average_unc is -9.99 in the latest preliminary rows). In the average
// column -99.99 (older Mauna Loa files), -999.99, -9.99 and -1 mean missing.
//
// Weekly file (9 columns): yr mon day decimal ppm ndays 1yr_ago 10yr_ago
// since1800. A week is dated by its start day as given; the value stored is
// ppm, where -999.99 means no data that week.
package gml

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

// averageMissing are the markers of the monthly "average" column.
var averageMissing = textutil.NewMarkers("-99.99", "-999.99", "-9.99", "-1")

// weeklyMissing are the markers of the weekly "ppm" column.
var weeklyMissing = textutil.NewMarkers("-999.99", "-99.99")

// Parse reads a GML monthly-mean file into one monthly series for inds[0].
// Every data row must have the column count of the first data row (7 or 8).
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, obs.Monthly)
	if err != nil {
		return nil, err
	}
	return read(file, data, ind, "a NOAA GML monthly-mean text file", []int{7, 8}, func(f []string) (obs.Date, string, error) {
		y, err := textutil.ParseYear(f[0])
		if err != nil {
			return 0, "", err
		}
		m, err := textutil.ParseInt(f[1])
		if err != nil {
			return 0, "", err
		}
		d, err := textutil.Date(y, m, 1)
		if err != nil {
			return 0, "", err
		}
		return d, f[3], checkDecimalDate(f[2], y)
	}, averageMissing, "average")
}

// ParseWeekly reads the GML weekly Mauna Loa file into one weekly series for
// inds[0], each week dated by its start day.
func ParseWeekly(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, obs.Weekly)
	if err != nil {
		return nil, err
	}
	return read(file, data, ind, "a NOAA GML weekly-mean text file", []int{9}, func(f []string) (obs.Date, string, error) {
		y, err := textutil.ParseYear(f[0])
		if err != nil {
			return 0, "", err
		}
		m, err := textutil.ParseInt(f[1])
		if err != nil {
			return 0, "", err
		}
		d, err := textutil.ParseInt(f[2])
		if err != nil {
			return 0, "", err
		}
		date, err := textutil.Date(y, m, d)
		if err != nil {
			return 0, "", err
		}
		return date, f[4], checkDecimalDate(f[3], y)
	}, weeklyMissing, "ppm")
}

// rowFunc returns a data row's date and the text of its value field. It is
// called only with a row of an accepted column count.
type rowFunc func(fields []string) (obs.Date, string, error)

// read is the loop shared by both layouts. counts are the accepted column
// counts; the first data row fixes the count for the rest of the file.
func read(file string, data []byte, ind catalog.Indicator, what string, counts []int, row rowFunc, missing textutil.Markers, col string) (*obs.Parsed, error) {
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	sc := textutil.NewScanner(data)
	var c textutil.Collector
	width := 0
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if width == 0 {
			for _, n := range counts {
				if len(f) == n {
					width = n
				}
			}
			if width == 0 {
				return nil, parse.Errorf(file, sc.Line(), "expected %s whitespace-separated columns, got %d in %s", countList(counts), len(f), textutil.Quote(line))
			}
		}
		if len(f) != width {
			return nil, parse.Errorf(file, sc.Line(), "expected %d whitespace-separated columns like the first data row, got %d in %s", width, len(f), textutil.Quote(line))
		}
		d, vs, err := row(f)
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "%v", err)
		}
		v, ok, err := missing.Parse(vs)
		if err != nil {
			return nil, parse.Errorf(file, sc.Line(), "column %s: %v", col, err)
		}
		c.Add(d, v, ok, sc.Line())
	}
	if c.Rows() == 0 {
		return nil, parse.Errorf(file, sc.Line(), "no data rows after the '#' header: expected %s", what)
	}
	return c.Parsed(file, ind)
}

// checkDecimalDate checks a row's decimal-date column: a number whose whole
// part is the row's year. The value itself is not used (the year, month and
// day columns date the row), but a row whose decimal date is garbage or
// belongs to another year is a damaged row, not data.
func checkDecimalDate(s string, year int) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("column decimal: expected a decimal year such as %d.0417, got %s", year, textutil.Quote(s))
	}
	if int(math.Floor(v)) != year {
		return fmt.Errorf("column decimal: %s is not in the row's year %d", textutil.Quote(s), year)
	}
	return nil
}

// countList writes accepted column counts as "7 or 8".
func countList(counts []int) string {
	s := make([]string, len(counts))
	for i, n := range counts {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " or ")
}
