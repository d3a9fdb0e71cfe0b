package i18n

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
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

// scriptTables are the character tables of testdata/scripts.json
// (generated from OpenCC's dictionaries by testdata/gen-scripts.sh):
// Traditional-only characters, Simplified-only characters, and variants
// that Taiwan's standard forms replace.
type scriptTables struct {
	HantOnly  string `json:"hantOnly"`
	HansOnly  string `json:"hansOnly"`
	NotTaiwan string `json:"notTaiwan"`
}

func loadScriptTables(t *testing.T) scriptTables {
	t.Helper()
	b, err := os.ReadFile("testdata/scripts.json")
	if err != nil {
		t.Fatal(err)
	}
	var st scriptTables
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatalf("testdata/scripts.json: %v", err)
	}
	if len([]rune(st.HantOnly)) < 2000 || len([]rune(st.HansOnly)) < 2000 || st.NotTaiwan == "" {
		t.Fatalf("testdata/scripts.json: tables too small (%d, %d, %d characters)", len([]rune(st.HantOnly)), len([]rune(st.HansOnly)), len([]rune(st.NotTaiwan)))
	}
	return st
}

// offences lists the characters of s that are in banned, once each.
func offences(s, banned string) string {
	var out []rune
	for _, r := range s {
		if strings.ContainsRune(banned, r) && !strings.ContainsRune(string(out), r) {
			out = append(out, r)
		}
	}
	return string(out)
}

// TestScriptTables checks the tables on characters whose script is known,
// so that a regenerated file that lost its meaning fails here first.
func TestScriptTables(t *testing.T) {
	st := loadScriptTables(t)
	for _, c := range []struct {
		text, banned, want string
	}{
		{"海冰範圍與溫室氣體資料", st.HansOnly, ""},
		{"海冰范围与温室气体数据", st.HantOnly, ""},
		{"海冰范围與溫室气体", st.HansOnly, "围气体"}, // 范 is also a Traditional character (a surname)
		{"海冰範圍與溫室气体", st.HantOnly, "範圍與溫"},
		{"皇后、台灣、於是、里程", st.HansOnly, ""},
		{"後來、臺灣", st.HansOnly, ""},
		{"爲了裏面", st.NotTaiwan, "爲裏"},
		{"為了裡面、峰值", st.NotTaiwan + st.HansOnly, ""},
	} {
		if got := offences(c.text, c.banned); got != c.want {
			t.Errorf("offences(%q) = %q, want %q", c.text, got, c.want)
		}
	}
}

// TestTextsScripts checks that each Chinese rendering of texts.json and
// glossary.json is written in its own script and keeps the English's
// numbers: no zh-Hans text holds a Traditional-only character, no zh-Hant
// text a Simplified-only one or a variant that Taiwan does not write, and
// every run of digits of the English appears in both renderings.
func TestTextsScripts(t *testing.T) {
	st := loadScriptTables(t)
	check := func(name, text string, hant bool) {
		t.Helper()
		banned := st.HantOnly
		if hant {
			banned = st.HansOnly + st.NotTaiwan
		}
		if bad := offences(text, banned); bad != "" {
			t.Errorf("%s: %q holds %q, of the other script", name, text, bad)
		}
	}
	for _, e := range Texts() {
		check(e.Keys[0]+" zh-Hant", e.ZhHant, true)
		check(e.Keys[0]+" zh-Hans", e.ZhHans, false)
		for _, n := range digitRuns(e.En) {
			if !strings.Contains(e.ZhHant, n) || !strings.Contains(e.ZhHans, n) {
				t.Errorf("%s: the number %s of the English is missing from a translation", e.Keys[0], n)
			}
		}
	}
	g := Terms()
	for _, tm := range g.Terms {
		check(tm.ID+" zh-Hant", tm.ZhHant, true)
		check(tm.ID+" zh-Hans", tm.ZhHans, false)
	}
	check("sources zh-Hant", g.Sources[ZhHant], true)
	check("sources zh-Hans", g.Sources[ZhHans], false)
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
