package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/query"
	"github.com/stocktake/stocktake/internal/stations"
	"github.com/stocktake/stocktake/internal/store"
)

// This file wires the GHCN-Daily station questions (internal/query,
// stations.go) and the station ingest (internal/ingest) to the command line.

func init() {
	register(newStationsCmd)
	register(newStationRecordsCmd)
	register(newRecordsSetCmd)
	register(newStationClimatologyCmd)
}

// archiveFlag adds --archive to a command.
func archiveFlag(cmd *cobra.Command) {
	cmd.Flags().String("archive", "", "station archive folder (default $STOCKTAKE_ARCHIVE, else the folder \"ghcnd\" beside the SQLite database)")
}

// archivePath returns the station archive folder from --archive,
// $STOCKTAKE_ARCHIVE or, for a SQLite database, the folder "ghcnd" beside
// it; a PostgreSQL database has no folder, so one of the first two is needed.
func archivePath(cmd *cobra.Command) (string, error) {
	if p, _ := cmd.Flags().GetString("archive"); p != "" {
		return p, nil
	}
	if p := os.Getenv("STOCKTAKE_ARCHIVE"); p != "" {
		return p, nil
	}
	db := dbPath(cmd)
	if store.IsPostgres(db) {
		return "", usagef("--archive: a PostgreSQL database has no folder to keep the station archive beside; give --archive PATH or set STOCKTAKE_ARCHIVE")
	}
	return filepath.Join(filepath.Dir(db), "ghcnd"), nil
}

// openArchive opens the station archive for reading: nil (no error) when it
// does not exist yet, so the question reports what is missing.
func openArchive(cmd *cobra.Command) (*stations.Archive, error) {
	p, err := archivePath(cmd)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(p, "manifest.json")); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return stations.Open(p, stations.Options{})
}

const stationsLong = `Search the GHCN-Daily stations in the database (loaded from ghcnd-stations.txt
by 'stocktake stations ingest') by id, name, country or distance from a point.
Each station lists the metadata file it came from and, when its daily values
are in the station archive, its data file with sha256 and retrieval time.
` + countryHelp + `

JSON: {"country":{"iso2","iso3","name","ghcn"},"stations":[{"id","country",
"name","state","latitude","longitude","elevation_m","gsn","hcn_crn","wmo",
"source_file","country_iso2","country_iso3","country_name","country_ghcn_name",
"distance_km","source","data"}],"total"}; source and data are {"dataset",
"file","sha256","size","retrieved"}; "country" of a station is GHCN's code.`

// countryHelp explains --country and the country fields of the station
// commands (countries.ParseStationCountry).
const countryHelp = `
Countries: GHCN-Daily files stations under FIPS 10-4 codes (the first two
characters of a station id), which are not ISO 3166 codes: CH is China and SZ
Switzerland in GHCN, but CH is Switzerland and SZ Eswatini in ISO. --country
takes an ISO 3166-1 alpha-3 code (CHN, as everywhere in stocktake), a GHCN code
written ghcn:CH, or an ISO alpha-2 code (CN) unless GHCN uses the same letters
for another country (CH, SZ, AS, AU, GB, ES...): those exit 2 with both
readings named. An ISO entry takes in every GHCN code filed under it (UMI:
Johnston, Midway, Palmyra and Wake). Answers keep GHCN's code in "country" and
add the ISO entry: "country_iso2", "country_iso3", "country_name" (CLDR's
name in --lang) and "country_ghcn_name" (ghcnd-countries.txt's name).`

const stationsExample = `  # load the station list and Central Park's daily values
  stocktake stations ingest ../shared/data/noaa-ghcn-daily
  # stations named "park" in the United States
  stocktake stations --name park --country USA
  # stations in China (GHCN code CH), country names in Traditional Chinese
  stocktake stations --country CHN --lang zh-Hant
  # stations within 25 km of Times Square, nearest first, as JSON
  stocktake stations --near 40.758,-73.985 --radius 25 --json`

func newStationsCmd() *cobra.Command {
	var req query.StationsRequest
	var lang func() string // --lang, set below
	cmd := &cobra.Command{
		Use:     "stations [--id ID] [--name TEXT] [--country ISO3|ghcn:CC] [--near LAT,LON [--radius KM]] [--limit N] [--lang L]",
		Short:   "Search GHCN-Daily stations by id, name, country or distance",
		Long:    stationsLong,
		Example: stationsExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Lang = lang()
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := query.Stations(cmd.Context(), st, req)
			if err != nil {
				return cliErr(err)
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			if c := res.Country; c != nil {
				fmt.Fprintf(cmd.OutOrStdout(), "country: %s\n", filterLine(c))
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "id\tname\tcountry\tstate\tlat\tlon\telev m\tdistance km\tdata file sha256\t")
			for _, h := range res.Stations {
				dist, sum := "", "(no daily values)"
				if h.DistanceKm != nil {
					dist = fmt.Sprintf("%.1f", *h.DistanceKm)
				}
				if h.Data != nil {
					sum = h.Data.File + " " + h.Data.SHA256[:12]
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%.4f\t%.4f\t%.1f\t%s\t%s\t\n", h.ID, h.Name, countryCell(h.StationCountryJSON, h.Country), h.State, h.Latitude, h.Longitude, h.Elevation, dist, sum)
			}
			tw.Flush()
			fmt.Fprintf(cmd.OutOrStdout(), "%d of %d stations\n", len(res.Stations), res.Total)
			return nil
		},
	}
	cmd.Flags().StringVar(&req.ID, "id", "", "station id (11 characters, e.g. USW00094728)")
	cmd.Flags().StringVar(&req.Name, "name", "", "part of the station name (case-insensitive)")
	cmd.Flags().StringVar(&req.Country, "country", "", "country: ISO alpha-3 (CHN), ghcn:CH (GHCN's FIPS code) or an unambiguous ISO alpha-2 code (see Countries above)")
	lang = langFlag(cmd)
	cmd.Flags().StringVar(&req.Near, "near", "", "LAT,LON in decimal degrees: only stations within --radius, nearest first")
	cmd.Flags().StringVar(&req.Radius, "radius", "", "distance from --near in km (default 100)")
	cmd.Flags().StringVar(&req.Limit, "limit", "", "at most N stations (default 50)")
	cmd.AddCommand(newStationsIngestCmd())
	return cmd
}

const stationsIngestLong = `Read GHCN-Daily files: station metadata (ghcnd-stations*.txt) into the
database, and daily values (ID.dly, ID.csv, YYYY.csv, optionally .gz) into the
station archive (Parquet files queried by DuckDB, see docs/stations.md). A
folder contributes every such file in it. Files whose sha256 matches the
archive are skipped. The database records each file's provenance (sha256,
size, retrieval time = the file's modification time) and the derived records
(every extreme and scope) of each station whose values changed: a station
file's station, or every station a year file lists or listed before.

Record events (see 'stocktake events'): each such station's new records
(30 years' minimum length of record, never ties) are stored; a station's first
scan stores its last year's records as historical (not delivered). When a
revised file no longer supports an event (its value changed, was removed or is
quality-flagged now) the event is retracted; if a later file supports it again
it is reinstated, not stored twice.

JSON: {"metadata","stations","ingested","unchanged","derived","records",
"events","historical","retracted"}.`

const stationsIngestExample = `  # the station list and Central Park, archive beside the database
  stocktake stations ingest ../shared/data/noaa-ghcn-daily
  # one file, into a chosen archive folder
  stocktake stations ingest --archive /data/ghcnd ../shared/data/noaa-ghcn-daily/USW00094728.dly --json`

func newStationsIngestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:     "ingest DIR|FILE... [--archive PATH]",
		Short:   "Load GHCN-Daily station metadata and daily-value files",
		Long:    stationsIngestLong,
		Example: stationsIngestExample,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := archivePath(cmd)
			if err != nil {
				return err
			}
			st, err := openStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			arc, err := stations.Open(p, stations.Options{})
			if err != nil {
				return err
			}
			defer arc.Close()
			rep, err := ingest.IngestStations(cmd.Context(), st, arc, args, alerts.StationHook)
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, rep)
			}
			w := cmd.OutOrStdout()
			for _, f := range rep.Metadata {
				fmt.Fprintf(w, "metadata %s: %d stations, sha256 %s\n", f.Name, f.Values, f.SHA256)
			}
			for _, f := range rep.Ingested {
				fmt.Fprintf(w, "ingested %s: %d values (%d missing, %d flagged), sha256 %s\n", f.Name, f.Stats.Values, f.Stats.Missing, f.Stats.Flagged, f.SHA256)
			}
			for _, n := range rep.Unchanged {
				fmt.Fprintf(w, "unchanged %s\n", n)
			}
			fmt.Fprintf(w, "%d stations' records derived (%d records); archive %s\n", len(rep.Derived), rep.Records, p)
			fmt.Fprintf(w, "%d record events stored or reinstated (%d historical, from a station's first scan, not delivered); %d retracted after a revision\n",
				rep.Events, rep.Historical, rep.Retracted)
			return nil
		},
	}
	archiveFlag(cmd)
	return cmd
}

const stationRecordsLong = `The records of one GHCN-Daily station, from the derived records kept in the
database by 'stocktake stations ingest': record high (highest TMAX), record low
(lowest TMIN), highest low, lowest high and wettest day (highest PRCP), over all
time (default), each calendar month or each calendar day. A record's date is the
first day its value was reached; later equal days are ties. Temperatures are in
°C and precipitation in mm (GHCN's tenths divided by ten). Quality-flagged values
never count. "years" is the station's length of record of the element.

The station's country is named in --lang from its ISO 3166-1 entry, with
GHCN-Daily's code (the FIPS code that starts the station id) beside it.

JSON: {"station":{...,"country","country_iso2","country_iso3","country_name",
"country_ghcn_name"},"records":[{"extreme","element","highest","scope","month",
"day","value","unit","date","ties","years"}],"source":{"dataset","file","sha256",
"size","retrieved"}}.`

const stationRecordsExample = `  # Central Park's all-time records (106 °F = 41.1 °C on 9 July 1936)
  stocktake station-records USW00094728
  # its record high for each day of July, as JSON
  stocktake station-records USW00094728 --extreme record-high --scope day --month 7 --json`

func newStationRecordsCmd() *cobra.Command {
	var req query.StationRecordsRequest
	var lang func() string // --lang, set below
	cmd := &cobra.Command{
		Use:     "station-records ID [--extreme E] [--scope all-time|month|day] [--month M]",
		Short:   "All-time, monthly and calendar-day records of one station",
		Long:    stationRecordsLong,
		Example: stationRecordsExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.ID, req.Lang = args[0], lang()
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			res, err := query.StationRecords(cmd.Context(), st, req)
			if err != nil {
				return cliErr(err)
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s (%s)\n", res.Station.ID, res.Station.Name, countryCell(res.Station.StationCountryJSON, res.Station.Country))
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "extreme\tscope\tmonth\tday\tvalue\tdate\tties\tyears\t")
			for _, r := range res.Records {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.1f %s\t%s\t%d\t%d\t\n", r.Extreme, r.Scope, r.Month, r.Day, r.Value, r.Unit, r.Date, len(r.Ties), r.Years)
			}
			tw.Flush()
			if s := res.Source; s != nil {
				fmt.Fprintf(w, "source: %s %s sha256 %s retrieved %s\n", s.Dataset, s.File, s.SHA256, s.Retrieved.Format(time.RFC3339))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&req.Extreme, "extreme", "", "record-high, record-low, highest-low, lowest-high or wettest-day (default: all)")
	cmd.Flags().StringVar(&req.Scope, "scope", "", "all-time (default), month or day")
	cmd.Flags().StringVar(&req.Month, "month", "", "only this month (1-12) of the month and day scopes")
	lang = langFlag(cmd)
	return cmd
}

const recordsSetLong = `Which stations set (or tied) a record between --since and --until (default
today, UTC), from the daily values in the station archive. A record is strictly
above (highest) or below (lowest) every earlier unflagged value of its scope at
the station, each day judged only on the data up to it; equal values are ties.
A station counts when it has at least --min-years years of the element before
--since (30 by default, as NOAA's records tools). "national" marks an all-time
record that was also the highest (lowest) value of the country's stations as of
that day; the country is the ISO 3166-1 entry of the station's GHCN code, over
every GHCN code filed under it. Each record carries its sentence, its event uid
and its data file's sha256 and retrieval time.

Several questions at once: --extreme and --scope each take a comma-separated
list (--extreme record-high,record-low) or "all" (the five extremes; the three
scopes), and every extreme is asked at every scope, all from one read of the
archive. The records come ordered by date, station, then question; each names
its extreme and scope, and the header (JSON "extreme", "scope") lists the names
asked, joined by commas.
` + countryHelp + `

JSON: {"since","until","extreme","scope","min_years","country":{"iso2","iso3",
"name","ghcn"},"records":[{"station","name","country","country_iso2",
"country_iso3","country_name","country_ghcn_name","latitude","longitude",
"extreme","scope","month","day","date","value","unit","tie","previous",
"previous_date","national","uid","sentence","source"}]}.`

const recordsSetExample = `  # which stations set an all-time high this week, and was any a national record?
  stocktake records-set --since 2026-11-25
  # Central Park's 9 July 1936 all-time high (41.1 °C), U.S. stations only
  stocktake records-set --since 1936-07-01 --until 1936-07-31 --country USA
  # Chinese stations by GHCN's own code (CH is China in GHCN, Switzerland in ISO)
  stocktake records-set --since 2026-11-25 --country ghcn:CH
  # calendar-day record lows in February 2016, as JSON
  stocktake records-set --since 2016-02 --until 2016-02 --extreme record-low --scope day --json
  # every record of a day: highs and lows at the all-time, month and day scopes
  stocktake records-set --since 2024-07-15 --until 2024-07-15 --extreme record-high,record-low --scope all`

func newRecordsSetCmd() *cobra.Command {
	var req query.RecordsSetRequest
	var lang func() string // --lang, set below
	cmd := &cobra.Command{
		Use:     "records-set --since DATE [--until DATE] [--country ISO3|ghcn:CC] [--extreme E[,E...]|all] [--scope S[,S...]|all] [--min-years N] [--lang L]",
		Short:   "Station records set in a period, with national records marked",
		Long:    recordsSetLong,
		Example: recordsSetExample,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			req.Lang = lang()
			res, err := recordsSet(cmd, req)
			if err != nil {
				return err
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s records set %s to %s (stations with at least %d years)\n", res.Scope, res.Extreme, res.Since, res.Until, res.MinYears)
			if c := res.Country; c != nil {
				fmt.Fprintf(w, "country: %s\n", filterLine(c))
			}
			for _, r := range res.Records {
				nat := ""
				if r.National {
					nat = " National record."
				}
				src := ""
				if r.Source != nil {
					src = fmt.Sprintf(" [%s sha256 %s]", r.Source.File, r.Source.SHA256[:12])
				}
				fmt.Fprintf(w, "%s%s (%s)%s\n", r.Sentence, nat, countryCell(r.StationCountryJSON, r.Country), src)
			}
			if len(res.Records) == 0 {
				fmt.Fprintln(w, "none")
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&req.Since, "since", "", "first day of the period, YYYY-MM-DD (required)")
	cmd.Flags().StringVar(&req.Until, "until", "", "last day of the period (default today, UTC)")
	cmd.Flags().StringVar(&req.Country, "country", "", "only stations of this country: ISO alpha-3 (USA), ghcn:US (GHCN's FIPS code) or an unambiguous ISO alpha-2 code (see Countries above)")
	lang = langFlag(cmd)
	cmd.Flags().StringVar(&req.Extreme, "extreme", "", "record-high (default), record-low, highest-low, lowest-high or wettest-day; a comma-separated list of them, or all")
	cmd.Flags().StringVar(&req.Scope, "scope", "", "all-time (default), month or day; a comma-separated list of them, or all")
	cmd.Flags().StringVar(&req.MinYears, "min-years", "", "minimum length of record in years (default 30)")
	archiveFlag(cmd)
	return cmd
}

// station-climatology is its own command, not a flag of station-records:
// it asks another question (the spread of every earlier year on each
// calendar day, not the extremes) of another source (the archive's daily
// values, not the derived records in the database), with other options
// (--element and --year, not --extreme and --scope), exactly as
// GET /api/stations/{id}/climatology does.

const stationClimatologyLong = `The daily climatology of one GHCN-Daily station, as the station page draws it
(GET /api/stations/{id}/climatology): for each calendar day (29 February
included when it has values), over every year before --year with a value of
the element (the reference period, printed with the station), the lowest value,
the 10th and 90th percentiles, the highest value and how many years had a
value; and --year's own value on that day ("-" when it has none).

Units: TMAX and TMIN in °C, PRCP in mm (GHCN stores tenths; they are divided by
ten). Quality-flagged values never count. Percentiles interpolate linearly
between the sorted values: the 10th percentile of n values lies at position
0.1*(n-1) counting from 0 (Hyndman and Fan's type 7, as R's default quantile
and spreadsheets' PERCENTILE.INC); with 31 years it is the 4th-lowest value.
--year defaults to the year of the station's last value (any element). The
values come from the station archive (see 'stocktake stations ingest'); the
station's data file, its sha256 and retrieval time are printed with them.

JSON: {"station":{...},"element","unit","year","first_year","last_year",
"days":[{"month","day","min","p10","p90","max","years","value"}],
"source":{"dataset","file","sha256","size","retrieved"}}; a day without a
reference value has null statistics, a day without a value of --year a null
value.`

const stationClimatologyExample = `  # Central Park's highs in its last year (2020, to 31 January) against 1869-2019
  stocktake station-climatology USW00094728
  # its lows of 2019 against 1869-2018, as JSON (values in °C)
  stocktake station-climatology USW00094728 --element TMIN --year 2019 --json
  # its daily precipitation (mm) of 2011
  stocktake station-climatology USW00094728 --element PRCP --year 2011`

func newStationClimatologyCmd() *cobra.Command {
	var req query.StationClimatologyRequest
	var lang func() string // --lang, set below
	cmd := &cobra.Command{
		Use:     "station-climatology ID [--element TMAX|TMIN|PRCP] [--year YYYY]",
		Short:   "One station's daily range and percentiles, with a year's values",
		Long:    stationClimatologyLong,
		Example: stationClimatologyExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			req.ID, req.Lang = args[0], lang()
			st, err := openExistingStore(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			arc, err := openArchive(cmd)
			if err != nil {
				return err
			}
			if arc != nil {
				defer arc.Close()
			}
			res, err := query.StationClimatology(cmd.Context(), st, arc, req)
			if err != nil {
				return cliErr(err)
			}
			if jsonFlag(cmd) {
				return printJSON(cmd, res.JSON())
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s (%s): %s in %s, %d against %d-%d\n", res.Station.ID, res.Station.Name, countryCell(res.Station.StationCountryJSON, res.Station.Country),
				res.Element, res.Unit, res.Year, res.FirstYear, res.LastYear)
			if s := res.Source; s != nil {
				fmt.Fprintf(w, "source: %s %s sha256 %s retrieved %s\n", s.Dataset, s.File, s.SHA256, s.Retrieved.Format(time.RFC3339))
			}
			num := func(v *float64) string {
				if v == nil {
					return "-"
				}
				return fmt.Sprintf("%.1f", *v)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintf(tw, "day\tmin\tp10\tp90\tmax\tyears\t%d\t\n", res.Year)
			for _, d := range res.Days {
				fmt.Fprintf(tw, "%02d-%02d\t%s\t%s\t%s\t%s\t%d\t%s\t\n", d.Month, d.Day, num(d.Min), num(d.P10), num(d.P90), num(d.Max), d.Years, num(d.Value))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&req.Element, "element", "", "TMAX (default), TMIN or PRCP")
	cmd.Flags().StringVar(&req.Year, "year", "", "the year compared with every earlier one (default: the year of the station's last value)")
	lang = langFlag(cmd)
	archiveFlag(cmd)
	return cmd
}

func recordsSet(cmd *cobra.Command, req query.RecordsSetRequest) (query.RecordsSetResult, error) {
	st, err := openExistingStore(cmd)
	if err != nil {
		return query.RecordsSetResult{}, err
	}
	defer st.Close()
	arc, err := openArchive(cmd)
	if err != nil {
		return query.RecordsSetResult{}, err
	}
	if arc != nil {
		defer arc.Close()
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	res, err := query.RecordsSet(ctx, st, arc, req, obs.FromTime(time.Now().UTC()))
	if err != nil {
		return res, cliErr(err)
	}
	return res, nil
}

// serveArchive opens the station archive for serve and watch when one can
// be found (--archive, $STOCKTAKE_ARCHIVE or beside a SQLite database) and
// exists; nil otherwise, and /api/records-set then answers 404.
func serveArchive(cmd *cobra.Command) (*stations.Archive, error) {
	if _, err := archivePath(cmd); err != nil {
		return nil, nil
	}
	return openArchive(cmd)
}

// countryCell writes a station's country for the text output: its name
// with its ISO alpha-3 code and GHCN-Daily's code, "China, CHN; GHCN CH",
// or GHCN's code alone when the table does not know it.
func countryCell(c query.StationCountryJSON, ghcn string) string {
	if c.CountryISO3 == "" {
		return "GHCN " + ghcn
	}
	return c.CountryName + ", " + c.CountryISO3 + "; GHCN " + ghcn
}

// filterLine writes the country filter as read: "China (CN, CHN; GHCN CH)".
func filterLine(c *query.StationCountryFilterJSON) string {
	return fmt.Sprintf("%s (%s, %s; GHCN %s)", c.Name, c.ISO2, c.ISO3, strings.Join(c.GHCN, ", "))
}
