// Package countries is the entity table of national data: ISO 3166 alpha-3
// codes, the non-ISO codes producers use, and the codes stocktake gives Our
// World in Data aggregates. It sits below the parsers (which check codes
// while reading files) and internal/national (which ranks and names
// entities), so that parsers need not import the analyses.
package countries

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Kind classifies an entity for rankings and world totals.
type Kind string

const (
	// Country is an ISO 3166-1 alpha-3 code (a country or a dependent
	// territory) or a non-ISO code used for one country (Kosovo: OWID_KOS,
	// XKO). Countries are ranked.
	Country Kind = "country"
	// Historical is a former country that a producer reports only before its
	// successors exist (OWID_USS, the USSR, until 1984). It is ranked like a
	// country in the years it has data.
	Historical Kind = "historical"
	// Area is a non-ISO code Global Forest Watch uses for a disputed or
	// special area (GADM's Z01..Z09, XAD, ZNC, ...). Areas count in a world
	// total computed as a sum but are never ranked.
	Area Kind = "area"
	// Aggregate is a group of countries: World (OWID_WRL), continents, income
	// groups, EU-27, producers' regions. Aggregates are never ranked.
	Aggregate Kind = "aggregate"
)

// World is the entity code of the world total in Our World in Data files. It
// is the denominator of shares of the world when a file has it.
const World = "OWID_WRL"

// Entity is one row of the entity table.
type Entity struct {
	Code string
	Name string
	Kind Kind
}

// Ranked reports whether the entity takes part in country rankings.
func (e Entity) Ranked() bool { return e.Kind == Country || e.Kind == Historical }

//go:embed entities.csv
var entitiesCSV string

//go:embed aggregates.txt
var aggregatesTxt string

var (
	tableOnce sync.Once
	byCode    map[string]Entity
	tableErr  error
)

func loadTable() {
	byCode = map[string]Entity{}
	r := csv.NewReader(strings.NewReader(entitiesCSV))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		tableErr = fmt.Errorf("entities.csv: %w", err)
		return
	}
	for i, row := range rows {
		if i == 0 {
			continue // header code,name,kind
		}
		if len(row) != 3 {
			tableErr = fmt.Errorf("entities.csv row %d: expected code,name,kind", i+1)
			return
		}
		k := Kind(row[2])
		switch k {
		case Country, Historical, Area, Aggregate:
		default:
			tableErr = fmt.Errorf("entities.csv row %d: unknown kind %q", i+1, row[2])
			return
		}
		if _, dup := byCode[row[0]]; dup {
			tableErr = fmt.Errorf("entities.csv row %d: code %s repeated", i+1, row[0])
			return
		}
		byCode[row[0]] = Entity{Code: row[0], Name: row[1], Kind: k}
	}
	for _, line := range strings.Split(aggregatesTxt, "\n") {
		name := strings.TrimSpace(line)
		if name == "" || strings.HasPrefix(name, "#") {
			continue
		}
		code, err := AggregateCode(name)
		if err != nil {
			tableErr = fmt.Errorf("aggregates.txt: %w", err)
			return
		}
		if e, dup := byCode[code]; dup {
			tableErr = fmt.Errorf("aggregates.txt: %q and %q both map to %s", e.Name, name, code)
			return
		}
		byCode[code] = Entity{Code: code, Name: name, Kind: Aggregate}
	}
}

// table returns the entity table. The table is embedded and checked by the
// package's tests; should it ever fail to load, the rows read before the
// failure are used and CheckCode reports the failure.
func table() map[string]Entity {
	tableOnce.Do(loadTable)
	return byCode
}

// TableError reports a failure to load the embedded entity table (nil in a
// correct build).
func TableError() error {
	table()
	return tableErr
}

// AggregateCode returns the stable code stocktake gives an Our World in Data
// entity that the producer publishes without a code: "OWID_" followed by the
// entity name in upper case with every run of characters other than ASCII
// letters and digits replaced by one underscore, and no leading or trailing
// underscore. "European Union (27)" becomes "OWID_EUROPEAN_UNION_27" and
// "Asia (excl. China and India)" becomes "OWID_ASIA_EXCL_CHINA_AND_INDIA".
// A name without any ASCII letter or digit is an error.
func AggregateCode(name string) (string, error) {
	var b strings.Builder
	sep := false
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
			fallthrough
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(c)
		default:
			sep = true
		}
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("entity name %q has no letters or digits to make a code from", name)
	}
	return "OWID_" + b.String(), nil
}

// Lookup returns the entity with the given code. Codes of the form OWID_*
// that are not in the table (an aggregate that appeared in a newer file) are
// returned as aggregates named by their code, so that new OWID groupings
// never enter country rankings. Any other unknown code is not found.
func Lookup(code string) (Entity, bool) {
	if e, ok := table()[code]; ok {
		return e, true
	}
	if strings.HasPrefix(code, "OWID_") && len(code) > len("OWID_") {
		return Entity{Code: code, Name: code, Kind: Aggregate}, true
	}
	return Entity{}, false
}

// Name returns the display name of code, or the code itself when unknown.
func Name(code string) string {
	if e, ok := Lookup(code); ok {
		return e.Name
	}
	return code
}

// CheckCode validates an entity code read from a producer file: an OWID_ code,
// or a code in the entity table. The error says what was expected.
func CheckCode(code string) error {
	if err := TableError(); err != nil {
		return err
	}
	if _, ok := Lookup(code); ok {
		return nil
	}
	return fmt.Errorf("unknown entity code %q: expected an ISO 3166 alpha-3 code (or a GADM area code known to stocktake) or an OWID_ code", code)
}

// Resolve turns what a user typed into an entity code: a code in any case
// ("chn", "OWID_WRL"), or a name ("China", "world", "European Union (27)"),
// compared case-insensitively. An ambiguous or unknown name is an error that
// suggests close matches.
func Resolve(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", fmt.Errorf("empty entity")
	}
	up := strings.ToUpper(s)
	if e, ok := table()[up]; ok {
		return e.Code, nil
	}
	var matches, near []string
	for _, e := range table() {
		if strings.EqualFold(e.Name, s) {
			matches = append(matches, e.Code)
		} else if strings.Contains(strings.ToLower(e.Name), strings.ToLower(s)) {
			near = append(near, e.Code+" ("+e.Name+")")
		}
	}
	sort.Strings(matches)
	// Kosovo has two codes (OWID_KOS in OWID files, XKO in GFW files); a name
	// that matches several codes keeps the first in sort order.
	if len(matches) > 0 {
		return matches[0], nil
	}
	if strings.HasPrefix(up, "OWID_") {
		return up, nil
	}
	sort.Strings(near)
	if len(near) > 8 {
		near = near[:8]
	}
	if len(near) > 0 {
		return "", fmt.Errorf("unknown entity %q; did you mean: %s", s, strings.Join(near, ", "))
	}
	return "", fmt.Errorf("unknown entity %q: expected an ISO 3166 alpha-3 code (e.g. CHN), an OWID_ code or a country name", s)
}

// Entities returns the whole table sorted by code.
func Entities() []Entity {
	out := make([]Entity, 0, len(table()))
	for _, e := range table() {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
