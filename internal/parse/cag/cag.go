// Package cag parses NOAA NCEI Climate at a Glance time-series JSON (catalog
// format "cag-json"):
//
//	{"description": {"title": ..., "units": "Degrees Celsius", "base_period": "1901-2000"},
//	 "data": {"185001": {"departure": -0.43}, ...}}
//
// Each key of "data" is a month YYYYMM; its value is dated on the first of
// that month. For the 12-month time scale the month is the last of the
// 12-month period (NOAA's convention), which the catalog notes.
//
// The first indicator is the monthly series. A second, annual indicator with
// Column "Dec" takes the December values of a 12-month time-scale file
// (description.title containing "12-Month"), dated 1 January of their year:
// the mean of January to December, which is NOAA's published annual value
// (the same number, to the same two decimals, as Climate at a Glance's
// annual time scale). A December that is null gives no annual point.
//
// Contracts:
//   - Key order in the JSON object does not matter: points are sorted by date,
//     and a key that appears twice is an error naming both paths.
//   - A value is an object {"departure": x} ("anomaly" is accepted as an older
//     name for the same field), or a bare number. x may be a number, a
//     numeric string, or null. null, -999, -99.99 and -9999 mean missing.
//   - description.units, when present, must agree with the indicator's unit
//     (Celsius for "degC", Fahrenheit for "degF"): Climate at a Glance
//     serves Fahrenheit unless asked for Celsius, and storing those numbers
//     as Celsius would be silently wrong. description.base_period, when
//     present, must equal the indicator's Baseline when that is set.
package cag

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

const what = "a JSON object from Climate at a Glance"

// missing holds Climate at a Glance's missing-value markers.
var missing = textutil.NewMarkers("-999", "-99.99", "-9999")

// Parse reads a Climate at a Glance time-series JSON file into one monthly
// series for inds[0] and, from a 12-month file, the annual series of an
// optional inds[1] (see the package comment).
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if len(inds) == 0 || len(inds) > 2 {
		return nil, parse.Errorf(file, 0, "this format yields a monthly series and optionally its December (annual) values; the catalog gives %d indicators", len(inds))
	}
	ind := inds[0]
	if err := textutil.CheckFrequency(file, ind, obs.Monthly); err != nil {
		return nil, err
	}
	var annual *catalog.Indicator
	if len(inds) == 2 {
		annual = &inds[1]
		if err := textutil.CheckFrequency(file, *annual, obs.Annual); err != nil {
			return nil, err
		}
		if annual.Column != "Dec" {
			return nil, parse.Errorf(file, 0, "indicator %s: an annual indicator takes the December values and needs Column \"Dec\", got %q", annual.ID, annual.Column)
		}
	}
	if err := textutil.Sniff(file, data, what); err != nil {
		return nil, err
	}
	data = textutil.TrimBOM(data)
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, parse.Errorf(file, textutil.LineOf(data, se.Offset), "invalid JSON: %v", se)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, parse.PathErrorf(file, "$", "expected %s, got a JSON %s", what, te.Value)
		}
		return nil, parse.Errorf(file, 0, "invalid JSON: %v", err)
	}
	if top == nil {
		return nil, parse.PathErrorf(file, "$", "expected %s, got null", what)
	}
	if err := checkDescription(file, top["description"], ind, annual != nil); err != nil {
		return nil, err
	}
	raw, ok := top["data"]
	if !ok {
		return nil, parse.PathErrorf(file, "data", "missing: expected an object of YYYYMM keys")
	}
	var c textutil.Collector
	if err := readData(file, raw, &c); err != nil {
		return nil, err
	}
	if c.Rows() == 0 {
		return nil, parse.PathErrorf(file, "data", "no months: expected at least one YYYYMM key")
	}
	out, err := c.Parsed(file, ind)
	if err != nil || annual == nil {
		return out, err
	}
	a := obs.Series{Indicator: annual.ID, Unit: annual.Unit, Frequency: obs.Annual}
	for _, p := range out.Series[0].Points {
		if y, m, _ := p.Date.YMD(); m == 12 {
			a.Points = append(a.Points, obs.Point{Date: obs.NewDate(y, 1, 1), Value: p.Value})
		}
	}
	if len(a.Points) == 0 {
		return nil, parse.PathErrorf(file, "data", "indicator %s: no December value", annual.ID)
	}
	out.Series = append(out.Series, a)
	return out, nil
}

// description is the part of "description" that the parser checks.
type description struct {
	Title      string `json:"title"`
	Units      string `json:"units"`
	BasePeriod string `json:"base_period"`
}

// checkDescription checks units and base period against ind (see the package
// comment). A missing description is accepted, except when annual values
// are asked for: then the title must say the file is of the 12-month time
// scale, since only there is December's value the annual mean.
func checkDescription(file string, raw json.RawMessage, ind catalog.Indicator, annual bool) error {
	if raw == nil {
		if annual {
			return parse.PathErrorf(file, "description", "missing: annual values need a 12-month time-scale file, named so in description.title")
		}
		return nil
	}
	var d description
	if err := json.Unmarshal(raw, &d); err != nil {
		return parse.PathErrorf(file, "description", "expected an object with string units and base_period: %v", err)
	}
	u := strings.ToLower(d.Units)
	switch {
	case strings.Contains(u, "fahrenheit") && ind.Unit != "degF":
		return parse.PathErrorf(file, "description.units", "file is in %q but indicator %s is in %s; request Celsius from Climate at a Glance", d.Units, ind.ID, ind.Unit)
	case strings.Contains(u, "celsius") && ind.Unit != "degC":
		return parse.PathErrorf(file, "description.units", "file is in %q but indicator %s is in %s", d.Units, ind.ID, ind.Unit)
	}
	if annual && !strings.Contains(strings.ToLower(d.Title), "12-month") {
		return parse.PathErrorf(file, "description.title", "annual values are the December values of a 12-month time-scale file, but the title is %s", textutil.Quote(d.Title))
	}
	if d.BasePeriod != "" && ind.Baseline != "" && d.BasePeriod != ind.Baseline {
		return parse.PathErrorf(file, "description.base_period", "file's base period is %q but indicator %s declares %q", d.BasePeriod, ind.ID, ind.Baseline)
	}
	return nil
}

// readData walks the "data" object key by key (so that duplicate keys are
// seen, which decoding into a map would hide) and records one row per key.
func readData(file string, raw json.RawMessage, c *textutil.Collector) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if d, ok := tok.(json.Delim); err != nil || !ok || d != '{' {
		return parse.PathErrorf(file, "data", "expected an object of YYYYMM keys, got %s", textutil.Quote(string(raw)))
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return parse.PathErrorf(file, "data", "invalid object key: %v", err)
		}
		at := fmt.Sprintf("data[%q]", key)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return parse.PathErrorf(file, at, "invalid value: %v", err)
		}
		date, err := month(key)
		if err != nil {
			return parse.PathErrorf(file, at, "%v", err)
		}
		x, present, err := value(v)
		if err != nil {
			return parse.PathErrorf(file, at, "%v", err)
		}
		c.AddPath(date, x, present, at)
	}
	return nil
}

// month parses a YYYYMM key into the first of that month.
func month(key string) (obs.Date, error) {
	if len(key) != 6 {
		return 0, fmt.Errorf("expected a YYYYMM key, got %s", textutil.Quote(key))
	}
	y, err := textutil.ParseYear(key[:4])
	if err != nil {
		return 0, fmt.Errorf("expected a YYYYMM key, got %s", textutil.Quote(key))
	}
	m, err := textutil.ParseInt(key[4:])
	if err != nil || strings.ContainsAny(key[4:], "+- ") {
		return 0, fmt.Errorf("expected a YYYYMM key, got %s", textutil.Quote(key))
	}
	return textutil.Date(y, m, 1)
}

// value reads one month's value: {"departure": x}, {"anomaly": x}, a bare x,
// or null, where x is a number, a numeric string or null.
func value(raw json.RawMessage) (float64, bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '{' {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(raw, &obj); err != nil {
			return 0, false, err
		}
		x, ok := obj["departure"]
		if !ok {
			x, ok = obj["anomaly"]
		}
		if !ok {
			return 0, false, fmt.Errorf("expected an object with a \"departure\" field, got %s", textutil.Quote(string(raw)))
		}
		raw = bytes.TrimSpace(x)
	}
	s := string(raw)
	switch {
	case s == "null":
		return 0, false, nil
	case len(s) >= 2 && s[0] == '"':
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return 0, false, err
		}
		s = str
	}
	v, present, err := missing.Parse(s)
	if err != nil {
		return 0, false, fmt.Errorf("departure: %v", err)
	}
	return v, present, nil
}
