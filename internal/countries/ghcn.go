package countries

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// GHCN-Daily names countries by FIPS 10-4 codes (the first two characters of
// a station id, listed in ghcnd-countries.txt), not by ISO 3166. The two code
// lists share most of their two-letter codes but often for different
// countries: FIPS CH is China and ISO CH Switzerland, FIPS SZ is Switzerland
// and ISO SZ Eswatini, FIPS AS is Australia and ISO AS American Samoa. This
// file maps every GHCN-Daily code to its ISO 3166-1 entry (ghcn.csv) and
// reads what a user types as a station country under one unambiguous rule
// (ParseStationCountry).

// Scope says how the ISO 3166-1 entry of a GHCN-Daily code relates to it.
type Scope string

const (
	// Same: the ISO entry is the same country or territory.
	Same Scope = "same"
	// Part: the GHCN code is one part of a larger ISO entry (Jan Mayen and
	// Svalbard are both SJ; Wake, Midway, Johnston and Palmyra are UM; the
	// Europa, Juan de Nova and Tromelin islands are TF). Such stations are
	// shown under the ISO entry's name, GHCN's name kept beside it.
	Part Scope = "part"
	// NoCountry: AY Antarctica, whose ISO entry AQ is a continent that is no
	// country's; it is shown as Antarctica and its national record is the
	// continent's.
	NoCountry Scope = "no-country"
)

// GHCNCountry is one row of the GHCN-Daily country table.
type GHCNCountry struct {
	FIPS     string // GHCN-Daily's code (FIPS 10-4), the first two characters of its station ids
	ISO2     string // ISO 3166-1 alpha-2 code of the entry the stations belong to
	ISO3     string // ISO 3166-1 alpha-3 code of the same entry
	GHCNName string // the name as ghcnd-countries.txt writes it (English, "[sovereign]" notes included)
	Scope    Scope
}

// Name is GHCNName without its "[sovereign]" note: "Bermuda" for
// "Bermuda [United Kingdom]".
func (c GHCNCountry) Name() string {
	if i := strings.Index(c.GHCNName, " ["); i > 0 {
		return c.GHCNName[:i]
	}
	return c.GHCNName
}

//go:embed ghcn.csv
var ghcnCSV string

var (
	ghcnOnce  sync.Once
	ghcnByFIP map[string]GHCNCountry
	ghcnByISO map[string][]GHCNCountry // by alpha-2 and by alpha-3, FIPS codes in order
	ghcnErr   error
)

func loadGHCN() {
	ghcnByFIP, ghcnByISO = map[string]GHCNCountry{}, map[string][]GHCNCountry{}
	r := csv.NewReader(strings.NewReader(ghcnCSV))
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		ghcnErr = fmt.Errorf("ghcn.csv: %w", err)
		return
	}
	for i, row := range rows {
		if i == 0 {
			continue // header fips,iso2,iso3,ghcn_name,scope
		}
		if len(row) != 5 || len(row[0]) != 2 || len(row[1]) != 2 || len(row[2]) != 3 || row[3] == "" {
			ghcnErr = fmt.Errorf("ghcn.csv data row %d: expected fips (2 letters),iso2 (2),iso3 (3),ghcn_name,scope; got %q", i, row)
			return
		}
		c := GHCNCountry{FIPS: row[0], ISO2: row[1], ISO3: row[2], GHCNName: row[3], Scope: Scope(row[4])}
		switch c.Scope {
		case Same, Part, NoCountry:
		default:
			ghcnErr = fmt.Errorf("ghcn.csv data row %d: unknown scope %q", i, row[4])
			return
		}
		if _, dup := ghcnByFIP[c.FIPS]; dup {
			ghcnErr = fmt.Errorf("ghcn.csv data row %d: FIPS code %s repeated", i, c.FIPS)
			return
		}
		ghcnByFIP[c.FIPS] = c
		ghcnByISO[c.ISO2] = append(ghcnByISO[c.ISO2], c)
		ghcnByISO[c.ISO3] = append(ghcnByISO[c.ISO3], c)
	}
}

func ghcnTable() map[string]GHCNCountry {
	ghcnOnce.Do(loadGHCN)
	return ghcnByFIP
}

// GHCNTableError reports a failure to load the embedded GHCN-Daily country
// table (nil in a correct build; the package's tests check it).
func GHCNTableError() error {
	ghcnTable()
	return ghcnErr
}

// GHCN returns the row of a GHCN-Daily country code (upper case), or ok
// false for a code the table does not have.
func GHCN(fips string) (GHCNCountry, bool) {
	c, ok := ghcnTable()[fips]
	return c, ok
}

// GHCNCountries returns the whole GHCN-Daily country table sorted by FIPS
// code.
func GHCNCountries() []GHCNCountry {
	out := make([]GHCNCountry, 0, len(ghcnTable()))
	for _, c := range ghcnTable() {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].FIPS < out[j].FIPS })
	return out
}

// GHCNOfISO returns the GHCN-Daily codes filed under an ISO 3166-1 alpha-2
// or alpha-3 code (upper case), sorted: one for most countries, several
// for the entries of Scope Part (UM has four), none for an ISO entry that
// GHCN-Daily does not list.
func GHCNOfISO(iso string) []GHCNCountry {
	ghcnTable()
	cs := append([]GHCNCountry(nil), ghcnByISO[iso]...)
	sort.Slice(cs, func(i, j int) bool { return cs[i].FIPS < cs[j].FIPS })
	return cs
}

// StationCountry is a country of the station questions as a user asked for
// it: its ISO 3166-1 entry and the GHCN-Daily codes of its stations.
type StationCountry struct {
	ISO2 string
	ISO3 string
	FIPS []string // GHCN-Daily codes, sorted; a station belongs when its id starts with one
}

// Has reports whether the station with the given id belongs to c.
func (c StationCountry) Has(stationID string) bool {
	if len(stationID) < 2 {
		return false
	}
	for _, f := range c.FIPS {
		if stationID[:2] == f {
			return true
		}
	}
	return false
}

// GHCNPrefix is the form of a station country that names a GHCN-Daily
// (FIPS 10-4) code explicitly: "ghcn:CH" is China.
const GHCNPrefix = "ghcn:"

// ParseStationCountry reads a station country as typed, under this rule:
//
//   - three letters are an ISO 3166-1 alpha-3 code (CHN), as everywhere
//     else in stocktake;
//   - "ghcn:" and two letters are a GHCN-Daily (FIPS 10-4) code, the first
//     two characters of a station id (ghcn:CH is China);
//   - two letters alone are an ISO 3166-1 alpha-2 code (CN), accepted only
//     when they cannot be misread: when GHCN-Daily uses the same two letters
//     for another country (CH is Switzerland in ISO but China in GHCN), or
//     the letters are a GHCN code but no ISO code GHCN-Daily has (UK, JA),
//     the error names each reading and the unambiguous forms.
//
// Case is ignored. An ISO code that GHCN-Daily lists no country for (LIE)
// and a GHCN code it does not have are errors too. Error texts name the
// input but not the parameter; the caller adds it.
func ParseStationCountry(s string) (StationCountry, error) {
	if err := GHCNTableError(); err != nil {
		return StationCountry{}, err
	}
	raw := strings.TrimSpace(s)
	up := strings.ToUpper(raw)
	group := func(cs []GHCNCountry) StationCountry {
		out := StationCountry{ISO2: cs[0].ISO2, ISO3: cs[0].ISO3}
		for _, c := range cs {
			out.FIPS = append(out.FIPS, c.FIPS)
		}
		return out
	}
	alpha := func(t string) bool {
		for _, r := range t {
			if r < 'A' || r > 'Z' {
				return false
			}
		}
		return true
	}
	switch {
	case len(up) > len(GHCNPrefix) && strings.EqualFold(raw[:len(GHCNPrefix)], GHCNPrefix):
		code := up[len(GHCNPrefix):]
		c, ok := GHCN(code)
		if !ok {
			return StationCountry{}, fmt.Errorf("GHCN-Daily has no country code %s (its codes are FIPS 10-4 codes, the first two characters of a station id, e.g. ghcn:US)", code)
		}
		return StationCountry{ISO2: c.ISO2, ISO3: c.ISO3, FIPS: []string{c.FIPS}}, nil
	case len(up) == 3 && alpha(up):
		cs := GHCNOfISO(up)
		if len(cs) == 0 {
			return StationCountry{}, fmt.Errorf("GHCN-Daily lists no country with ISO 3166 alpha-3 code %s%s", up, entityNote(up))
		}
		return group(cs), nil
	case len(up) == 2 && alpha(up):
		iso := GHCNOfISO(up)
		fips, isFIPS := GHCN(up)
		switch {
		case len(iso) > 0 && (!isFIPS || fips.ISO2 == up):
			return group(iso), nil
		case len(iso) > 0:
			return StationCountry{}, fmt.Errorf("%s is ambiguous: in ISO 3166 it is %s (GHCN-Daily code %s), in GHCN-Daily's FIPS codes it is %s (ISO %s); give %s or %s%s for the first, %s or %s%s for the second",
				up, ghcnNames(iso), fipsList(iso), fips.Name(), fips.ISO3, iso[0].ISO3, GHCNPrefix, iso[0].FIPS, fips.ISO3, GHCNPrefix, fips.FIPS)
		case isFIPS:
			return StationCountry{}, fmt.Errorf("%s is not an ISO 3166 code of a country GHCN-Daily lists; GHCN-Daily's FIPS code %s is %s: give %s (ISO alpha-3) or %s%s",
				up, up, fips.Name(), fips.ISO3, GHCNPrefix, up)
		default:
			return StationCountry{}, fmt.Errorf("GHCN-Daily lists no country with ISO 3166 alpha-2 code %s", up)
		}
	}
	return StationCountry{}, fmt.Errorf("want an ISO 3166 alpha-3 code (CHN), an ISO alpha-2 code (CN) or a GHCN-Daily code written ghcn:CH")
}

// entityNote names an ISO alpha-3 code from the entity table, for errors:
// " (Liechtenstein)", or "" when the table does not know it.
func entityNote(iso3 string) string {
	if e, ok := Lookup(iso3); ok && e.Kind == Country {
		return " (" + e.Name + ")"
	}
	return ""
}

func ghcnNames(cs []GHCNCountry) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name()
	}
	return strings.Join(names, ", ")
}

func fipsList(cs []GHCNCountry) string {
	codes := make([]string, len(cs))
	for i, c := range cs {
		codes[i] = c.FIPS
	}
	return strings.Join(codes, ", ")
}
