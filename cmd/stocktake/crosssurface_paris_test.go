package main

import (
	"context"
	"log/slog"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/store"
)

// parisCases are the warming and goals requests of the cross-surface table:
// `stocktake warming --json` and GET /api/warming, `stocktake goals --json`
// and GET /api/goals[/{id}] answer the same JSON and refuse the same bad
// requests.
var parisCases = []crossCase{
	{cli: []string{"warming"}, api: "/api/warming"},
	{cli: []string{"warming", "--dataset", "era5"}, api: "/api/warming?dataset=era5"},
	{cli: []string{"warming", "--dataset", "hadcrut5"}, api: "/api/warming?dataset=hadcrut5"},
	{cli: []string{"warming", "--dataset", "NOAA,gistemp", "--year", "2023"}, api: "/api/warming?dataset=NOAA,gistemp&year=2023"},
	{cli: []string{"warming", "--dataset", "era5", "--year", "2023", "--budget", "ar6-1p5-50"}, api: "/api/warming?dataset=era5&year=2023&budget=ar6-1p5-50"},
	{cli: []string{"goals"}, api: "/api/goals"},
	{cli: []string{"goals", "--entity", "CHN"}, api: "/api/goals?entity=CHN"},
	{cli: []string{"goals", "--entity", "EU", "--as-of", "2022"}, api: "/api/goals?entity=EU&as_of=2022"},
	{cli: []string{"goals", "triple-renewables"}, api: "/api/goals/triple-renewables"},
	{cli: []string{"goals", "coal-phase-down"}, api: "/api/goals/coal-phase-down"},
	{cli: []string{"goals", "transition-away-fossil-electricity"}, api: "/api/goals/transition-away-fossil-electricity"},
	{cli: []string{"goals", "global-methane-pledge", "--entity", "USA"}, api: "/api/goals/global-methane-pledge?entity=USA"},
	{cli: []string{"goals", "halt-deforestation"}, api: "/api/goals/halt-deforestation"},
	{cli: []string{"goals", "--lang", "zh-Hant"}, api: "/api/goals?lang=zh-Hant"},
	{cli: []string{"goals", "global-methane-pledge", "--entity", "USA", "--lang", "zh-Hans"}, api: "/api/goals/global-methane-pledge?entity=USA&lang=zh-Hans"},
	// the same validation on both surfaces
	{cli: []string{"warming", "--dataset", "berkeley"}, api: "/api/warming?dataset=berkeley", exit: 2, status: 400, fragment: `"berkeley": want one or more of era5, hadcrut5, noaa, gistemp`},
	{cli: []string{"warming", "--year", "1700"}, api: "/api/warming?year=1700", exit: 2, status: 400, fragment: "1700 is outside the data"},
	{cli: []string{"warming", "--budget", "nosuch"}, api: "/api/warming?budget=nosuch", exit: 2, status: 404, fragment: `unknown budget "nosuch"`},
	{cli: []string{"goals", "nosuch"}, api: "/api/goals/nosuch", exit: 2, status: 404, fragment: `unknown goal "nosuch"`},
	{cli: []string{"goals", "--entity", "Atlantis"}, api: "/api/goals?entity=Atlantis", exit: 2, status: 404, fragment: "Atlantis"},
}

// TestCrossSurfaceParis runs parisCases on both surfaces.
func TestCrossSurfaceParis(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range parisCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}
}

// TestWarmingAndGoalsFigures checks, on the CLI's JSON from the shared
// data, the figures docs/paris.md compares with their publishers: ERA5's
// days at or above 1.5 °C in 2024 (281 of 366) and 2023 (188 of 365), the
// first day at or above 2 °C (17 November 2023, Copernicus), 2024 at
// 1.60 °C (C3S), the AR6 budget left on 1 January 2024 (352.8 GtCO2), the
// tripling of renewables on track in 2023 with China 63.4% of the rise,
// and every number's source naming its dataset and file checksum.
func TestWarmingAndGoalsFigures(t *testing.T) {
	db := sharedDB(t)
	near := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol }
	r := runCLI(t, db, "warming", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	w := decode[query.Warming](t, r.stdout)
	if w.Year != 2024 || len(w.Datasets) != 4 || w.Datasets[0].Key != "era5" {
		t.Fatalf("year %d, %d datasets", w.Year, len(w.Datasets))
	}
	era := w.Datasets[0]
	if era.Source.Dataset != "climate-reanalyzer-t2m.world" || len(era.Source.SHA256) != 64 {
		t.Errorf("ERA5 source %+v", era.Source)
	}
	if era.YearValue == nil || !near(*era.YearValue, 1.60, 0.01) || len(era.Days) != 366 {
		t.Errorf("ERA5 2024: %v, %d days", era.YearValue, len(era.Days))
	}
	var days15, days20 *query.Threshold
	for i, th := range era.Thresholds {
		if th.Steps == "days" && th.Threshold == 1.5 {
			days15 = &era.Thresholds[i]
		}
		if th.Steps == "days" && th.Threshold == 2.0 {
			days20 = &era.Thresholds[i]
		}
	}
	if days15 == nil || days15.InYear.Above != 281 || days15.InYear.Present != 366 || days15.Longest.Steps != 118 || days15.Longest.Start != "2023-08-15" {
		t.Errorf("days at or above 1.5 °C: %+v", days15)
	}
	if days20 == nil || days20.First == nil || days20.First.Date != "2023-11-17" || days20.Count != 2 {
		t.Errorf("days at or above 2.0 °C: %+v", days20)
	}
	if w.LongTerm == nil || len(w.LongTerm.Members) != 4 || !near(w.LongTerm.Mean, 1.32, 0.03) {
		t.Errorf("long-term level %+v", w.LongTerm)
	}
	if len(w.Budgets) != 2 || w.Budgets[0].Budget.ID != "ar6-1p5-50" || !near(w.Budgets[0].Remaining, 352.8, 0.05) || w.Budgets[0].AsOfYear != 2024 ||
		w.Budgets[0].Source.Dataset == "" {
		t.Errorf("budgets %+v", w.Budgets)
	}
	r = runCLI(t, db, "warming", "--dataset", "era5", "--year", "2023", "--json")
	w = decode[query.Warming](t, r.stdout)
	for _, th := range w.Datasets[0].Thresholds {
		if th.Steps == "days" && th.Threshold == 1.5 && (th.InYear.Above != 188 || th.InYear.Present != 365) {
			t.Errorf("2023 days at or above 1.5 °C: %+v, want 188 of 365", th.InYear)
		}
	}
	r = runCLI(t, db, "goals", "triple-renewables", "--json")
	g := decode[query.GoalProgress](t, r.stdout)
	if g.OnTrack == nil || !*g.OnTrack || g.Latest.Year != 2023 || !near(g.Latest.Value, 2436.17, 0.01) || len(g.Sources) != 2 {
		t.Errorf("triple-renewables: %+v, sources %v", g.Latest, g.Sources)
	}
	for _, c := range g.Contributions {
		if c.Entity == "CHN" && (c.SharePct == nil || !near(*c.SharePct, 63.4, 0.05)) {
			t.Errorf("China's share of the rise: %v", c.SharePct)
		}
	}
	r = runCLI(t, db, "goals", "--entity", "CHN", "--json")
	rep := decode[query.GoalsReport](t, r.stdout)
	if rep.Entity != "CHN" || len(rep.Goals) != 5 {
		t.Fatalf("goals --entity CHN: entity %q, %d goals", rep.Entity, len(rep.Goals))
	}
	for _, gp := range rep.Goals {
		if len(gp.Contributions) != 1 || gp.Contributions[0].Entity != "CHN" {
			t.Errorf("%s: contributions %+v, want China's only", gp.Goal.ID, gp.Contributions)
		}
		if len(gp.Sources) == 0 || gp.Sources[0].Source.SHA256 == "" {
			t.Errorf("%s: sources %+v", gp.Goal.ID, gp.Sources)
		}
	}
	// The text output prints the same figures with their source.
	r = runCLI(t, db, "warming", "--dataset", "era5")
	if r.code != 0 || !strings.Contains(r.stdout, "281 of 366") || !strings.Contains(r.stdout, "Source: climate-reanalyzer-t2m.world") {
		t.Errorf("text output:\n%s", r.stdout)
	}
}
