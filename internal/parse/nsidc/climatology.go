package nsidc

import (
	"strings"

	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

// ClimatologyRow is one day of the Sea Ice Index daily climatology. All values
// are extents in 10^6 km^2 over the baseline years.
type ClimatologyRow struct {
	// DOY is NSIDC's day of year, 1..366, as written in the file.
	DOY     int
	Average float64 // mean extent
	Std     float64 // standard deviation
	P10     float64 // 10th percentile
	P25     float64 // 25th percentile
	P50     float64 // median
	P75     float64 // 75th percentile
	P90     float64 // 90th percentile
}

// ClimatologyTable is the content of a climatology file such as
// N_seaice_extent_climatology_1981-2010_v3.0.csv.
type ClimatologyTable struct {
	// Baseline is the period named on the file's first line
	// ("std Years = 1981-2010"), or "" when the file does not name one.
	Baseline string
	// Rows are in strictly increasing DOY order, as in the file.
	Rows []ClimatologyRow
}

const climWhat = "an NSIDC Sea Ice Index daily climatology CSV"

// ParseClimatology reads an NSIDC daily climatology CSV: optional preamble
// lines (the first names the baseline years), the header line "DOY, Average
// Extent, Std Deviation, 10th, 25th, 50th, 75th, 90th", then one row per day
// of year with 8 columns. DOY must be 1..366 and strictly increasing; values
// must be numbers (the file has no missing-value marker).
func ParseClimatology(file string, data []byte) (ClimatologyTable, error) {
	var t ClimatologyTable
	if err := textutil.Sniff(file, data, climWhat); err != nil {
		return t, err
	}
	sc := textutil.NewScanner(data)
	header := false
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		f := fields(line, -1)
		if !header {
			if strings.EqualFold(f[0], "DOY") {
				if len(f) != 8 {
					return t, parse.Errorf(file, sc.Line(), "expected 8 header columns (DOY, Average Extent, Std Deviation, 10th, 25th, 50th, 75th, 90th), got %d", len(f))
				}
				header = true
				continue
			}
			if _, after, ok := strings.Cut(line, "Years ="); ok {
				t.Baseline = strings.TrimSpace(after)
			}
			continue
		}
		if len(f) != 8 {
			return t, parse.Errorf(file, sc.Line(), "expected 8 comma-separated columns, got %d in %s", len(f), textutil.Quote(line))
		}
		doy, err := textutil.ParseInt(f[0])
		if err != nil {
			return t, parse.Errorf(file, sc.Line(), "column DOY: %v", err)
		}
		if doy < 1 || doy > 366 {
			return t, parse.Errorf(file, sc.Line(), "column DOY: expected 1..366, got %d", doy)
		}
		if n := len(t.Rows); n > 0 && doy <= t.Rows[n-1].DOY {
			return t, parse.Errorf(file, sc.Line(), "DOY %d does not follow DOY %d (duplicate or out of order)", doy, t.Rows[n-1].DOY)
		}
		var v [7]float64
		for i := range v {
			if v[i], err = textutil.ParseNumber(f[i+1]); err != nil {
				return t, parse.Errorf(file, sc.Line(), "column %d: %v", i+2, err)
			}
		}
		t.Rows = append(t.Rows, ClimatologyRow{DOY: doy, Average: v[0], Std: v[1], P10: v[2], P25: v[3], P50: v[4], P75: v[5], P90: v[6]})
	}
	if !header {
		return t, parse.Errorf(file, 0, "no header line starting with DOY: expected %s", climWhat)
	}
	if len(t.Rows) == 0 {
		return t, parse.Errorf(file, sc.Line(), "no data rows after the header")
	}
	return t, nil
}
