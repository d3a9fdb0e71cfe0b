// Package i18n holds what the server needs to speak English, Traditional
// Chinese (zh-Hant) and Simplified Chinese (zh-Hans): the choice of a
// language from a request (a lang= parameter or Accept-Language), the
// reviewed glossary of indicator names, units and scientific terms
// (glossary.json, embedded), dates, ordinals and numbers written the way
// each language writes them, and country names from CLDR
// (golang.org/x/text/language/display).
//
// English is the reference language: the English sentences of the alerts
// and present packages are unchanged by this package, and every other
// language is rendered from the same structured fields.
package i18n

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// Lang is one of the languages the server writes: En, ZhHant or ZhHans.
// Its string form is its BCP 47 tag ("en", "zh-Hant", "zh-Hans"), the value
// of lang= and of Content-Language.
type Lang string

// The supported languages.
const (
	En     Lang = "en"
	ZhHant Lang = "zh-Hant"
	ZhHans Lang = "zh-Hans"
)

// Langs lists the supported languages, English first.
var Langs = []Lang{En, ZhHant, ZhHans}

// Chinese reports whether l is one of the Chinese scripts.
func (l Lang) Chinese() bool { return l == ZhHant || l == ZhHans }

// supported is the matcher's list, in the order of Langs: the first is the
// default when nothing in Accept-Language matches.
var supported = []language.Tag{language.English, language.TraditionalChinese, language.SimplifiedChinese}

var matcher = language.NewMatcher(supported)

// Parse reads the value of a lang= parameter: a supported tag, matched
// case-insensitively, or a regional tag that maps to one of them (zh-TW and
// zh-HK to zh-Hant, zh-CN, zh-SG and zh to zh-Hans, en-GB to en). Anything
// else is an error that lists the supported values.
func Parse(s string) (Lang, error) {
	t, err := language.Parse(strings.TrimSpace(s))
	if err != nil || s == "" {
		return "", fmt.Errorf("unknown language %q: want one of en, zh-Hant, zh-Hans", s)
	}
	_, i, conf := matcher.Match(t)
	if conf < language.High {
		return "", fmt.Errorf("unsupported language %q: want one of en, zh-Hant, zh-Hans", s)
	}
	return Langs[i], nil
}

// FromAcceptLanguage chooses the language of an Accept-Language header with
// the CLDR matcher (zh-TW, zh-HK and zh-MO match zh-Hant; zh-CN, zh-SG and
// plain zh match zh-Hans); English when the header is empty, malformed or
// names nothing supported.
func FromAcceptLanguage(h string) Lang {
	if strings.TrimSpace(h) == "" {
		return En
	}
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil || len(tags) == 0 {
		return En
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return En
	}
	return Langs[i]
}

// Negotiate is the language of a request: the lang= parameter when given
// (it wins; an unsupported value is an error), Accept-Language otherwise.
func Negotiate(param, acceptLanguage string) (Lang, error) {
	if param != "" {
		return Parse(param)
	}
	return FromAcceptLanguage(acceptLanguage), nil
}

// pick returns the text of l among the three renderings.
func pick(l Lang, en, hant, hans string) string {
	switch l {
	case ZhHant:
		return hant
	case ZhHans:
		return hans
	}
	return en
}

// Pick returns en, hant or hans for l: the renderings of one phrase that is
// too small to be a glossary term (punctuation, connecting words).
func Pick(l Lang, en, hant, hans string) string { return pick(l, en, hant, hans) }

// Ordinal writes n as an ordinal: "1st", "22nd", "13th" in English, "第1"
// in Chinese (which has no suffixes; the counter word follows, as in
// 第3日).
func Ordinal(l Lang, n int) string {
	if l.Chinese() {
		return "第" + strconv.Itoa(n)
	}
	suf := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suf = "st"
		case 2:
			suf = "nd"
		case 3:
			suf = "rd"
		}
	}
	return strconv.Itoa(n) + suf
}

var monthNames = [...]string{"January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December"}

// Month writes month m (1..12): "March", "3月".
func Month(l Lang, m int) string {
	if m < 1 || m > 12 {
		return strconv.Itoa(m)
	}
	if l.Chinese() {
		return strconv.Itoa(m) + "月"
	}
	return monthNames[m-1]
}

// MonthShort writes the axis label of month m: "Mar", "3月".
func MonthShort(l Lang, m int) string {
	if l.Chinese() {
		return Month(l, m)
	}
	return Month(l, m)[:3]
}

// Date writes a day: "16 March 2023", "2023年3月16日".
func Date(l Lang, y, m, d int) string {
	if l.Chinese() {
		return fmt.Sprintf("%d年%d月%d日", y, m, d)
	}
	return fmt.Sprintf("%d %s %d", d, Month(l, m), y)
}

// DayMonth writes a calendar day without its year: "16 March", "3月16日".
func DayMonth(l Lang, m, d int) string {
	if l.Chinese() {
		return fmt.Sprintf("%d月%d日", m, d)
	}
	return fmt.Sprintf("%d %s", d, Month(l, m))
}

// YearMonth writes a month: "March 2023", "2023年3月".
func YearMonth(l Lang, y, m int) string {
	if l.Chinese() {
		return fmt.Sprintf("%d年%d月", y, m)
	}
	return Month(l, m) + " " + strconv.Itoa(y)
}

// Year writes a year: "2023", "2023年".
func Year(l Lang, y int) string {
	if l.Chinese() {
		return strconv.Itoa(y) + "年"
	}
	return strconv.Itoa(y)
}

// Season writes the three-month season centred on month m of year y:
// English keeps the initials of analysis.FormatSeason ("MJJ 2026"); Chinese
// names the months, "2026年5–7月" (a season across the new year, centred on
// January, is "2025年12月–2026年2月").
func Season(l Lang, y, m int, english string) string {
	if !l.Chinese() {
		return english
	}
	first, last := m-1, m+1
	switch {
	case first < 1:
		return fmt.Sprintf("%d年12月–%d年%d月", y-1, y, last)
	case last > 12:
		return fmt.Sprintf("%d年%d月–%d年1月", y, first, y+1)
	}
	return fmt.Sprintf("%d年%d–%d月", y, first, last)
}

// SeasonLabel writes the season centred on month m without a year:
// English keeps its initials ("MJJ"), Chinese writes "5–7月" ("12–2月" for
// the season centred on January).
func SeasonLabel(l Lang, m int, english string) string {
	if !l.Chinese() {
		return english
	}
	first, last := (m+10)%12+1, m%12+1
	return fmt.Sprintf("%d–%d月", first, last)
}
