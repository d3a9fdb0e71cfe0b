package alerts

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// This file turns GHCN-Daily station records (internal/stations) into record
// events, stored and delivered by the same machinery as the indicators'
// events: the events table, the Atom feed, /api/events and the webhooks.
//
// A station event is a record set (never a tie: ties are not records) by a
// value of a station file, judged as of its own day with the station's
// length of record of at least stations.DefaultMinYears years before the
// day, as NOAA's records tools do. Its fields:
//
//   - Dataset StationsDataset; Indicator StationIndicator(element), e.g.
//     "ghcnd.tmax"; Entity the station id.
//   - Kind record-all-time, record-month-daily (StationMonthRecord) or
//     record-day, by the record's scope;
//     Direction max (highest) or min (lowest); Date the day it was set.
//   - Value and Previous in °C (unit "degC") for temperatures and mm for
//     precipitation (GHCN's tenths divided by ten); Margin their distance.
//   - Version a dataset version named "ghcnd:<station id>" per station file
//     content (producer version "GHCN-Daily <file name>", its sha256), which
//     is also the key of the station's baseline and scan markers.
//
// Baseline: the first scan of a station stores, as historical (never
// delivered), the records set in the last StationBaselineDays days of its
// data (a year: the events a station page and the map show for the past
// year). Later scans store the records set after the newest record the
// station held before the ingest (the latest date, ties included, of its
// stored derived records): no day after that date set any record, so every
// record found from there on was set by newly ingested values. Scans are
// idempotent: a station whose file content was already scanned is skipped,
// and an event already stored is not stored again.
//
// Not handled yet: retraction of a station event when a revised file no
// longer supports it, and year files (by_year/YYYY.csv), whose stations are
// not known without reading them.

// StationsDataset is the dataset id of GHCN-Daily station events (the same
// id under which the station files are recorded).
const StationsDataset = "noaa-ghcn-daily"

// StationBaselineDays is how many days, ending on the station's last day
// with a value, the first scan of a station looks at.
const StationBaselineDays = 366

// StationIndicator returns the indicator id of a GHCN element's events,
// e.g. "ghcnd.tmax" for TMAX.
func StationIndicator(element string) string { return "ghcnd." + strings.ToLower(element) }

// stationKey returns the dataset id of a station's versions and markers.
func stationKey(station string) string { return "ghcnd:" + station }

// StationMonthRecord is the kind of a station's month-scope record: a daily
// value beyond every earlier day of the same calendar month (not a monthly
// mean, as record-month is), dated by its day.
const StationMonthRecord Kind = "record-month-daily"

var scopeKinds = map[stations.Scope]Kind{stations.AllTime: AllTime, stations.Month: StationMonthRecord, stations.Day: DayRecord}

// StationFile is the provenance of one station data file, as the archive's
// manifest and the store's station_files table hold it.
type StationFile struct {
	Station   string    // GHCN station id, e.g. USW00094728
	Name      string    // base name, e.g. USW00094728.dly
	Source    string    // path it was read from
	SHA256    string    // hex, of the bytes as read
	Size      int64     // bytes
	Retrieved time.Time // when it was retrieved
	Values    int       // values it holds
}

// stationUnit returns the unit of an element's event values: mm for
// precipitation, degC (the catalog's unit of temperatures) otherwise.
func stationUnit(element string) string {
	if element == "PRCP" {
		return "mm"
	}
	return "degC"
}

// DetectStation stores as events the records set at f.Station by the values
// of its file f, which the archive holds now; previous are the station's
// derived records as they stood before the file was ingested (nil when it
// had none). It returns the events inserted, historical ones included (see
// the file comment for the rules); non-historical ones are queued for every
// webhook that takes their indicator, in the same transaction.
func DetectStation(ctx context.Context, st *store.Store, arc *stations.Archive, f StationFile, previous []stations.Record) ([]Event, error) {
	key := stationKey(f.Station)
	versions, err := st.Versions(ctx, key)
	if err != nil {
		return nil, err
	}
	var vid int64
	for _, v := range versions {
		if v.SHA256 == f.SHA256 {
			vid = v.ID
			break
		}
	}
	if vid == 0 {
		res, err := st.Ingest(ctx, store.VersionInfo{Dataset: key, ProducerVersion: "GHCN-Daily " + f.Name, Source: f.Source,
			SHA256: f.SHA256, Size: f.Size, Retrieved: f.Retrieved}, &obs.Parsed{}, store.Merge)
		if err != nil {
			return nil, fmt.Errorf("station events of %s: version: %w", f.Station, err)
		}
		vid = res.VersionID
	}
	scanned, _, baselined, err := st.EventScan(ctx, key)
	if err != nil {
		return nil, err
	}
	if baselined && scanned == vid {
		return nil, nil
	}
	last, err := arc.LastDate(ctx, f.Station)
	if err != nil {
		return nil, fmt.Errorf("station events of %s: %w", f.Station, err)
	}
	from := last - StationBaselineDays + 1
	if baselined && len(previous) > 0 {
		newest := obs.Date(math.MinInt32)
		for _, r := range previous {
			newest = max(newest, r.Date)
			for _, t := range r.Ties {
				newest = max(newest, t)
			}
		}
		from = newest + 1
	}
	var found []stations.SetRecord
	if from <= last {
		for _, e := range stations.AllExtremes {
			for _, sc := range stations.AllScopes {
				rs, err := arc.RecordsSet(ctx, from, last, e, sc, stations.Query{MinYears: stations.DefaultMinYears, Station: f.Station})
				if err != nil {
					return nil, fmt.Errorf("station events of %s: %w", f.Station, err)
				}
				for _, r := range rs {
					if !r.Tie {
						found = append(found, r)
					}
				}
			}
		}
	}
	tx, err := st.BeginEvents(ctx, time.Now())
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	type slot struct {
		kind, dir string
		date      obs.Date
	}
	stored := map[string]map[slot]bool{} // by indicator
	var ids []int64
	for _, r := range found {
		ind := StationIndicator(r.Element)
		if stored[ind] == nil {
			rows, err := tx.StoredEvents(ind, from)
			if err != nil {
				return nil, err
			}
			stored[ind] = map[slot]bool{}
			for _, row := range rows {
				if row.Entity == f.Station {
					stored[ind][slot{row.Kind, row.Direction, row.Date}] = true
				}
			}
		}
		row := stationRow(r, vid, !baselined)
		k := slot{row.Kind, row.Direction, row.Date}
		if stored[ind][k] {
			continue
		}
		id, err := tx.InsertEvent(row)
		if err != nil {
			return nil, fmt.Errorf("station event %s: %w", r.UID(), err)
		}
		stored[ind][k] = true
		if baselined {
			if err := tx.QueueDeliveries(id, ind, "new"); err != nil {
				return nil, err
			}
		}
		ids = append(ids, id)
	}
	if !baselined {
		if err := tx.MarkBaseline(key, vid); err != nil {
			return nil, err
		}
	}
	if err := tx.MarkScanned(key, vid); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	out := make([]Event, 0, len(ids))
	for _, id := range ids {
		e, err := Get(ctx, st, id)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// stationRow converts a record set into an event row.
func stationRow(r stations.SetRecord, versionID int64, historical bool) store.EventRow {
	dir := "min"
	if r.Highest {
		dir = "max"
	}
	v, p := float64(r.Value)/10, float64(r.Previous)/10
	return store.EventRow{Dataset: StationsDataset, Indicator: StationIndicator(r.Element), Entity: r.Station,
		Kind: string(scopeKinds[r.Scope]), Direction: dir, Date: r.Date, Value: v, Unit: stationUnit(r.Element),
		Frequency: obs.Daily, Smoothing: "none", HasPrev: true, PrevDate: r.PreviousDate, PrevValue: p,
		Margin: math.Round(math.Abs(v-p)*10) / 10, VersionID: versionID, Historical: historical}
}

// stationRecordOf rebuilds the record a station event states, for its
// sentence; ok is false when e is not a station event.
func stationRecordOf(e Event) (stations.SetRecord, bool) {
	el, ok := strings.CutPrefix(e.Indicator, "ghcnd.")
	if e.Dataset != StationsDataset || !ok || e.Previous == nil {
		return stations.SetRecord{}, false
	}
	r := stations.SetRecord{Record: stations.Record{Station: e.Entity, Element: strings.ToUpper(el), Highest: e.Direction == "max",
		Value: int32(math.Round(e.Value * 10)), Date: e.date}, Previous: int32(math.Round(e.Previous.Value * 10))}
	for sc, k := range scopeKinds {
		if k == e.Kind {
			r.Scope = sc
		}
	}
	if r.Scope == "" {
		return stations.SetRecord{}, false
	}
	if r.Scope != stations.AllTime {
		_, m, d := e.date.YMD()
		r.Month = m
		if r.Scope == stations.Day {
			r.Day = d
		}
	}
	pd, err := obs.ParseDate(e.Previous.Date)
	if err != nil {
		return stations.SetRecord{}, false
	}
	r.PreviousDate = pd
	return r, true
}

// stationSentence returns the sentence of a station event (naming the
// station by its id) and true, or "" and false for other events.
func stationSentence(e Event) (string, bool) {
	r, ok := stationRecordOf(e)
	if !ok {
		return "", false
	}
	return r.Sentence(""), true
}

// StationHook is an ingest.StationHook (the CLI passes it to
// ingest.IngestStations): it runs DetectStation on the station's file and
// counts the events stored.
func StationHook(ctx context.Context, st *store.Store, arc *stations.Archive, station string, f stations.FileProvenance,
	path string, previous []stations.Record) (events, historical int, err error) {
	evs, err := DetectStation(ctx, st, arc, StationFile{Station: station, Name: f.Name, Source: path, SHA256: f.SHA256,
		Size: f.Size, Retrieved: f.Retrieved, Values: f.Stats.Values}, previous)
	for _, e := range evs {
		if e.Historical {
			historical++
		}
	}
	return len(evs), historical, err
}
