// Package textutil holds the helpers that the producer-format parsers share: a
// line scanner that counts lines, strict number and year parsing with
// producer missing-value markers, a check that rejects empty files and HTML
// error pages, a collector that sorts points by date and reports duplicate
// dates with both of their locations, and the assembly of per-entity
// (national) series from CSV files.
//
// Every function here returns a plain error or a *parse.Error; none panics on
// any input.
package textutil

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
)

// bom is the UTF-8 byte order mark that some tools put at the start of a file.
var bom = []byte("\xef\xbb\xbf")

// TrimBOM returns data without a leading UTF-8 byte order mark.
func TrimBOM(data []byte) []byte { return bytes.TrimPrefix(data, bom) }

// Scanner reads data line by line and tracks the 1-based number of the line
// last read. It accepts "\n" and "\r\n" line ends, strips a leading UTF-8 byte
// order mark, and has no limit on line length (unlike bufio.Scanner).
type Scanner struct {
	rest []byte
	line int
	text string
}

// NewScanner returns a Scanner over data.
func NewScanner(data []byte) *Scanner {
	return &Scanner{rest: bytes.TrimPrefix(data, bom)}
}

// Scan advances to the next line and reports whether there was one. A final
// line without a line end counts as a line; an empty file has no lines.
func (s *Scanner) Scan() bool {
	if len(s.rest) == 0 {
		return false
	}
	var l []byte
	if i := bytes.IndexByte(s.rest, '\n'); i >= 0 {
		l, s.rest = s.rest[:i], s.rest[i+1:]
	} else {
		l, s.rest = s.rest, nil
	}
	s.line++
	s.text = string(bytes.TrimSuffix(l, []byte("\r")))
	return true
}

// Text returns the line last read, without its line end.
func (s *Scanner) Text() string { return s.text }

// Line returns the 1-based number of the line last read (0 before Scan).
func (s *Scanner) Line() int { return s.line }

// LineOf returns the 1-based line number of byte offset off in data. It is
// used to place JSON syntax errors, which encoding/json reports by offset.
func LineOf(data []byte, off int64) int {
	if off < 0 {
		off = 0
	}
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// Sniff rejects data that cannot be the producer file at all: an empty or
// blank file, an HTML or XML page (what a server sends for a missing page,
// a login wall or a rate limit) instead of data, and binary or mis-encoded
// bytes (a NUL byte, or bytes that are not UTF-8: every producer text file
// is ASCII or UTF-8), which a parser could otherwise skip over inside a
// column it does not read. what names the expected
// content in the error, e.g. "NSIDC daily extent CSV". It returns nil when
// data may be the expected file.
func Sniff(file string, data []byte, what string) error {
	t := bytes.TrimLeft(bytes.TrimPrefix(data, bom), " \t\r\n")
	if len(t) == 0 {
		return parse.Errorf(file, 0, "empty file: expected %s", what)
	}
	if t[0] == '<' {
		return parse.Errorf(file, LineOf(data, int64(len(data)-len(t))),
			"got HTML or XML (starts %s) instead of %s; the server probably returned an error page", Quote(string(t)), what)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return parse.Errorf(file, LineOf(data, int64(i)), "binary data (a NUL byte at offset %d) instead of %s", i, what)
	}
	if !utf8.Valid(data) {
		bad := 0
		for bad < len(data) {
			r, n := utf8.DecodeRune(data[bad:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			bad += n
		}
		return parse.Errorf(file, LineOf(data, int64(bad)), "byte 0x%02x at offset %d is not UTF-8: expected %s as ASCII or UTF-8 text", data[bad], bad, what)
	}
	return nil
}

// Quote returns s quoted for an error message, cut to at most 40 runes so that
// a long or binary line does not swamp the message.
func Quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		return strconv.Quote(string(r[:max])) + "..."
	}
	return strconv.Quote(s)
}

// IsDecimal reports whether s is a plain decimal number: an optional sign,
// digits with at most one decimal point (".19", "-.19" and "1." are allowed),
// and an optional exponent. It rejects everything else strconv.ParseFloat
// would accept, such as "NaN", "Inf", hexadecimal and underscores.
func IsDecimal(s string) bool {
	i, digits := 0, 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// ParseNumber parses a plain decimal number (see IsDecimal) after trimming
// spaces. The result is always finite.
func ParseNumber(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if !IsDecimal(s) {
		return 0, fmt.Errorf("expected a number, got %s", Quote(s))
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("number %s is out of range", Quote(s))
	}
	return v, nil
}

// ParseInt parses a decimal integer of at most 9 digits with an optional
// sign, after trimming spaces.
func ParseInt(s string) (int, error) {
	s = strings.TrimSpace(s)
	d := strings.TrimLeft(s, "+-")
	if len(s)-len(d) > 1 || len(d) == 0 || len(d) > 9 || strings.Trim(d, "0123456789") != "" {
		return 0, fmt.Errorf("expected an integer, got %s", Quote(s))
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("expected an integer, got %s", Quote(s))
	}
	return n, nil
}

// ParseYear parses a four-digit calendar year (1000..9999) after trimming
// spaces. Every producer handled here writes years with four digits, so
// anything else is a malformed line.
func ParseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if len(s) != 4 || strings.Trim(s, "0123456789") != "" || s[0] == '0' {
		return 0, fmt.Errorf("expected a four-digit year, got %s", Quote(s))
	}
	n, _ := strconv.Atoi(s)
	return n, nil
}

// Date returns the date y-m-d, or an error naming the impossible date (such
// as 2023-02-30 or month 13).
func Date(y, m, d int) (obs.Date, error) {
	if !obs.ValidYMD(y, m, d) {
		return 0, fmt.Errorf("no such calendar date %04d-%02d-%02d", y, m, d)
	}
	return obs.NewDate(y, m, d), nil
}

// Markers is a producer's set of missing-value markers for one column. A
// marker is either a token compared as text after trimming spaces (such as
// "***" or "") or a number compared by value (so "-99.99" also matches
// "-99.990").
type Markers struct {
	tokens []string
	values []float64
}

// NewMarkers returns the marker set ms. Entries that are plain decimal numbers
// match by value; all others match as exact text.
func NewMarkers(ms ...string) Markers {
	var m Markers
	for _, s := range ms {
		if IsDecimal(s) {
			v, err := strconv.ParseFloat(s, 64)
			if err == nil {
				m.values = append(m.values, v)
				continue
			}
		}
		m.tokens = append(m.tokens, s)
	}
	return m
}

// Parse reads one field. It returns present=false (and no error) when the
// field is a missing-value marker, the value when it is a plain decimal
// number, and an error otherwise.
func (m Markers) Parse(s string) (v float64, present bool, err error) {
	s = strings.TrimSpace(s)
	for _, t := range m.tokens {
		if s == t {
			return 0, false, nil
		}
	}
	v, err = ParseNumber(s)
	if err != nil {
		return 0, false, err
	}
	for _, mv := range m.values {
		if v == mv {
			return 0, false, nil
		}
	}
	return v, true, nil
}

// OneIndicator returns the single indicator of a one-series format and checks
// that its frequency is want (any valid frequency when want is ""). A
// mismatch is a catalog error, reported as a *parse.Error for file.
func OneIndicator(file string, inds []catalog.Indicator, want obs.Frequency) (catalog.Indicator, error) {
	if len(inds) != 1 {
		return catalog.Indicator{}, parse.Errorf(file, 0, "this format yields one series; the catalog gives %d indicators", len(inds))
	}
	if err := CheckFrequency(file, inds[0], want); err != nil {
		return catalog.Indicator{}, err
	}
	return inds[0], nil
}

// CheckFrequency checks that ind's frequency is want, or, when want is "",
// that it is a known frequency.
func CheckFrequency(file string, ind catalog.Indicator, want obs.Frequency) error {
	if want == "" && !ind.Frequency.Valid() {
		return parse.Errorf(file, 0, "indicator %s has unknown frequency %q", ind.ID, ind.Frequency)
	}
	if want != "" && ind.Frequency != want {
		return parse.Errorf(file, 0, "indicator %s is declared %q but this format yields %s values", ind.ID, ind.Frequency, want)
	}
	return nil
}

// Collector gathers the rows of one series with the place each came from, so
// that rows may arrive in any order and duplicates can be reported with both
// locations. Missing values are recorded too: a date that appears twice is a
// duplicate even when one of the rows is a missing-value marker.
type Collector struct {
	rows []row
}

// row is one data row recorded by a Collector, with its location.
type row struct {
	date    obs.Date
	value   float64
	present bool
	line    int    // 1-based line, or 0
	path    string // JSON path, or ""
}

// Add records a row read at a 1-based line. present=false records a
// missing-value row, which yields no point.
func (c *Collector) Add(d obs.Date, v float64, present bool, line int) {
	c.rows = append(c.rows, row{date: d, value: v, present: present, line: line})
}

// AddPath records a row read at a JSON path.
func (c *Collector) AddPath(d obs.Date, v float64, present bool, path string) {
	c.rows = append(c.rows, row{date: d, value: v, present: present, path: path})
}

// Rows returns the number of rows recorded, missing ones included.
func (c *Collector) Rows() int { return len(c.rows) }

// Series returns the series for ind: the present rows sorted by date. Two rows
// with the same date are an error located at the later one (in file order)
// and naming the earlier. A series whose every row is missing is an error,
// as is one with no rows at all.
func (c *Collector) Series(file string, ind catalog.Indicator) (obs.Series, error) {
	if len(c.rows) == 0 {
		return obs.Series{}, parse.Errorf(file, 0, "no data rows for indicator %s", ind.ID)
	}
	rows := make([]row, len(c.rows))
	copy(rows, c.rows)
	// A stable sort keeps file order among equal dates, so rows[i] is the
	// later occurrence of a duplicate.
	sortRows(rows)
	pts := make([]obs.Point, 0, len(rows))
	for i, r := range rows {
		if i > 0 && rows[i-1].date == r.date {
			msg := fmt.Sprintf("duplicate date %s (also at %s)", r.date.Format(ind.Frequency), rows[i-1].where())
			return obs.Series{}, &parse.Error{File: file, Line: r.line, Path: r.path, Msg: msg}
		}
		if r.present {
			pts = append(pts, obs.Point{Date: r.date, Value: r.value})
		}
	}
	if len(pts) == 0 {
		return obs.Series{}, parse.Errorf(file, 0, "indicator %s: all %d rows are missing values", ind.ID, len(rows))
	}
	return obs.Series{
		Indicator: ind.ID,
		Unit:      ind.Unit,
		Frequency: ind.Frequency,
		Points:    pts,
	}, nil
}

// where names the row's location for an error message: its JSON path or
// "line N".
func (r row) where() string {
	if r.path != "" {
		return r.path
	}
	return fmt.Sprintf("line %d", r.line)
}

// sortRows sorts rows by date, keeping the input order among equal dates.
// Producer files are almost always in order already, so the check for that
// case makes the common path linear.
func sortRows(rows []row) {
	sorted := true
	for i := 1; i < len(rows); i++ {
		if rows[i].date < rows[i-1].date {
			sorted = false
			break
		}
	}
	if sorted {
		return
	}
	slices.SortStableFunc(rows, func(a, b row) int { return cmp.Compare(a.date, b.date) })
}

// Parsed returns the result of a one-series format: the series of ind built
// by c.Series.
func (c *Collector) Parsed(file string, ind catalog.Indicator) (*obs.Parsed, error) {
	s, err := c.Series(file, ind)
	if err != nil {
		return nil, err
	}
	return &obs.Parsed{Series: []obs.Series{s}}, nil
}

// SeriesOf returns the result of a format that yields one series per
// indicator: the series of inds[k] built by cs[k].Series, in the order of
// inds. cs must have one Collector per indicator. The first failing
// collector's error is returned.
func SeriesOf(file string, inds []catalog.Indicator, cs []Collector) (*obs.Parsed, error) {
	out := &obs.Parsed{}
	for k, ind := range inds {
		s, err := cs[k].Series(file, ind)
		if err != nil {
			return nil, err
		}
		out.Series = append(out.Series, s)
	}
	return out, nil
}

// CSVHeader starts reading the CSV file data (without its leading UTF-8 byte
// order mark): it returns a reader that reuses its record slice between
// reads, and a copy of the header record. Every later record must have the
// header's number of fields (encoding/csv's default). An empty file is an
// error at line 1 saying that what was expected (e.g. "the header
// Entity,Code,Year,<indicator>"); a malformed header is a CSVError.
func CSVHeader(file string, data []byte, what string) (*csv.Reader, []string, error) {
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		if err := Sniff(file, data, "CSV with "+what); err != nil {
			return nil, nil, err
		}
	}
	r := csv.NewReader(bytes.NewReader(TrimBOM(data)))
	r.ReuseRecord = true
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil, parse.Errorf(file, 1, "empty file: expected %s", what)
		}
		return nil, nil, CSVError(file, err)
	}
	return r, slices.Clone(header), nil
}

// CSVError turns an error returned by an encoding/csv Reader into a
// *parse.Error for file, placed on the first line of the record being read
// (a quoted field may span several lines).
func CSVError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		line := pe.StartLine
		if line == 0 {
			line = pe.Line
		}
		return parse.Errorf(file, line, "%v", pe.Err)
	}
	return parse.Errorf(file, 0, "%v", err)
}

// EntitySeries returns the result of a per-entity (national) format. For
// each indicator inds[k], points[k] maps an entity code to that entity's
// points, in any order; each entity becomes one series with frequency freq
// and the indicator's unit, its points sorted by date. Series come in the
// order of inds, then of entity code. A result without a single point is an
// error at line 1 ("no values in the file"), and one that fails
// (*obs.Parsed).Check (such as two points of one entity on the same date,
// or a sum that overflowed to infinity) is an error naming the series.
func EntitySeries(file string, inds []catalog.Indicator, freq obs.Frequency, points []map[string][]obs.Point) (*obs.Parsed, error) {
	out := &obs.Parsed{}
	for k, ind := range inds {
		for _, code := range slices.Sorted(maps.Keys(points[k])) {
			pts := points[k][code]
			slices.SortFunc(pts, func(a, b obs.Point) int { return cmp.Compare(a.Date, b.Date) })
			out.Series = append(out.Series, obs.Series{
				Indicator: ind.ID, Entity: code, Unit: ind.Unit, Frequency: freq, Points: pts,
			})
		}
	}
	if out.Rows() == 0 {
		return nil, parse.Errorf(file, 1, "no values in the file")
	}
	if err := out.Check(); err != nil {
		return nil, parse.Errorf(file, 0, "%v", err)
	}
	return out, nil
}
