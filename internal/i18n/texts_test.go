package i18n

import (
	"strings"
	"testing"
)

// hantOnly are characters of Traditional Chinese whose Simplified form is a
// different character, and hansOnly those Simplified forms; none of them is
// also a character of the other script in ordinary use (so 后, 准, 范, 于,
// 里 and 台, which Traditional writing also uses, are left out).
const (
	hantOnly = "與範圍標準資數據發電氣溫測紀錄這為個們來對國際業濟類區變統計時間見報應單歷極門東後於會過實現價廣轉換動態總體裝機風陽質預補碼顯術"
	hansOnly = "与围标资数据发电气温测纪录这为个们来对国际业济类区变统计时间见报应单历极门东实现价广转换动态总体装机风阳质预补码显术"
)

func TestTextsFileParses(t *testing.T) {
	es, by, err := parseTexts(textsJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) < 80 || len(by) < len(es) {
		t.Fatalf("texts.json: %d entries, %d keys; want at least 80 entries and one key each", len(es), len(by))
	}
}

func TestTextsFileErrors(t *testing.T) {
	f := func(doc, want string) {
		t.Helper()
		_, _, err := parseTexts([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseTexts(%s) = %v, want an error containing %q", doc, err, want)
		}
	}
	f(`{"texts":[{"keys":[],"en":"a","zh-Hant":"b","zh-Hans":"c"}]}`, "texts[0]: no keys")
	f(`{"texts":[{"keys":["k"],"en":"a","zh-Hant":"","zh-Hans":"c"}]}`, `texts[0] ("k"): field zh-Hant is empty`)
	f(`{"texts":[{"keys":["k"],"en":"a","zh-Hant":"b","zh-Hans":"c"},{"keys":["k"],"en":"a","zh-Hant":"b","zh-Hans":"c"}]}`, `texts[1]: key "k" repeated`)
	f(`{"texts":[{"keys":["k"],"en":"a","zh-Hant":"b","zh-Hans":"c","fr":"d"}]}`, `unknown field "fr"`)
}

// TestTextFallsBackToEnglish checks the contract of Text: English is the
// source text itself, a stale or missing translation is never shown.
func TestTextFallsBackToEnglish(t *testing.T) {
	e := Texts()[0]
	key := e.Keys[0]
	if got := Text(ZhHant, key, e.En); got != e.ZhHant {
		t.Errorf("Text(zh-Hant, %q) = %q, want %q", key, got, e.ZhHant)
	}
	if got := Text(ZhHans, key, e.En); got != e.ZhHans {
		t.Errorf("Text(zh-Hans, %q) = %q, want %q", key, got, e.ZhHans)
	}
	if got := Text(En, key, e.En); got != e.En {
		t.Errorf("Text(en) = %q, want the source", got)
	}
	if got := Text(ZhHant, key, e.En+" Changed."); got != e.En+" Changed." {
		t.Errorf("a stale translation was used: %q", got)
	}
	if got := Text(ZhHans, "note:nowhere/none", "Some note."); got != "Some note." {
		t.Errorf("a missing translation gave %q", got)
	}
}

// TestTextsScripts checks that each Chinese rendering is written in its own
// script and keeps the English's numbers: no zh-Hans text holds a
// Traditional-only character, no zh-Hant text a Simplified-only one, and
// every run of digits of the English appears in both renderings.
func TestTextsScripts(t *testing.T) {
	check := func(name, text, banned string) {
		for _, r := range text {
			if strings.ContainsRune(banned, r) {
				t.Errorf("%s: %q holds %q, a character of the other script", name, text, r)
				return
			}
		}
	}
	for _, e := range Texts() {
		check(e.Keys[0]+" zh-Hant", e.ZhHant, hansOnly)
		check(e.Keys[0]+" zh-Hans", e.ZhHans, hantOnly)
		for _, n := range digitRuns(e.En) {
			if !strings.Contains(e.ZhHant, n) || !strings.Contains(e.ZhHans, n) {
				t.Errorf("%s: the number %s of the English is missing from a translation", e.Keys[0], n)
			}
		}
	}
	for _, g := range Terms().Terms {
		check(g.ID+" zh-Hant", g.ZhHant, hansOnly)
		check(g.ID+" zh-Hans", g.ZhHans, hantOnly)
	}
}

// digitRuns lists the runs of ASCII digits (with inner "." or ",") of s.
func digitRuns(s string) []string {
	var out []string
	start := -1
	for i := 0; i <= len(s); i++ {
		d := i < len(s) && (s[i] >= '0' && s[i] <= '9' || start >= 0 && (s[i] == '.' || s[i] == ',') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9')
		if d && start < 0 {
			start = i
		}
		if !d && start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	return out
}
