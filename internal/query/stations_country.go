package query

import (
	"context"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/stocktake/stocktake/internal/countries"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// Countries of the station questions.
//
// GHCN-Daily files stations under FIPS 10-4 codes (the first two
// characters of a station id: CH is China, SZ Switzerland), which are not
// the ISO 3166 codes of the rest of stocktake. Every station answer keeps
// GHCN's code in "country" (as the id has it) and adds the ISO 3166-1 entry
// the code belongs to (internal/countries, ghcn.csv): "country_iso2",
// "country_iso3", "country_name" (CLDR's name of the ISO entry in the
// request's language, as Intl.DisplayNames gives it in the browser) and
// "country_ghcn_name" (ghcnd-countries.txt's English name, for tracing the
// answer back to GHCN). A country filter is read by
// countries.ParseStationCountry: ISO alpha-3 (CHN), ghcn:CH, or an ISO
// alpha-2 code that GHCN does not use for another country.

// StationCountryJSON names the country of a station beside GHCN-Daily's
// code. Its fields are empty for a GHCN code the table does not know (a
// country added to GHCN-Daily after 3.27).
type StationCountryJSON struct {
	CountryISO2     string `json:"country_iso2"`
	CountryISO3     string `json:"country_iso3"`
	CountryName     string `json:"country_name"`
	CountryGHCNName string `json:"country_ghcn_name"`
}

// StationInfo is a station's metadata with its country named.
type StationInfo struct {
	store.StationMeta
	StationCountryJSON
}

// StationCountryFilterJSON echoes the country filter of a request as it
// was read: the ISO entry, its name in the request's language and the
// GHCN-Daily codes whose stations it selects.
type StationCountryFilterJSON struct {
	ISO2 string   `json:"iso2"`
	ISO3 string   `json:"iso3"`
	Name string   `json:"name"`
	GHCN []string `json:"ghcn"`
}

// englishRegions names regions in English (CLDR).
var englishRegions = display.English.Regions()

// regionName is the name in l of the ISO 3166-1 entry with the given
// alpha-2 and alpha-3 codes: CLDR's, through i18n.CountryName (which
// applies the glossary's reviewed entity names first).
func regionName(l i18n.Lang, iso2, iso3 string) string {
	en := iso2
	if r, err := language.ParseRegion(iso2); err == nil {
		if n := englishRegions.Name(r); n != "" {
			en = n
		}
	}
	return i18n.CountryName(l, iso3, en)
}

// stationCountry names the country of the station with the given id in l.
func stationCountry(l i18n.Lang, id string) StationCountryJSON {
	if len(id) < 2 {
		return StationCountryJSON{}
	}
	c, ok := countries.GHCN(id[:2])
	if !ok {
		return StationCountryJSON{}
	}
	return StationCountryJSON{CountryISO2: c.ISO2, CountryISO3: c.ISO3, CountryName: regionName(l, c.ISO2, c.ISO3), CountryGHCNName: c.GHCNName}
}

// stationInfo is m with its country named in l.
func stationInfo(l i18n.Lang, m store.StationMeta) StationInfo {
	return StationInfo{StationMeta: m, StationCountryJSON: stationCountry(l, m.ID)}
}

// countryFilter reads the country field of a request (raw text, "" for
// every country) under countries.ParseStationCountry's rule; a bad value is
// a usage error that names the field.
func countryFilter(l i18n.Lang, raw string) (*countries.StationCountry, *StationCountryFilterJSON, error) {
	if raw == "" {
		return nil, nil, nil
	}
	c, err := countries.ParseStationCountry(raw)
	if err != nil {
		return nil, nil, invalid("{country} %q: %v", raw, err)
	}
	return &c, &StationCountryFilterJSON{ISO2: c.ISO2, ISO3: c.ISO3, Name: regionName(l, c.ISO2, c.ISO3), GHCN: c.FIPS}, nil
}

// nationalGroup returns the GHCN-Daily codes whose stations make up the
// country of a GHCN code for national records: every code filed under the
// same ISO 3166-1 entry (JN and SV for SJ, the four U.S. islands for UM),
// or the code alone when the table does not know it.
func nationalGroup(fips string) []string {
	c, ok := countries.GHCN(fips)
	if !ok {
		return []string{fips}
	}
	var out []string
	for _, g := range countries.GHCNOfISO(c.ISO2) {
		out = append(out, g.FIPS)
	}
	return out
}

// nationalRecord is the all-time record of an ISO entry whose stations
// carry any of the GHCN codes fips: the most extreme of each code's
// national record, every holder of that value kept.
func nationalRecord(ctx context.Context, arc *stations.Archive, fips []string, e stations.Extreme, q stations.Query) ([]stations.Record, error) {
	var best []stations.Record
	for _, f := range fips {
		nr, err := arc.NationalRecord(ctx, f, e, q)
		if err != nil {
			return nil, err
		}
		switch {
		case len(nr) == 0:
		case len(best) == 0 || (e.Highest && nr[0].Value > best[0].Value) || (!e.Highest && nr[0].Value < best[0].Value):
			best = nr
		case nr[0].Value == best[0].Value:
			best = append(best, nr...)
		}
	}
	return best, nil
}
