package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stocktake/stocktake/internal/parse/ghcnd"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// StationsDataset is the dataset id under which GHCN-Daily station files are
// recorded in the store.
const StationsDataset = "noaa-ghcn-daily"

// StationCatalog adapts *store.Store to stations.Catalog: the store and the
// archive are siblings that do not import each other, so the conversion of
// their types lives here.
type StationCatalog struct{ Store *store.Store }

var _ stations.Catalog = StationCatalog{}

// StoreFile converts an archive file's provenance to the store's row.
func StoreFile(dataset string, f stations.FileProvenance) store.StationFile {
	return store.StationFile{Name: f.Name, Dataset: dataset, Unit: f.Unit, SHA256: f.SHA256, Size: f.Size,
		Retrieved: f.Retrieved, Ingested: f.Ingested, Values: f.Stats.Values, Missing: f.Stats.Missing, Flagged: f.Stats.Flagged}
}

// RecordStationFiles implements stations.Catalog.
func (c StationCatalog) RecordStationFiles(ctx context.Context, dataset string, files []stations.FileProvenance) error {
	out := make([]store.StationFile, len(files))
	for i, f := range files {
		out[i] = StoreFile(dataset, f)
	}
	return c.Store.RecordStationFiles(ctx, dataset, out)
}

// ReplaceStationRecords implements stations.Catalog.
func (c StationCatalog) ReplaceStationRecords(ctx context.Context, sts []string, recs []stations.Record) error {
	out := make([]store.StationRecord, len(recs))
	for i, r := range recs {
		out[i] = store.StationRecord{Station: r.Station, Element: r.Element, Highest: r.Highest, Scope: string(r.Scope),
			Month: r.Month, Day: r.Day, Value: r.Value, Date: r.Date, Ties: r.Ties, Years: r.Years}
	}
	return c.Store.ReplaceStationRecords(ctx, sts, out)
}

// StationHook is called by IngestStations for a station whose values file
// f (read from path; a station file or a year file touching the station)
// changed: it returns how many record events it stored or reinstated, how
// many of them are historical, and how many it retracted.
type StationHook func(ctx context.Context, st *store.Store, arc *stations.Archive, station string, f stations.FileProvenance,
	path string, previous []stations.Record) (events, historical, retracted int, err error)

// StationsReport says what IngestStations did.
type StationsReport struct {
	Metadata  []store.StationFile       `json:"metadata"`  // metadata files read, with provenance
	Stations  int                       `json:"stations"`  // station lines read from them
	Ingested  []stations.FileProvenance `json:"ingested"`  // data files written into the archive
	Unchanged []string                  `json:"unchanged"` // data files whose checksum matched the archive
	Derived   []string                  `json:"derived"`   // stations whose derived records were recomputed
	Records   int                       `json:"records"`   // derived records stored for them
	// Events counts the record events stored for the stations' new values
	// (alerts.DetectStation); Historical of them are a first scan's, not
	// delivered.
	Events     int `json:"events"`
	Historical int `json:"historical"`
	// Retracted counts the stored events retracted because a revised file
	// no longer supports them.
	Retracted int `json:"retracted"`
}

var metaName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ghcnd-stations.*\.txt$`) })

// dataName matches the GHCN-Daily data files the archive reads.
var dataName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9]{11}\.(dly|csv)|\d{4}\.csv)(\.gz)?$`) })

// StationInputs expands the given paths: a folder contributes its station
// metadata files (ghcnd-stations*.txt) and data files (ID.dly, ID.csv,
// YYYY.csv, optionally .gz) and ignores the rest; a file is taken as given
// and must be one of those kinds.
func StationInputs(paths []string) (meta, data []string, err error) {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !fi.IsDir() {
			switch name := filepath.Base(p); {
			case metaName().MatchString(name):
				meta = append(meta, p)
			case dataName().MatchString(name):
				data = append(data, p)
			default:
				return nil, nil, fmt.Errorf("%s: neither a station metadata file (ghcnd-stations*.txt) nor a GHCN-Daily data file (ID.dly, ID.csv, YYYY.csv, optionally .gz)", p)
			}
			continue
		}
		ents, err := os.ReadDir(p)
		if err != nil {
			return nil, nil, err
		}
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			switch name := e.Name(); {
			case metaName().MatchString(name):
				meta = append(meta, filepath.Join(p, name))
			case dataName().MatchString(name):
				data = append(data, filepath.Join(p, name))
			}
		}
	}
	return meta, data, nil
}

// IngestStations reads station metadata files into the store's stations
// table and data files into the archive, records every data file's
// provenance in the store, and recomputes the stored derived records
// (stations.DerivedRecords, every extreme and scope, no minimum length of
// record: each record keeps its station's length so readers can apply one)
// of each station whose values changed (the station of a station file,
// every station a year file touched: stations.IngestReport.Touched) or that
// has none stored yet. Retrieval times are the files' modification times.
//
// Each hook (alerts.StationHook in the CLI, which stores record events) is
// called for every such station whose data file is known, after the archive
// holds the file and before the station's derived records are replaced;
// previous are those records as they stood. A station touched by several
// files of one ingest is called once, with the last file applied (year files
// are applied after station files, in year order).
func IngestStations(ctx context.Context, st *store.Store, arc *stations.Archive, paths []string, hooks ...StationHook) (*StationsReport, error) {
	meta, data, err := StationInputs(paths)
	if err != nil {
		return nil, err
	}
	if len(meta)+len(data) == 0 {
		return nil, fmt.Errorf("%s: no station metadata or data files", strings.Join(paths, ", "))
	}
	rep := &StationsReport{Metadata: []store.StationFile{}, Ingested: []stations.FileProvenance{}, Unchanged: []string{}, Derived: []string{}}
	for _, p := range meta {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		list, err := ghcnd.ParseStations(p, strings.NewReader(string(b)))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		f := store.StationFile{Name: filepath.Base(p), Dataset: StationsDataset, Unit: "metadata", SHA256: hex.EncodeToString(sum[:]),
			Size: int64(len(b)), Retrieved: fi.ModTime().UTC(), Ingested: time.Now().UTC(), Values: len(list)}
		ms := make([]store.StationMeta, len(list))
		for i, s := range list {
			ms[i] = store.StationMeta{ID: s.ID, Country: s.Country(), Name: s.Name, State: s.State, Latitude: s.Latitude,
				Longitude: s.Longitude, Elevation: s.Elevation, GSN: s.GSN, HCNCRN: s.HCNCRN, WMO: s.WMO}
		}
		if err := st.ReplaceStations(ctx, StationsDataset, f, ms); err != nil {
			return nil, err
		}
		rep.Metadata = append(rep.Metadata, f)
		rep.Stations += len(list)
	}
	if len(data) == 0 {
		return rep, nil
	}
	srcs := make([]stations.Source, len(data))
	for i, p := range data {
		srcs[i] = stations.Source{Path: p}
	}
	ar, err := arc.Ingest(ctx, srcs)
	if ar != nil {
		rep.Ingested = append(rep.Ingested, ar.Ingested...)
		rep.Unchanged = append(rep.Unchanged, ar.Unchanged...)
	}
	cat := StationCatalog{st}
	// Record what was ingested even when a later batch failed: those files
	// are in the archive.
	if ar != nil && len(ar.Ingested) > 0 {
		if rerr := cat.RecordStationFiles(ctx, StationsDataset, ar.Ingested); rerr != nil && err == nil {
			err = rerr
		}
	}
	if err != nil {
		return rep, err
	}
	// Unchanged files are recorded too, from the archive's manifest, so a
	// new database beside an existing archive gets their provenance.
	given := map[string]bool{}
	for _, n := range ar.Unchanged {
		given[n] = true
	}
	var known []stations.FileProvenance
	for _, f := range arc.Files() {
		if given[f.Name] {
			known = append(known, f)
		}
	}
	if len(known) > 0 {
		if err := cat.RecordStationFiles(ctx, StationsDataset, known); err != nil {
			return rep, err
		}
	}
	todo := map[string]bool{}
	fileOf := map[string]stations.FileProvenance{} // by station id
	for _, f := range append(append([]stations.FileProvenance{}, known...), ar.Ingested...) {
		if id, ok := strings.CutPrefix(f.Unit, "station:"); ok {
			fileOf[id] = f
		}
	}
	pathOf := map[string]string{}
	for _, p := range data {
		pathOf[filepath.Base(p)] = p
	}
	for _, f := range ar.Ingested {
		for _, id := range ar.Touched[f.Name] {
			todo[id] = true
			fileOf[id] = f
		}
	}
	for _, f := range known {
		if id, ok := strings.CutPrefix(f.Unit, "station:"); ok {
			have, err := st.StationRecordsOf(ctx, id)
			if err != nil {
				return rep, err
			}
			if len(have) == 0 {
				todo[id] = true
			}
		}
	}
	ids := make([]string, 0, len(todo))
	for id := range todo {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		recs, err := arc.DerivedRecords(ctx, id, stations.Query{})
		if errors.Is(err, stations.ErrNoStation) || errors.Is(err, stations.ErrEmpty) {
			// A year file removed the station's last values: its records go.
			recs, err = nil, nil
		}
		if err != nil {
			return rep, fmt.Errorf("derived records of %s: %w", id, err)
		}
		// Record events are judged against the derived records as they
		// stood before this ingest, so they are detected before those are
		// replaced (a failure leaves both for the next run to redo).
		if f, ok := fileOf[id]; ok {
			stored, err := st.StationRecordsOf(ctx, id)
			if err != nil {
				return rep, err
			}
			prev := make([]stations.Record, len(stored))
			for i, r := range stored {
				prev[i] = stations.Record{Station: r.Station, Element: r.Element, Highest: r.Highest, Scope: stations.Scope(r.Scope),
					Month: r.Month, Day: r.Day, Value: r.Value, Date: r.Date, Ties: r.Ties, Years: r.Years}
			}
			for _, h := range hooks {
				n, hist, ret, err := h(ctx, st, arc, id, f, pathOf[f.Name], prev)
				if err != nil {
					return rep, err
				}
				rep.Events, rep.Historical, rep.Retracted = rep.Events+n, rep.Historical+hist, rep.Retracted+ret
			}
		}
		if err := cat.ReplaceStationRecords(ctx, []string{id}, recs); err != nil {
			return rep, err
		}
		rep.Derived = append(rep.Derived, id)
		rep.Records += len(recs)
	}
	return rep, nil
}
