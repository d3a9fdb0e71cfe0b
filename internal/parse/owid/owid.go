// Package owid parses Our World in Data grapher CSV downloads
// (https://ourworldindata.org/grapher/<slug>.csv) and the .metadata.json file
// OWID publishes beside each of them.
//
// A grapher CSV starts with the header Entity,Code,Year followed by one or
// more value columns titled in prose, for example "Annual CO₂ emissions",
// "Solar capacity (total) (GW)" or "Electricity from coal - TWh (adapted for
// visualization of chart electricity-prod-source-stacked)". Columns whose
// title is blank or names a helper (Longitude, Latitude, Continent, World
// region according to OWID) are ignored, as in the tree-cover-loss.csv file
// whose header is "Entity,Code,Year,,Longitude,Tree cover loss driven by all
// causes".
//
// Columns are chosen by the catalog Indicator.Column:
//   - a title: the column whose title equals it, or starts with it followed by
//     " - " or " (", compared case-insensitively with Unicode subscript and
//     superscript digits folded (CO₂ = CO2); empty when the file has exactly
//     one value column;
//   - "share:<title>": derived, that column as a percentage of the sum of all
//     value columns of the row (rows where any value column is blank are
//     skipped);
//   - "sum:*": derived, the sum of all value columns of the row (same rule).
//
// Units: when a title ends in "(<unit>)" (at most 12 characters) or contains
// " - <unit>", that unit must equal the catalog Indicator.Unit, or the file is
// rejected. The metadata file's "shortUnit" (or "unit") of the column is
// checked the same way; the metadata file yields no observations.
//
// Entities: a row's Code is an ISO 3166 alpha-3 code, an OWID_ code (OWID_WRL
// is World), or empty for OWID's aggregates (continents, income groups,
// "European Union (27)"), which get the code countries.AggregateCode(name),
// e.g. "OWID_EUROPEAN_UNION_27". An unknown three-letter code is an error
// naming the line.
//
// Every series is annual, dated 1 January of Year. Blank values are skipped;
// a non-numeric value, a row whose (entity, year) repeats an earlier row, a
// row with the wrong number of fields or a year that is not an integer is an
// error naming the line.
package owid

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/countries"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

// helperColumns are titles of columns that carry no indicator values.
var helperColumns = map[string]bool{
	"":                                true,
	"longitude":                       true,
	"latitude":                        true,
	"continent":                       true,
	"owid region":                     true,
	"world region according to owid":  true,
	"world regions according to owid": true,
	"annotations":                     true,
}

// Parse reads an OWID grapher CSV, or, when file ends in ".metadata.json",
// checks the units of OWID's metadata file (see the package comment).
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	if strings.HasSuffix(file, ".metadata.json") {
		return parseMetadata(file, data, inds)
	}
	return parseCSV(file, data, inds)
}

// normTitle folds a column title for comparison: lower case, Unicode
// subscript and superscript digits to ASCII, surrounding spaces trimmed.
func normTitle(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '₀' && r <= '₉':
			r = '0' + (r - '₀')
		case r == '²':
			r = '2'
		case r == '³':
			r = '3'
		case r == '¹':
			r = '1'
		case r >= '⁰' && r <= '⁹':
			r = '0' + (r - '⁰')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// matches reports whether a column title is the one a catalog Column names.
func matches(title, column string) bool {
	t, c := normTitle(title), normTitle(column)
	if t == c {
		return true
	}
	if !strings.HasPrefix(t, c) {
		return false
	}
	rest := t[len(c):]
	return strings.HasPrefix(rest, " - ") || strings.HasPrefix(rest, " (")
}

// titleUnit extracts the unit a column title declares: the word after " - "
// (up to " (" or the end), else the last parenthesised group when it is at
// most 12 characters long. It returns "" when the title declares none.
func titleUnit(title string) string {
	t := strings.TrimSpace(title)
	if i := strings.LastIndex(t, " - "); i >= 0 {
		u := t[i+3:]
		if j := strings.Index(u, " ("); j >= 0 {
			u = u[:j]
		}
		return strings.TrimSpace(u)
	}
	if strings.HasSuffix(t, ")") {
		if i := strings.LastIndex(t, "("); i >= 0 {
			u := t[i+1 : len(t)-1]
			if len(u) > 0 && len(u) <= 12 {
				return strings.TrimSpace(u)
			}
		}
	}
	return ""
}

// sameUnit compares a unit written by the producer with the catalog unit,
// ignoring case, spaces and subscripts ("t CO₂e" = "t CO2e").
func sameUnit(a, b string) bool {
	f := func(s string) string { return strings.ReplaceAll(normTitle(s), " ", "") }
	return f(a) == f(b)
}

// target is what one catalog indicator takes from the file.
type target struct {
	ind   catalog.Indicator
	col   int    // column index of a plain indicator; -1 for derived ones
	kind  string // "", "share" or "sum"
	share int    // column index whose share a "share" indicator takes
}

// parseCSV reads a grapher CSV into one annual series per indicator and
// entity (see the package comment).
func parseCSV(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	r, header, err := textutil.CSVHeader(file, data, "the header Entity,Code,Year,<indicator>")
	if err != nil {
		return nil, err
	}
	if len(header) < 4 || normTitle(header[0]) != "entity" || normTitle(header[1]) != "code" || normTitle(header[2]) != "year" {
		return nil, parse.Errorf(file, 1, "header %q: expected Entity,Code,Year followed by at least one indicator column", strings.Join(header, ","))
	}
	var valueCols []int
	for i := 3; i < len(header); i++ {
		if !helperColumns[normTitle(header[i])] {
			valueCols = append(valueCols, i)
		}
	}
	if len(valueCols) == 0 {
		return nil, parse.Errorf(file, 1, "header %q: no indicator column after Entity,Code,Year (only blank or helper columns)", strings.Join(header, ","))
	}
	findCol := func(column string) (int, error) {
		if column == "" {
			if len(valueCols) != 1 {
				return 0, fmt.Errorf("the file has %d indicator columns; the catalog must name one", len(valueCols))
			}
			return valueCols[0], nil
		}
		for _, i := range valueCols {
			if matches(header[i], column) {
				return i, nil
			}
		}
		var titles []string
		for _, i := range valueCols {
			titles = append(titles, strconv.Quote(header[i]))
		}
		return 0, fmt.Errorf("no column titled %q; the indicator columns are %s", column, strings.Join(titles, ", "))
	}
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 1, "no catalog indicators given for this file")
	}
	var targets []target
	for _, ind := range inds {
		t := target{ind: ind, col: -1}
		switch {
		case ind.Column == "sum:*":
			t.kind = "sum"
		case strings.HasPrefix(ind.Column, "share:"):
			t.kind = "share"
			i, err := findCol(strings.TrimPrefix(ind.Column, "share:"))
			if err != nil {
				return nil, parse.Errorf(file, 1, "indicator %s: %v", ind.ID, err)
			}
			t.share = i
		default:
			i, err := findCol(ind.Column)
			if err != nil {
				return nil, parse.Errorf(file, 1, "indicator %s: %v", ind.ID, err)
			}
			if u := titleUnit(header[i]); u != "" && !sameUnit(u, ind.Unit) {
				return nil, parse.Errorf(file, 1, "indicator %s: column %q is in %s, but the catalog unit is %s", ind.ID, header[i], u, ind.Unit)
			}
			t.col = i
		}
		targets = append(targets, t)
	}

	type key struct {
		entity string
		year   int
	}
	seen := map[key]int{} // first line of each (entity, year)
	// points[i][code] collects the observations of targets[i] for one entity.
	points := make([]map[string][]obs.Point, len(targets))
	for i := range targets {
		points[i] = map[string][]obs.Point{}
	}
	names := map[string]string{} // aggregate code -> entity name, to catch collisions
	vals := make([]float64, len(header))
	present := make([]bool, len(header))
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, textutil.CSVError(file, err)
		}
		line, _ := r.FieldPos(0)
		name, code := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if name == "" && code == "" {
			return nil, parse.Errorf(file, line, "row has neither an entity name nor a code")
		}
		if code == "" {
			c, err := countries.AggregateCode(name)
			if err != nil {
				return nil, parse.Errorf(file, line, "%v", err)
			}
			if prev, ok := names[c]; ok && prev != name {
				return nil, parse.Errorf(file, line, "entities %q and %q both map to the code %s", prev, name, c)
			}
			names[c] = name
			code = c
		} else if err := countries.CheckCode(code); err != nil {
			return nil, parse.Errorf(file, line, "entity %q: %v", name, err)
		}
		year, err := strconv.Atoi(strings.TrimSpace(rec[2]))
		if err != nil || year < -9999 || year > 9999 {
			return nil, parse.Errorf(file, line, "year %q: expected an integer year", rec[2])
		}
		k := key{code, year}
		if first, dup := seen[k]; dup {
			return nil, parse.Errorf(file, line, "duplicate row: %s (%s) %d already appears on line %d", name, code, year, first)
		}
		seen[k] = line
		complete := true
		sum := 0.0
		for _, i := range valueCols {
			s := strings.TrimSpace(rec[i])
			present[i] = s != ""
			if s == "" {
				complete = false
				continue
			}
			v, err := textutil.ParseNumber(s) // plain decimals only: no hex, NaN or Inf
			if err != nil {
				return nil, parse.Errorf(file, line, "column %q: value %q is not a finite number", header[i], s)
			}
			vals[i] = v
			sum += v
		}
		d := obs.NewDate(year, 1, 1)
		for ti, t := range targets {
			var v float64
			switch t.kind {
			case "":
				if !present[t.col] {
					continue
				}
				v = vals[t.col]
			case "sum":
				if !complete {
					continue
				}
				v = sum
			case "share":
				if !complete || sum == 0 {
					continue
				}
				v = 100 * vals[t.share] / sum
			}
			m := points[ti]
			m[code] = append(m[code], obs.Point{Date: d, Value: v})
		}
	}
	// targets[i] is the target of inds[i].
	return textutil.EntitySeries(file, inds, obs.Annual, points)
}

// metadata is the part of OWID's .metadata.json that Parse reads.
type metadata struct {
	Columns map[string]struct {
		ShortUnit   string `json:"shortUnit"`
		Unit        string `json:"unit"`
		LastUpdated string `json:"lastUpdated"`
	} `json:"columns"`
}

// parseMetadata checks that every indicator whose column the metadata file
// describes has the catalog unit. It returns an empty Parsed.
func parseMetadata(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	var md metadata
	if err := json.Unmarshal(data, &md); err != nil {
		return nil, parse.PathErrorf(file, "$", "expected OWID metadata JSON with a \"columns\" object: %v", err)
	}
	if len(md.Columns) == 0 {
		return nil, parse.PathErrorf(file, "columns", "expected at least one column description")
	}
	for _, ind := range inds {
		for title, c := range md.Columns {
			if ind.Column != "" && !matches(title, ind.Column) {
				continue
			}
			u := c.ShortUnit
			if u == "" {
				u = c.Unit
			}
			if u != "" && !sameUnit(u, ind.Unit) && !sameUnit(c.Unit, ind.Unit) {
				return nil, parse.PathErrorf(file, "columns["+strconv.Quote(title)+"].shortUnit",
					"indicator %s: the column is in %q, but the catalog unit is %s", ind.ID, u, ind.Unit)
			}
		}
	}
	return &obs.Parsed{}, nil
}
