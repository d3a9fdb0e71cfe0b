package present

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/obs"
)

// Unit rewrites a catalog unit for people and charts: "10^6 km^2" becomes
// "million km²", "degC" becomes "°C" and other powers are written with
// superscripts ("10^22 J" becomes "10²² J"). Other units are returned as
// they are.
func Unit(u string) string {
	if rest, ok := strings.CutPrefix(u, "10^6 "); ok {
		u = "million " + rest
	}
	u = strings.ReplaceAll(u, "degC", "°C")
	var b strings.Builder
	sup := false
	for _, c := range u {
		switch {
		case c == '^':
			sup = true
			continue
		case sup && c >= '0' && c <= '9':
			b.WriteRune([]rune("⁰¹²³⁴⁵⁶⁷⁸⁹")[c-'0'])
			continue
		case sup && c == '-':
			b.WriteRune('⁻')
			continue
		}
		sup = false
		b.WriteRune(c)
	}
	return b.String()
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

// MonthName returns the English name of month m (1..12).
func MonthName(m int) string {
	if m < 1 || m > 12 {
		return strconv.Itoa(m)
	}
	return monthNames[m-1]
}

// DayMonth writes a date as "21 February".
func DayMonth(d obs.Date) string {
	_, m, day := d.YMD()
	return fmt.Sprintf("%d %s", day, MonthName(m))
}

// Round2 writes v rounded to two decimals without trailing zeros ("1.79",
// "21.1", "424.61"), the precision of a headline.
func Round2(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func kindWord(k analysis.Kind) string {
	if k == analysis.Min {
		return "low"
	}
	return "high"
}

// RecordSentence states in plain words that r is a record for its date, for
// example "Record low for 21 February: 1.79 million km², previous 2017",
// adding "; also the lowest value on record" when it is an all-time record
// too. The previous holder is named by its year. It returns "" when r is not
// a record for its date (ties are not records).
func RecordSentence(r analysis.OnResult) string {
	if !r.RecordForDate {
		return ""
	}
	d, err := obs.ParseDate(r.Date)
	if err != nil {
		return ""
	}
	when := DayMonth(d)
	if len(r.Date) == 7 { // a monthly series dated by its month
		when = MonthName(d.Month())
	}
	s := fmt.Sprintf("Record %s for %s: %s %s", kindWord(r.Kind), when, Round2(r.Value), Unit(r.Unit))
	if r.PreviousForDate != nil && len(r.PreviousForDate.Date) >= 4 {
		s += ", previous " + r.PreviousForDate.Date[:4]
	}
	if r.RecordAllTime {
		if r.Kind == analysis.Min {
			s += "; also the lowest value on record"
		} else {
			s += "; also the highest value on record"
		}
	}
	return s
}

// MonthRecordSentence is RecordSentence for a monthly result: "Record high
// for June: 1.18 °C, previous 2023". It returns "" when r is not a record.
func MonthRecordSentence(r analysis.MonthResult) string {
	if !r.Record {
		return ""
	}
	d, err := obs.ParseDate(r.Month)
	if err != nil {
		return ""
	}
	s := fmt.Sprintf("Record %s for %s: %s %s", kindWord(r.Kind), MonthName(d.Month()), Round2(r.Value), Unit(r.Unit))
	if r.Previous != nil && len(r.Previous.Month) >= 4 {
		s += ", previous " + r.Previous.Month[:4]
	}
	return s
}

// SourceLine is the attribution printed under a chart or a table: "Source:
// NSIDC Sea Ice Index G02135 daily extent, Antarctic, version 3.0, sha256
// de51a1ef1c46…, retrieved 2026-11-26". title is the dataset's title; the
// version is added when the title does not already name it.
func SourceLine(title string, src Source) string {
	if title == "" {
		title = src.Dataset
	}
	s := "Source: " + title
	if src.Version != "" && !strings.Contains(title, src.Version) {
		s += ", version " + src.Version
	}
	if src.SHA256 != "" {
		s += ", sha256 " + src.SHA256[:min(12, len(src.SHA256))] + "…"
	}
	if src.Files > 1 {
		s += fmt.Sprintf(", %d files", src.Files)
	}
	if src.Retrieved != nil {
		s += ", retrieved " + src.Retrieved.UTC().Format("2006-01-02")
	}
	return s
}
