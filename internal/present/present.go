// Package present holds the presentation types that the command line and the
// HTTP API print, so that `stocktake show --json` and GET /api/series/{id}
// write the same bytes: a series with its provenance, the provenance object
// itself, one row of the indicator listing, and helpers that turn units and
// record results into words for people. The JSON field names defined here are
// part of stocktake's stable contract.
package present

import (
	"encoding/csv"
	"io"
	"strconv"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/provenance"
)

// Point is one observation in JSON output. Date is written at the series'
// resolution (YYYY-MM-DD for daily, weekly and irregular series, YYYY-MM for
// monthly, YYYY for annual); Value is in the series' unit, as the producer
// wrote it.
type Point struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
}

// Source is the provenance object printed next to every number: the dataset
// id, the producer's version, the sha256 of the file the values were read
// from, where it was read (URL or mirror path) and when (UTC). Retrieved is
// omitted when nothing is stored yet.
type Source struct {
	Dataset string `json:"dataset"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
	URL     string `json:"url"`
	// Files is set for a series assembled from many files (a gridded
	// series): how many files its values come from. SHA256 is then empty
	// and URL is their folder; lineage names each value's file.
	Files     int        `json:"files,omitempty"`
	Retrieved *time.Time `json:"retrieved,omitempty"`
}

// NewSource converts the store's provenance into its JSON form.
func NewSource(s provenance.Source) Source {
	out := Source{Dataset: s.Dataset, Version: s.Version, SHA256: s.SHA256, URL: s.URL, Files: s.Files}
	if !s.Retrieved.IsZero() {
		t := s.Retrieved
		out.Retrieved = &t
	}
	return out
}

// Series is the JSON shape of every command and endpoint that prints
// observations. Entity is null for a global series. Smoothing names the
// running mean applied ("5d", "7d-centred") and is omitted when the values
// are the producer's own.
type Series struct {
	Indicator string        `json:"indicator"`
	Entity    *string       `json:"entity"`
	Unit      string        `json:"unit"`
	Frequency obs.Frequency `json:"frequency"`
	Smoothing string        `json:"smoothing,omitempty"`
	Source    Source        `json:"source"`
	Points    []Point       `json:"points"`
}

// NewSeries converts a stored series and its provenance into its JSON form;
// smoothing is "" for unsmoothed values. Points is never nil, so an empty
// range prints as [].
func NewSeries(se obs.Series, src provenance.Source, smoothing string) Series {
	out := Series{Indicator: se.Indicator, Unit: se.Unit, Frequency: se.Frequency, Smoothing: smoothing,
		Source: NewSource(src), Points: make([]Point, 0, len(se.Points))}
	if se.Entity != "" {
		e := se.Entity
		out.Entity = &e
	}
	for _, p := range se.Points {
		out.Points = append(out.Points, Point{Date: p.Date.Format(se.Frequency), Value: p.Value})
	}
	return out
}

// FormatValue writes a value with the fewest digits that read back exactly,
// so that values print as the producer wrote them (1.766, not 1.766000).
func FormatValue(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// CSVHeader is the header row of WriteSeriesCSV.
var CSVHeader = []string{"date", "value", "indicator", "entity", "unit", "dataset", "version", "sha256"}

// WriteSeriesCSV writes se as CSV with CSVHeader: one row per point, each
// carrying the indicator, entity, unit and provenance, so that a row copied
// out of the file keeps its lineage. It is the format of `stocktake show
// --format csv` and of GET /api/series/{id}?format=csv.
func WriteSeriesCSV(w io.Writer, se obs.Series, src provenance.Source) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(CSVHeader)
	for _, p := range se.Points {
		_ = cw.Write([]string{p.Date.Format(se.Frequency), FormatValue(p.Value), se.Indicator, se.Entity, se.Unit, src.Dataset, src.Version, src.SHA256})
	}
	cw.Flush()
	return cw.Error()
}

// Indicator is one row of `stocktake list --json` and GET /api/indicators:
// a catalog indicator with the coverage stored for it (First and Last are
// null and Rows 0 when nothing is stored) and the source it comes from.
// Entities is the number of entities of a national indicator.
type Indicator struct {
	Indicator string        `json:"indicator"`
	Version   string        `json:"version"`
	Default   bool          `json:"default"`
	Title     string        `json:"title"`
	Unit      string        `json:"unit"`
	Frequency obs.Frequency `json:"frequency"`
	National  bool          `json:"national"`
	Baseline  string        `json:"baseline,omitempty"`
	// Records is the direction records are judged in by default: "high"
	// (temperatures, gases, sea level), "low" (sea ice) — the same default
	// as the CLI's and the API's kind.
	Records  string  `json:"records"`
	Entities int     `json:"entities,omitempty"`
	First    *string `json:"first"`
	Last     *string `json:"last"`
	Rows     int     `json:"rows"`
	Source   Source  `json:"source"`
	Producer string  `json:"producer"`
	Licence  string  `json:"licence"`
	Note     string  `json:"note,omitempty"`
	// Seasonal is true for a series of overlapping three-month seasons
	// dated by their centre month (ONI): its values are labelled by season
	// (DJF ... NDJ), never by month.
	Seasonal bool `json:"seasonal,omitempty"`
	// Resolution is one unit of the last digit the producer publishes
	// (0 when none is declared): the precision records are judged at.
	Resolution float64 `json:"resolution,omitempty"`
}

// GridRef is the catalog reference stocktake gives a gridded series that
// `stocktake grid ingest --as ID` stored under dataset "grid:<ID>": the
// catalog does not declare it, so its dataset and indicator are synthesised.
func GridRef(dataset, indicator, unit string, f obs.Frequency) catalog.Ref {
	return catalog.Ref{
		Dataset: catalog.Dataset{ID: dataset, Title: "Gridded regional mean " + indicator, Version: "per file",
			Producer: "stocktake grid ingest (regional mean of gridded files)", Licence: "as the gridded files"},
		Indicator: catalog.Indicator{ID: indicator, Title: "Regional mean from gridded files", Unit: unit, Frequency: f,
			Direction: catalog.High, Default: true},
	}
}
