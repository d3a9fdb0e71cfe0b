package countries

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/unicode/norm"

	"github.com/stocktake/stocktake/internal/testutil"
)

// ghcndCountriesFile is the mirror path of GHCN-Daily's country list.
const ghcndCountriesFile = "noaa-ghcn-daily/ghcnd-countries.txt"

// TestGHCNCountriesFile reads the real ghcnd-countries.txt (readme section
// V: code in columns 1-2, name in 4-50) and fails on any code the table
// lacks, on a name that differs from the table's, and on a table code the
// file lacks. Where the shared data has no copy of the file (the mirror of
// this checkout holds only the readme, the version, a stations excerpt and
// one station's values), it says so and stops: the table was written from
// the 219 lines of the file of GHCN-Daily 3.27, which the count below pins.
func TestGHCNCountriesFile(t *testing.T) {
	if err := GHCNTableError(); err != nil {
		t.Fatal(err)
	}
	if n := len(GHCNCountries()); n != 219 {
		t.Errorf("table has %d GHCN codes, want the 219 of ghcnd-countries.txt (GHCN-Daily 3.27)", n)
	}
	path := filepath.Join(testutil.SharedData(t), ghcndCountriesFile)
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is not in the shared data: the table cannot be compared with the file here (add the file to the mirror to run this check)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " \r")
		if line == "" {
			continue
		}
		if len(line) < 4 || line[2] != ' ' {
			t.Fatalf("%s:%d: want a 2-character code, a blank and a name; got %q", path, n, line)
		}
		code, name := line[:2], strings.TrimSpace(line[3:])
		seen[code] = true
		c, ok := GHCN(code)
		switch {
		case !ok:
			t.Errorf("%s:%d: GHCN code %s (%s) is not in ghcn.csv", path, n, code, name)
		case c.GHCNName != name:
			t.Errorf("%s:%d: GHCN code %s is %q in the file but %q in ghcn.csv", path, n, code, name, c.GHCNName)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, c := range GHCNCountries() {
		if !seen[c.FIPS] {
			t.Errorf("ghcn.csv has %s (%s), which %s does not list", c.FIPS, c.GHCNName, path)
		}
	}
}

// TestGHCNStationsExcerpt checks that the country of every station of the
// real stations excerpt is in the table.
func TestGHCNStationsExcerpt(t *testing.T) {
	b := testutil.ReadShared(t, "noaa-ghcn-daily/ghcnd-stations-excerpt.txt")
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if _, ok := GHCN(line[:2]); !ok {
			t.Errorf("ghcnd-stations-excerpt.txt:%d: station %s has country %s, which ghcn.csv lacks", i+1, line[:11], line[:2])
		}
	}
	if c, _ := GHCN("UV"); c.ISO2 != "BF" {
		t.Errorf("UV (a station of the excerpt) maps to %q, want BF Burkina Faso", c.ISO2)
	}
}

// TestGHCNTraps checks the codes whose letters mean another country in the
// other code list.
func TestGHCNTraps(t *testing.T) {
	traps := []struct{ fips, iso2, iso3 string }{
		{"CH", "CN", "CHN"}, // China, not Switzerland
		{"SZ", "CH", "CHE"}, // Switzerland, not Eswatini
		{"WZ", "SZ", "SWZ"}, // Eswatini (Swaziland)
		{"GM", "DE", "DEU"}, // Germany, not Gambia
		{"GA", "GM", "GMB"}, // Gambia, not Gabon
		{"GB", "GA", "GAB"}, // Gabon, not the United Kingdom
		{"UK", "GB", "GBR"},
		{"RS", "RU", "RUS"}, // Russia, not Serbia
		{"RI", "RS", "SRB"}, // Serbia
		{"JA", "JP", "JPN"},
		{"KS", "KR", "KOR"}, // South Korea
		{"KN", "KP", "PRK"}, // North Korea
		{"KR", "KI", "KIR"}, // Kiribati, not South Korea
		{"AS", "AU", "AUS"}, // Australia, not American Samoa
		{"AU", "AT", "AUT"}, // Austria, not Australia
		{"AQ", "AS", "ASM"}, // American Samoa, not Antarctica
		{"AY", "AQ", "ATA"}, // Antarctica
		{"EI", "IE", "IRL"},
		{"SP", "ES", "ESP"},
		{"ES", "SV", "SLV"}, // El Salvador, not Spain
		{"PO", "PT", "PRT"},
		{"PL", "PL", "POL"},
		{"IS", "IL", "ISR"}, // Israel, not Iceland
		{"IC", "IS", "ISL"}, // Iceland
		{"BM", "MM", "MMR"}, // Burma, not Bermuda
		{"BD", "BM", "BMU"}, // Bermuda, not Bangladesh
		{"CG", "CD", "COD"}, // Congo (Kinshasa)
		{"CF", "CG", "COG"}, // Congo (Brazzaville)
		{"US", "US", "USA"},
		{"CA", "CA", "CAN"},
	}
	for _, tr := range traps {
		c, ok := GHCN(tr.fips)
		if !ok || c.ISO2 != tr.iso2 || c.ISO3 != tr.iso3 {
			t.Errorf("GHCN %s = %+v, want %s %s", tr.fips, c, tr.iso2, tr.iso3)
		}
	}
	// FIPS CN is Comoros (ISO KM), which GHCN-Daily 3.27 does not list: CN
	// must never be read as a GHCN code, and nothing maps to Comoros.
	if _, ok := GHCN("CN"); ok {
		t.Error("CN is in the table, but ghcnd-countries.txt has no CN")
	}
	if cs := GHCNOfISO("KM"); len(cs) != 0 {
		t.Errorf("ISO KM (Comoros) has GHCN codes %v", cs)
	}
}

// TestGHCNISOCodes checks each row's alpha-2 and alpha-3 codes against
// CLDR's region data (x/text) and the scopes of the shared ISO entries.
func TestGHCNISOCodes(t *testing.T) {
	for _, c := range GHCNCountries() {
		r, err := language.ParseRegion(c.ISO2)
		if err != nil || r.String() != c.ISO2 || r.ISO3() != c.ISO3 || !r.IsCountry() {
			t.Errorf("%s: ISO %s/%s is not one CLDR region (%v, %s, %s)", c.FIPS, c.ISO2, c.ISO3, err, r, r.ISO3())
		}
		// A Part row shares its ISO entry; at most one row of an entry is
		// not a Part (FS is TF itself, EU, JU and TE are parts of it).
		shared, whole := 0, 0
		for _, o := range GHCNOfISO(c.ISO2) {
			shared++
			if o.Scope != Part {
				whole++
			}
		}
		if whole > 1 || (c.Scope == Part && shared < 2) {
			t.Errorf("%s: scope %s but ISO %s has %d GHCN codes, %d not parts", c.FIPS, c.Scope, c.ISO2, shared, whole)
		}
	}
	for iso, want := range map[string]string{"UM": "JQ LQ MQ WQ", "TF": "EU FS JU TE", "SJ": "JN SV", "CN": "CH", "CHE": "SZ"} {
		var got []string
		for _, c := range GHCNOfISO(iso) {
			got = append(got, c.FIPS)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("GHCNOfISO(%s) = %v, want %s", iso, got, want)
		}
	}
}

// nameExceptions are the reviewed rows whose GHCN name is not CLDR's English
// name of the mapped ISO entry, even after the normalization of comparable,
// with the reason the mapping is still right.
var nameExceptions = map[string]string{
	"BM": "Burma is Myanmar's former English name (CLDR: Myanmar (Burma))",
	"EZ": "Czech Republic is Czechia's full name",
	"FK": "GHCN adds the Spanish name Islas Malvinas; CLDR writes Falkland Islands",
	"FM": "CLDR's short name of the Federated States of Micronesia is Micronesia",
	"MC": "Macau S.A.R. is CLDR's Macao SAR China",
	"VQ": "GHCN's Virgin Islands [United States] are CLDR's U.S. Virgin Islands",
	"FS": "ISO 3166's TF French Southern Territories are the French Southern and Antarctic Lands without Adélie Land, whose stations GHCN files under AY",
	"EU": "part of TF: Europa Island, one of the Scattered Islands of the French Southern and Antarctic Lands",
	"JU": "part of TF: Juan de Nova Island, one of the Scattered Islands",
	"TE": "part of TF: Tromelin Island, one of the Scattered Islands",
	"JN": "part of SJ Svalbard and Jan Mayen",
	"SV": "part of SJ Svalbard and Jan Mayen",
	"JQ": "part of UM, the U.S. Minor Outlying Islands",
	"LQ": "part of UM, the U.S. Minor Outlying Islands",
	"MQ": "part of UM, the U.S. Minor Outlying Islands",
	"WQ": "part of UM, the U.S. Minor Outlying Islands",
}

// comparable reduces a country name for comparison: the "[sovereign]" note
// dropped, "X, The" and "Korea, North" turned around, "&" and "St." written
// out, the word "the", accents and every character other than a letter
// removed, lower case.
func comparable(name string) string {
	if i := strings.IndexAny(name, "[{"); i > 0 {
		name = name[:i]
	}
	name = strings.TrimSpace(name)
	if a, b, ok := strings.Cut(name, ", "); ok {
		name = b + " " + a
	}
	name = strings.ReplaceAll(name, "&", "and")
	name = strings.ReplaceAll(name, "St. ", "Saint ")
	var words []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if w != "the" {
			words = append(words, w)
		}
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.Join(words, " ")) {
		if unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestGHCNNamesAgreeWithCLDR checks that the name GHCN gives each code is
// CLDR's English name of the mapped ISO entry (x/text display), apart from
// the reviewed exceptions, and that no exception is stale.
func TestGHCNNamesAgreeWithCLDR(t *testing.T) {
	en := display.English.Regions()
	for _, c := range GHCNCountries() {
		cldr := en.Name(language.MustParseRegion(c.ISO2))
		agree := comparable(c.GHCNName) == comparable(cldr)
		reason, excepted := nameExceptions[c.FIPS]
		switch {
		case !agree && !excepted:
			t.Errorf("%s: GHCN name %q is not CLDR's %q for %s (fix the mapping or add a reviewed exception)", c.FIPS, c.GHCNName, cldr, c.ISO2)
		case agree && excepted:
			t.Errorf("%s: exception %q is stale: %q and CLDR's %q agree", c.FIPS, reason, c.GHCNName, cldr)
		}
	}
	for f := range nameExceptions {
		if _, ok := GHCN(f); !ok {
			t.Errorf("exception for %s, which is not in the table", f)
		}
	}
	if got := comparable("Korea, North"); got != comparable("North Korea") {
		t.Errorf("comparable turns Korea, North into %q", got)
	}
}

// TestParseStationCountry checks the rule for what users type.
func TestParseStationCountry(t *testing.T) {
	ok := func(in, iso3, fips string) {
		t.Helper()
		c, err := ParseStationCountry(in)
		if err != nil || c.ISO3 != iso3 || strings.Join(c.FIPS, " ") != fips {
			t.Errorf("ParseStationCountry(%q) = %+v, %v; want %s with GHCN %s", in, c, err, iso3, fips)
		}
	}
	bad := func(in string, fragments ...string) {
		t.Helper()
		c, err := ParseStationCountry(in)
		if err == nil {
			t.Errorf("ParseStationCountry(%q) = %+v, want an error", in, c)
			return
		}
		for _, f := range fragments {
			if !strings.Contains(err.Error(), f) {
				t.Errorf("ParseStationCountry(%q): error %q lacks %q", in, err, f)
			}
		}
	}
	ok("CHN", "CHN", "CH")
	ok("chn", "CHN", "CH")
	ok("CN", "CHN", "CH") // ISO CN; GHCN has no CN (FIPS CN would be Comoros)
	ok("ghcn:CH", "CHN", "CH")
	ok("GHCN:ch", "CHN", "CH")
	ok("CHE", "CHE", "SZ")
	ok("ghcn:SZ", "CHE", "SZ")
	ok("SWZ", "SWZ", "WZ")
	ok("US", "USA", "US") // the same country in both lists
	ok("usa", "USA", "US")
	ok("DE", "DEU", "GM") // ISO only
	ok("JPN", "JPN", "JA")
	ok("UMI", "UMI", "JQ LQ MQ WQ")
	ok("SJ", "SJM", "JN SV")
	ok(" AUS ", "AUS", "AS")
	bad("CH", "CH is ambiguous", "Switzerland", "China", "CHE", "ghcn:SZ", "CHN", "ghcn:CH")
	bad("SZ", "SZ is ambiguous", "Swaziland", "Switzerland", "SWZ", "CHE", "ghcn:SZ")
	bad("AS", "American Samoa", "Australia", "AUS", "ghcn:AS")
	bad("GB", "United Kingdom", "Gabon", "GBR", "ghcn:UK")
	bad("UK", "not an ISO 3166 code", "United Kingdom", "GBR", "ghcn:UK")
	bad("JA", "Japan", "JPN", "ghcn:JA")
	bad("ghcn:CN", "no country code CN")
	bad("KM", "no country with ISO 3166 alpha-2 code KM")
	bad("LIE", "no country with ISO 3166 alpha-3 code LIE (Liechtenstein)")
	bad("C1", "want an ISO 3166 alpha-3 code")
	bad("China", "want an ISO 3166 alpha-3 code")
	bad("ghcn:", "want an ISO 3166 alpha-3 code")
	if c, _ := ParseStationCountry("UMI"); !c.Has("WQW00041606") || c.Has("USW00094728") || c.Has("W") {
		t.Errorf("UMI.Has: %+v", c)
	}
}
