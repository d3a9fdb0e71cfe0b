// Package analysis is stocktake's records engine: calendars (day of year),
// smoothing, monthly and annual aggregation, climatologies, anomalies and
// re-basing, extremes, records "as of" any date, and trends. Every function is
// pure: it reads a date-sorted []obs.Point (or an obs.Series, whose Points are
// sorted with unique dates) and never modifies its input. The CLI and the HTTP
// API share the result structs defined here, whose JSON field names are part
// of stocktake's stable contract.
//
// # Conventions
//
// Day of year. Two conventions exist and every function that groups days by
// "day of year" takes one explicitly (see Convention). Calendar (the default,
// as CDO's ydaystat) groups by month-day, with 29 February its own slot that
// only leap years fill. DayCount (as Climate Reanalyzer's JSON arrays and
// xarray's dayofyear) groups by the number of days since 1 January, so from
// 1 March on a leap year's day N is one calendar day earlier than a common
// year's day N. Monthly series use the Month convention (slot = month).
//
// Smoothing. Smoothing.Apply computes an N-calendar-day trailing or centred
// mean. Runs of at most Smoothing.Fill missing days lying between two values
// are first filled by linear interpolation; a window then yields a value only
// when the date itself has a (possibly filled) value and at least MinValid of
// its N days do, and the result is the plain mean of the values present.
// NSIDC5Day ("--smooth 5d") is NSIDC's 5-day trailing mean: Fill 1 (the
// every-other-day era before August 1987 is filled by averaging the day before
// and the day after, the interpolation NSIDC documents for its charts and the
// one that reproduces its 1981-2010 climatology file), MinValid 3. Around the
// 1987-12-03..1988-01-12 gap no value is produced on the missing days, and the
// first two days after the gap have no 5-day mean.
//
// Completeness. A monthly mean of daily data is Complete under the WMO
// "5/11 rule" (WMO-No. 1203, Guidelines on the Calculation of Climate
// Normals): at most 10 days missing in the month and no run of 5 or more
// consecutive missing days. A year is complete when all twelve of its months
// are. Incomplete periods are returned, flagged and with their day counts,
// never dropped silently; rankings of months skip incomplete months other than
// the one asked about.
//
// Climatology. Per slot over a baseline Y0-Y1 (inclusive): mean, sample
// standard deviation (ddof = 1, which reproduces NSIDC's file; ddof = 0 does
// not), median and the 10/25/75/90th percentiles with numpy's default linear
// interpolation. See NSIDCClimatology for the options that reproduce
// N_seaice_extent_climatology_1981-2010_v3.0.csv.
//
// Records. A record is strictly beyond (above for max, below for min) every
// other value it is compared with; an equal value is a tie and never a record.
// Two values are equal when they differ by at most 1e-9 times the larger
// magnitude (or 1e-9 absolute near zero), so that means of the same inputs
// computed in a different order still tie. The first value for a slot has
// nothing to beat and is never a record. "As of" a date means that only data
// dated on or before it are used, before any smoothing or aggregation.
// With Options.Resolution set, values are instead compared at the producer's
// published resolution (one more digit for means): values equal there are
// ties at the published precision, and a record inside the producers'
// combined 95% uncertainty is "not statistically distinguishable" (see
// Compare and docs/records.md). Annual rankings (RankAnnual) use the
// producer's published annual value where one exists.
//
// Units. Values keep the unit of their series; slopes are per decade (3652.5
// days). Dates are obs.Date; JSON writes them as YYYY-MM-DD (or YYYY-MM for
// months).
package analysis

import "encoding/json"

// Entity is the entity of a result: an ISO 3166 alpha-3 code, an aggregate
// code, or "" for a global series. It is written to JSON as null when empty,
// as in every other stocktake output, so scripts test one thing.
type Entity string

// MarshalJSON writes null for a global series, the code otherwise.
func (e Entity) MarshalJSON() ([]byte, error) {
	if e == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(e))
}

// UnmarshalJSON reads null or a string.
func (e *Entity) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*e = ""
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*e = Entity(s)
	return nil
}
