package alerts

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// centralParkFixture is an archive and a store holding the real Central
// Park file, with its station events baselined, and the file's bytes.
type centralParkFixture struct {
	arc  *stations.Archive
	st   *store.Store
	real []byte
	path string // where the station file is written for each ingest
	hook int64  // a registered webhook's id
}

// newCentralParkFixture ingests the real Central Park file into a new
// archive and store and runs its first (baseline) scan.
func newCentralParkFixture(t *testing.T) *centralParkFixture {
	t.Helper()
	ctx := context.Background()
	arc, err := stations.Open(t.TempDir(), stations.Options{Buckets: 1, MemoryLimit: "512MB", Threads: 2})
	if errors.Is(err, stations.ErrNoDuckDB) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h, err := AddWebhook(ctx, st, "http://127.0.0.1:1/hook", nil, testSecret, true)
	if err != nil {
		t.Fatal(err)
	}
	real, err := os.ReadFile(filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily", centralPark+".dly"))
	if err != nil {
		t.Fatal(err)
	}
	fx := &centralParkFixture{arc: arc, st: st, real: real, path: filepath.Join(t.TempDir(), centralPark+".dly"), hook: h.ID}
	fx.scan(t, "")
	return fx
}

// scan writes the real file with extra appended, ingests it and runs
// DetectStation, returning the events stored or reinstated and retracted.
func (fx *centralParkFixture) scan(t *testing.T, extra string) (newEvents, retracted []Event) {
	t.Helper()
	ctx := context.Background()
	if err := os.WriteFile(fx.path, append(append([]byte{}, fx.real...), extra...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := fx.arc.Ingest(ctx, []stations.Source{{Path: fx.path}}); err != nil {
		t.Fatal(err)
	}
	newEvents, retracted, err := DetectStation(ctx, fx.st, fx.arc, stationFileOf(t, fx.path), nil)
	if err != nil {
		t.Fatal(err)
	}
	return newEvents, retracted
}

// february2020 returns a .dly line of Central Park's TMAX for February 2020
// with the given slots (value and three flags, 8 characters each) for its
// first days and the rest missing.
func february2020(slots ...string) string {
	return centralPark + "202002TMAX" + strings.Join(slots, "") + strings.Repeat("-9999   ", 31-len(slots)) + "\n"
}

// standing returns Central Park's record high of a scope as of a day, for
// February (scope Month) or one of its days (scope Day).
func standing(t *testing.T, arc *stations.Archive, scope stations.Scope, day int, asOf obs.Date) stations.Record {
	t.Helper()
	rs, err := arc.StationRecords(context.Background(), centralPark, stations.RecordHigh, scope, stations.Query{AsOf: &asOf})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Month == 2 && (scope == stations.Month || r.Day == day) {
			return r
		}
	}
	t.Fatalf("no %s record high for February %d as of %s", scope, day, asOf)
	return stations.Record{}
}

// eventKeys lists events as "kind date value previous-date previous-value
// [retracted]", sorted.
func eventKeys(evs []Event) []string {
	var out []string
	for _, e := range evs {
		s := string(e.Kind) + " " + e.Date + " " + formatFloat(e.Value)
		if e.Previous != nil {
			s += " prev " + e.Previous.Date + " " + formatFloat(e.Previous.Value)
		}
		if e.Retracted {
			s += " retracted:" + e.RetractionReason
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// formatFloat writes v with as few digits as identify it (30, -26.1).
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// TestStationEventsRevision revises the Central Park file the way NOAA
// revises a station: a synthetic 1 February 2020 of 30.0 °C (a day and a
// month record high), then 2 February at 31.0 °C (records again, the month
// one beating 1 February), then a revision without 1 February, which
// retracts its two events and gives 2 February's month record back its real
// previous holder; the restored file reinstates the same two events (no
// duplicate); a revision that only quality-flags 1 February retracts them
// again. Every retraction and reinstatement is queued for the webhook.
func TestStationEventsRevision(t *testing.T) {
	ctx := context.Background()
	fx := newCentralParkFixture(t)
	jan31, feb1 := obs.NewDate(2020, 1, 31), obs.NewDate(2020, 2, 1)
	// The records 1 and 2 February 2020 beat, as they stood before them.
	day1, day2 := standing(t, fx.arc, stations.Day, 1, jan31), standing(t, fx.arc, stations.Day, 2, jan31)
	month := standing(t, fx.arc, stations.Month, 0, jan31)
	if month.Value >= 300 || day1.Value >= 300 || day2.Value >= 310 {
		t.Fatalf("standing records %+v %+v %+v are not beaten by the synthetic days", day1, day2, month)
	}
	prev := func(r stations.Record) string { return " prev " + r.Date.String() + " " + formatFloat(r.Float()) }
	feb1Day := "record-day 2020-02-01 30" + prev(day1)
	feb1Month := "record-month-daily 2020-02-01 30" + prev(month)
	feb2Day := "record-day 2020-02-02 31" + prev(day2)
	feb2MonthAfter1 := "record-month-daily 2020-02-02 31 prev 2020-02-01 30"
	feb2MonthAlone := "record-month-daily 2020-02-02 31" + prev(month)
	check := func(step string, got []Event, want ...string) {
		t.Helper()
		sort.Strings(want)
		if g := eventKeys(got); strings.Join(g, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", step, g, want)
		}
	}
	stored := func() map[string]Event { // every stored event of the station, by kind and date
		t.Helper()
		rows, err := fx.st.Events(ctx, store.EventFilter{Historical: true})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]Event{}
		for _, r := range rows {
			e := eventFrom(r)
			k := string(e.Kind) + " " + e.Date + " " + e.Indicator + " " + e.Direction
			if _, dup := out[k]; dup {
				t.Errorf("event %s stored twice", k)
			}
			out[k] = e
		}
		return out
	}
	baseline := len(stored())

	// 1 February: its day and month records.
	n, r := fx.scan(t, february2020("  300   "))
	check("1 February added", n, feb1Day, feb1Month)
	check("1 February added, retracted", r)
	ids := map[Kind]int64{}
	for _, e := range n {
		ids[e.Kind] = e.ID
	}

	// 2 February: its day record, and a month record beating 1 February.
	n, r = fx.scan(t, february2020("  300   ", "  310   "))
	check("2 February added", n, feb2Day, feb2MonthAfter1)
	check("2 February added, retracted", r)

	// The revision without 1 February: its events are retracted, 2
	// February's month record now beats the real February record, which
	// is again February's record as of 1 February.
	n, r = fx.scan(t, february2020("-9999   ", "  310   "))
	check("1 February removed", n)
	check("1 February removed, retracted", r, feb1Day+" retracted:revised", feb1Month+" retracted:revised")
	if got := standing(t, fx.arc, stations.Month, 0, feb1); got.Value != month.Value || got.Date != month.Date {
		t.Errorf("February's record as of 1 February after the revision: %+v, want %+v", got, month)
	}
	all := stored()
	if e := all["record-month-daily 2020-02-02 ghcnd.tmax max"]; strings.Join(eventKeys([]Event{e}), "") != feb2MonthAlone {
		t.Errorf("2 February's month event after the revision: %q, want %q", eventKeys([]Event{e}), feb2MonthAlone)
	}
	if len(all) != baseline+4 {
		t.Errorf("%d events stored, want the baseline's %d and 4", len(all), baseline)
	}

	// The file restored: the same two events reinstated, none stored anew.
	n, r = fx.scan(t, february2020("  300   ", "  310   "))
	check("1 February restored", n, feb1Day, feb1Month)
	check("1 February restored, retracted", r)
	for _, e := range n {
		if e.ID != ids[e.Kind] || e.Retracted || e.Historical {
			t.Errorf("reinstated %s event: id %d (was %d), retracted %v, historical %v", e.Kind, e.ID, ids[e.Kind], e.Retracted, e.Historical)
		}
	}
	all = stored()
	if e := all["record-month-daily 2020-02-02 ghcnd.tmax max"]; strings.Join(eventKeys([]Event{e}), "") != feb2MonthAfter1 {
		t.Errorf("2 February's month event after the restore: %q, want %q", eventKeys([]Event{e}), feb2MonthAfter1)
	}
	if len(all) != baseline+4 {
		t.Errorf("%d events stored after the restore, want the baseline's %d and 4", len(all), baseline)
	}

	// A revision that only sets a quality flag (X: failed bounds check) on
	// 1 February's value: the value no longer counts, so neither do its
	// records.
	n, r = fx.scan(t, february2020("  300 X ", "  310   "))
	check("1 February flagged", n)
	check("1 February flagged, retracted", r, feb1Day+" retracted:revised", feb1Month+" retracted:revised")
	if e := stored()["record-month-daily 2020-02-02 ghcnd.tmax max"]; strings.Join(eventKeys([]Event{e}), "") != feb2MonthAlone {
		t.Errorf("2 February's month event after the flag: %q, want %q", eventKeys([]Event{e}), feb2MonthAlone)
	}

	// Deliveries, in order: 4 new, 2 retracted, 2 reinstated, 2 retracted.
	ds, err := fx.st.Deliveries(ctx, fx.hook)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, d := range ds {
		actions = append(actions, d.Action)
	}
	if got := strings.Join(actions, ","); got != "new,new,new,new,retracted,retracted,reinstated,reinstated,retracted,retracted" {
		t.Errorf("deliveries %s", got)
	}

	// Scanning the same content again changes nothing.
	if _, err := fx.arc.Ingest(ctx, []stations.Source{{Path: fx.path}}); err != nil {
		t.Fatal(err)
	}
	if n, r, err := DetectStation(ctx, fx.st, fx.arc, stationFileOf(t, fx.path), nil); err != nil || len(n)+len(r) != 0 {
		t.Errorf("second scan of the flagged file: %d new, %d retracted (%v)", len(n), len(r), err)
	}
}
