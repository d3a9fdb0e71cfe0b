package i18n

import (
	"strings"
	"testing"
	"unicode"

	"github.com/stocktake/stocktake/internal/catalog"
)

func TestNegotiate(t *testing.T) {
	f := func(param, accept string, want Lang, wantErr bool) {
		t.Helper()
		got, err := Negotiate(param, accept)
		if (err != nil) != wantErr {
			t.Fatalf("Negotiate(%q, %q) error %v, want error %v", param, accept, err, wantErr)
		}
		if err == nil && got != want {
			t.Errorf("Negotiate(%q, %q) = %s, want %s", param, accept, got, want)
		}
	}
	f("", "", En, false)
	f("", "zh-TW,zh;q=0.9,en;q=0.5", ZhHant, false)
	f("", "zh-HK", ZhHant, false)
	f("", "zh-CN", ZhHans, false)
	f("", "zh", ZhHans, false)
	f("", "fr-FR,de;q=0.8", En, false)
	f("", "en-GB,zh-TW;q=0.5", En, false)
	f("", "not a header;;", En, false)
	f("zh-Hant", "zh-CN", ZhHant, false) // lang= wins
	f("zh-hans", "", ZhHans, false)
	f("zh-TW", "", ZhHant, false)
	f("en", "zh-TW", En, false)
	f("fr", "", "", true)
	f("zz-???", "", "", true)
}

func TestDatesAndOrdinals(t *testing.T) {
	f := func(got, want string) {
		t.Helper()
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
	f(Date(En, 2024, 7, 22), "22 July 2024")
	f(Date(ZhHant, 2024, 7, 22), "2024年7月22日")
	f(YearMonth(ZhHans, 2023, 3), "2023年3月")
	f(DayMonth(ZhHant, 2, 21), "2月21日")
	f(Ordinal(En, 1), "1st")
	f(Ordinal(En, 12), "12th")
	f(Ordinal(En, 22), "22nd")
	f(Ordinal(En, 113), "113th")
	f(Ordinal(ZhHant, 3), "第3")
	f(Season(ZhHans, 2026, 6, "MJJ 2026"), "2026年5–7月")
	f(Season(ZhHant, 2026, 1, "DJF 2026"), "2025年12月–2026年2月")
	f(Season(ZhHant, 2026, 12, "NDJ 2026"), "2026年11月–2027年1月")
	f(Season(En, 2026, 6, "MJJ 2026"), "MJJ 2026")
	f(SeasonLabel(ZhHans, 1, "DJF"), "12–2月")
	f(SeasonLabel(ZhHans, 6, "MJJ"), "5–7月")
	s, ok := Scaled(ZhHant, 11.9e9, 0)
	f(s, "119億")
	if !ok {
		t.Error("Scaled(11.9e9) not scaled")
	}
	s, _ = Scaled(En, 11.9e9, 0)
	f(s, "11.9 billion")
	s, _ = Scaled(ZhHans, 52300, 0)
	f(s, "5.23万")
	if _, ok := Scaled(ZhHans, 999, 0); ok {
		t.Error("999 scaled")
	}
	f(WithUnit("1.79", "百萬平方公里"), "1.79百萬平方公里")
	f(WithUnit("21.00", "°C"), "21.00 °C")
	f(WithUnit("3.3", "%"), "3.3%")
}

func TestCountryName(t *testing.T) {
	f := func(l Lang, code, en, want string) {
		t.Helper()
		if got := CountryName(l, code, en); got != want {
			t.Errorf("CountryName(%s, %s) = %q, want %q", l, code, got, want)
		}
	}
	f(En, "CHN", "China", "China")
	f(ZhHans, "CHN", "China", "中国")
	f(ZhHant, "CHN", "China", "中國")
	f(ZhHant, "USA", "United States", "美國")
	f(ZhHans, "DEU", "Germany", "德国")
	f(ZhHant, "OWID_WRL", "World", "全球")
	f(ZhHant, "OWID_NOPE", "Nope", "Nope")
}

// TestGlossaryCoversCatalog checks that the embedded glossary parses, that
// no term is empty and that every catalog indicator and unit has a name in
// all three languages.
func TestGlossaryCoversCatalog(t *testing.T) {
	g, by, err := parseGlossary(glossaryJSON)
	if err != nil {
		t.Fatal(err)
	}
	if g.Source == "" || len(g.Terms) < 50 {
		t.Fatalf("glossary: source %q, %d terms", g.Source, len(g.Terms))
	}
	han := func(s string) bool {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return true
			}
		}
		return false
	}
	for _, d := range catalog.Datasets() {
		for _, ind := range d.Indicators {
			tm, ok := by["indicator:"+ind.ID]
			if !ok {
				t.Errorf("glossary has no term indicator:%s (%s)", ind.ID, ind.Title)
				continue
			}
			if !han(tm.ZhHant) || !han(tm.ZhHans) {
				t.Errorf("indicator:%s: Chinese names %q / %q have no Chinese characters", ind.ID, tm.ZhHant, tm.ZhHans)
			}
			if _, ok := by["unit:"+ind.Unit]; !ok {
				t.Errorf("glossary has no term unit:%s (unit of %s)", ind.Unit, ind.ID)
			}
		}
	}
	for _, id := range []string{"term:pre-industrial", "term:anomaly", "term:baseline", "term:climatology", "term:smoothing", "term:extent",
		"kind:record-all-time", "kind:record-day", "kind:record-month", "kind:streak", "kind:year-extreme"} {
		if _, ok := by[id]; !ok {
			t.Errorf("glossary has no term %s", id)
		}
	}
	if got := T(ZhHant, "term:pre-industrial", ""); got != "工業化前" {
		t.Errorf("pre-industrial in zh-Hant = %q", got)
	}
	if got := IndicatorName(ZhHans, "seaice.north", "Arctic sea-ice extent"); got != "北极海冰范围" {
		t.Errorf("seaice.north in zh-Hans = %q", got)
	}
}

func TestGlossaryErrors(t *testing.T) {
	f := func(body, want string) {
		t.Helper()
		_, _, err := parseGlossary([]byte(body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseGlossary(%s) error %v, want one containing %q", body, err, want)
		}
	}
	f(`{"terms":[{"id":"a","en":"x","zh-Hant":"","zh-Hans":"y","note":"n"}]}`, `terms[0] ("a"): field zh-Hant is empty`)
	f(`{"terms":[{"id":"a","en":"x","zh-Hant":"x","zh-Hans":"y","note":"n"},{"id":"a","en":"x","zh-Hant":"x","zh-Hans":"y","note":"n"}]}`, `terms[1]: id "a" repeated`)
	f(`{"terms":[{"id":"a","en":"x","zh-Hant":"x","zh-Hans":"y","note":"n","extra":1}]}`, `unknown field`)
	f(`{"terms":[{"id":"a","en":"x","zh-Hant":"x","zh-Hans":"y","note":"n"}],"source":"s","sources":{"zh-Hant":"s"}}`, `sources: zh-Hans is empty`)
}
