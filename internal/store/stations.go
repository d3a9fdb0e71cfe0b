package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// StationMeta is one GHCN-Daily station as stored (a line of
// ghcnd-stations.txt): coordinates in decimal degrees, elevation in metres
// (-999.9 when NOAA has none), and the metadata file it came from.
type StationMeta struct {
	ID         string  `json:"id"`
	Country    string  `json:"country"` // FIPS code: the first two characters of ID
	Name       string  `json:"name"`
	State      string  `json:"state,omitempty"`
	Latitude   float64 `json:"latitude"`
	Longitude  float64 `json:"longitude"`
	Elevation  float64 `json:"elevation_m"`
	GSN        bool    `json:"gsn"`
	HCNCRN     string  `json:"hcn_crn,omitempty"`
	WMO        string  `json:"wmo,omitempty"`
	SourceFile string  `json:"source_file"` // name of the station_files row of the metadata file
}

// StationFile is the provenance of one file read into the station archive
// or the stations table: the newest ingest of a file name.
type StationFile struct {
	Name      string    `json:"name"`
	Dataset   string    `json:"dataset"`
	Unit      string    `json:"unit"` // "station:ID", "year:YYYY" or "metadata"
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	Retrieved time.Time `json:"retrieved"`
	Ingested  time.Time `json:"ingested"`
	Values    int       `json:"values"`
	Missing   int       `json:"missing"`
	Flagged   int       `json:"flagged"`
}

// StationRecord is a derived station record as stored: the store's copy of
// a stations.Record (the store does not import the archive package).
// Values are in GHCN units: tenths of °C for temperatures, tenths of mm for
// precipitation.
type StationRecord struct {
	Station string
	Element string
	Highest bool
	Scope   string // "all-time", "month" or "day"
	Month   int    // 0 for the all-time scope
	Day     int    // 0 unless the scope is "day"
	Value   int32
	Date    obs.Date
	Ties    []obs.Date
	Years   int
}

// StationFilter selects stations; empty fields select everything. ID and
// Country match exactly (case-insensitive); Name matches a substring
// (case-insensitive).
type StationFilter struct {
	ID      string
	Name    string
	Country string
}

const stationFileUpsert = `INSERT INTO station_files
	(name, dataset, unit, sha256, size, retrieved_at, ingested_at, value_count, missing_count, flagged_count)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (name) DO UPDATE SET dataset = excluded.dataset, unit = excluded.unit, sha256 = excluded.sha256,
	size = excluded.size, retrieved_at = excluded.retrieved_at, ingested_at = excluded.ingested_at,
	value_count = excluded.value_count, missing_count = excluded.missing_count, flagged_count = excluded.flagged_count`

func upsertStationFile(ctx context.Context, tx *wtx, dataset string, f StationFile) error {
	if f.Name == "" || f.SHA256 == "" {
		return fmt.Errorf("store: station file %q: name and sha256 are required", f.Name)
	}
	_, err := tx.ExecContext(ctx, stationFileUpsert, f.Name, dataset, f.Unit, f.SHA256, f.Size,
		f.Retrieved.UTC().Format(time.RFC3339Nano), f.Ingested.UTC().Format(time.RFC3339Nano), f.Values, f.Missing, f.Flagged)
	if err != nil {
		return fmt.Errorf("store: station file %s: %w", f.Name, err)
	}
	return nil
}

// RecordStationFiles records the provenance of files ingested into the
// station archive under dataset, one row per file name, replacing the row of
// an earlier ingest of the same name, in one transaction.
func (s *Store) RecordStationFiles(ctx context.Context, dataset string, files []StationFile) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, f := range files {
		if err := upsertStationFile(ctx, tx, dataset, f); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ReplaceStations upserts station metadata read from one metadata file and
// records that file's provenance, in one transaction. Stations not in list
// keep their rows (an excerpt of ghcnd-stations.txt adds to, never removes).
func (s *Store) ReplaceStations(ctx context.Context, dataset string, file StationFile, list []StationMeta) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := upsertStationFile(ctx, tx, dataset, file); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO stations
		(id, country, name, state, latitude, longitude, elevation, gsn, hcn_crn, wmo, source_file)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET country = excluded.country, name = excluded.name, state = excluded.state,
		latitude = excluded.latitude, longitude = excluded.longitude, elevation = excluded.elevation,
		gsn = excluded.gsn, hcn_crn = excluded.hcn_crn, wmo = excluded.wmo, source_file = excluded.source_file`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, m := range list {
		if len(m.ID) != 11 {
			return fmt.Errorf("store: station id %q: want 11 characters", m.ID)
		}
		if _, err := st.ExecContext(ctx, m.ID, m.ID[:2], m.Name, m.State, m.Latitude, m.Longitude, m.Elevation,
			boolInt(m.GSN), m.HCNCRN, m.WMO, file.Name); err != nil {
			return fmt.Errorf("store: station %s: %w", m.ID, err)
		}
	}
	return tx.Commit()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ReplaceStationRecords replaces every derived record of the named stations
// with recs in one transaction: rows of those stations not in recs are
// deleted. Every record must belong to one of the named stations.
func (s *Store) ReplaceStationRecords(ctx context.Context, stations []string, recs []StationRecord) error {
	named := map[string]bool{}
	for _, st := range stations {
		named[st] = true
	}
	for _, r := range recs {
		if !named[r.Station] {
			return fmt.Errorf("store: station record of %s: station not among those replaced", r.Station)
		}
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, st := range stations {
		if _, err := tx.ExecContext(ctx, `DELETE FROM station_records WHERE station = ?`, st); err != nil {
			return fmt.Errorf("store: station records of %s: %w", st, err)
		}
	}
	ins, err := tx.PrepareContext(ctx, `INSERT INTO station_records
		(station, element, highest, scope, month, day, value, date, ties, years) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	for _, r := range recs {
		ties := make([]string, len(r.Ties))
		for i, d := range r.Ties {
			ties[i] = strconv.Itoa(int(d))
		}
		if _, err := ins.ExecContext(ctx, r.Station, r.Element, boolInt(r.Highest), r.Scope, r.Month, r.Day,
			int64(r.Value), int64(r.Date), strings.Join(ties, ","), r.Years); err != nil {
			return fmt.Errorf("store: station record %s %s %s %d-%d: %w", r.Station, r.Element, r.Scope, r.Month, r.Day, err)
		}
	}
	return tx.Commit()
}

// Stations returns the stations selected by f, ordered by id.
func (s *Store) Stations(ctx context.Context, f StationFilter) ([]StationMeta, error) {
	q := `SELECT id, country, name, state, latitude, longitude, elevation, gsn, hcn_crn, wmo, source_file FROM stations WHERE 1 = 1`
	var args []any
	if f.ID != "" {
		q += ` AND id = ?`
		args = append(args, strings.ToUpper(f.ID))
	}
	if f.Country != "" {
		q += ` AND country = ?`
		args = append(args, strings.ToUpper(f.Country))
	}
	if f.Name != "" {
		// GHCN names are upper case; matching the upper-cased needle
		// with instr/strpos keeps LIKE's wildcards out of user input.
		q += ` AND ` + s.db.instr("name", "?") + ` > 0`
		args = append(args, strings.ToUpper(f.Name))
	}
	q += ` ORDER BY id`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: stations: %w", err)
	}
	defer rows.Close()
	out := []StationMeta{}
	for rows.Next() {
		var m StationMeta
		var gsn int
		if err := rows.Scan(&m.ID, &m.Country, &m.Name, &m.State, &m.Latitude, &m.Longitude, &m.Elevation, &gsn,
			&m.HCNCRN, &m.WMO, &m.SourceFile); err != nil {
			return nil, err
		}
		m.GSN = gsn == 1
		out = append(out, m)
	}
	return out, rows.Err()
}

// StationRecordsOf returns the stored derived records of a station, ordered
// by element, direction (lowest first), scope, month and day.
func (s *Store) StationRecordsOf(ctx context.Context, station string) ([]StationRecord, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT station, element, highest, scope, month, day, value, date, ties, years
		FROM station_records WHERE station = ? ORDER BY element, highest, scope, month, day`, station)
	if err != nil {
		return nil, fmt.Errorf("store: station records of %s: %w", station, err)
	}
	defer rows.Close()
	out := []StationRecord{}
	for rows.Next() {
		var r StationRecord
		var hi int
		var value, date int64
		var ties string
		if err := rows.Scan(&r.Station, &r.Element, &hi, &r.Scope, &r.Month, &r.Day, &value, &date, &ties, &r.Years); err != nil {
			return nil, err
		}
		r.Highest, r.Value, r.Date = hi == 1, int32(value), obs.Date(date)
		if ties != "" {
			for _, t := range strings.Split(ties, ",") {
				n, err := strconv.Atoi(t)
				if err != nil {
					return nil, fmt.Errorf("store: station record %s: bad tie date %q", r.Station, t)
				}
				r.Ties = append(r.Ties, obs.Date(n))
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// StationFiles returns the provenance rows of the named files (every file
// when names is empty), ordered by name; names not stored are left out.
func (s *Store) StationFiles(ctx context.Context, names ...string) ([]StationFile, error) {
	q := `SELECT name, dataset, unit, sha256, size, retrieved_at, ingested_at, value_count, missing_count, flagged_count FROM station_files`
	var args []any
	if len(names) > 0 {
		q += ` WHERE name IN (?` + strings.Repeat(`, ?`, len(names)-1) + `)`
		for _, n := range names {
			args = append(args, n)
		}
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY name`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: station files: %w", err)
	}
	defer rows.Close()
	out := []StationFile{}
	for rows.Next() {
		var f StationFile
		var ret, ing string
		if err := rows.Scan(&f.Name, &f.Dataset, &f.Unit, &f.SHA256, &f.Size, &ret, &ing, &f.Values, &f.Missing, &f.Flagged); err != nil {
			return nil, err
		}
		if f.Retrieved, err = time.Parse(time.RFC3339Nano, ret); err != nil {
			return nil, fmt.Errorf("store: station file %s: retrieved_at %q: %w", f.Name, ret, err)
		}
		if f.Ingested, err = time.Parse(time.RFC3339Nano, ing); err != nil {
			return nil, fmt.Errorf("store: station file %s: ingested_at %q: %w", f.Name, ing, err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// instr returns the SQL expression of the 1-based position of needle in
// haystack (0 when absent) in the handle's dialect.
func (h *handle) instr(haystack, needle string) string {
	if h.pg {
		return "strpos(" + haystack + ", " + needle + ")"
	}
	return "instr(" + haystack + ", " + needle + ")"
}
