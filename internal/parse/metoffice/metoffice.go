// Package metoffice parses the Met Office Hadley Centre's HadCRUT5 summary
// series CSV (catalog format "metoffice-hadcrut5-csv"), such as
// HadCRUT.5.0.2.0.analysis.summary_series.global.monthly.csv:
//
//	Time,Anomaly (deg C),Lower confidence limit (2.5%),Upper confidence limit (97.5%)
//	1850-01,-0.67456436,-0.98177195,-0.3673568
//
// Anomaly is the ensemble-mean global temperature anomaly in degrees Celsius
// relative to 1961-1990; the two limits bound its 95% confidence interval
// (2.5th and 97.5th percentiles). Time is a month YYYY-MM in the monthly file
// and a year YYYY in the annual file; a monthly indicator needs YYYY-MM and
// is dated on the first of the month, an annual indicator needs YYYY and is
// dated 1 January.
//
// Each indicator names the column it takes by its header title in Column
// (compared after trimming spaces, case-sensitively, exactly as the Met
// Office writes it). Columns are found by header name, so their order may
// change. An empty field means missing.
//
// Contracts: rows may be in any order and are sorted by date; a date written
// twice is an error naming both lines. Every row must have the header's
// column count. When a row has both limits they must satisfy
// lower <= upper, and when it also has the anomaly, lower <= anomaly <= upper:
// a row that breaks this has shifted or damaged columns and is rejected with
// its line number.
package metoffice

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

// Header titles of the Met Office summary series CSV.
const (
	TimeColumn    = "Time"
	AnomalyColumn = "Anomaly (deg C)"
	LowerColumn   = "Lower confidence limit (2.5%)"
	UpperColumn   = "Upper confidence limit (97.5%)"
)

const what = "a Met Office HadCRUT5 summary series CSV (" + TimeColumn + "," + AnomalyColumn + "," + LowerColumn + "," + UpperColumn + ")"

// missing holds the missing-value markers: only an empty field.
var missing = textutil.NewMarkers("")

// Parse reads the CSV into one series per indicator, each taking the column
// its Column names.
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 0, "no indicators given: each needs a Column naming a header title")
	}
	freq := inds[0].Frequency
	for _, ind := range inds {
		if ind.Frequency != obs.Monthly && ind.Frequency != obs.Annual {
			return nil, parse.Errorf(file, 0, "indicator %s is declared %q; this format yields monthly or annual values", ind.ID, ind.Frequency)
		}
		if ind.Frequency != freq {
			return nil, parse.Errorf(file, 0, "indicators %s and %s differ in frequency; one file has one time column", inds[0].ID, ind.ID)
		}
		if strings.TrimSpace(ind.Column) == "" {
			return nil, parse.Errorf(file, 0, "indicator %s has no Column naming a header title", ind.ID)
		}
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	r, head, err := textutil.CSVHeader(file, data, what)
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	iTime, ok := col[TimeColumn]
	if !ok {
		return nil, parse.Errorf(file, 1, "expected a header starting %q, got %s", TimeColumn, textutil.Quote(strings.Join(head, ",")))
	}
	idx := make([]int, len(inds))
	for k, ind := range inds {
		i, ok := col[strings.TrimSpace(ind.Column)]
		if !ok {
			return nil, parse.Errorf(file, 1, "indicator %s: no column %q in the header %s", ind.ID, ind.Column, textutil.Quote(strings.Join(head, ",")))
		}
		idx[k] = i
	}
	iAnom, hasAnom := col[AnomalyColumn]
	iLo, hasLo := col[LowerColumn]
	iHi, hasHi := col[UpperColumn]
	cs := make([]textutil.Collector, len(inds))
	rows := 0
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, textutil.CSVError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		rows++
		d, err := date(rec[iTime], freq)
		if err != nil {
			return nil, parse.Errorf(file, line, "column %s: %v", TimeColumn, err)
		}
		field := func(i int, name string) (float64, bool, error) {
			v, ok, err := missing.Parse(rec[i])
			if err != nil {
				return 0, false, parse.Errorf(file, line, "column %s: %v", name, err)
			}
			return v, ok, nil
		}
		if hasLo && hasHi {
			lo, okLo, err := field(iLo, LowerColumn)
			if err != nil {
				return nil, err
			}
			hi, okHi, err := field(iHi, UpperColumn)
			if err != nil {
				return nil, err
			}
			if okLo && okHi && lo > hi {
				return nil, parse.Errorf(file, line, "lower limit %g is above the upper limit %g", lo, hi)
			}
			if hasAnom && okLo && okHi {
				a, okA, err := field(iAnom, AnomalyColumn)
				if err != nil {
					return nil, err
				}
				if okA && (a < lo || a > hi) {
					return nil, parse.Errorf(file, line, "anomaly %g lies outside its 95%% limits %g..%g", a, lo, hi)
				}
			}
		}
		for k, i := range idx {
			v, ok, err := field(i, strings.TrimSpace(inds[k].Column))
			if err != nil {
				return nil, err
			}
			cs[k].Add(d, v, ok, line)
		}
	}
	if rows == 0 {
		return nil, parse.Errorf(file, 1, "no data rows after the header")
	}
	return textutil.SeriesOf(file, inds, cs)
}

// date parses the Time field: YYYY-MM for monthly indicators, YYYY for
// annual ones.
func date(s string, freq obs.Frequency) (obs.Date, error) {
	s = strings.TrimSpace(s)
	if freq == obs.Annual {
		y, err := textutil.ParseYear(s)
		if err != nil {
			return 0, err
		}
		return obs.NewDate(y, 1, 1), nil
	}
	if len(s) != 7 || s[4] != '-' {
		return 0, errorf("expected a month YYYY-MM, got %s", textutil.Quote(s))
	}
	y, err := textutil.ParseYear(s[:4])
	if err != nil {
		return 0, errorf("expected a month YYYY-MM, got %s", textutil.Quote(s))
	}
	if strings.Trim(s[5:], "0123456789") != "" {
		return 0, errorf("expected a month YYYY-MM, got %s", textutil.Quote(s))
	}
	m := int(s[5]-'0')*10 + int(s[6]-'0')
	return textutil.Date(y, m, 1)
}

// errorf returns a plain error; the caller adds file, line and column.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
