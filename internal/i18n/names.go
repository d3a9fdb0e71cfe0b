package i18n

import (
	"math"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// regionNamers name regions in each Chinese script (CLDR data).
var regionNamers = map[Lang]display.Namer{
	ZhHant: display.Regions(language.TraditionalChinese),
	ZhHans: display.Regions(language.SimplifiedChinese),
}

// CountryName is the name in l of the entity with the given code: an ISO
// 3166 alpha-3 code is named by CLDR ("TWN" is 台灣 in zh-Hant and 台湾 in
// zh-Hans), an aggregate by the glossary ("entity:OWID_WRL"); english (the
// entity table's name) is returned for English and for codes neither
// knows.
func CountryName(l Lang, code, english string) string {
	if l == En {
		return english
	}
	if t, ok := Lookup("entity:" + code); ok {
		return t.In(l)
	}
	if len(code) == 3 {
		if r, err := language.ParseRegion(code); err == nil {
			if n := regionNamers[l].Name(r); n != "" {
				return n
			}
		}
	}
	return english
}

// Unit writes a catalog unit in l: the glossary's "unit:<unit>" rendering,
// or english (the English rendering of the caller) when the glossary has
// none.
func Unit(l Lang, unit, english string) string {
	if l == En {
		return english
	}
	return T(l, "unit:"+unit, english)
}

// WithUnit joins a number and a unit written in l: with a space before a
// symbol ("21.00 °C", "424.61 ppm"), without one before a unit written in
// Chinese characters ("1.79百萬平方公里"), and "%" always directly after
// the number.
func WithUnit(number, unit string) string {
	if unit == "" {
		return number
	}
	if unit == "%" {
		return number + "%"
	}
	if r := []rune(unit)[0]; unicode.Is(unicode.Han, r) {
		return number + unit
	}
	return number + " " + unit
}

// Scaled writes a large value in l with 3 significant digits (plus extra
// decimals) and a word for its power of ten, or ok false when v is small
// enough to be written as it is: English scales by thousands ("11.9
// billion"), Chinese by 萬 (10⁴) and 億 (10⁸) as Chinese counts ("119億").
func Scaled(l Lang, v float64, extra int) (string, bool) {
	a := math.Abs(v)
	type step struct {
		f    float64
		word string
	}
	var steps []step
	switch l {
	case ZhHant:
		steps = []step{{1e8, "億"}, {1e4, "萬"}}
	case ZhHans:
		steps = []step{{1e8, "亿"}, {1e4, "万"}}
	default:
		steps = []step{{1e9, " billion"}, {1e6, " million"}, {1e3, " thousand"}}
	}
	for _, s := range steps {
		if a >= s.f {
			return strconv.FormatFloat(v/s.f, 'f', SigDecimals(a/s.f, 3)+extra, 64) + s.word, true
		}
	}
	return "", false
}

// SigDecimals is the number of decimals that writes a (>= 0) with n
// significant digits.
func SigDecimals(a float64, n int) int {
	if a == 0 {
		return 0
	}
	d := n - 1 - int(math.Floor(math.Log10(a)))
	return max(d, 0)
}

// Join writes a list in l: "2016, 2020" in English, "2016、2020" in
// Chinese (the enumeration comma 、).
func Join(l Lang, items []string) string {
	return strings.Join(items, pick(l, ", ", "、", "、"))
}
