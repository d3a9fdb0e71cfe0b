package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/store"
)

// thresholdCases are the threshold-event requests of the cross-surface
// table: `stocktake events --kind K --json` and GET /api/events?kind=K
// answer the same page, and refuse the same bad kinds.
var thresholdCases = []crossCase{
	{cli: []string{"events", "--historical", "--kind", "first-above-2.0-day,above-1.5-year"}, api: "/api/events?historical=true&kind=first-above-2.0-day,above-1.5-year"},
	{cli: []string{"events", "--historical", "--kind", "above-1.5-day", "--limit", "1000"}, api: "/api/events?historical=true&kind=above-1.5-day&limit=1000"},
	{cli: []string{"events", "--historical", "--kind", "above-1.5-12-months", "--indicator", "t2m.world"}, api: "/api/events?historical=true&kind=above-1.5-12-months&indicator=t2m.world"},
	{cli: []string{"events", "--kind", "above-2.0-day"}, api: "/api/events?kind=above-2.0-day"},
	{cli: []string{"events", "--kind", "above-1.6-day"}, api: "/api/events?kind=above-1.6-day", exit: 2, status: 400, fragment: `"above-1.6-day": want one or more of record-all-time`},
}

// thresholdEvent is the part of an event these tests read.
type thresholdEvent struct {
	Indicator  string `json:"indicator"`
	Kind       string `json:"kind"`
	Date       string `json:"date"`
	Rank       int    `json:"rank"`
	Historical bool   `json:"historical"`
	Sentence   string `json:"sentence"`
}

// TestCrossSurfaceThresholdEvents runs thresholdCases and checks what the
// shared data's first scan stored: every threshold event is historical
// (the first scan delivers nothing), 586 ERA5 days at or above 1.5 °C
// (188 in 2023, 281 in 2024), the first day at or above 2.0 °C on
// 17 November 2023, and 2024 the first calendar year at or above 1.5 °C
// in ERA5 and GISTEMP.
func TestCrossSurfaceThresholdEvents(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range thresholdCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}
	get := func(q string) []thresholdEvent {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/events?"+q, nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", q, rec.Code, rec.Body.Bytes())
		}
		return decode[struct {
			Events []thresholdEvent `json:"events"`
		}](t, rec.Body.String()).Events
	}
	days := get("historical=true&kind=above-1.5-day&limit=1000")
	perYear := map[string]int{}
	for _, e := range days {
		if e.Kind != "above-1.5-day" || e.Indicator != "t2m.world" || !e.Historical {
			t.Fatalf("listed %+v", e)
		}
		perYear[e.Date[:4]]++
	}
	if len(days) != 586 || perYear["2023"] != 188 || perYear["2024"] != 281 {
		t.Errorf("ERA5 days at or above 1.5 °C: %d (2023: %d, 2024: %d), want 586 (188, 281)", len(days), perYear["2023"], perYear["2024"])
	}
	if evs := get("kind=above-1.5-day"); len(evs) != 0 {
		t.Errorf("%d threshold events delivered by the first scan, want none", len(evs))
	}
	got := map[string]thresholdEvent{}
	for _, e := range get("historical=true&kind=first-above-2.0-day,above-1.5-year") {
		got[e.Kind+" "+e.Indicator+" "+e.Date] = e
	}
	want := map[string]string{
		"first-above-2.0-day t2m.world 2023-11-17": "17 November 2023 was the first day on record at or above 2.0 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 2.02 °C.",
		"above-1.5-year t2m.world 2024":            "2024 was the first calendar year on record at or above 1.5 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.60 °C.",
		"above-1.5-year gmst.gistemp 2024":         "2024 was the first calendar year on record at or above 1.5 °C above pre-industrial (GISTEMP, aligned on HadCRUT5 and NOAAGlobalTemp over 1981–2010): 1.51 °C.",
	}
	if len(got) != len(want) {
		t.Errorf("first day and years: %v", got)
	}
	for k, s := range want {
		if got[k].Sentence != s {
			t.Errorf("%s: %q, want %q", k, got[k].Sentence, s)
		}
	}
	// The text output writes the sentences.
	r := runCLI(t, db, "events", "--historical", "--kind", "first-above-2.0-day")
	if r.code != 0 || !strings.Contains(r.stdout, want["first-above-2.0-day t2m.world 2023-11-17"]) {
		t.Errorf("events --kind first-above-2.0-day: exit %d\n%s", r.code, r.stdout)
	}
}

// TestWarmingDaysByYear checks the days by year of `stocktake warming`
// (the same JSON as GET /api/warming, compared by
// TestCrossSurfaceParis): each year's counts agree with the threshold
// events stored for it, and the latest crossing of 2023 and 2024 is the
// stored event of the year's last day at or above 1.5 °C.
func TestWarmingDaysByYear(t *testing.T) {
	db := sharedDB(t)
	r := runCLI(t, db, "warming", "--dataset", "era5", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	type year struct {
		Year    int             `json:"year"`
		Days15  int             `json:"days_at_or_above_1_5"`
		Days20  int             `json:"days_at_or_above_2_0"`
		Present int             `json:"days_present"`
		Latest  *thresholdEvent `json:"latest_event"`
	}
	w := decode[struct {
		Datasets []struct {
			Key        string `json:"key"`
			DaysByYear []year `json:"days_by_year"`
		} `json:"datasets"`
	}](t, r.stdout)
	if len(w.Datasets) != 1 || w.Datasets[0].Key != "era5" {
		t.Fatalf("datasets %+v", w.Datasets)
	}
	events := decode[struct {
		Events []thresholdEvent `json:"events"`
	}](t, runCLI(t, db, "events", "--historical", "--kind", "above-1.5-day,above-2.0-day", "--limit", "1000", "--json").stdout).Events
	count := map[[2]any]int{}
	for _, e := range events {
		count[[2]any{e.Kind, e.Date[:4]}]++
	}
	by := map[int]year{}
	total := 0
	for _, y := range w.Datasets[0].DaysByYear {
		by[y.Year] = y
		total += y.Days15
		k := fmt.Sprint(y.Year)
		if y.Days15 != count[[2]any{"above-1.5-day", k}] || y.Days20 != count[[2]any{"above-2.0-day", k}] || y.Latest == nil {
			t.Errorf("%d: %+v; events: %d at 1.5, %d at 2.0", y.Year, y, count[[2]any{"above-1.5-day", k}], count[[2]any{"above-2.0-day", k}])
		}
	}
	if total != 586 {
		t.Errorf("days at or above 1.5 °C over all years: %d, want 586", total)
	}
	if y := by[2023]; y.Days15 != 188 || y.Days20 != 2 || y.Present != 365 {
		t.Errorf("2023: %+v, want 188 and 2 of 365", y)
	}
	y := by[2024]
	if y.Days15 != 281 || y.Days20 != 0 || y.Present != 366 || y.Latest == nil || y.Latest.Date != "2024-12-31" ||
		y.Latest.Sentence != "31 December 2024 was the 281st day of 2024 at or above 1.5 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.78 °C, the 9th consecutive day." {
		t.Errorf("2024: %+v", y)
	}
	if l := by[2023].Latest; l == nil || l.Kind != "above-1.5-day" || l.Rank != 188 {
		t.Errorf("2023's latest crossing: %+v", l)
	}
}
