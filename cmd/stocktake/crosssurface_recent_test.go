package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/store"
)

// recentCases are the recent-records requests of the cross-surface table:
// `stocktake events --recent W --json` and GET /api/events/recent answer
// the same runs, and refuse the same bad requests.
var recentCases = []crossCase{
	{cli: []string{"events", "--recent", "12m"}, api: "/api/events/recent"},
	{cli: []string{"events", "--recent", "90d", "--indicator", "sst.world,co2.mlo"}, api: "/api/events/recent?recent=90d&indicator=sst.world,co2.mlo"},
	{cli: []string{"events", "--recent", "2y", "--indicator", "seaice.south"}, api: "/api/events/recent?recent=2y&indicator=seaice.south"},
	{cli: []string{"events", "--recent", "12m", "--lang", "zh-Hans"}, api: "/api/events/recent?lang=zh-Hans"},
	{cli: []string{"events", "--recent", "2y", "--indicator", "sst.world,seaice.south", "--lang", "zh-Hant"}, api: "/api/events/recent?recent=2y&indicator=sst.world,seaice.south&lang=zh-Hant"},
	{cli: []string{"events", "--recent", "12 months"}, api: "/api/events/recent?recent=12+months", exit: 2, status: 400, fragment: `want a number followed by d, m or y`},
	{cli: []string{"events", "--recent", "0m"}, api: "/api/events/recent?recent=0m", exit: 2, status: 400, fragment: `want 1 to 1200m`},
	{cli: []string{"events", "--recent", "12m", "--indicator", "nosuch"}, api: "/api/events/recent?indicator=nosuch", exit: 2, status: 404, fragment: `unknown indicator "nosuch"`},
}

// recentRun is the part of a run the tests read.
type recentRun struct {
	Indicator  string   `json:"indicator"`
	Kind       string   `json:"kind"`
	First      string   `json:"first"`
	Last       string   `json:"last"`
	Count      int      `json:"count"`
	Value      float64  `json:"value"`
	BestMargin *float64 `json:"best_margin"`
	FirstLoad  bool     `json:"first_load"`
	Streak     *struct {
		From string `json:"from"`
		Len  int    `json:"length"`
	} `json:"streak"`
	Sentence string `json:"sentence"`
	Source   struct {
		Dataset  string `json:"dataset"`
		Producer string `json:"producer"`
	} `json:"source"`
}

// TestCrossSurfaceRecent runs recentCases, then checks the runs of global
// SST against the events they group, read independently with
// `events --historical --all`: the 2026 streak of records for the date is
// one run from 2 June to 6 August 2026 holding every record-day event of
// those dates (66), its best margin is the largest of theirs, it is marked
// as found at first load, and July 2026's monthly record ends a run.
func TestCrossSurfaceRecent(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2026, 8, 10, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range recentCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}
	if r := runCLI(t, db, "events", "--recent", "12m", "--limit", "5"); r.code != 2 || !strings.Contains(r.stderr, "--recent") {
		t.Fatalf("--recent with --limit: exit %d %q; want 2 naming --recent", r.code, r.stderr)
	}

	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/events/recent?indicator=sst.world", nil))
	var res struct {
		Recent string      `json:"recent"`
		Runs   []recentRun `json:"runs"`
		Latest []struct {
			Indicator string      `json:"indicator"`
			Records   []recentRun `json:"records"`
		} `json:"latest"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || res.Recent != "12m" {
		t.Fatalf("recent: %v %q", err, rec.Body.Bytes())
	}
	// Every stored record-day event of global SST, with its margin.
	all := decode[struct {
		Events []struct {
			Kind      string   `json:"kind"`
			Date      string   `json:"date"`
			Margin    *float64 `json:"margin"`
			Retracted bool     `json:"retracted"`
		} `json:"events"`
	}](t, runCLI(t, db, "events", "--historical", "--all", "--limit", "1000", "--indicator", "sst.world", "--json").stdout)
	var days []string
	best := 0.0
	for _, e := range all.Events {
		if e.Kind == "record-day" && !e.Retracted && e.Date >= "2026-06-02" && e.Date <= "2026-08-06" {
			days = append(days, e.Date)
			best = max(best, *e.Margin)
		}
		if e.Kind == "record-day" && !e.Retracted && e.Date == "2026-06-01" {
			t.Fatalf("a record on 1 June 2026: the streak would start earlier")
		}
	}
	sort.Strings(days)
	if len(days) != 66 {
		t.Fatalf("stored SST record days 2 June-6 August 2026: %d, want 66 (every day)", len(days))
	}
	var streak, july *recentRun
	for i, r := range res.Runs {
		switch {
		case r.Kind == "record-day" && r.Last == "2026-08-06":
			streak = &res.Runs[i]
		case r.Kind == "record-month" && r.Last == "2026-07":
			july = &res.Runs[i]
		}
		if r.Kind == "streak" && r.Streak != nil && r.Streak.From == "2026-06-02" {
			t.Fatalf("the streak event was not folded into its run: %+v", r)
		}
	}
	if streak == nil || july == nil {
		t.Fatalf("runs lack the SST streak or July 2026's monthly record: %+v", res.Runs)
	}
	if streak.First != "2026-06-02" || streak.Count != 66 || streak.BestMargin == nil || *streak.BestMargin != best ||
		!streak.FirstLoad || streak.Streak == nil || streak.Streak.Len != 66 || streak.Source.Producer == "" ||
		!strings.Contains(streak.Sentence, "66 consecutive days, 2 June to 6 August 2026") {
		t.Fatalf("SST streak run %+v (streak %+v); want 2 June-6 August 2026, 66 days, best margin %v, first load", streak, streak.Streak, best)
	}
	if !july.FirstLoad || !strings.Contains(july.Sentence, "July 2026") {
		t.Fatalf("July 2026 run %+v", july)
	}
	if res.Runs[0].Last != "2026-08-06" {
		t.Fatalf("runs not newest first: first ends %s", res.Runs[0].Last)
	}
	if len(res.Latest) != 1 || res.Latest[0].Indicator != "sst.world" || res.Latest[0].Records[0].Last != "2026-08-06" {
		t.Fatalf("latest %+v; want sst.world led by the run ending 2026-08-06", res.Latest)
	}
}
