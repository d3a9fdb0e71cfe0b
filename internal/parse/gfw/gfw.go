// Package gfw parses the country CSV files of Global Forest Watch's dashboard
// downloads, for example treecover_loss__ha.csv:
//
//	"iso","umd_tree_cover_loss__year","umd_tree_cover_loss__ha","gfw_gross_emissions_co2e_all_gases__Mg"
//	"AFG",2001,88.09271247269965993,27986.284115403841341
//
// Columns are found by name: "iso" holds the entity code; the single column
// whose name ends in "__year" holds the year; the catalog Indicator.Column
// names each value column exactly. A file without a year column (such as
// treecover_extent_2000_in_primary_forests_2001_tropics_only__ha.csv) yields
// one value per entity, dated by the four-digit year in the indicator's
// column name ("umd_tree_cover_extent_2000__ha" -> 2000); a column name
// without such a year is then an error.
//
// Units: GFW writes the unit as the column-name suffix after the last "__"
// ("ha", "Mg"); it must equal the first word of the catalog unit ("ha",
// "Mg CO2e"), or the file is rejected.
//
// Entities are ISO 3166 alpha-3 codes or the GADM codes GFW uses for
// disputed and special areas (Z01..Z09, XAD, XKO, ZNC); an unknown code is an
// error naming the line. Rows come ordered by year then country; series are
// returned per entity in date order. Blank values are skipped; a non-numeric
// value, a repeated (iso, year) or a row with the wrong number of fields is an
// error naming the line. Series are annual, dated 1 January.
package gfw

import (
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/countries"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/parse/textutil"
)

var yearInName = regexp.MustCompile(`_((?:19|20)\d\d)_`)

// Parse reads one GFW country CSV (see the package comment).
func Parse(file string, data []byte, inds []catalog.Indicator) (*obs.Parsed, error) {
	r, header, err := textutil.CSVHeader(file, data, "a header with \"iso\" and value columns")
	if err != nil {
		return nil, err
	}
	isoCol, yearCol := -1, -1
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case h == "iso":
			isoCol = i
		case strings.HasSuffix(h, "__year"):
			if yearCol >= 0 {
				return nil, parse.Errorf(file, 1, "two year columns (%q and %q): expected one", header[yearCol], h)
			}
			yearCol = i
		}
	}
	if isoCol < 0 {
		return nil, parse.Errorf(file, 1, "header %q: expected an \"iso\" column", strings.Join(header, ","))
	}
	if len(inds) == 0 {
		return nil, parse.Errorf(file, 1, "no catalog indicators given for this file")
	}
	cols := make([]int, len(inds))
	fixedYear := make([]int, len(inds))
	for k, ind := range inds {
		cols[k] = -1
		for i, h := range header {
			if strings.TrimSpace(h) == ind.Column {
				cols[k] = i
			}
		}
		if cols[k] < 0 {
			return nil, parse.Errorf(file, 1, "indicator %s: no column %q; the header is %q", ind.ID, ind.Column, strings.Join(header, ","))
		}
		if i := strings.LastIndex(ind.Column, "__"); i >= 0 {
			u := ind.Column[i+2:]
			want, _, _ := strings.Cut(ind.Unit, " ")
			if !strings.EqualFold(u, want) {
				return nil, parse.Errorf(file, 1, "indicator %s: column %q is in %s, but the catalog unit is %s", ind.ID, ind.Column, u, ind.Unit)
			}
		}
		if yearCol < 0 {
			m := yearInName.FindStringSubmatch(ind.Column)
			if m == nil {
				return nil, parse.Errorf(file, 1, "indicator %s: the file has no year column and the column name %q holds no year", ind.ID, ind.Column)
			}
			fixedYear[k], _ = strconv.Atoi(m[1])
		}
	}

	type key struct {
		iso  string
		year int
	}
	seen := map[key]int{}
	points := make([]map[string][]obs.Point, len(inds))
	for k := range inds {
		points[k] = map[string][]obs.Point{}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, textutil.CSVError(file, err)
		}
		line, _ := r.FieldPos(0)
		iso := strings.TrimSpace(rec[isoCol])
		if err := countries.CheckCode(iso); err != nil {
			return nil, parse.Errorf(file, line, "%v", err)
		}
		year := 0
		if yearCol >= 0 {
			y, err := strconv.Atoi(strings.TrimSpace(rec[yearCol]))
			if err != nil || y < 1000 || y > 9999 {
				return nil, parse.Errorf(file, line, "column %q: %q is not a year", header[yearCol], rec[yearCol])
			}
			year = y
			k := key{iso, year}
			if first, dup := seen[k]; dup {
				return nil, parse.Errorf(file, line, "duplicate row: %s %d already appears on line %d", iso, year, first)
			}
			seen[k] = line
		} else {
			k := key{iso, 0}
			if first, dup := seen[k]; dup {
				return nil, parse.Errorf(file, line, "duplicate row: %s already appears on line %d", iso, first)
			}
			seen[k] = line
		}
		for k, c := range cols {
			s := strings.TrimSpace(rec[c])
			if s == "" {
				continue
			}
			v, err := textutil.ParseNumber(s) // plain decimals only: no hex, NaN or Inf
			if err != nil {
				return nil, parse.Errorf(file, line, "column %q: value %q is not a finite number", header[c], s)
			}
			y := year
			if yearCol < 0 {
				y = fixedYear[k]
			}
			points[k][iso] = append(points[k][iso], obs.Point{Date: obs.NewDate(y, 1, 1), Value: v})
		}
	}
	return textutil.EntitySeries(file, inds, obs.Annual, points)
}
