// Package reanalyzer parses Climate Reanalyzer's daily JSON files (catalog
// format "reanalyzer-json"), such as oisst2.1_world2_sst_day.json and
// era5_world_t2_day.json.
//
// A file is a JSON array of rows {"data_source": ..., "name": ..., "data":
// [366 numbers or null]}. The data array is indexed by day count from
// 1 January: index 0 is 1 January, index 59 is 29 February in a leap year and
// 1 March otherwise, and in a non-leap year index 365 must be null. null
// means no value for that day.
//
// Rows are treated by name:
//   - a four-digit year ("2023") gives daily points; years must be strictly
//     increasing through the file;
//   - a period "YYYY-YYYY" ("1982-2010", "1991-2020") is the producer's own
//     climatology, kept as an obs.Climatology with Convention "daycount",
//     Baseline the name and 366 values (NaN for null);
//   - any other name is skipped. This covers "Preliminary", which holds the
//     latest days before they are final and overlaps the current year's
//     future days, and the statistics rows (means, plus and minus two
//     standard deviations) that other Climate Reanalyzer files carry.
package reanalyzer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a Climate Reanalyzer daily JSON array"

// slots is the length of every data array: one slot per day count from
// 1 January in a leap year.
const slots = 366

// Parse reads a Climate Reanalyzer daily JSON file into one daily series for
// inds[0] (the only indicator, daily) and the file's period climatologies.
// Errors name the JSON path, e.g. "[12].data[365]".
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	ind, err := textutil.OneIndicator(file, inds, obs.Daily)
	if err != nil {
		return nil, err
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	data = textutil.TrimBOM(data)
	var rows []json.RawMessage
	if err := json.Unmarshal(data, &rows); err != nil {
		return nil, jsonError(file, data, err)
	}
	if rows == nil {
		return nil, parse.PathErrorf(file, "$", "expected %s, got null", what)
	}
	if len(rows) == 0 {
		return nil, parse.PathErrorf(file, "[]", "empty array: expected rows named by year")
	}
	out := &obs.Parsed{}
	var c textutil.Collector
	lastYear, lastYearPath := 0, ""
	periods := map[string]string{}
	for i, raw := range rows {
		at := fmt.Sprintf("[%d]", i)
		var r map[string]json.RawMessage
		if err := json.Unmarshal(raw, &r); err != nil || r == nil {
			return nil, parse.PathErrorf(file, at, "expected an object {data_source, name, data}, got %s", textutil.Quote(string(raw)))
		}
		var name string
		if err := json.Unmarshal(r["name"], &name); err != nil || string(bytes.TrimSpace(r["name"])) == "null" {
			return nil, parse.PathErrorf(file, at+".name", "expected a string name (a year, a period or a label)")
		}
		kind, y0, y1 := classify(name)
		if kind == other {
			continue
		}
		vals, err := values(file, at+".data", r["data"])
		if err != nil {
			return nil, err
		}
		if kind == period {
			if y1 < y0 {
				return nil, parse.PathErrorf(file, at+".name", "period %q ends before it starts", name)
			}
			if prev, dup := periods[name]; dup {
				return nil, parse.PathErrorf(file, at+".name", "duplicate climatology %q (also at %s)", name, prev)
			}
			periods[name] = at
			clim := obs.Climatology{Indicator: ind.ID, Baseline: name, Convention: "daycount", Values: make([]float64, slots)}
			for j, v := range vals {
				clim.Values[j] = math.NaN()
				if v != nil {
					clim.Values[j] = *v
				}
			}
			out.Climatologies = append(out.Climatologies, clim)
			continue
		}
		if lastYearPath != "" && y0 <= lastYear {
			return nil, parse.PathErrorf(file, at+".name", "year %d does not follow year %d at %s: years must be strictly increasing without duplicates", y0, lastYear, lastYearPath)
		}
		lastYear, lastYearPath = y0, at
		if !obs.IsLeap(y0) && vals[slots-1] != nil {
			return nil, parse.PathErrorf(file, fmt.Sprintf("%s.data[%d]", at, slots-1), "%d is not a leap year, so day-count slot 365 must be null, got %v", y0, *vals[slots-1])
		}
		jan1 := obs.NewDate(y0, 1, 1)
		for j, v := range vals {
			if v != nil {
				c.AddPath(jan1+obs.Date(j), *v, true, fmt.Sprintf("%s.data[%d]", at, j))
			}
		}
	}
	if lastYearPath == "" {
		return nil, parse.PathErrorf(file, "[]", "no rows named by a four-digit year: expected daily data")
	}
	s, err := c.Series(file, ind)
	if err != nil {
		return nil, err
	}
	out.Series = []obs.Series{s}
	return out, nil
}

// rowKind is what a row's name says the row holds.
type rowKind int

const (
	other  rowKind = iota
	year           // "2023"
	period         // "1991-2020"
)

// classify tells a row name's kind and its year or years.
func classify(name string) (k rowKind, y0, y1 int) {
	if y, err := textutil.ParseYear(name); err == nil && len(name) == 4 {
		return year, y, y
	}
	if len(name) == 9 && name[4] == '-' {
		a, err1 := textutil.ParseYear(name[:4])
		b, err2 := textutil.ParseYear(name[5:])
		if err1 == nil && err2 == nil {
			return period, a, b
		}
	}
	return other, 0, 0
}

// values decodes a data array of exactly 366 numbers or nulls; nil entries
// are nulls. Each value must be a finite JSON number.
func values(file, at string, raw json.RawMessage) ([]*float64, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || raw == nil || items == nil {
		return nil, parse.PathErrorf(file, at, "expected an array of %d numbers or null", slots)
	}
	if len(items) != slots {
		return nil, parse.PathErrorf(file, at, "expected %d slots (day count from 1 January), got %d", slots, len(items))
	}
	out := make([]*float64, slots)
	for j, it := range items {
		it = bytes.TrimSpace(it)
		if string(it) == "null" {
			continue
		}
		v, err := strconv.ParseFloat(string(it), 64)
		if err != nil || math.IsInf(v, 0) || math.IsNaN(v) || !textutil.IsDecimal(string(it)) {
			return nil, parse.PathErrorf(file, fmt.Sprintf("%s[%d]", at, j), "expected a finite number or null, got %s", textutil.Quote(string(it)))
		}
		out[j] = &v
	}
	return out, nil
}

// jsonError turns an encoding/json error for the whole file into a
// *parse.Error: syntax errors carry the line, a top-level value that is not
// an array says what it was.
func jsonError(file string, data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return parse.Errorf(file, textutil.LineOf(data, se.Offset), "invalid JSON: %v", se)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return parse.PathErrorf(file, "$", "expected %s, got a JSON %s", what, te.Value)
	}
	return parse.Errorf(file, 0, "invalid JSON: %v", err)
}
