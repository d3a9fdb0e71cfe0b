package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/goals"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/present"
)

// sourceTexts lists every English prose text the answers carry from the
// catalog, goals.yaml and pledges.yaml, by its key in i18n's texts.json.
func sourceTexts(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	add := func(k, en string) {
		if en != "" {
			out[k] = en
		}
	}
	for _, r := range catalog.Indicators() {
		add(NoteKey(r.Dataset.ID, r.Indicator.ID), r.Indicator.Note)
		if strings.ContainsFunc(r.Indicator.Baseline, func(c rune) bool { return c >= 'a' && c <= 'z' }) {
			add(BaselineKey(r.Dataset.ID, r.Indicator.ID), r.Indicator.Baseline)
		}
	}
	for _, d := range catalog.Datasets() {
		add(LicenceKey(d.ID), d.Licence)
	}
	add(CountedKey, goals.CountedEmissions)
	reg, err := goals.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range reg.Goals {
		add(goalKey(g.ID, "title"), g.Title)
		add(goalKey(g.ID, "text"), g.Text)
		add(goalKey(g.ID, "caveat"), g.Caveat)
	}
	for _, b := range reg.Budgets {
		add("budget:"+b.ID+":title", b.Title)
		add("budget:"+b.ID+":covers", b.Covers)
	}
	pr, err := national.Pledges()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pr.Pledges {
		add(pledgeKey(p.ID, "title"), p.Title)
		add(pledgeKey(p.ID, "scope"), p.Scope)
		add(pledgeKey(p.ID, "status_note"), p.StatusNote)
		add(pledgeKey(p.ID, "unmeasurable"), p.Unmeasurable)
		for i, m := range p.Measures {
			add(pledgeKey(p.ID, fmt.Sprintf("measures[%d].caveat", i)), m.Caveat)
		}
	}
	return out
}

// TestTextsCoverSources fails when a catalog note, goal, budget or pledge
// text has no reviewed translation in internal/i18n/texts.json, when the
// English stored there is no longer the source's (the source changed: the
// translation is stale and must be reviewed, and its en updated), and when
// texts.json holds a key no source has.
func TestTextsCoverSources(t *testing.T) {
	src := sourceTexts(t)
	if len(src) < 100 {
		t.Fatalf("only %d source texts found", len(src))
	}
	for k, en := range src {
		e, ok := i18n.LookupText(k)
		switch {
		case !ok:
			t.Errorf("texts.json has no translation of %s: %q", k, en)
		case e.En != en:
			t.Errorf("texts.json: the translation of %s is stale: its en is\n  %q\nbut the source now says\n  %q", k, e.En, en)
		}
	}
	for _, e := range i18n.Texts() {
		for _, k := range e.Keys {
			if _, ok := src[k]; !ok {
				t.Errorf("texts.json: key %s names no source text", k)
			}
		}
	}
}

// TestLocalizeIndicators writes titles and notes in Chinese, keeps every
// other field, and leaves English rows (and the input) as they were.
func TestLocalizeIndicators(t *testing.T) {
	ref, err := catalog.Resolve("seaice.south")
	if err != nil {
		t.Fatal(err)
	}
	row := present.Indicator{Indicator: "seaice.south", Title: ref.Indicator.Title, Note: ref.Indicator.Note, Unit: "10^6 km^2",
		Source: present.Source{Dataset: ref.Dataset.ID, Version: ref.Dataset.Version}}
	rows := []present.Indicator{row}
	if got := LocalizeIndicators(i18n.En, rows); got[0] != row {
		t.Errorf("English changed: %+v", got[0])
	}
	hant := LocalizeIndicators(i18n.ZhHant, rows)[0]
	if hant.Title != "南極海冰範圍" || !strings.HasPrefix(hant.Note, "海冰範圍 = 海冰密集度至少15%") || hant.Unit != row.Unit || hant.Source != row.Source {
		t.Errorf("zh-Hant row %+v", hant)
	}
	hans := LocalizeIndicators(i18n.ZhHans, rows)[0]
	if hans.Title != "南极海冰范围" || !strings.HasPrefix(hans.Note, "海冰范围 = 海冰密集度至少15%") {
		t.Errorf("zh-Hans row %+v", hans)
	}
	if rows[0] != row {
		t.Errorf("the input was changed: %+v", rows[0])
	}
}

// TestLocalizePledgeCopies translates a pledge's texts and never writes
// into the registry, whose Measures are shared.
func TestLocalizePledgeCopies(t *testing.T) {
	reg, err := national.Pledges()
	if err != nil {
		t.Fatal(err)
	}
	var p national.Pledge
	for _, q := range reg.Pledges {
		if q.ID == "chn-co2-peak-2030" {
			p = q
		}
	}
	before := p.Measures[0].Caveat
	z := LocalizePledge(i18n.ZhHans, p)
	if z.Title != "二氧化碳排放量于2030年前达到峰值" || !strings.Contains(z.Measures[0].Caveat, "Global Carbon Budget") || z.Measures[0].Caveat == before {
		t.Errorf("zh-Hans pledge: %q / %q", z.Title, z.Measures[0].Caveat)
	}
	if z.ID != p.ID || z.Target.Year != 2030 || z.Source != p.Source {
		t.Errorf("structured fields changed: %+v", z)
	}
	if p.Measures[0].Caveat != before || reg.Pledges[0].Measures[0].Caveat != before {
		t.Errorf("the registry was changed")
	}
	if e := LocalizePledge(i18n.En, p); e.Title != p.Title || e.Measures[0].Caveat != before {
		t.Errorf("English changed: %+v", e)
	}
}

// TestPeakRuleAndTarget states the peak rule and pledge targets in each
// language with the rule's and target's numbers.
func TestPeakRuleAndTarget(t *testing.T) {
	r := national.PeakRule{MinYears: 3, MinBelowPct: 2.5}
	if got := PeakRuleIn(i18n.En, r); got != r.String() {
		t.Errorf("English rule %q", got)
	}
	if got, want := PeakRuleIn(i18n.ZhHant, r), "已達峰 = 最大值至少在最新年份的3年前，且最新數值至少比最大值低2.5%"; got != want {
		t.Errorf("zh-Hant rule %q, want %q", got, want)
	}
	if got, want := PeakRuleIn(i18n.ZhHans, r), "已达峰 = 最大值至少在最新年份的3年前，且最新数值至少比最大值低2.5%"; got != want {
		t.Errorf("zh-Hans rule %q, want %q", got, want)
	}
	w := pledgeSummaryWords[i18n.ZhHant]
	f := func(tg national.Target, want string) {
		t.Helper()
		if got := pledgeTargetIn(i18n.ZhHant, w, tg); got != want {
			t.Errorf("target %+v: %q, want %q", tg, got, want)
		}
	}
	f(national.Target{Year: 2030, When: "in", Base: "2005", ReductionPct: []float64{50, 52}}, "2030年比2005年低50-52%")
	f(national.Target{Year: 2035, When: "by", Base: "peak", ReductionPct: []float64{7, 10}}, "2035年前比峰值低7-10%")
	f(national.Target{Year: 2060, When: "before", Base: "peak", ReductionPct: []float64{100}}, "2060年之前淨零")
	f(national.Target{Year: 2030, When: "before", Base: "none"}, "2030年之前")
}

// TestLocalizeRecentPrevious checks that a single-event run in Chinese
// states the previous holder and margin of its event, as the English
// sentence does, and that a run of several events uses the run sentence.
func TestLocalizeRecentPrevious(t *testing.T) {
	one := ev(alerts.DayRecord, "2026-07-05", 0.04, false)
	one.Value, one.Previous = 21.1, &alerts.Holder{Date: "2024-07-05", Value: 21.06}
	one.Sentence = alerts.Sentence(one)
	runs := GroupRuns([]alerts.Event{one, ev(alerts.MonthRec, "2026-05", 0.1, false), ev(alerts.MonthRec, "2026-06", 0.2, false)})
	res := RecentResult{Recent: "12m", Runs: runs, Latest: []LatestRecords{{Indicator: "sst.world", Title: "Global SST", Records: runs[:1]}}}
	en := LocalizeRecent(res, i18n.En)
	if en.Runs[0].Sentence != one.Sentence || !strings.Contains(one.Sentence, "2024") {
		t.Fatalf("English sentence %q (event's %q)", en.Runs[0].Sentence, one.Sentence)
	}
	for _, l := range []i18n.Lang{i18n.ZhHant, i18n.ZhHans} {
		z := LocalizeRecent(res, l)
		s := z.Runs[0].Sentence
		if s != alerts.SentenceIn(one, l) || !strings.Contains(s, "2024年") || !strings.Contains(s, "0.04") {
			t.Errorf("%s: single-event sentence %q lacks the previous holder (2024) or the margin", l, s)
		}
		if z.Runs[0].Title != alerts.NameIn(l, "sst.world") || z.Latest[0].Title != z.Runs[0].Title || z.Latest[0].Records[0].Sentence != s {
			t.Errorf("%s: titles %q / %q", l, z.Runs[0].Title, z.Latest[0].Title)
		}
		m := z.Runs[1]
		if m.Count != 2 || m.Sentence != alerts.RunSentenceIn(l, m.Indicator, m.Kind, m.Direction, m.Frequency, m.First, m.Last, m.Count, m.BestMargin, m.Unit) {
			t.Errorf("%s: run sentence %q", l, m.Sentence)
		}
	}
	if res.Runs[0].Sentence != one.Sentence || res.Runs[0].Title != "Global SST" {
		t.Errorf("the input was changed: %+v", res.Runs[0])
	}
}

// TestParseLang accepts the three languages and regional tags, and names
// the field in its error.
func TestParseLang(t *testing.T) {
	for in, want := range map[string]i18n.Lang{"": i18n.En, "en": i18n.En, "zh-Hant": i18n.ZhHant, "zh-TW": i18n.ZhHant, "zh-Hans": i18n.ZhHans, "zh-CN": i18n.ZhHans} {
		if got, err := parseLang(in); err != nil || got != want {
			t.Errorf("parseLang(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := parseLang("fr")
	var qe *Error
	if err == nil || !errors.As(err, &qe) || qe.Kind != Invalid || !strings.Contains(qe.Text(func(s string) string { return "--" + s }), "--lang") {
		t.Errorf("parseLang(fr) = %v, want an Invalid error naming lang", err)
	}
}

// TestCoverageLabelIn checks the baseline labels of a partly covered, an
// uncovered and a fully covered baseline in Chinese, and that English and
// word-free labels pass unchanged.
func TestCoverageLabelIn(t *testing.T) {
	f := func(l i18n.Lang, in, want string) {
		t.Helper()
		if got := CoverageLabelIn(l, in); got != want {
			t.Errorf("%s %q: %q, want %q", l, in, got, want)
		}
	}
	f(i18n.ZhHant, "2001–2020, 20 of 30 years", "2001–2020（30年中的20年）")
	f(i18n.ZhHans, "1981–2010, 29 of 30 years", "1981–2010（30年中的29年）")
	f(i18n.ZhHant, "no year of 1951-1980", "沒有1951-1980的年份")
	f(i18n.ZhHans, "no year of 1951-1980", "没有1951-1980的年份")
	f(i18n.ZhHant, "1991-2020", "1991-2020")
	f(i18n.En, "2001–2020, 20 of 30 years", "2001–2020, 20 of 30 years")
}

// TestGoalErrorIn checks a goal contributor's errors in both Chinese
// scripts, and that other errors pass unchanged.
func TestGoalErrorIn(t *testing.T) {
	f := func(l i18n.Lang, name, in, want string) {
		t.Helper()
		if got := goalErrorIn(l, name, in); got != want {
			t.Errorf("%s %q: %q, want %q", l, in, got, want)
		}
	}
	f(i18n.ZhHant, "歐盟", "OWID_EUROPEAN_UNION_27: no value for 2023", "歐盟：2023年沒有數值")
	f(i18n.ZhHans, "欧盟", "OWID_EUROPEAN_UNION_27: no value for baseline year 2005", "欧盟：基准年2005年没有数值")
	f(i18n.ZhHant, "中國", "CHN: something else", "CHN: something else")
}
