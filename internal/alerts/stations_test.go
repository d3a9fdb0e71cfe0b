package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

const centralPark = "USW00094728"

// stationFileOf returns the provenance DetectStation takes for a file.
func stationFileOf(t *testing.T, path string) StationFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return StationFile{Station: centralPark, Name: filepath.Base(path), Source: path, SHA256: hex.EncodeToString(sum[:]),
		Size: int64(len(b)), Retrieved: time.Date(2020, 2, 2, 0, 0, 0, 0, time.UTC)}
}

// newStationArchive opens an archive in a temporary folder (the test is
// skipped in a build without DuckDB). DuckDB runs one worker thread: the
// test archives hold one station, too little for DuckDB's threads to
// share, and a second thread cost about half as much CPU again (measured
// on the two station tests, which run beside the package's other tests).
func newStationArchive(t *testing.T) *stations.Archive {
	t.Helper()
	arc, err := stations.Open(t.TempDir(), stations.Options{Buckets: 1, MemoryLimit: "512MB", Threads: 1})
	if errors.Is(err, stations.ErrNoDuckDB) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { arc.Close() })
	return arc
}

// centralParkFile returns the bytes of the real Central Park file.
func centralParkFile(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily", centralPark+".dly"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// february2020 returns a .dly line of Central Park's TMAX for February 2020
// with the given slots (a 5-character value and the M, Q and S flags) for its
// first days and the rest missing.
func february2020(slots ...string) string {
	return centralPark + "202002TMAX" + strings.Join(slots, "") + strings.Repeat("-9999   ", 31-len(slots)) + "\n"
}

// standing returns Central Park's record high for February (scope Month) or
// for one of its days (scope Day) as of a day.
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

// formatFloat writes v with as few digits as identify it (30, -26.1).
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// eventKeys lists events as "kind date value prev date value
// [retracted:reason]", sorted.
func eventKeys(evs ...Event) []string {
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

// TestStationEventsCentralPark runs station detection on the real Central
// Park file, then revises it the way NOAA revises a station file:
//
//   - the real file: the baseline, the records of its last 366 days, all
//     historical, none queued, exactly the archive's own answer;
//   - with a synthetic 1 February 2020 of 30.0 °C and 2 February of 31.0 °C
//     appended: their day records and month records (2 February's beating 1
//     February), each beating the record that stood on 31 January, queued;
//   - a revision without 1 February: its two events are retracted, and 2
//     February's month record beats February's real record again, which is
//     again February's record as of 1 February;
//   - the file restored: the same two events reinstated, none stored twice;
//   - a revision that only quality-flags 1 February: retracted again;
//   - the same content scanned twice: nothing changes.
func TestStationEventsCentralPark(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	arc := newStationArchive(t)
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hook, err := AddWebhook(ctx, st, "http://127.0.0.1:1/hook", nil, testSecret, true)
	if err != nil {
		t.Fatal(err)
	}
	real := centralParkFile(t)
	path := filepath.Join(t.TempDir(), centralPark+".dly")
	scan := func(extra string) (newEvents, retracted []Event) {
		t.Helper()
		if err := os.WriteFile(path, append(append([]byte{}, real...), extra...), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := arc.Ingest(ctx, []stations.Source{{Path: path}}); err != nil {
			t.Fatal(err)
		}
		newEvents, retracted, err := DetectStation(ctx, st, arc, stationFileOf(t, path), nil)
		if err != nil {
			t.Fatal(err)
		}
		return newEvents, retracted
	}
	check := func(step string, got []Event, want ...string) {
		t.Helper()
		sort.Strings(want)
		if g := eventKeys(got...); strings.Join(g, "|") != strings.Join(want, "|") {
			t.Errorf("%s:\n got %q\nwant %q", step, g, want)
		}
	}
	stored := func() map[string]Event { // every stored event, by kind, date, indicator and direction
		t.Helper()
		rows, err := st.Events(ctx, store.EventFilter{Historical: true})
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

	// Baseline: the records set in the file's last 366 days, all
	// historical, none queued; they are the archive's own answer.
	base, retracted := scan("")
	last, err := arc.LastDate(ctx, centralPark)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range stations.AllExtremes {
		for _, sc := range stations.AllScopes {
			rs, err := arc.RecordsSet(ctx, last-StationBaselineDays+1, last, e, sc, stations.Query{MinYears: 30})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if !r.Tie {
					want = append(want, r.Element+" "+string(r.Scope)+" "+r.Date.String())
				}
			}
		}
	}
	var got []string
	for _, e := range base {
		if !e.Historical || e.Dataset != StationsDataset || e.Entity != centralPark {
			t.Errorf("baseline event not historical or misfiled: %+v", e)
		}
		got = append(got, strings.ToUpper(strings.TrimPrefix(e.Indicator, "ghcnd."))+" "+map[Kind]string{AllTime: "all-time", StationMonthRecord: "month", DayRecord: "day"}[e.Kind]+" "+e.Date)
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) == 0 || strings.Join(want, "|") != strings.Join(got, "|") || len(retracted) != 0 {
		t.Errorf("baseline events %v (%d retracted), want the records set in the last 366 days to %s %v", got, len(retracted), last, want)
	}
	if ds, err := st.Deliveries(ctx, hook.ID); err != nil || len(ds) != 0 {
		t.Fatalf("baseline queued %d deliveries (%v)", len(ds), err)
	}
	if evs, _, err := List(ctx, st, Query{}); err != nil || len(evs) != 0 {
		t.Fatalf("baseline events listed as delivered: %d (%v)", len(evs), err)
	}
	baseline := len(stored())

	// The records 1 and 2 February 2020 beat, as they stood on 31 January.
	jan31, feb1 := obs.NewDate(2020, 1, 31), obs.NewDate(2020, 2, 1)
	day1, day2 := standing(t, arc, stations.Day, 1, jan31), standing(t, arc, stations.Day, 2, jan31)
	month := standing(t, arc, stations.Month, 0, jan31)
	if month.Value >= 300 || day1.Value >= 300 || day2.Value >= 310 {
		t.Fatalf("standing records %+v %+v %+v are not beaten by the synthetic days", day1, day2, month)
	}
	prev := func(r stations.Record) string { return " prev " + r.Date.String() + " " + formatFloat(r.Float()) }
	feb1Day := "record-day 2020-02-01 30" + prev(day1)
	feb1Month := "record-month-daily 2020-02-01 30" + prev(month)
	feb2Day := "record-day 2020-02-02 31" + prev(day2)
	feb2MonthAfter1 := "record-month-daily 2020-02-02 31 prev 2020-02-01 30"
	feb2MonthAlone := "record-month-daily 2020-02-02 31" + prev(month)
	feb2Month := func() string {
		t.Helper()
		return strings.Join(eventKeys(stored()["record-month-daily 2020-02-02 ghcnd.tmax max"]), "")
	}

	// 1 and 2 February: their day records and month records.
	n, r := scan(february2020("  300   ", "  310   "))
	check("1 and 2 February added", n, feb1Day, feb1Month, feb2Day, feb2MonthAfter1)
	check("1 and 2 February added, retracted", r)
	f := stationFileOf(t, path)
	ids := map[string]int64{}
	for _, e := range n {
		ids[string(e.Kind)+" "+e.Date] = e.ID
		if e.Historical || e.Indicator != "ghcnd.tmax" || e.Direction != "max" || e.Unit != "degC" {
			t.Errorf("event %+v", e)
		}
		if e.Margin == nil || e.Previous == nil || *e.Margin != math.Round((e.Value-e.Previous.Value)*10)/10 {
			t.Errorf("%s %s: margin %v, previous %+v", e.Kind, e.Date, e.Margin, e.Previous)
		}
		if e.Version.SHA256 != f.SHA256 || e.Version.ProducerVersion != "GHCN-Daily "+centralPark+".dly" {
			t.Errorf("%s version %+v", e.Kind, e.Version)
		}
		if s := e.Sentence; e.Kind == DayRecord && e.Date == "2020-02-01" && !strings.HasPrefix(s, centralPark+" set a record high for 1 February of 30.0 °C (86 °F) on 1 February 2020, beating ") {
			t.Errorf("sentence %q", s)
		}
	}
	if listed, _, err := List(ctx, st, Query{}); err != nil || len(listed) != 4 {
		t.Fatalf("listed %d delivered events, want 4 (%v)", len(listed), err)
	}

	// The revision without 1 February.
	n, r = scan(february2020("-9999   ", "  310   "))
	check("1 February removed", n)
	check("1 February removed, retracted", r, feb1Day+" retracted:revised", feb1Month+" retracted:revised")
	if got := standing(t, arc, stations.Month, 0, feb1); got.Value != month.Value || got.Date != month.Date {
		t.Errorf("February's record as of 1 February after the revision: %+v, want %+v", got, month)
	}
	if got := feb2Month(); got != feb2MonthAlone {
		t.Errorf("2 February's month event after the revision: %q, want %q", got, feb2MonthAlone)
	}

	// The file restored: the same events reinstated, none stored anew.
	n, r = scan(february2020("  300   ", "  310   "))
	check("1 February restored", n, feb1Day, feb1Month)
	check("1 February restored, retracted", r)
	for _, e := range n {
		if e.ID != ids[string(e.Kind)+" "+e.Date] || e.Retracted || e.Historical {
			t.Errorf("reinstated %s event: id %d (was %d), retracted %v, historical %v", e.Kind, e.ID, ids[string(e.Kind)+" "+e.Date], e.Retracted, e.Historical)
		}
	}
	if got := feb2Month(); got != feb2MonthAfter1 {
		t.Errorf("2 February's month event after the restore: %q, want %q", got, feb2MonthAfter1)
	}
	if all := len(stored()); all != baseline+4 {
		t.Errorf("%d events stored after the restore, want the baseline's %d and 4", all, baseline)
	}

	// A revision that only sets a quality flag (X: failed bounds check) on
	// 1 February's value: the value no longer counts, nor do its records.
	n, r = scan(february2020("  300 X ", "  310   "))
	check("1 February flagged", n)
	check("1 February flagged, retracted", r, feb1Day+" retracted:revised", feb1Month+" retracted:revised")
	if got := feb2Month(); got != feb2MonthAlone {
		t.Errorf("2 February's month event after the flag: %q, want %q", got, feb2MonthAlone)
	}

	// Deliveries, in order: 4 new, 2 retracted, 2 reinstated, 2 retracted.
	ds, err := st.Deliveries(ctx, hook.ID)
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

	// The same content again stores, retracts and queues nothing.
	if n, r, err := DetectStation(ctx, st, arc, stationFileOf(t, path), nil); err != nil || len(n)+len(r) != 0 {
		t.Errorf("second scan of the flagged file: %d new, %d retracted (%v)", len(n), len(r), err)
	}
	if ds, _ := st.Deliveries(ctx, hook.ID); len(ds) != 10 {
		t.Errorf("second scan queued deliveries: %d", len(ds))
	}
}
