// Package parsetest holds test helpers shared by the parser packages: parsing
// a catalog dataset's shared files, expectations on a parsed series, on a
// parse error and on a rejected input, and the bodies of the parsers' fuzz
// tests. It is imported only from _test.go files.
package parsetest

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TB is the part of testing.TB the helpers use; *testing.T, *testing.B
// and *testing.F satisfy it. It keeps package testing out of this non-test
// file.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
	Errorf(format string, args ...any)
}

// readShared returns a file of the shared data folder (see
// testutil.SharedData: $STOCKTAKE_SHARED_DATA or ../shared/data beside the
// repository), failing the test when it cannot be read.
func readShared(t TB, rel string) []byte {
	t.Helper()
	dir := os.Getenv("STOCKTAKE_SHARED_DATA")
	if dir == "" {
		dir = filepath.Join(testutil.Root(), "..", "shared", "data")
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatalf("shared data: %v", err)
	}
	return b
}

// Dataset returns the catalog dataset with the given id or fails the test.
func Dataset(t TB, id string) catalog.Dataset {
	t.Helper()
	d, ok := catalog.DatasetByID(id)
	if !ok {
		t.Fatalf("catalog has no dataset %q", id)
	}
	return d
}

// ParseDataset parses every file of the catalog dataset id, read from the
// shared data, with fn and the dataset's indicators, and returns the series
// and climatologies of all its files together. A parse error, or output that
// fails (*obs.Parsed).Check, fails the test.
func ParseDataset(t TB, fn parse.Func, id string) *obs.Parsed {
	t.Helper()
	d := Dataset(t, id)
	out := &obs.Parsed{}
	for _, f := range d.Files {
		p, err := fn(f.Path, readShared(t, f.Path), d.Indicators)
		if err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		if err := p.Check(); err != nil {
			t.Fatalf("%s: %v", f.Path, err)
		}
		out.Series = append(out.Series, p.Series...)
		out.Climatologies = append(out.Climatologies, p.Climatologies...)
	}
	return out
}

// AnnualValue returns the value of indicator ind for entity on 1 January of
// year in p; it fails the test when the series is missing, is not annual, or
// has no such point.
func AnnualValue(t TB, p *obs.Parsed, ind, entity string, year int) float64 {
	t.Helper()
	for _, s := range p.Series {
		if s.Indicator != ind || s.Entity != entity {
			continue
		}
		if s.Frequency != obs.Annual {
			t.Fatalf("%s %s: frequency %s", ind, entity, s.Frequency)
		}
		for _, pt := range s.Points {
			if pt.Date == obs.NewDate(year, 1, 1) {
				return pt.Value
			}
		}
		t.Fatalf("%s %s: no value for %d", ind, entity, year)
	}
	t.Fatalf("no series %s %s", ind, entity)
	return 0
}

// Want describes what one parsed series must hold. Dates are written at the
// series' resolution (YYYY-MM-DD, YYYY-MM or YYYY).
type Want struct {
	Indicator   string
	Points      int
	First, Last string
	FirstValue  float64
	LastValue   float64
	// Values are further dates and their exact values (to 1e-9).
	Values map[string]float64
	// Absent are dates that must have no point (missing values, gaps).
	Absent []string
}

// Series checks that p holds a series for w.Indicator matching w, and that p
// passes (*obs.Parsed).Check.
func Series(t TB, p *obs.Parsed, w Want) {
	t.Helper()
	if err := p.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	var s *obs.Series
	for i := range p.Series {
		if p.Series[i].Indicator == w.Indicator {
			s = &p.Series[i]
		}
	}
	if s == nil {
		t.Fatalf("no series for %s", w.Indicator)
	}
	if len(s.Points) != w.Points {
		t.Errorf("%s: %d points, want %d", w.Indicator, len(s.Points), w.Points)
	}
	if len(s.Points) == 0 {
		return
	}
	byDate := map[string]float64{}
	for _, pt := range s.Points {
		byDate[pt.Date.Format(s.Frequency)] = pt.Value
	}
	first, last := s.Points[0], s.Points[len(s.Points)-1]
	if got := first.Date.Format(s.Frequency); got != w.First || !near(first.Value, w.FirstValue) {
		t.Errorf("%s: first point %s = %v, want %s = %v", w.Indicator, got, first.Value, w.First, w.FirstValue)
	}
	if got := last.Date.Format(s.Frequency); got != w.Last || !near(last.Value, w.LastValue) {
		t.Errorf("%s: last point %s = %v, want %s = %v", w.Indicator, got, last.Value, w.Last, w.LastValue)
	}
	for d, v := range w.Values {
		got, ok := byDate[d]
		if !ok {
			t.Errorf("%s: no point on %s, want %v", w.Indicator, d, v)
		} else if !near(got, v) {
			t.Errorf("%s: %s = %v, want %v", w.Indicator, d, got, v)
		}
	}
	for _, d := range w.Absent {
		if v, ok := byDate[d]; ok {
			t.Errorf("%s: point on %s = %v, want none (missing value or gap)", w.Indicator, d, v)
		}
	}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// Error checks that err is a *parse.Error whose message (with its file, line
// or path) contains every one of want.
func Error(t TB, err error, want ...string) {
	t.Helper()
	var pe *parse.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got error %v (%T), want a *parse.Error", err, err)
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
}

// ErrorLine checks that err is a *parse.Error at the 1-based line whose Msg
// (the message without file and line) contains want.
func ErrorLine(t TB, err error, line int, want string) {
	t.Helper()
	var pe *parse.Error
	if !errors.As(err, &pe) {
		t.Fatalf("got error %v (%T), want a *parse.Error", err, err)
	}
	if pe.Line != line || !strings.Contains(pe.Msg, want) {
		t.Errorf("got %q (line %d), want line %d containing %q", err, pe.Line, line, want)
	}
}

// Bad parses data (a bad input) with fn and checks that it yields no result
// and a *parse.Error whose message contains every one of want (see Error).
func Bad(t TB, fn parse.Func, file string, data []byte, inds []catalog.Indicator, want ...string) {
	t.Helper()
	p, err := fn(file, data, inds)
	if p != nil {
		t.Errorf("got a result for bad input %.80q", data)
	}
	Error(t, err, want...)
}

// FuzzEntities is the body of the fuzz test of a per-entity (national)
// parser, whose number of series depends on the data: whatever the input, fn
// must not panic, and must either fail with a *parse.Error or return output
// that passes Check.
func FuzzEntities(t TB, fn parse.Func, file string, data []byte, inds []catalog.Indicator) {
	t.Helper()
	p, err := fn(file, data, inds)
	if err != nil {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error %T %v is not *parse.Error", err, err)
		}
		return
	}
	if err := p.Check(); err != nil {
		t.Fatalf("output fails Check: %v", err)
	}
}

// Fuzz is the body of a parser's fuzz test: whatever the input, fn must not
// panic; it must either fail with a *parse.Error or return output that passes
// Check, with one non-empty series per indicator.
func Fuzz(t TB, fn parse.Func, file string, data []byte, inds []catalog.Indicator) {
	p, err := fn(file, data, inds)
	if err != nil {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("error is %T, want *parse.Error: %v", err, err)
		}
		if p != nil {
			t.Fatalf("non-nil result with error %v", err)
		}
		return
	}
	if p == nil {
		t.Fatal("nil result without error")
	}
	if err := p.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(p.Series) != len(inds) {
		t.Fatalf("%d series for %d indicators", len(p.Series), len(inds))
	}
	for _, s := range p.Series {
		if len(s.Points) == 0 {
			t.Fatalf("series %s has no points", s.Indicator)
		}
	}
}

// Head returns the first n lines of data, for small fuzz seeds cut from a
// real file.
func Head(data []byte, n int) []byte {
	for i, b := range data {
		if b == '\n' {
			n--
			if n == 0 {
				return data[:i+1]
			}
		}
	}
	return data
}

// Lines joins lines with "\n" and a final line end, for inline test inputs.
func Lines(lines ...string) []byte {
	return []byte(strings.Join(lines, "\n") + "\n")
}
