package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

func TestStationsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	ret := time.Date(2020, 1, 7, 23, 0, 0, 0, time.UTC)
	meta := StationFile{Name: "ghcnd-stations.txt", Unit: "metadata", SHA256: "m1", Size: 100, Retrieved: ret, Ingested: ret}
	list := []StationMeta{
		{ID: "USW00094728", Name: "NY CITY CNTRL PARK", State: "NY", Latitude: 40.7789, Longitude: -73.9692, Elevation: 39.6, HCNCRN: "HCN", WMO: "72506"},
		{ID: "USW00014732", Name: "NY LAGUARDIA AP", State: "NY", Latitude: 40.7794, Longitude: -73.8803, Elevation: 3},
		{ID: "ASN00086071", Name: "MELBOURNE REGIONAL OFFICE", Latitude: -37.8075, Longitude: 144.97, Elevation: 31.2, GSN: true},
	}
	if err := s.ReplaceStations(ctx, "noaa-ghcn-daily", meta, list); err != nil {
		t.Fatal(err)
	}
	f := func(filter StationFilter, want ...string) {
		t.Helper()
		got, err := s.Stations(ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		if strings.Join(ids, " ") != strings.Join(want, " ") {
			t.Errorf("Stations(%+v) = %v, want %v", filter, ids, want)
		}
	}
	f(StationFilter{}, "ASN00086071", "USW00014732", "USW00094728")
	f(StationFilter{Country: "us"}, "USW00014732", "USW00094728")
	f(StationFilter{Name: "park"}, "USW00094728")
	f(StationFilter{Name: "%"})
	f(StationFilter{ID: "asn00086071"}, "ASN00086071")
	got, _ := s.Stations(ctx, StationFilter{ID: "ASN00086071"})
	if m := got[0]; m.Country != "AS" || !m.GSN || m.Latitude != -37.8075 || m.SourceFile != "ghcnd-stations.txt" {
		t.Errorf("Melbourne = %+v", m)
	}
	// A second metadata file updates a station and leaves the others.
	list[1].Name = "NEW YORK LAGUARDIA"
	meta2 := meta
	meta2.Name, meta2.SHA256 = "excerpt.txt", "m2"
	if err := s.ReplaceStations(ctx, "noaa-ghcn-daily", meta2, list[1:2]); err != nil {
		t.Fatal(err)
	}
	f(StationFilter{Name: "laguardia"}, "USW00014732")
	f(StationFilter{Country: "US"}, "USW00014732", "USW00094728")
	if err := s.ReplaceStations(ctx, "noaa-ghcn-daily", meta2, []StationMeta{{ID: "US1"}}); err == nil {
		t.Error("a short station id was accepted")
	}

	files := []StationFile{{Name: "USW00094728.dly", Unit: "station:USW00094728", SHA256: "aa", Size: 3, Retrieved: ret, Ingested: ret.Add(time.Hour), Values: 10, Missing: 2, Flagged: 1}}
	if err := s.RecordStationFiles(ctx, "noaa-ghcn-daily", files); err != nil {
		t.Fatal(err)
	}
	files[0].SHA256, files[0].Values = "bb", 11
	if err := s.RecordStationFiles(ctx, "noaa-ghcn-daily", files); err != nil {
		t.Fatal(err)
	}
	fs, err := s.StationFiles(ctx, "USW00094728.dly", "nope.dly")
	if err != nil || len(fs) != 1 {
		t.Fatalf("StationFiles = %+v, %v", fs, err)
	}
	if g := fs[0]; g.SHA256 != "bb" || g.Values != 11 || g.Missing != 2 || g.Flagged != 1 || !g.Retrieved.Equal(ret) ||
		!g.Ingested.Equal(ret.Add(time.Hour)) || g.Dataset != "noaa-ghcn-daily" || g.Unit != "station:USW00094728" {
		t.Errorf("StationFiles = %+v", g)
	}
	if all, _ := s.StationFiles(ctx); len(all) != 3 {
		t.Errorf("all station files = %d, want 3 (two metadata files and one data file)", len(all))
	}

	d := obs.NewDate(1936, 7, 9)
	recs := []StationRecord{
		{Station: "USW00094728", Element: "TMAX", Highest: true, Scope: "all-time", Value: 411, Date: d, Years: 151},
		{Station: "USW00094728", Element: "TMAX", Highest: true, Scope: "day", Month: 7, Day: 22, Value: 400, Date: obs.NewDate(2011, 7, 22), Years: 151},
		{Station: "USW00094728", Element: "TMIN", Highest: false, Scope: "all-time", Value: -261, Date: obs.NewDate(1934, 2, 9), Ties: []obs.Date{d, d + 1}, Years: 151},
		{Station: "USW00014732", Element: "TMAX", Highest: true, Scope: "all-time", Value: 400, Date: d, Years: 80},
	}
	if err := s.ReplaceStationRecords(ctx, []string{"USW00094728", "USW00014732"}, recs); err != nil {
		t.Fatal(err)
	}
	got2, err := s.StationRecordsOf(ctx, "USW00094728")
	if err != nil || len(got2) != 3 {
		t.Fatalf("StationRecordsOf = %+v, %v", got2, err)
	}
	if r := got2[0]; r.Element != "TMAX" || !r.Highest || r.Scope != "all-time" || r.Value != 411 || r.Date != d || r.Years != 151 {
		t.Errorf("first record = %+v", r)
	}
	if r := got2[2]; r.Value != -261 || len(r.Ties) != 2 || r.Ties[1] != d+1 {
		t.Errorf("TMIN record = %+v", r)
	}
	// Replacing one station's records deletes its old rows and leaves the other's.
	if err := s.ReplaceStationRecords(ctx, []string{"USW00094728"}, recs[:1]); err != nil {
		t.Fatal(err)
	}
	if g, _ := s.StationRecordsOf(ctx, "USW00094728"); len(g) != 1 {
		t.Errorf("after replace: %d records, want 1", len(g))
	}
	if g, _ := s.StationRecordsOf(ctx, "USW00014732"); len(g) != 1 || g[0].Value != 400 {
		t.Errorf("other station: %+v", g)
	}
	if err := s.ReplaceStationRecords(ctx, []string{"USW00094728"}, recs[3:]); err == nil {
		t.Error("a record of a station not replaced was accepted")
	}
}
