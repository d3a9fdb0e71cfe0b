package grid

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// Result is the area-weighted mean of one variable over one region for one
// time step of one file.
type Result struct {
	File   string  `json:"file"`
	Date   string  `json:"date"` // YYYY-MM-DD of the time step; "" (JSON null) when the variable has no time axis
	Var    string  `json:"var"`
	Region string  `json:"region"`
	Value  float64 `json:"value"` // in Unit; NaN (JSON null) when Cells is 0
	Unit   string  `json:"unit"`  // the variable's units, with Celsius spelled "degC"
	Cells  int     `json:"cells"` // number of valid cells that entered the mean
}

// resultJSON is the JSON form of Result, with Value and Date pointers so
// that NaN (no valid cell) and a missing time axis are written as null.
type resultJSON struct {
	File   string   `json:"file"`
	Date   *string  `json:"date"`
	Var    string   `json:"var"`
	Region string   `json:"region"`
	Value  *float64 `json:"value"`
	Unit   string   `json:"unit"`
	Cells  int      `json:"cells"`
}

// MarshalJSON writes Value as null when it is NaN.
func (r Result) MarshalJSON() ([]byte, error) {
	j := resultJSON{File: r.File, Var: r.Var, Region: r.Region, Unit: r.Unit, Cells: r.Cells}
	if r.Date != "" {
		j.Date = &r.Date
	}
	if !math.IsNaN(r.Value) && !math.IsInf(r.Value, 0) {
		j.Value = &r.Value
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads null as NaN.
func (r *Result) UnmarshalJSON(b []byte) error {
	var j resultJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*r = Result{File: j.File, Var: j.Var, Region: j.Region, Unit: j.Unit, Cells: j.Cells, Value: math.NaN()}
	if j.Date != nil {
		r.Date = *j.Date
	}
	if j.Value != nil {
		r.Value = *j.Value
	}
	return nil
}

// FileError is a failure to read or reduce one file. Its message starts
// with the file name.
type FileError struct {
	File string
	Err  error
}

func (e *FileError) Error() string { return e.File + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Weighting selects how cell areas are computed from the cell bounds.
type Weighting string

const (
	// Exact weights a cell by its true area on the sphere,
	// (sin(north edge) - sin(south edge)) * width: on a regular grid this is
	// exactly proportional to cos(latitude of the cell centre). The default.
	Exact Weighting = "exact"
	// CDO weights a cell by the area of the spherical quadrilateral with
	// great-circle edges through its corners, as CDO's gridarea and fldmean
	// do. It differs from Exact by about 5e-6 (relative) on a 0.25-degree
	// grid and 5e-3 on a 10-degree grid; use it to reproduce CDO to rounding.
	CDO Weighting = "cdo"
)

// ParseWeighting reads "exact" or "cdo"; "" means Exact.
func ParseWeighting(s string) (Weighting, error) {
	switch Weighting(strings.ToLower(s)) {
	case "", Exact:
		return Exact, nil
	case CDO:
		return CDO, nil
	}
	return "", fmt.Errorf("weighting %q: expected exact or cdo", s)
}
