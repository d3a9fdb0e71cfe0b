package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// warmingLangCases are `stocktake warming --lang` and GET /api/warming?lang=
// in every language, and the refusal of a language neither supports.
var warmingLangCases = []crossCase{
	{cli: []string{"warming", "--lang", "zh-Hant"}, api: "/api/warming?lang=zh-Hant"},
	{cli: []string{"warming", "--lang", "zh-Hans", "--dataset", "era5", "--year", "2023"}, api: "/api/warming?lang=zh-Hans&dataset=era5&year=2023"},
	{cli: []string{"warming", "--lang", "en", "--budget", "ar6-1p5-50"}, api: "/api/warming?lang=en&budget=ar6-1p5-50"},
	{cli: []string{"warming", "--lang", "fr"}, api: "/api/warming?lang=fr", exit: 2, status: 400, fragment: `unsupported language "fr"`},
}

// hasHan reports whether s holds a Chinese character.
func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestWarmingLang checks `stocktake warming --lang`: its JSON is the API's
// (lang=) in each language; in zh-Hant the words of the answer (the
// re-basing statements, the threshold events' sentences, the budgets'
// titles, coverage and counted emissions) are Chinese and differ from the
// English ones; and the text output prints exactly the API's zh-Hant words.
func TestWarmingLang(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range warmingLangCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}

	ask := func(target string) query.Warming {
		t.Helper()
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.Bytes())
		}
		var w query.Warming
		if err := json.Unmarshal(rec.Body.Bytes(), &w); err != nil {
			t.Fatal(err)
		}
		return w
	}
	zh, en := ask("/api/warming?lang=zh-Hant"), ask("/api/warming")
	if len(zh.Datasets) != 4 || len(en.Datasets) != 4 || len(zh.Budgets) == 0 || len(zh.Budgets) != len(en.Budgets) {
		t.Fatalf("zh-Hant: %d datasets, %d budgets; en: %d datasets, %d budgets", len(zh.Datasets), len(zh.Budgets), len(en.Datasets), len(en.Budgets))
	}
	// The words the text output must carry, in zh-Hant.
	var words []string
	sentences := 0
	for i, d := range zh.Datasets {
		if !hasHan(d.Statement) || d.Statement == en.Datasets[i].Statement {
			t.Errorf("%s statement in zh-Hant: %q (English %q)", d.Key, d.Statement, en.Datasets[i].Statement)
		}
		words = append(words, d.Statement)
		for j, y := range d.DaysByYear {
			if y.Latest == nil {
				continue
			}
			sentences++
			if !hasHan(y.Latest.Sentence) || y.Latest.Sentence == en.Datasets[i].DaysByYear[j].Latest.Sentence {
				t.Errorf("%s %d latest event sentence in zh-Hant: %q", d.Key, y.Year, y.Latest.Sentence)
			}
			words = append(words, y.Latest.Sentence)
		}
	}
	if sentences == 0 {
		t.Error("no year of ERA5 carries its latest threshold event: the sentences are not checked")
	}
	for i, b := range zh.Budgets {
		if !hasHan(b.Budget.Title) || b.Budget.Title == en.Budgets[i].Budget.Title || !hasHan(b.Counted) {
			t.Errorf("budget %s in zh-Hant: title %q, counted %q", b.Budget.ID, b.Budget.Title, b.Counted)
		}
		words = append(words, b.Budget.Title, b.Budget.Covers, b.Counted)
	}
	r := runCLI(t, db, "warming", "--lang", "zh-Hant")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, w := range words {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("the text output lacks the API's %q", w)
		}
	}
	// The English text output carries the English words, not the Chinese.
	r = runCLI(t, db, "warming")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, en.Datasets[0].Statement) || !strings.Contains(r.stdout, en.Budgets[0].Budget.Title) || strings.Contains(r.stdout, zh.Datasets[0].Statement) {
		t.Errorf("English text output:\n%s", r.stdout)
	}
}
