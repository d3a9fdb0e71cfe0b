package api

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/i18n"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestEventsInLanguages: the events page, the recent records and the feed
// write their sentences in the language of lang= or Accept-Language, with
// the same structured fields, Content-Language and Vary; an unsupported
// lang= is a 400.
func TestEventsInLanguages(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ds, err := ingest.Select([]string{"noaa-gml-co2-mlo-monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ingest.Run(ctx, st, ds, ingest.Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	if err := alerts.CatchUp(ctx, st, ds); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{CheckInterval: time.Hour})
	defer s.Close()
	type page struct {
		Events []alerts.Event `json:"events"`
	}
	read := func(target string, hdr ...string) (page, resp) {
		t.Helper()
		r := get(t, s, target, hdr...)
		if r.code != 200 {
			t.Fatalf("GET %s: %d %s", target, r.code, r.body)
		}
		var p page
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		return p, r
	}
	en, ren := read("/api/events?historical=1&limit=5")
	hant, rhant := read("/api/events?historical=1&limit=5&lang=zh-Hant", "Accept-Language", "zh-CN")
	hans, rhans := read("/api/events?historical=1&limit=5", "Accept-Language", "zh-CN,zh;q=0.9")
	if len(en.Events) != 5 || len(hant.Events) != 5 || len(hans.Events) != 5 {
		t.Fatalf("events: %d %d %d", len(en.Events), len(hant.Events), len(hans.Events))
	}
	for i, e := range en.Events {
		h, z := hant.Events[i], hans.Events[i]
		if h.UID != e.UID || h.Value != e.Value || h.Unit != e.Unit || h.Kind != e.Kind || h.Date != e.Date || z.UID != e.UID {
			t.Errorf("structured fields differ by language: %+v / %+v", e, h)
		}
		if e.Sentence != alerts.Sentence(e) || hasHan(e.Sentence) {
			t.Errorf("English sentence %q", e.Sentence)
		}
		if h.Sentence != alerts.SentenceIn(e, i18n.ZhHant) || !strings.Contains(h.Sentence, "茂納羅亞") {
			t.Errorf("zh-Hant sentence %q", h.Sentence)
		}
		if z.Sentence != alerts.SentenceIn(e, i18n.ZhHans) || !strings.Contains(z.Sentence, "冒纳罗亚") {
			t.Errorf("zh-Hans sentence %q", z.Sentence)
		}
	}
	for _, c := range []struct {
		r    resp
		lang string
	}{{ren, "en"}, {rhant, "zh-Hant"}, {rhans, "zh-Hans"}} {
		if c.r.h.Get("Content-Language") != c.lang || !strings.Contains(strings.Join(c.r.h.Values("Vary"), ","), "Accept-Language") {
			t.Errorf("%s: Content-Language %q, Vary %q", c.lang, c.r.h.Get("Content-Language"), c.r.h.Values("Vary"))
		}
	}
	if r := get(t, s, "/api/events?lang=fr"); r.code != 400 || !strings.Contains(string(r.body), "zh-Hant") {
		t.Errorf("lang=fr: %d %s", r.code, r.body)
	}
	feed := get(t, s, "/feed.xml?lang=zh-Hans")
	if feed.code != 200 || !strings.Contains(string(feed.body), `xml:lang="zh-Hans"`) || !strings.Contains(string(feed.body), "纪录事件") {
		t.Errorf("feed in zh-Hans: %d %.300s", feed.code, feed.body)
	}
	var rec struct {
		Runs []struct {
			Sentence string `json:"sentence"`
		} `json:"runs"`
	}
	r := get(t, s, "/api/events/recent?recent=100y", "Accept-Language", "zh-TW")
	if err := json.Unmarshal(r.body, &rec); err != nil || r.code != 200 || len(rec.Runs) == 0 {
		t.Fatalf("recent: %d %v %s", r.code, err, r.body)
	}
	for _, run := range rec.Runs {
		if !hasHan(run.Sentence) {
			t.Errorf("recent run in zh-Hant: %q", run.Sentence)
		}
	}
}

// TestOverviewAndGlossaryInLanguages: the overview's card sentences follow
// the language (cached per language: English after Chinese is English
// again), and /api/glossary names every catalog indicator.
func TestOverviewAndGlossaryInLanguages(t *testing.T) {
	s := testServer(t)
	type overview struct {
		Signs []struct {
			Indicator string  `json:"indicator"`
			Sentence  *string `json:"sentence"`
		} `json:"signs"`
	}
	var en, hans overview
	getJSON(t, s, "/api/overview", &en)
	r := get(t, s, "/api/overview", "Accept-Language", "zh-Hans")
	if err := json.Unmarshal(r.body, &hans); err != nil {
		t.Fatal(err)
	}
	var again overview
	getJSON(t, s, "/api/overview", &again)
	n := 0
	for i, sg := range en.Signs {
		z := hans.Signs[i]
		if sg.Indicator != z.Indicator {
			t.Fatalf("signs differ: %s / %s", sg.Indicator, z.Indicator)
		}
		if (sg.Sentence == nil) != (z.Sentence == nil) {
			t.Errorf("%s: sentence in one language only", sg.Indicator)
			continue
		}
		if sg.Sentence == nil {
			continue
		}
		n++
		if hasHan(*sg.Sentence) || !hasHan(*z.Sentence) || *again.Signs[i].Sentence != *sg.Sentence {
			t.Errorf("%s: en %q, zh-Hans %q, en again %q", sg.Indicator, *sg.Sentence, *z.Sentence, *again.Signs[i].Sentence)
		}
	}
	if n == 0 {
		t.Error("no card has a record sentence; the test shows nothing")
	}
	if r.h.Get("Content-Language") != "zh-Hans" {
		t.Errorf("overview Content-Language %q", r.h.Get("Content-Language"))
	}
	var g i18n.Glossary
	getJSON(t, s, "/api/glossary", &g)
	ids := map[string]i18n.Term{}
	for _, tm := range g.Terms {
		ids[tm.ID] = tm
	}
	for _, d := range catalog.Datasets() {
		for _, ind := range d.Indicators {
			if tm, ok := ids["indicator:"+ind.ID]; !ok || tm.ZhHant == "" || tm.ZhHans == "" {
				t.Errorf("glossary lacks %s", ind.ID)
			}
		}
	}
	if ids["unit:10^6 km^2"].ZhHant != "百萬平方公里" || g.Source == "" {
		t.Errorf("glossary: %+v, source %q", ids["unit:10^6 km^2"], g.Source)
	}
}
