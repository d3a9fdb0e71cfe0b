// Package catalog declares every dataset stocktake knows: who produces it, where
// it is published, which local mirror file holds it, which parser reads it,
// and the indicators it yields. Adding a dataset is one entry here and, for a
// new format, one parser.
package catalog

import (
	"fmt"
	"sort"
	"strings"

	"github.com/stocktake/stocktake/internal/obs"
)

// Dataset is one producer product at one version. All of its files are
// ingested together in one transaction.
type Dataset struct {
	ID       string // stable id, e.g. "nsidc-seaice-south-v3"
	Title    string
	Producer string
	Citation string
	Licence  string
	Version  string // producer's version, e.g. "3.0", "v4", or a date-stamped release
	Format   string // parser name, see internal/parse
	Files    []File
	// BrowserUA is set when the producer's server refuses clients without a
	// browser-like User-Agent (Climate Reanalyzer).
	BrowserUA  bool
	Indicators []Indicator
}

// File is one file of a dataset: where it lives upstream and in a local mirror.
type File struct {
	// Path is the file's path relative to a mirror root laid out like
	// ../shared/data, e.g. "nsidc-g02135/S_seaice_extent_daily_v3.0.csv".
	Path string
	// URL is the producer's address for the same bytes.
	URL string
}

// Direction tells which extreme makes news for an indicator.
type Direction string

const (
	High Direction = "max"  // records are highs (temperatures, CO2)
	Low  Direction = "min"  // records are lows (sea-ice extent)
	Both Direction = "both" // both matter (ENSO index, sea ice maxima and minima)
)

// Indicator is one series (or, for national data, one series per entity) that a
// dataset yields.
type Indicator struct {
	ID        string // e.g. "seaice.south"
	Title     string
	Unit      string
	Frequency obs.Frequency
	// National is true when the indicator has one series per country or
	// aggregate (entity = ISO 3166 alpha-3 or OWID code); false for a single
	// global series (entity "").
	National bool
	// Baseline is the reference period of an anomaly series ("1901-2000");
	// empty for absolute values.
	Baseline string
	// Direction is the natural direction of records.
	Direction Direction
	// Headline is, for an indicator whose Direction is Both, the extreme that
	// makes the news and that commands use when no --kind is given (sea ice:
	// Low, record minima). Empty means High.
	Headline Direction
	// Column tells the parser which column or row of the file holds this
	// indicator when a file holds several (e.g. "gcag" in datahub's
	// monthly.csv, "A(0-2000)" in JMA's table). Empty when the file holds one.
	Column string
	// Stock is true for a level at one moment (installed capacity at the
	// end of a year, forest extent): adding such values over years means
	// nothing, so cumulative rankings refuse them. Shares in percent are
	// never summable either (see Summable).
	Stock bool
	// Default is true when this dataset is the source used for ID when the
	// user names no version. Exactly one dataset per indicator id is default.
	Default bool
	// Note documents conventions the user must know (dating of seasons,
	// smoothing done by the producer, and so on).
	Note string
	// Resolution is the value of one unit of the last digit the producer
	// publishes (0.001 when values are written to three decimals), in Unit.
	// Two values equal at this resolution are a tie, never a record, and
	// numbers are printed to it (means of such values to one more digit);
	// see internal/analysis (Compare, MeanResolution) and docs/records.md.
	// Zero means no published resolution is declared (republished values
	// with floating-point noise, such as Our World in Data's): values are
	// compared exactly. Each declared value is checked against the decimals
	// written in the real file by TestResolutionMatchesFiles.
	Resolution float64
	// Uncertainty is the id of the companion indicator, from the same
	// producer, holding the 95% half-width of each value (JMA's
	// "E(0-2000)" for ohc.jma), or "" when none is published in the files
	// stocktake reads.
	Uncertainty string
	// PublishedAnnual is the id of the companion indicator holding the
	// producer's own annual values (GISTEMP's J-D column), which annual
	// rankings use instead of means of the monthly values; "" when the
	// producer publishes none in the files stocktake reads.
	PublishedAnnual string
	// CompanionOf is set on a companion indicator (an uncertainty or a
	// published annual series) to the id of the indicator it accompanies.
	// Uncertainty companions are not measurements of the climate: record
	// detection and rankings must skip them (IsUncertainty).
	CompanionOf string
	// Seasonal is true for a series of overlapping three-month seasons
	// dated by their centre month (ONI): values are labelled by season
	// (DJF ... NDJ, see analysis.SeasonLabel), never by month.
	Seasonal bool
}

// IsUncertainty reports whether i is the uncertainty companion of another
// indicator (its values are error half-widths, not observations).
func (i Indicator) IsUncertainty() bool {
	return i.CompanionOf != "" && strings.HasSuffix(i.ID, ".err95")
}

// HeadlineKind returns the extreme used when the user names none: Low for
// indicators whose records are lows, Headline for indicators that have both
// (High when unset), High otherwise. The CLI, the API and the dashboard all
// use it, so one question gets one default.
func (i Indicator) HeadlineKind() Direction {
	switch {
	case i.Direction == Low:
		return Low
	case i.Direction == Both && i.Headline == Low:
		return Low
	}
	return High
}

// Datasets returns every declared dataset, vital signs first.
func Datasets() []Dataset {
	out := make([]Dataset, 0, len(vitalSigns)+len(national))
	out = append(out, vitalSigns...)
	out = append(out, national...)
	return out
}

// Dataset returns the dataset with the given id.
func DatasetByID(id string) (Dataset, bool) {
	for _, d := range Datasets() {
		if d.ID == id {
			return d, true
		}
	}
	return Dataset{}, false
}

// Ref is a resolved indicator reference: the indicator and the dataset that
// supplies it.
type Ref struct {
	Indicator Indicator
	Dataset   Dataset
}

// Resolve turns a user's indicator reference into the dataset that supplies
// it. "seaice.north" picks the default dataset for that id; "seaice.north@4.0"
// picks the dataset whose Version is "4.0" (a leading "v" is ignored on both
// sides). The error lists the versions available.
func Resolve(ref string) (Ref, error) {
	id, version, hasVersion := strings.Cut(ref, "@")
	var candidates []Ref
	for _, d := range Datasets() {
		for _, ind := range d.Indicators {
			if ind.ID == id {
				candidates = append(candidates, Ref{ind, d})
			}
		}
	}
	if len(candidates) == 0 {
		return Ref{}, fmt.Errorf("unknown indicator %q (see 'stocktake list')", id)
	}
	norm := func(v string) string { return strings.TrimPrefix(strings.ToLower(v), "v") }
	var versions []string
	for _, c := range candidates {
		versions = append(versions, c.Dataset.Version)
		if hasVersion && norm(c.Dataset.Version) == norm(version) {
			return c, nil
		}
		if !hasVersion && c.Indicator.Default {
			return c, nil
		}
	}
	if !hasVersion {
		return candidates[0], nil
	}
	return Ref{}, fmt.Errorf("indicator %q has no version %q; available: %s", id, version, strings.Join(versions, ", "))
}

// Indicators returns every (indicator, dataset) pair, sorted by indicator id,
// default version first.
func Indicators() []Ref {
	var out []Ref
	for _, d := range Datasets() {
		for _, ind := range d.Indicators {
			out = append(out, Ref{ind, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Indicator.ID != out[j].Indicator.ID {
			return out[i].Indicator.ID < out[j].Indicator.ID
		}
		return out[i].Indicator.Default && !out[j].Indicator.Default
	})
	return out
}

// Validate checks the catalog's own invariants: unique dataset ids, at least
// one file each, exactly one default dataset per indicator id, known
// frequencies.
func Validate(ds []Dataset) error {
	ids := map[string]bool{}
	defaults := map[string]int{}
	seen := map[string]bool{}
	for _, d := range ds {
		if d.ID == "" || ids[d.ID] {
			return fmt.Errorf("dataset id %q empty or repeated", d.ID)
		}
		ids[d.ID] = true
		if len(d.Files) == 0 || d.Format == "" || d.Version == "" || d.Licence == "" || d.Producer == "" {
			return fmt.Errorf("dataset %s: files, format, version, producer and licence are required", d.ID)
		}
		for _, ind := range d.Indicators {
			if !ind.Frequency.Valid() || ind.Unit == "" || ind.ID == "" {
				return fmt.Errorf("dataset %s indicator %q: id, unit and a known frequency are required", d.ID, ind.ID)
			}
			seen[ind.ID] = true
			if ind.Default {
				defaults[ind.ID]++
			}
		}
	}
	for id := range seen {
		if defaults[id] != 1 {
			return fmt.Errorf("indicator %s has %d default datasets, want exactly 1", id, defaults[id])
		}
	}
	return nil
}

// Summable reports whether values of the indicator can be added over years
// (flows such as emissions, generation or loss), as cumulative rankings do.
func (i Indicator) Summable() bool { return !i.Stock && i.Unit != "%" }
