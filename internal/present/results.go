package present

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/stocktake/stocktake/internal/national"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/provenance"
)

// WithSource is an analysis result printed with the provenance of the data
// it was computed from: the JSON of Result (which must be an object) with a
// "source" member added at the end. It is the shape of `stocktake rank
// --json` (national.Ranking plus "source"), of peaks, growth and records,
// and of the matching API endpoints.
type WithSource[T any] struct {
	Result T
	Source Source
	// Baseline is the reference period of an anomaly series (gmst.noaa's
	// "1901-2000"), written as "baseline" before "source" when set: the
	// unit "degC" alone does not say what a value of 1.06 is measured from.
	Baseline string
	// Extra are members written after Result's and before "baseline", in
	// order: labels that depend on the indicator rather than the analysis
	// (the season of a three-month series, the baseline years actually
	// covered).
	Extra []Member
}

// Member is one extra JSON member of a WithSource.
type Member struct {
	Name  string
	Value any
}

// With returns w with an extra member appended (see Extra).
func (w WithSource[T]) With(name string, v any) WithSource[T] {
	w.Extra = append(append([]Member{}, w.Extra...), Member{name, v})
	return w
}

// WithBaseline returns w with the anomaly baseline of the indicator
// (catalog.Indicator.Baseline; empty for absolute values).
func (w WithSource[T]) WithBaseline(b string) WithSource[T] {
	w.Baseline = b
	return w
}

// NewWithSource pairs a result with the store's provenance.
func NewWithSource[T any](r T, src provenance.Source) WithSource[T] {
	return WithSource[T]{Result: r, Source: NewSource(src)}
}

// MarshalJSON writes Result's members followed by "source".
func (w WithSource[T]) MarshalJSON() ([]byte, error) {
	body, err := json.Marshal(w.Result)
	if err != nil {
		return nil, err
	}
	body = bytes.TrimSpace(body)
	if len(body) < 2 || body[0] != '{' || body[len(body)-1] != '}' {
		return nil, fmt.Errorf("present: WithSource needs a result that is a JSON object, got %.20s", body)
	}
	src, err := json.Marshal(w.Source)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(body)+len(src)+12)
	out = append(out, body[:len(body)-1]...)
	if len(bytes.TrimSpace(body[1:len(body)-1])) > 0 {
		out = append(out, ',')
	}
	for _, m := range w.Extra {
		b, err := json.Marshal(m.Value)
		if err != nil {
			return nil, err
		}
		k, _ := json.Marshal(m.Name)
		out = append(out, k...)
		out = append(out, ':')
		out = append(out, b...)
		out = append(out, ',')
	}
	if w.Baseline != "" {
		b, err := json.Marshal(w.Baseline)
		if err != nil {
			return nil, err
		}
		out = append(out, `"baseline":`...)
		out = append(out, b...)
		out = append(out, ',')
	}
	out = append(out, `"source":`...)
	out = append(out, src...)
	out = append(out, '}')
	return out, nil
}

// UnmarshalJSON reads Result from the object and Source from its "source"
// member, so that clients written in Go can decode what MarshalJSON wrote.
func (w *WithSource[T]) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &w.Result); err != nil {
		return err
	}
	var src struct {
		Source   Source `json:"source"`
		Baseline string `json:"baseline"`
	}
	if err := json.Unmarshal(b, &src); err != nil {
		return err
	}
	w.Source, w.Baseline = src.Source, src.Baseline
	return nil
}

// SchemaBase returns a zero Result, so that schema generators can describe
// WithSource as Result's object plus "source".
func (w WithSource[T]) SchemaBase() any { var zero T; return zero }

// Comparison is the JSON of `stocktake compare --json` and GET
// /api/compare: the entities compared (codes) and one row per indicator,
// each with its source.
type Comparison struct {
	Entities   []string                          `json:"entities"`
	Indicators []WithSource[national.CompareRow] `json:"indicators"`
}

// PledgeMeasurement is a national.Measurement with the provenance of the
// series it was computed from (absent when the series is not stored).
type PledgeMeasurement struct {
	national.Measurement
	Source *Source `json:"source,omitempty"`
}

// PledgeProgress is one pledge of the registry with its measurements.
type PledgeProgress struct {
	Pledge       national.Pledge     `json:"pledge"`
	Measurable   string              `json:"measurable"`
	Measurements []PledgeMeasurement `json:"measurements"`
}

// PledgeReport is the JSON of `stocktake pledges --json` and GET
// /api/pledges: the peak rule in words and the pledges assessed.
type PledgeReport struct {
	Rule    string           `json:"rule"`
	Pledges []PledgeProgress `json:"pledges"`
}

// ValueLineage is the JSON of `stocktake lineage --json` and GET
// /api/lineage/{id}: one stored value and the dataset version (the file)
// that supplied it.
type ValueLineage struct {
	Indicator string             `json:"indicator"`
	Entity    *string            `json:"entity"`
	Date      string             `json:"date"`
	Value     float64            `json:"value"`
	Unit      string             `json:"unit"`
	Version   provenance.Version `json:"version"`
	// Files are the version's files, each with its own sha256 and size;
	// for a multi-file dataset (an Our World in Data CSV with its
	// metadata.json) Version.SHA256 is the sha256 of the files' checksums,
	// which is no file's. Empty for versions stored before files were
	// recorded.
	Files []provenance.VersionFile `json:"files"`
}

// NewValueLineage describes point p of se as supplied by version v.
func NewValueLineage(se obs.Series, p obs.Point, v provenance.Version) ValueLineage {
	out := ValueLineage{Indicator: se.Indicator, Date: p.Date.Format(se.Frequency), Value: p.Value, Unit: se.Unit, Version: v}
	if se.Entity != "" {
		e := se.Entity
		out.Entity = &e
	}
	return out
}

// PeriodStart returns the date a value covering d is stored under: the
// first of the month for monthly series, 1 January for annual ones, d
// itself otherwise. A user asking about 2024-06-15 of a monthly series
// means the June 2024 value.
func PeriodStart(d obs.Date, f obs.Frequency) obs.Date {
	y, m, _ := d.YMD()
	switch f {
	case obs.Monthly:
		return obs.NewDate(y, m, 1)
	case obs.Annual:
		return obs.NewDate(y, 1, 1)
	}
	return d
}
