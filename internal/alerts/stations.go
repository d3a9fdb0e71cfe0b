package alerts

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// This file turns GHCN-Daily station records (internal/stations) into record
// events, stored and delivered by the same machinery as the indicators'
// events: the events table, the Atom feed, /api/events and the webhooks.
//
// A station event is a record set (never a tie: ties are not records) by a
// value of a station file, judged as of its own day, at a station whose
// length of record (stations.YearsOfRecord: years with an unflagged value
// of the element) is at least stations.DefaultMinYears years before the
// record's calendar year, as NOAA's records tools require 30 years. The
// rule depends on the record alone, not on the window it is checked in, so
// a re-scan over a longer window does not retract it. Its fields:
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
// year). Every later scan reconciles the station's events over a window
// that reaches back to its earliest stored event and to the day after the
// newest record the station held before the ingest (see stationWindow),
// with the indicators' reconciliation (reconcile, detect.go): new records
// are stored and delivered, events whose record no longer holds after a
// revision (the value changed, was removed or is now quality-flagged) are
// retracted, and retracted events whose record holds again are reinstated.
// Scans are idempotent: a station whose file content was already scanned is
// skipped, and an event already stored is not stored again.
//
// A year file (by_year/YYYY.csv) is scanned for every station it touches
// (stations.IngestReport.Touched: the stations with values in the file or,
// before it, in its year), each as a version of that station named after the
// year file. A record that a revision creates before both the station's
// earliest stored event and its last StationBaselineDays days is not
// announced: the window does not reach it.

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

// DetectStation reconciles the stored events of station f.Station with the
// records its values set, after the archive took in file f (a station file,
// or a year file touching the station); previous are the station's derived
// records as they stood before the file was ingested (nil when it had none).
//
// It uses the reconciliation of the indicators' events (reconcile in
// detect.go): within the station's event window (see stationWindow) a record
// not yet stored is inserted, a stored event whose record no longer holds (its
// value was revised, removed or quality-flagged, or an earlier value was
// revised to equal or beat it) is retracted with reason "revised", a retracted
// event whose record holds again is reinstated (the same event, not a new
// one), and an event whose previous holder or margin changed is updated. On
// a station's first scan everything found is stored as historical and nothing
// is delivered; later, new and reinstated events and retractions are queued
// for every webhook that takes their indicator, in the same transaction.
//
// It returns the events inserted or reinstated (on a first scan, every event
// stored, all historical) and the events retracted. A file content already
// scanned for the station is skipped, so running it twice changes nothing.
func DetectStation(ctx context.Context, st *store.Store, arc *stations.Archive, f StationFile, previous []stations.Record) (newEvents, retracted []Event, err error) {
	key := stationKey(f.Station)
	versions, err := st.Versions(ctx, key)
	if err != nil {
		return nil, nil, err
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
			return nil, nil, fmt.Errorf("station events of %s: version: %w", f.Station, err)
		}
		vid = res.VersionID
	}
	scanned, _, baselined, err := st.EventScan(ctx, key)
	if err != nil {
		return nil, nil, err
	}
	if baselined && scanned == vid {
		return nil, nil, nil
	}
	from, last, err := stationWindow(ctx, st, arc, f.Station, baselined, previous)
	if err != nil {
		return nil, nil, fmt.Errorf("station events of %s: %w", f.Station, err)
	}
	facts := map[string][]fact{} // by indicator
	if from <= last {
		// The length of record is judged per record, before its calendar
		// year (not before the window, as RecordsSet with MinYears would),
		// so that an event holds or not whatever window it is checked in.
		years, err := arc.YearsOfRecord(ctx, f.Station)
		if err != nil {
			return nil, nil, fmt.Errorf("station events of %s: %w", f.Station, err)
		}
		// Every extreme at every scope is asked in one call, which reads
		// the window's values and the stored extremes once; the answers
		// come back in the order asked, extreme by extreme.
		var qs []stations.Question
		for _, e := range stations.AllExtremes {
			for _, sc := range stations.AllScopes {
				qs = append(qs, stations.Question{Extreme: e, Scope: sc})
			}
		}
		answers, err := arc.RecordsSetMany(ctx, from, last, qs, stations.Query{Station: f.Station})
		if err != nil {
			return nil, nil, fmt.Errorf("station events of %s: %w", f.Station, err)
		}
		for _, rs := range answers {
			for _, r := range rs {
				if before, _ := slices.BinarySearch(years[r.Element], r.Date.Year()); !r.Tie && before >= stations.DefaultMinYears {
					facts[StationIndicator(r.Element)] = append(facts[StationIndicator(r.Element)], stationFact(r))
				}
			}
		}
	}
	tx, err := st.BeginEvents(ctx, time.Now())
	if err != nil {
		return nil, nil, err
	}
	defer tx.Rollback()
	ds := catalog.Dataset{ID: StationsDataset}
	var newIDs, retIDs []int64
	if from != math.MaxInt32 {
		for _, el := range stationElements() {
			ind := StationIndicator(el)
			inf := indFacts{ind: catalog.Indicator{ID: ind}, unit: stationUnit(el), freq: obs.Daily, partial: true,
				series: []seriesFacts{{entity: f.Station, from: from, facts: facts[ind]}}}
			n, r, err := reconcile(tx, ds, inf, analysis.Smoothing{}, vid, !baselined, from)
			if err != nil {
				return nil, nil, fmt.Errorf("station events of %s: %w", f.Station, err)
			}
			newIDs, retIDs = append(newIDs, n...), append(retIDs, r...)
			if !baselined {
				// reconcile returns no ids for a baseline; its events are
				// the station's stored ones in the window.
				rows, err := tx.StoredEvents(ind, from)
				if err != nil {
					return nil, nil, err
				}
				for _, row := range rows {
					if row.Entity == f.Station && !row.Retracted() {
						newIDs = append(newIDs, row.ID)
					}
				}
			}
		}
	}
	if !baselined {
		if err := tx.MarkBaseline(key, vid); err != nil {
			return nil, nil, err
		}
	}
	if err := tx.MarkScanned(key, vid); err != nil {
		return nil, nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, nil, err
	}
	if newEvents, err = loadEvents(ctx, st, newIDs); err != nil {
		return nil, nil, err
	}
	if retracted, err = loadEvents(ctx, st, retIDs); err != nil {
		return nil, nil, err
	}
	return newEvents, retracted, nil
}

// stationElements lists the GHCN elements whose records make events: the
// elements of stations.AllExtremes, each once, in their order.
func stationElements() []string {
	var out []string
	for _, e := range stations.AllExtremes {
		if !slices.Contains(out, e.Element) {
			out = append(out, e.Element)
		}
	}
	return out
}

// stationWindow returns the days [from, last] whose records DetectStation
// reconciles for a station: last is the station's last day with a value.
// On a first scan from is StationBaselineDays days before it. Later, from is
// the earliest of that day, the day after the newest of the previous
// derived records (ties included: no day after it set any record, so every
// record found later was set by new values, however many days the file
// added) and the date of the station's earliest stored event (retracted ones
// included), so every stored event is checked again. A station left without
// values (a year file removed its last ones) has last math.MinInt32, so its
// stored events are all retracted; from is math.MaxInt32 when there is
// nothing to reconcile.
func stationWindow(ctx context.Context, st *store.Store, arc *stations.Archive, station string, baselined bool, previous []stations.Record) (from, last obs.Date, err error) {
	last, err = arc.LastDate(ctx, station)
	empty := errors.Is(err, stations.ErrNoStation) || errors.Is(err, stations.ErrEmpty)
	if err != nil && !empty {
		return 0, 0, err
	}
	from = obs.Date(math.MaxInt32)
	if empty {
		last = math.MinInt32
	} else {
		from = last - StationBaselineDays + 1
	}
	if !baselined {
		return from, last, nil
	}
	if len(previous) > 0 && !empty {
		newest := obs.Date(math.MinInt32)
		for _, r := range previous {
			newest = max(newest, r.Date)
			for _, t := range r.Ties {
				newest = max(newest, t)
			}
		}
		from = min(from, newest+1)
	}
	var inds []string
	for _, el := range stationElements() {
		inds = append(inds, StationIndicator(el))
	}
	rows, err := st.Events(ctx, store.EventFilter{Indicators: inds, Historical: true})
	if err != nil {
		return 0, 0, err
	}
	for _, r := range rows {
		if r.Dataset == StationsDataset && r.Entity == station {
			from = min(from, r.Date)
		}
	}
	return from, last, nil
}

// stationFact converts a record set (not a tie) into the fact its event
// states: values in °C or mm (GHCN's tenths divided by ten), the previous
// holder and the margin rounded to a tenth.
func stationFact(r stations.SetRecord) fact {
	dir := "min"
	if r.Highest {
		dir = "max"
	}
	v, p := float64(r.Value)/10, float64(r.Previous)/10
	return fact{kind: scopeKinds[r.Scope], dir: dir, date: r.Date, value: v, hasPrev: true, prevDate: r.PreviousDate, prevValue: p,
		margin: math.Round(math.Abs(v-p)*10) / 10}
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
// ingest.IngestStations): it runs DetectStation on the station's values
// after file f and counts the events it stored or reinstated, how many of
// those are historical, and the events it retracted.
func StationHook(ctx context.Context, st *store.Store, arc *stations.Archive, station string, f stations.FileProvenance,
	path string, previous []stations.Record) (events, historical, retracted int, err error) {
	evs, ret, err := DetectStation(ctx, st, arc, StationFile{Station: station, Name: f.Name, Source: path, SHA256: f.SHA256,
		Size: f.Size, Retrieved: f.Retrieved, Values: f.Stats.Values}, previous)
	for _, e := range evs {
		if e.Historical {
			historical++
		}
	}
	return len(evs), historical, len(ret), err
}
