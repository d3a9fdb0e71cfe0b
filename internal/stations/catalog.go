package stations

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// Catalog is what the station archive needs from the main store
// (internal/store, SQLite or PostgreSQL), which keeps the catalog, dataset
// versions, events and the derived station records. The archive does not
// import the store; the wiring (cmd/stocktake) passes an implementation.
type Catalog interface {
	// RecordStationFiles records the provenance of files ingested into the
	// archive as versions of a dataset (e.g. "noaa-ghcn-daily"): one version
	// per file, keyed by its name, with its sha256, size and retrieval time.
	RecordStationFiles(ctx context.Context, dataset string, files []FileProvenance) error
	// ReplaceStationRecords replaces every derived record of the stations
	// named in recs (all extremes and scopes) in one transaction, as of the
	// archive state that produced them.
	ReplaceStationRecords(ctx context.Context, stations []string, recs []Record) error
}

// AllExtremes are the extremes kept as derived station records.
var AllExtremes = []Extreme{RecordHigh, RecordLow, HighestLow, LowestHigh, WettestDay}

// AllScopes are the scopes kept as derived station records.
var AllScopes = []Scope{AllTime, Month, Day}

// DerivedRecords returns every record of a station (each extreme of
// AllExtremes in each scope of AllScopes) for the catalog's derived records
// table.
func (a *Archive) DerivedRecords(ctx context.Context, station string, q Query) ([]Record, error) {
	var out []Record
	for _, e := range AllExtremes {
		for _, s := range AllScopes {
			rs, err := a.StationRecords(ctx, station, e, s, q)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
		}
	}
	return out, nil
}

// UID returns a stable identifier of the event "this record was set", for
// the events table and the Atom feed: station, element, direction, scope and
// date.
func (r SetRecord) UID() string {
	dir := "min"
	if r.Highest {
		dir = "max"
	}
	return fmt.Sprintf("ghcnd:%s:%s:%s:%s:%s", r.Station, r.Element, dir, r.Scope, r.Date)
}

// Sentence states the record in one English sentence, naming the station
// by name (and id), with temperatures in °C and °F and precipitation in mm,
// e.g. "NY CITY CNTRL PARK (USW00094728) set a record high for 22 July of
// 40.0 °C (104 °F) on 22 July 2011, beating 38.3 °C (101 °F) set on 22 July
// 1957."
func (r SetRecord) Sentence(name string) string {
	what := map[Extreme]string{RecordHigh: "record high", RecordLow: "record low", HighestLow: "record warm low",
		LowestHigh: "record cold high", WettestDay: "record daily precipitation"}[Extreme{r.Element, r.Highest}]
	if what == "" {
		what = fmt.Sprintf("record %s %s", map[bool]string{true: "highest", false: "lowest"}[r.Highest], r.Element)
	}
	switch r.Scope {
	case Month:
		what += " for " + time.Month(r.Month).String()
	case Day:
		what += fmt.Sprintf(" for %d %s", r.Day, time.Month(r.Month))
	default:
		what = "all-time " + what
	}
	verb, rel := "set", "beating"
	if r.Tie {
		verb, rel = "tied", "equalling"
	}
	station := r.Station
	if name != "" {
		station = name + " (" + r.Station + ")"
	}
	article := "a"
	if strings.ContainsRune("aeiou", rune(what[0])) {
		article = "an"
	}
	return fmt.Sprintf("%s %s %s %s of %s on %s, %s %s set on %s.", station, verb, article, what, quantity(r.Element, r.Value),
		longDate(r.Date), rel, quantity(r.Element, r.Previous), longDate(r.PreviousDate))
}

// quantity formats a GHCN value in words: temperatures in °C with the whole
// °F, precipitation in mm.
func quantity(el string, v int32) string {
	switch el {
	case "TMAX", "TMIN", "TAVG", "TOBS":
		c := float64(v) / 10
		return fmt.Sprintf("%.1f °C (%.0f °F)", c, math.Round(c*9/5+32))
	case "PRCP":
		return fmt.Sprintf("%.1f mm", float64(v)/10)
	}
	return fmt.Sprintf("%d", v)
}

func longDate(d obs.Date) string {
	y, m, day := d.YMD()
	return fmt.Sprintf("%d %s %d", day, time.Month(m), y)
}
