package analysis

import (
	"fmt"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Convention says how a date maps to a climatological slot.
type Convention int

const (
	// Calendar groups days by month-day. Slots run 0..365 in the layout of a
	// leap year: slot 0 is 1 January, slot 59 is 29 February (filled only by
	// leap years), slot 60 is 1 March in every year, slot 365 is 31 December.
	Calendar Convention = iota
	// DayCount groups days by the number of days since 1 January: slot 0 is
	// 1 January, slot 59 is 29 February in leap years and 1 March otherwise,
	// and slot 365 (31 December) is filled only by leap years.
	DayCount
	// Month groups by calendar month: slot 0 is January, slot 11 December.
	Month
)

// DaySlots is the number of slots of the Calendar and DayCount conventions.
const DaySlots = 366

// String returns "calendar", "daycount" or "month", the names used on the
// command line and in JSON.
func (c Convention) String() string {
	switch c {
	case DayCount:
		return "daycount"
	case Month:
		return "month"
	}
	return "calendar"
}

// ParseConvention reads "calendar", "daycount" (also "day-count", "doy") or
// "month". The empty string means Calendar, the default.
func ParseConvention(s string) (Convention, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "calendar":
		return Calendar, nil
	case "daycount", "day-count", "doy":
		return DayCount, nil
	case "month", "monthly":
		return Month, nil
	}
	return Calendar, fmt.Errorf("unknown day-of-year convention %q: want calendar or daycount", s)
}

// Slots returns the number of slots of c: 366 for the day conventions and
// 12 for Month.
func (c Convention) Slots() int {
	if c == Month {
		return 12
	}
	return DaySlots
}

// cumDays[m] is the number of days before month m+1 in a leap year.
var cumDays = [13]int{0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366}

// Slot returns the 0-based slot of d under c (see the constants for the
// layouts).
func (c Convention) Slot(d obs.Date) int {
	y, m, day := d.YMD()
	return c.slotYMD(y, m, day)
}

// slotYMD is Slot for a date already split into year, month and day.
func (c Convention) slotYMD(y, m, day int) int {
	switch c {
	case Month:
		return m - 1
	case DayCount:
		s := cumDays[m-1] + day - 1
		if m > 2 && !obs.IsLeap(y) {
			s--
		}
		return s
	}
	return cumDays[m-1] + day - 1
}

// Label names a slot for people: "02-29" (month-day) under Calendar, "day 60"
// (1-based day count) under DayCount and "06" under Month.
func (c Convention) Label(slot int) string {
	switch c {
	case Month:
		return fmt.Sprintf("%02d", slot+1)
	case DayCount:
		return fmt.Sprintf("day %d", slot+1)
	}
	m := 1
	for m < 12 && slot >= cumDays[m] {
		m++
	}
	return fmt.Sprintf("%02d-%02d", m, slot-cumDays[m-1]+1)
}

// DateOf returns the date of slot in year y under c, and false when y has no
// such slot (29 February of a common year under Calendar, day 366 of a common
// year under DayCount). Under Month it returns the first of the month.
func (c Convention) DateOf(y, slot int) (obs.Date, bool) {
	switch c {
	case Month:
		if slot < 0 || slot > 11 {
			return 0, false
		}
		return obs.NewDate(y, slot+1, 1), true
	case DayCount:
		n := 365
		if obs.IsLeap(y) {
			n = 366
		}
		if slot < 0 || slot >= n {
			return 0, false
		}
		return obs.NewDate(y, 1, 1) + obs.Date(slot), true
	}
	if slot < 0 || slot >= DaySlots || (slot == 59 && !obs.IsLeap(y)) {
		return 0, false
	}
	m := 1
	for m < 12 && slot >= cumDays[m] {
		m++
	}
	return obs.NewDate(y, m, slot-cumDays[m-1]+1), true
}

// monthIndex returns y*12+m-1, a serial month number used to test whether two
// monthly dates are consecutive.
func monthIndex(d obs.Date) int {
	y, m, _ := d.YMD()
	return y*12 + m - 1
}

// conventionFor returns the slot convention a series of frequency f must use:
// Month for monthly data and c otherwise.
func conventionFor(f obs.Frequency, c Convention) Convention {
	if f == obs.Monthly {
		return Month
	}
	return c
}

// formatDate writes d at the resolution of f (YYYY-MM-DD, YYYY-MM or YYYY)
// like obs.Date.Format, without fmt, for years 0..9999.
func formatDate(d obs.Date, f obs.Frequency) string {
	y, m, day := d.YMD()
	if y < 0 || y > 9999 {
		return d.Format(f)
	}
	b := make([]byte, 0, 10)
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10))
	if f == obs.Annual {
		return string(b)
	}
	b = append(b, '-', byte('0'+m/10), byte('0'+m%10))
	if f == obs.Monthly {
		return string(b)
	}
	b = append(b, '-', byte('0'+day/10), byte('0'+day%10))
	return string(b)
}
