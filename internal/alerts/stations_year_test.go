package alerts

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestStationEventsYearFile checks that a year file (by_year/YYYY.csv) fires
// the same station events as the station file. testdata/2020.csv holds
// every value of 2020 in the real Central Park file (1 to 3 January, copied
// from USW00094728.dly with their flags) and a synthetic 1 February of 30.0
// °C. Store A takes the year file through ingest.IngestStations with
// StationHook; store B takes the real file with the same day appended, the
// .dly path of TestStationEventsCentralPark. Both archives then hold the same
// values, and both stores must hold the same two events (the day and month
// record highs), with the same previous holders, margins and sentences;
// only the version differs (the file each came from).
func TestStationEventsYearFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	arc := newStationArchive(t)
	open := func() *store.Store {
		st, err := store.Open(ctx, testutil.DB(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	stA, stB := open(), open()
	real := centralParkFile(t)
	dly := filepath.Join(t.TempDir(), centralPark+".dly")
	if err := os.WriteFile(dly, real, 0o644); err != nil {
		t.Fatal(err)
	}
	// Both stores' baselines, on the real file.
	if _, err := arc.Ingest(ctx, []stations.Source{{Path: dly}}); err != nil {
		t.Fatal(err)
	}
	for _, st := range []*store.Store{stA, stB} {
		if evs, _, err := DetectStation(ctx, st, arc, stationFileOf(t, dly), nil); err != nil || len(evs) == 0 || !evs[0].Historical {
			t.Fatalf("baseline: %d events (%v)", len(evs), err)
		}
	}

	// Store A: the year file.
	year, err := filepath.Abs(filepath.Join("testdata", "2020.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := ingest.IngestStations(ctx, stA, arc, []string{year}, StationHook)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Derived, ",") != centralPark || rep.Events != 2 || rep.Historical != 0 || rep.Retracted != 0 {
		t.Fatalf("year file: derived %v, %d events (%d historical, %d retracted), want Central Park's 2", rep.Derived, rep.Events, rep.Historical, rep.Retracted)
	}
	evA, _, err := List(ctx, stA, Query{})
	if err != nil {
		t.Fatal(err)
	}

	// Store B: the station file with 1 February appended.
	if err := os.WriteFile(dly, append(append([]byte{}, real...), february2020("  300   ")...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := arc.Ingest(ctx, []stations.Source{{Path: dly}}); err != nil {
		t.Fatal(err)
	}
	evB, _, err := DetectStation(ctx, stB, arc, stationFileOf(t, dly), nil)
	if err != nil {
		t.Fatal(err)
	}

	if len(evA) != 2 || len(evB) != 2 {
		t.Fatalf("%d events from the year file, %d from the station file; want 2 each", len(evA), len(evB))
	}
	byKind := map[Kind]Event{}
	for _, e := range evB {
		byKind[e.Kind] = e
	}
	for _, a := range evA {
		b, ok := byKind[a.Kind]
		if !ok {
			t.Fatalf("year file event %s %s: no such event from the station file", a.Kind, a.Date)
		}
		if a.Indicator != b.Indicator || a.Entity != b.Entity || a.Direction != b.Direction || a.Date != b.Date || a.Value != b.Value ||
			a.Unit != b.Unit || *a.Previous != *b.Previous || *a.Margin != *b.Margin || a.Sentence != b.Sentence || a.Historical || b.Historical {
			t.Errorf("year file event %+v\n differs from the station file's %+v", a, b)
		}
		if a.Date != "2020-02-01" || a.Value != 30 || a.Entity != centralPark {
			t.Errorf("year file event %s on %s of %v at %s, want 30 on 2020-02-01 at Central Park", a.Kind, a.Date, a.Value, a.Entity)
		}
		if a.Version.ProducerVersion != "GHCN-Daily 2020.csv" || b.Version.ProducerVersion != "GHCN-Daily "+centralPark+".dly" {
			t.Errorf("versions %+v and %+v", a.Version, b.Version)
		}
	}
}
