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

// SentenceStyle is how a record sentence writes its numbers and periods:
// Resolution is the resolution of the values compared (Comparison.Resolution
// of the result, or 0 to fall back to two decimals) and Seasonal names a
// three-month series' values by season ("MJJ") instead of month.
type SentenceStyle struct {
	Resolution float64
	Seasonal   bool
}

// number writes v at the style's resolution (two decimals without one).
func (st SentenceStyle) number(v float64) string {
	if st.Resolution > 0 {
		return analysis.Format(v, st.Resolution)
	}
	return Round2(v)
}

// styleOf completes a style from a result's comparison: its resolution
// when the style gives none.
func styleOf(st SentenceStyle, c *analysis.Comparison) SentenceStyle {
	if st.Resolution <= 0 && c != nil {
		st.Resolution = c.Resolution
	}
	return st
}

// VerdictClause words a comparison that is not a plain record:
// " (not statistically distinguishable from 2022: 48.80 ± 2.53 vs 46.77 ±
// 2.53 10²² J, 95%)" for a record inside the combined uncertainty, "" for a
// plain record. prevLabel names the value beaten (a year, a date).
func VerdictClause(c *analysis.Comparison, prevLabel, unit string) string {
	if c == nil || c.Verdict != analysis.VerdictIndistinguishable {
		return ""
	}
	res := c.Resolution
	s := " (not statistically distinguishable from " + prevLabel
	if c.Uncertainty95 != nil && c.PreviousUncertainty95 != nil {
		s += fmt.Sprintf(": %s ± %s vs %s ± %s %s, 95%%", analysis.Format(c.Value, res), analysis.Format(*c.Uncertainty95, res),
			analysis.Format(c.Previous, res), analysis.Format(*c.PreviousUncertainty95, res), Unit(unit))
	}
	return s + ")"
}

// RecordSentence states in plain words that r is a record for its date, for
// example "Record low for 21 February: 1.79 million km², previous 2017",
// adding "; also the lowest value on record" when it is an all-time record
// too. The previous holder is named by its year. Values are written at the
// resolution compared (st, or r.Comparison's), a three-month season by its
// season ("Record high for MJJ"), and a record inside the producers'
// combined uncertainty says it is not statistically distinguishable. It
// returns "" when r is not a record for its date (ties, also ties at the
// published precision, are not records).
func RecordSentence(r analysis.OnResult, st SentenceStyle) string {
	if !r.RecordForDate {
		return ""
	}
	st = styleOf(st, r.Comparison)
	d, err := obs.ParseDate(r.Date)
	if err != nil {
		return ""
	}
	when := DayMonth(d)
	if len(r.Date) == 7 { // a monthly series dated by its month
		when = MonthName(d.Month())
		if st.Seasonal {
			when = analysis.SeasonLabel(d.Month())
		}
	}
	s := fmt.Sprintf("Record %s for %s: %s %s", kindWord(r.Kind), when, st.number(r.Value), Unit(r.Unit))
	if r.PreviousForDate != nil && len(r.PreviousForDate.Date) >= 4 {
		s += ", previous " + r.PreviousForDate.Date[:4]
		s += VerdictClause(r.Comparison, r.PreviousForDate.Date[:4], r.Unit)
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
// for June: 1.18 °C, previous 2023" (means of daily data at one more digit
// than the inputs). It returns "" when r is not a record.
func MonthRecordSentence(r analysis.MonthResult, st SentenceStyle) string {
	if !r.Record {
		return ""
	}
	st = styleOf(st, r.Comparison)
	d, err := obs.ParseDate(r.Month)
	if err != nil {
		return ""
	}
	when := MonthName(d.Month())
	if st.Seasonal {
		when = analysis.SeasonLabel(d.Month())
	}
	s := fmt.Sprintf("Record %s for %s: %s %s", kindWord(r.Kind), when, st.number(r.Value), Unit(r.Unit))
	if r.Previous != nil && len(r.Previous.Month) >= 4 {
		s += ", previous " + r.Previous.Month[:4]
		s += VerdictClause(r.Comparison, r.Previous.Month[:4], r.Unit)
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
