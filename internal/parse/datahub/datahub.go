// Package datahub parses the datahub.io "global-temp" package's monthly CSV
// (catalog format "datahub-temp-csv"):
//
//	Source,Year,Mean
//	gcag,1850-01,-0.6746
//
// The file interleaves several sources (in the version mirrored here "gcag",
// the package's label for the HadCRUT5 summary series, and "GISTEMP"). Each
// indicator keeps the rows whose Source equals its Column. Mean is an anomaly
// in degrees Celsius; the Year column is a month YYYY-MM (older versions of
// the package wrote YYYY-MM-DD with an arbitrary day, which is accepted and
// dated on the first of the month). Columns are found by header name.
//
// Contracts: rows may be in any order (some versions are newest first) and
// are sorted by date; two rows for the same source and month are an error
// naming both lines. Every row must have the header's column count; the date
// and value are checked only on rows of a requested source. An empty Mean,
// -9999 or -99.99 means missing.
package datahub

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a datahub global-temp CSV (Source,Year,Mean)"

// missing holds the markers of the Mean column.
var missing = textutil.NewMarkers("", "-9999", "-99.99")

// Parse reads the monthly CSV into one monthly series per indicator, each
// selected by the indicator's Column (a Source value such as "gcag").
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 0, "no indicators given: each needs a Column naming a Source")
	}
	bySource := map[string]int{}
	for i, ind := range inds {
		if err := textutil.CheckFrequency(file, ind, obs.Monthly); err != nil {
			return nil, err
		}
		if ind.Column == "" {
			return nil, parse.Errorf(file, 0, "indicator %s has no Column naming the Source to keep", ind.ID)
		}
		if _, dup := bySource[ind.Column]; dup {
			return nil, parse.Errorf(file, 0, "two indicators select Source %q", ind.Column)
		}
		bySource[ind.Column] = i
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(textutil.TrimBOM(data)))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	head, err := r.Read()
	if err != nil {
		return nil, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	iSrc, ok1 := col["Source"]
	iDate, ok2 := col["Year"]
	iVal, ok3 := col["Mean"]
	if !ok1 || !ok2 || !ok3 {
		return nil, parse.Errorf(file, 1, "expected a header with columns Source, Year and Mean, got %s", textutil.Quote(strings.Join(head, ",")))
	}
	width := len(head)
	cs := make([]textutil.Collector, len(inds))
	sources := map[string]bool{}
	rows := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != width {
			return nil, parse.Errorf(file, line, "expected %d comma-separated columns like the header, got %d", width, len(rec))
		}
		rows++
		src := strings.TrimSpace(rec[iSrc])
		sources[src] = true
		k, keep := bySource[src]
		if !keep {
			continue
		}
		d, err := month(rec[iDate])
		if err != nil {
			return nil, parse.Errorf(file, line, "column Year: %v", err)
		}
		v, ok, err := missing.Parse(rec[iVal])
		if err != nil {
			return nil, parse.Errorf(file, line, "column Mean: %v", err)
		}
		cs[k].Add(d, v, ok, line)
	}
	if rows == 0 {
		return nil, parse.Errorf(file, 1, "no data rows after the header")
	}
	out := &obs.Parsed{}
	for i, ind := range inds {
		if cs[i].Rows() == 0 {
			return nil, parse.Errorf(file, 0, "no rows with Source %q for indicator %s; sources present: %s", ind.Column, ind.ID, strings.Join(keys(sources), ", "))
		}
		s, err := cs[i].Series(file, ind)
		if err != nil {
			return nil, err
		}
		out.Series = append(out.Series, s)
	}
	return out, nil
}

// month parses YYYY-MM, or YYYY-MM-DD taken as its month, into the first of
// the month. The day, when given, must exist.
func month(s string) (obs.Date, error) {
	s = strings.TrimSpace(s)
	if len(s) != 7 && len(s) != 10 {
		return 0, errors.New("expected a month YYYY-MM, got " + textutil.Quote(s))
	}
	if _, err := textutil.ParseYear(s[:4]); err != nil {
		return 0, errors.New("expected a month YYYY-MM, got " + textutil.Quote(s))
	}
	d, err := obs.ParseDate(s)
	if err != nil {
		return 0, err
	}
	y, m, _ := d.YMD()
	return obs.NewDate(y, m, 1), nil
}

// csvError turns an encoding/csv error into a *parse.Error at its line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return parse.Errorf(file, pe.Line, "malformed CSV: %v", pe.Err)
	}
	if err == io.EOF {
		return parse.Errorf(file, 0, "empty file: expected %s", what)
	}
	return parse.Errorf(file, 0, "reading CSV: %v", err)
}

// keys returns the keys of m quoted for an error message, sorted.
func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, textutil.Quote(k))
	}
	sort.Strings(out)
	return out
}
