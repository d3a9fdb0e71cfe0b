package api

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestWarmingFollowsStoredEvents checks that /api/warming's latest_event
// follows the stored threshold events within a data version, as
// /api/events does: an event written after the answer was first cached
// (detection commits after the ingest the server has already seen) appears
// in it, and one retracted later (a catch-up run, no new version)
// disappears from it; and that the answer, which may change within a data
// version, is never sent as immutable.
func TestWarmingFollowsStoredEvents(t *testing.T) {
	ctx := context.Background()
	db, err := testutil.DBForRun(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// ERA5, and the world's emissions for the budget of the answer.
	const dataset = "climate-reanalyzer-t2m.world"
	var dss []catalog.Dataset
	for _, id := range []string{dataset, "owid-co2-emissions"} {
		ds, ok := catalog.DatasetByID(id)
		if !ok {
			t.Fatalf("no dataset %s", id)
		}
		dss = append(dss, ds)
	}
	if _, err := ingest.Run(ctx, st, dss, ingest.Options{Mirror: testutil.SharedData(t)}); err != nil {
		t.Fatal(err)
	}
	s := NewServer(st, Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler),
		CheckInterval: time.Millisecond})
	defer s.Close()
	const target = "/api/warming?dataset=era5&budget=ar6-1p5-50"
	// latest returns the id of 2024's latest_event in /api/warming (0 when
	// absent) and the response's Cache-Control.
	latest := func(target string) (int64, string) {
		t.Helper()
		time.Sleep(5 * time.Millisecond) // past CheckInterval
		r := get(t, s, target)
		if r.code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, r.code, r.body)
		}
		var w struct {
			Datasets []struct {
				DaysByYear []struct {
					Year   int
					Latest *struct{ ID int64 } `json:"latest_event"`
				} `json:"days_by_year"`
			}
		}
		if err := json.Unmarshal(r.body, &w); err != nil || len(w.Datasets) != 1 {
			t.Fatalf("%s: %v %.300s", target, err, r.body)
		}
		for _, y := range w.Datasets[0].DaysByYear {
			if y.Year == 2024 {
				if y.Latest == nil {
					return 0, r.h.Get("Cache-Control")
				}
				return y.Latest.ID, r.h.Get("Cache-Control")
			}
		}
		t.Fatalf("%s: no 2024 in days_by_year", target)
		return 0, ""
	}
	if id, _ := latest(target); id != 0 {
		t.Fatalf("latest_event %d before any event was stored", id)
	}
	// Detection commits 2024's last day at or above 1.5 °C.
	v, ok, err := st.CurrentVersion(ctx, dataset)
	if err != nil || !ok {
		t.Fatalf("current version: %v %v", ok, err)
	}
	tx, err := st.BeginEvents(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, err := tx.InsertEvent(store.EventRow{Dataset: dataset, Indicator: "t2m.world", Kind: "above-1.5-day", Direction: "max",
		Date: obs.NewDate(2024, 12, 31), Value: 1.6, Unit: "degC", Frequency: obs.Daily, Smoothing: "none", Rank: 281,
		VersionID: v.ID, Historical: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := latest(target); got != id {
		t.Errorf("after the event was stored: latest_event %d, want %d", got, id)
	}
	// /api/events lists the same event.
	var evs struct{ Events []struct{ ID int64 } }
	if r := get(t, s, "/api/events?indicator=t2m.world&historical=true"); r.code != http.StatusOK || json.Unmarshal(r.body, &evs) != nil ||
		len(evs.Events) != 1 || evs.Events[0].ID != id {
		t.Errorf("/api/events: %d %.300s, want event %d", r.code, r.body, id)
	}
	// A catch-up run retracts it: no new data version.
	tx, err = st.BeginEvents(ctx, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.RetractEvent(id, v.ID, "revised"); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if got, _ := latest(target); got != 0 {
		t.Errorf("after the event was retracted: latest_event %d, want none", got)
	}
	// Asked with the current data version, the answer is still revalidated.
	if _, cc := latest(target + "&v=" + s.gen.Load().version); cc == immutableCC[0] {
		t.Errorf("/api/warming with v= is %q: an answer with stored events must not be immutable", cc)
	}
}
