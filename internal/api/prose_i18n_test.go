package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/goals"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
)

// proseKeys are the JSON members that hold words and may differ between
// languages; every other member must be the same in every language.
var proseKeys = map[string]bool{"title": true, "note": true, "name": true, "rule": true, "text": true, "caveat": true,
	"scope": true, "status_note": true, "unmeasurable": true, "summary": true, "baseline_note": true, "sentence": true,
	"source_line": true, "unit_text": true, "covers": true, "licence": true, "counted": true, "statement": true, "error": true,
	"baseline": true}

// sameExceptProse reports, as paths, where the JSON documents a and b
// differ outside proseKeys, and lists the prose members that differ (so
// a test can check that the Chinese answer really is in Chinese).
func sameExceptProse(a, b any, path string, diffs, prose *[]string) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			*diffs = append(*diffs, path+": members differ")
			return
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			yv, ok := y[k]
			if !ok {
				*diffs = append(*diffs, path+"."+k+": missing")
				continue
			}
			if _, isStr := x[k].(string); isStr && proseKeys[k] {
				if x[k] != yv {
					*prose = append(*prose, path+"."+k)
				}
				continue
			}
			sameExceptProse(x[k], yv, path+"."+k, diffs, prose)
		}
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			*diffs = append(*diffs, path+": lengths differ")
			return
		}
		for i := range x {
			sameExceptProse(x[i], y[i], fmt.Sprintf("%s[%d]", path, i), diffs, prose)
		}
	default:
		if fmt.Sprint(a) != fmt.Sprint(b) {
			*diffs = append(*diffs, fmt.Sprintf("%s: %v != %v", path, a, b))
		}
	}
}

// TestProseInLanguages asks every route that sends prose for English,
// zh-Hant (lang=) and zh-Hans (Accept-Language): the English answer is the
// same bytes with lang=en, without lang and after the Chinese ones (the
// cache keys by language); the Chinese answers differ from it only in
// their words, which are the reviewed translations of texts.json, glossary
// titles and CLDR country names; each carries its Content-Language.
func TestProseInLanguages(t *testing.T) {
	s := testServer(t)
	ask := func(target, lang string) (resp, any) {
		t.Helper()
		var r resp
		switch lang {
		case "":
			r = get(t, s, target)
		case "zh-Hans":
			r = get(t, s, target, "Accept-Language", "zh-CN,zh;q=0.9")
		default:
			sep := "?"
			if strings.Contains(target, "?") {
				sep = "&"
			}
			r = get(t, s, target+sep+"lang="+lang)
		}
		if r.code != 200 {
			t.Fatalf("GET %s (%s): %d %s", target, lang, r.code, r.body)
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Fatal(err)
		}
		return r, v
	}
	// Each route with the words its Chinese answers must hold.
	type want struct{ hant, hans []string }
	tr := func(key string) want {
		e, ok := i18n.LookupText(key)
		if !ok {
			t.Fatalf("texts.json has no %s", key)
		}
		return want{[]string{e.ZhHant}, []string{e.ZhHans}}
	}
	join := func(ws ...want) want {
		var out want
		for _, w := range ws {
			out.hant, out.hans = append(out.hant, w.hant...), append(out.hans, w.hans...)
		}
		return out
	}
	china := want{[]string{`"中國"`}, []string{`"中国"`}}
	rule := want{[]string{"已達峰 = 最大值至少在最新年份的5年前"}, []string{"已达峰 = 最大值至少在最新年份的5年前"}}
	ice, _ := catalog.Resolve("seaice.south")
	cases := []struct {
		target string
		want   want
		// english are texts the English answer must hold (its sources).
		english []string
	}{
		{"/api/indicators", join(tr("note:"+ice.Dataset.ID+"/seaice.south"), want{[]string{"南極海冰範圍"}, []string{"南极海冰范围"}}), []string{ice.Indicator.Note}},
		{"/api/daily/seaice.south?smooth=5d", want{[]string{`"title":"南極海冰範圍"`}, []string{`"title":"南极海冰范围"`}}, nil},
		{"/api/rank/co2.emissions?year=2023&top=3", join(china, want{[]string{`"美國"`}, []string{`"美国"`}}), []string{`"China"`}},
		{"/api/peaks/co2.emissions?entity=CHN,USA", join(china, rule), []string{national.DefaultPeakRule.String()}},
		{"/api/growth/solar.capacity?entity=IND&from=2015&to=2023", want{[]string{`"印度"`}, []string{`"印度"`}}, []string{`"India"`}},
		{"/api/compare?a=CHN&b=USA&indicators=solar.capacity,co2.emissions&year=2023", china, []string{`"China"`}},
		{"/api/pledges?entity=CHN", join(want{[]string{`"rule":"已達峰`}, []string{`"rule":"已达峰`}}, tr("pledge:chn-co2-peak-2030:title"), tr("pledge:chn-co2-peak-2030:measures[0].caveat"), rule, china,
			want{[]string{"按規則尚未達峰", "承諾：2030年之前達峰"}, []string{"按规则尚未达峰", "承诺：2030年之前达峰"}}), []string{"CO2 emissions to peak before 2030"}},
		{"/api/goals", join(tr("goal:triple-renewables:text"), tr("goal:halt-deforestation:caveat"), china,
			want{[]string{"2018-2020年的平均，置於2020年"}, []string{"2018-2020年的平均，置于2020年"}}), []string{"mean of 2018-2020, placed at 2020"}},
		{"/api/goals/coal-phase-down", join(tr("goal:coal-phase-down:title"), tr("goal:coal-phase-down:caveat")), nil},
		{"/api/warming?dataset=era5&budget=ar6-1p5-50", join(tr("budget:ar6-1p5-50:title"), tr("budget:ar6-1p5-50:covers")), nil},
		{"/api/overview", want{[]string{"資料來源：", "南極海冰範圍"}, []string{"数据来源：", "南极海冰范围"}}, []string{`"source_line":"Source: `}},
	}
	for _, c := range cases {
		ren, en := ask(c.target, "")
		for _, w := range c.english {
			if !bytes.Contains(ren.body, []byte(strings.Trim(mustJSON(t, w), `"`))) && !bytes.Contains(ren.body, []byte(w)) {
				t.Errorf("%s: the English answer lacks %q", c.target, w)
			}
		}
		// pledges.yaml gives one source title with its Chinese original.
		if hasHan(string(ren.body)) && !strings.HasPrefix(c.target, "/api/pledges") {
			t.Errorf("%s: the English answer holds Chinese characters", c.target)
		}
		for _, l := range []string{"zh-Hant", "zh-Hans"} {
			r, v := ask(c.target, l)
			if r.h.Get("Content-Language") != l {
				t.Errorf("%s (%s): Content-Language %q", c.target, l, r.h.Get("Content-Language"))
			}
			var diffs, prose []string
			sameExceptProse(en, v, "", &diffs, &prose)
			if len(diffs) > 0 {
				t.Errorf("%s (%s): structured fields differ from English: %v", c.target, l, diffs[:min(5, len(diffs))])
			}
			if len(prose) == 0 {
				t.Errorf("%s (%s): no word differs from English", c.target, l)
			}
			words := c.want.hant
			if l == "zh-Hans" {
				words = c.want.hans
			}
			if bytes.Contains(r.body, []byte(national.DefaultPeakRule.String())) {
				t.Errorf("%s (%s): the English peak rule is left in the answer", c.target, l)
			}
			for _, w := range words {
				if !bytes.Contains(r.body, []byte(strings.Trim(mustJSON(t, w), `"`))) && !bytes.Contains(r.body, []byte(w)) {
					t.Errorf("%s (%s): the answer lacks %q", c.target, l, w)
				}
			}
		}
		for _, again := range []string{c.target, withParam(c.target, "lang=en")} {
			if r, _ := ask(again, ""); !bytes.Equal(r.body, ren.body) {
				t.Errorf("%s: English answer changed after the Chinese ones", again)
			}
		}
	}
}

// TestProseSourcesUnchanged checks that the English words of the answers
// are the sources' own: the goal texts of goals.yaml and a pledge's texts
// of pledges.yaml, byte for byte.
func TestProseSourcesUnchanged(t *testing.T) {
	s := testServer(t)
	reg, err := goals.Load()
	if err != nil {
		t.Fatal(err)
	}
	var gr struct {
		Goals []struct {
			Goal goals.Goal `json:"goal"`
		} `json:"goals"`
	}
	getJSON(t, s, "/api/goals", &gr)
	if len(gr.Goals) != len(reg.Goals) {
		t.Fatalf("%d goals, want %d", len(gr.Goals), len(reg.Goals))
	}
	for i, g := range gr.Goals {
		w := reg.Goals[i]
		if g.Goal.Title != w.Title || g.Goal.Text != w.Text || g.Goal.Caveat != w.Caveat {
			t.Errorf("goal %s: English texts differ from goals.yaml", w.ID)
		}
	}
	if r := get(t, s, "/api/pledges?lang=fr"); r.code != 400 {
		t.Errorf("lang=fr: %d %s", r.code, r.body)
	}
}

// mustJSON writes s as a JSON string (so that a text with quotes or "<"
// is looked for as the body escapes it).
func mustJSON(t *testing.T, s string) string {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withParam adds a query parameter to target.
func withParam(target, p string) string {
	if strings.Contains(target, "?") {
		return target + "&" + p
	}
	return target + "?" + p
}
