package ingest

import (
	"context"
	"os"
	"path/filepath"
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
