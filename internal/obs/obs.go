// Package obs defines the typed observations that flow from the parsers to the
// store and on to the analyses: a civil Date, a Point (date and value), a
// Series (one indicator for one entity) and Parsed, the result of parsing one
// producer file.
package obs

import (
	"fmt"
	"math"
	"time"
)

// Frequency is the sampling interval of a series. It also decides how a Date
// is written: daily and weekly as YYYY-MM-DD, monthly as YYYY-MM, annual as YYYY.
type Frequency string

const (
	Daily   Frequency = "daily"
	Weekly  Frequency = "weekly"
	Monthly Frequency = "monthly"
	Annual  Frequency = "annual"
	// Irregular is for series sampled at uneven intervals, such as the
	// satellite sea-level record (about every 9.9 days, one Jason cycle).
	Irregular Frequency = "irregular"
)

// Valid reports whether f is one of the known frequencies.
func (f Frequency) Valid() bool {
	switch f {
	case Daily, Weekly, Monthly, Annual, Irregular:
		return true
	}
	return false
}

// Date is a proleptic Gregorian calendar date stored as the number of days
// since 1970-01-01 (negative before). A monthly value is dated on the first of
// its month and an annual value on 1 January of its year.
type Date int32

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// NewDate returns the Date of year y, month m (1..12), day d. It does not
// check its arguments; use ParseDate or Valid for untrusted input.
func NewDate(y, m, d int) Date {
	return Date(daysFromCivil(y, m, d))
}

// ValidYMD reports whether y-m-d is a real calendar date.
func ValidYMD(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || y < -9999 || y > 9999 {
		return false
	}
	return d <= DaysIn(y, m)
}

// IsLeap reports whether y is a Gregorian leap year.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// DaysIn returns the number of days in month m of year y.
func DaysIn(y, m int) int {
	switch m {
	case 2:
		if IsLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil algorithm.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// YMD returns the year, month (1..12) and day (1..31) of d.
func (d Date) YMD() (y, m, day int) {
	z := int(d) + 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, day
}

// Year returns the calendar year of d.
func (d Date) Year() int { y, _, _ := d.YMD(); return y }

// Month returns the calendar month (1..12) of d.
func (d Date) Month() int { _, m, _ := d.YMD(); return m }

// Time returns d as midnight UTC.
func (d Date) Time() time.Time { return epoch.AddDate(0, 0, int(d)) }

// FromTime returns the UTC calendar date of t.
func FromTime(t time.Time) Date {
	t = t.UTC()
	return NewDate(t.Year(), int(t.Month()), t.Day())
}

// String writes d as YYYY-MM-DD.
func (d Date) String() string {
	y, m, day := d.YMD()
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// Format writes d at the resolution of f: YYYY-MM-DD, YYYY-MM or YYYY.
func (d Date) Format(f Frequency) string {
	y, m, day := d.YMD()
	switch f {
	case Monthly:
		return fmt.Sprintf("%04d-%02d", y, m)
	case Annual:
		return fmt.Sprintf("%04d", y)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, day)
}

// ParseDate reads YYYY-MM-DD, YYYY-MM (the first of the month) or YYYY
// (1 January). It rejects impossible dates such as 2023-02-30.
func ParseDate(s string) (Date, error) {
	var y, m, d int
	var rest string
	switch len(s) {
	case 10:
		if n, _ := fmt.Sscanf(s, "%4d-%2d-%2d%s", &y, &m, &d, &rest); n != 3 || s[4] != '-' || s[7] != '-' {
			return 0, fmt.Errorf("date %q: expected YYYY-MM-DD", s)
		}
	case 7:
		d = 1
		if n, _ := fmt.Sscanf(s, "%4d-%2d%s", &y, &m, &rest); n != 2 || s[4] != '-' {
			return 0, fmt.Errorf("date %q: expected YYYY-MM", s)
		}
	case 4:
		m, d = 1, 1
		if n, _ := fmt.Sscanf(s, "%4d%s", &y, &rest); n != 1 {
			return 0, fmt.Errorf("date %q: expected YYYY", s)
		}
	default:
		return 0, fmt.Errorf("date %q: expected YYYY-MM-DD, YYYY-MM or YYYY", s)
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '-' {
			return 0, fmt.Errorf("date %q: expected digits and dashes only", s)
		}
	}
	if !ValidYMD(y, m, d) {
		return 0, fmt.Errorf("date %q: no such calendar date", s)
	}
	return NewDate(y, m, d), nil
}

// Point is one observation: a date and a finite value in the series' unit.
type Point struct {
	Date  Date
	Value float64
}

// Series is one indicator for one entity, in date order without duplicates.
type Series struct {
	Indicator string    // catalog indicator id, e.g. "seaice.south"
	Entity    string    // ISO 3166 alpha-3 code or OWID aggregate; "" for a global series
	Unit      string    // e.g. "10^6 km^2", "degC", "ppm"
	Frequency Frequency // sampling interval
	Points    []Point
}

// Climatology is a producer's own published climatology for an indicator, kept
// as the producer wrote it (for example Climate Reanalyzer's "1991-2020" row).
// Values are indexed by slot; Convention says what a slot means ("daycount":
// slot 0 is 1 January, slot 59 is 29 February in leap years or 1 March
// otherwise; "calendar": slots follow month-day with 29 February its own
// slot; "month": slot 0 is January). NaN marks a missing slot.
type Climatology struct {
	Indicator  string
	Entity     string
	Baseline   string // e.g. "1991-2020"
	Convention string
	Values     []float64
}

// Parsed is everything one producer file yields.
type Parsed struct {
	Series        []Series
	Climatologies []Climatology
}

// Rows returns the number of observations in p.
func (p *Parsed) Rows() int {
	n := 0
	for _, s := range p.Series {
		n += len(s.Points)
	}
	return n
}

// Check verifies the invariants that the store relies on: known frequency,
// dates strictly increasing within each series, finite values, and no two
// series with the same indicator and entity. The error names the offending
// series and date.
func (p *Parsed) Check() error {
	seen := map[[2]string]bool{}
	for _, s := range p.Series {
		key := [2]string{s.Indicator, s.Entity}
		if seen[key] {
			return fmt.Errorf("series %s %q appears twice", s.Indicator, s.Entity)
		}
		seen[key] = true
		if !s.Frequency.Valid() {
			return fmt.Errorf("series %s: unknown frequency %q", s.Indicator, s.Frequency)
		}
		for i, pt := range s.Points {
			if math.IsNaN(pt.Value) || math.IsInf(pt.Value, 0) {
				return fmt.Errorf("series %s %s at %s: value is not finite", s.Indicator, s.Entity, pt.Date)
			}
			if i > 0 && pt.Date <= s.Points[i-1].Date {
				return fmt.Errorf("series %s %s: date %s does not follow %s (duplicate or out of order)", s.Indicator, s.Entity, pt.Date, s.Points[i-1].Date)
			}
		}
	}
	return nil
}
