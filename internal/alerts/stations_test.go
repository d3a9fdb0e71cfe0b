package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"sort"
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

// TestStationEventsCentralPark runs station detection on the real Central
// Park file (the baseline: historical events only, nothing queued), then on
// the file with one synthetic day appended, 1 February 2020 at 30.0 °C,
// which beats the day's and February's record highs as they stood the day
// before: exactly those two events are stored, delivered to the webhook and
// worded; running again changes nothing.
func TestStationEventsCentralPark(t *testing.T) {
	ctx := context.Background()
	arc, err := stations.Open(t.TempDir(), stations.Options{Buckets: 2, MemoryLimit: "512MB", Threads: 2})
	if errors.Is(err, stations.ErrNoDuckDB) {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	st, err := store.Open(ctx, testutil.DB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hook, err := AddWebhook(ctx, st, "http://127.0.0.1:1/hook", nil, testSecret, true)
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	real, err := os.ReadFile(filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily", centralPark+".dly"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, centralPark+".dly")
	if err := os.WriteFile(path, real, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := arc.Ingest(ctx, []stations.Source{{Path: path}}); err != nil {
		t.Fatal(err)
	}

	// Baseline: the records set in the file's last 366 days (to 31 January 2020),
	// all historical, none queued; they are the archive's own answer.
	base, _, err := DetectStation(ctx, st, arc, stationFileOf(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range stations.AllExtremes {
		for _, sc := range stations.AllScopes {
			rs, err := arc.RecordsSet(ctx, obs.NewDate(2019, 1, 31), obs.NewDate(2020, 1, 31), e, sc, stations.Query{MinYears: 30})
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
	if len(want) == 0 || strings.Join(want, "|") != strings.Join(got, "|") {
		t.Errorf("baseline events %v, want the records set in the year to 31 January 2020 %v", got, want)
	}
	if ds, err := st.Deliveries(ctx, hook.ID); err != nil || len(ds) != 0 {
		t.Fatalf("baseline queued %d deliveries (%v)", len(ds), err)
	}
	if evs, _, err := List(ctx, st, Query{}); err != nil || len(evs) != 0 {
		t.Fatalf("baseline events listed as delivered: %d (%v)", len(evs), err)
	}

	// The day's and February's records as they stood on 31 the year to 31 January 2020.
	asOf := obs.NewDate(2020, 1, 31)
	q := stations.Query{AsOf: &asOf}
	dayRecs, err := arc.StationRecords(ctx, centralPark, stations.RecordHigh, stations.Day, q)
	if err != nil {
		t.Fatal(err)
	}
	monthRecs, err := arc.StationRecords(ctx, centralPark, stations.RecordHigh, stations.Month, q)
	if err != nil {
		t.Fatal(err)
	}
	var feb1, feb stations.Record
	for _, r := range dayRecs {
		if r.Month == 2 && r.Day == 1 {
			feb1 = r
		}
	}
	for _, r := range monthRecs {
		if r.Month == 2 {
			feb = r
		}
	}
	if feb1.Value == 0 || feb.Value == 0 || feb.Value >= 300 || feb1.Value >= 300 {
		t.Fatalf("unexpected standing records %+v %+v", feb1, feb)
	}
	previous, err := arc.DerivedRecords(ctx, centralPark, stations.Query{})
	if err != nil {
		t.Fatal(err)
	}

	// Append 1 February 2020: TMAX 300 (30.0 °C), the rest of the month missing.
	line := centralPark + "202002TMAX" + "  300  X" + strings.Repeat("-9999   ", 30) + "\n"
	if err := os.WriteFile(path, append(real, line...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := arc.Ingest(ctx, []stations.Source{{Path: path}}); err != nil {
		t.Fatal(err)
	}
	f := stationFileOf(t, path)
	evs, _, err := DetectStation(ctx, st, arc, f, previous)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 2 {
		t.Fatalf("got %d events, want the day and month record highs: %+v", len(evs), evs)
	}
	byKind := map[Kind]Event{}
	for _, e := range evs {
		byKind[e.Kind] = e
	}
	for kind, prev := range map[Kind]stations.Record{DayRecord: feb1, StationMonthRecord: feb} {
		e, ok := byKind[kind]
		if !ok {
			t.Fatalf("no %s event in %+v", kind, evs)
		}
		if e.Historical || e.Indicator != "ghcnd.tmax" || e.Direction != "max" || e.Date != "2020-02-01" || e.Value != 30 || e.Unit != "degC" {
			t.Errorf("%s event %+v", kind, e)
		}
		if e.Previous == nil || e.Previous.Date != prev.Date.String() || e.Previous.Value != prev.Float() {
			t.Errorf("%s event previous %+v, want %v on %s", kind, e.Previous, prev.Float(), prev.Date)
		}
		if e.Margin == nil || *e.Margin != float64(300-prev.Value)/10 {
			t.Errorf("%s margin %v, want %v", kind, e.Margin, float64(300-prev.Value)/10)
		}
		if e.Version.SHA256 != f.SHA256 || e.Version.ProducerVersion != "GHCN-Daily "+centralPark+".dly" {
			t.Errorf("%s version %+v", kind, e.Version)
		}
	}
	if s := byKind[DayRecord].Sentence; !strings.HasPrefix(s, centralPark+" set a record high for 1 February of 30.0 °C (86 °F) on 1 February 2020, beating ") {
		t.Errorf("sentence %q", s)
	}
	ds, err := st.Deliveries(ctx, hook.ID)
	if err != nil || len(ds) != 2 {
		t.Fatalf("queued %d deliveries, want 2 (%v)", len(ds), err)
	}
	listed, _, err := List(ctx, st, Query{})
	if err != nil || len(listed) != 2 {
		t.Fatalf("listed %d delivered events, want 2 (%v)", len(listed), err)
	}

	// Idempotent: the same content again stores and queues nothing, even
	// with stale previous records.
	again, _, err := DetectStation(ctx, st, arc, f, nil)
	if err != nil || len(again) != 0 {
		t.Fatalf("second run: %d events (%v)", len(again), err)
	}
	if ds, _ := st.Deliveries(ctx, hook.ID); len(ds) != 2 {
		t.Errorf("second run queued deliveries: %d", len(ds))
	}
}
