package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestIngestStationsCentralPark ingests the real Central Park file and the
// stations excerpt, then checks the stored metadata, provenance and the
// all-time TMAX record (41.1 °C on 1936-07-09, per NWS New York), and that a
// second run changes nothing but keeps the provenance.
func TestIngestStationsCentralPark(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	arc, err := stations.Open(t.TempDir(), stations.Options{Buckets: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	dir := filepath.Join(testutil.SharedData(t), "noaa-ghcn-daily")
	rep, err := IngestStations(ctx, st, arc, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Metadata) != 1 || rep.Stations < 10 || len(rep.Ingested) != 1 || rep.Ingested[0].Name != "USW00094728.dly" {
		t.Fatalf("report = %+v", rep)
	}
	if len(rep.Derived) != 1 || rep.Records < 366*2 {
		t.Fatalf("derived = %v, %d records", rep.Derived, rep.Records)
	}
	ms, err := st.Stations(ctx, store.StationFilter{ID: "USW00094728"})
	if err != nil || len(ms) != 1 || ms[0].Name != "NY CITY CNTRL PARK" || ms[0].Country != "US" {
		t.Fatalf("station = %+v, %v", ms, err)
	}
	fs, err := st.StationFiles(ctx, "USW00094728.dly")
	if err != nil || len(fs) != 1 {
		t.Fatalf("files = %+v, %v", fs, err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "USW00094728.dly"))
	if fs[0].Size != int64(len(b)) || fs[0].SHA256 != rep.Ingested[0].SHA256 || fs[0].Unit != "station:USW00094728" || fs[0].Flagged != 128 {
		t.Errorf("file provenance = %+v", fs[0])
	}
	recs, err := st.StationRecordsOf(ctx, "USW00094728")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		if r.Element == "TMAX" && r.Highest && r.Scope == "all-time" {
			found = true
			if r.Value != 411 || r.Date != obs.NewDate(1936, 7, 9) {
				t.Errorf("all-time TMAX = %d on %s, want 411 on 1936-07-09", r.Value, r.Date)
			}
		}
	}
	if !found {
		t.Error("no all-time TMAX record stored")
	}
	rep2, err := IngestStations(ctx, st, arc, []string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep2.Ingested) != 0 || len(rep2.Unchanged) != 1 || len(rep2.Derived) != 0 {
		t.Errorf("second run = %+v", rep2)
	}
	if _, err := IngestStations(ctx, st, arc, []string{filepath.Join(dir, "ghcnd-readme.txt")}); err == nil {
		t.Error("a readme was accepted as input")
	}
}

// TestIngestStationsYearFile checks that a year file (by_year/YYYY.csv)
// reaches every station it touches: the hook is called, and the derived
// records recomputed, for each station with values in the file, and, when
// a revised file drops a station, for that station too (it lost its values
// of the year, so its records are removed).
func TestIngestStationsYearFile(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	arc, err := stations.Open(t.TempDir(), stations.Options{Buckets: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	type call struct {
		station, file string
		previous      int
	}
	var calls []call
	hook := func(ctx context.Context, st *store.Store, arc *stations.Archive, station string, f stations.FileProvenance,
		path string, previous []stations.Record) (int, int, int, error) {
		if filepath.Base(path) != f.Name {
			t.Errorf("hook for %s: path %s, file %s", station, path, f.Name)
		}
		calls = append(calls, call{station, f.Name, len(previous)})
		return 1, 0, 0, nil
	}
	path := filepath.Join(t.TempDir(), "2019.csv")
	write := func(lines ...string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	const a, b = "USC00000001", "USC00000002"
	write(a+",20190701,TMAX,305,,,,", a+",20190702,TMAX,312,,,,", b+",20190701,TMAX,-12,,,,")
	rep, err := IngestStations(ctx, st, arc, []string{path}, hook)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(calls); got != "[{"+a+" 2019.csv 0} {"+b+" 2019.csv 0}]" || strings.Join(rep.Derived, ",") != a+","+b || rep.Events != 2 {
		t.Fatalf("first year file: hook calls %s, derived %v, %d events", got, rep.Derived, rep.Events)
	}
	recs, err := st.StationRecordsOf(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	high := false
	for _, r := range recs {
		if r.Element == "TMAX" && r.Highest && r.Scope == "all-time" {
			high = r.Value == 312 && r.Date == obs.NewDate(2019, 7, 2)
		}
	}
	if !high {
		t.Errorf("station %s's derived records lack the all-time high 312 on 2019-07-02: %+v", a, recs)
	}

	// The revision drops station b: both are touched, b's records go.
	calls = nil
	write(a+",20190701,TMAX,305,,,,", a+",20190702,TMAX,299,,,,")
	_, err = IngestStations(ctx, st, arc, []string{path}, hook)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(calls); len(calls) != 2 || calls[0].station != a || calls[1].station != b || calls[0].previous == 0 || calls[1].previous == 0 {
		t.Fatalf("revised year file: hook calls %s, want both stations with their previous records", got)
	}
	if recs, err := st.StationRecordsOf(ctx, b); err != nil || len(recs) != 0 {
		t.Errorf("station %s, without values now, keeps %d derived records (%v)", b, len(recs), err)
	}
	if recs, err := st.StationRecordsOf(ctx, a); err != nil || len(recs) == 0 {
		t.Errorf("station %s: %d derived records (%v)", a, len(recs), err)
	}

	// The same file again touches nothing.
	calls = nil
	if rep, err = IngestStations(ctx, st, arc, []string{path}, hook); err != nil || len(calls) != 0 || len(rep.Unchanged) != 1 {
		t.Errorf("unchanged year file: %d hook calls, report %+v (%v)", len(calls), rep, err)
	}
}
