// Package ghcnd reads NOAA's GHCN-Daily formats: the fixed-width ".dly" station
// files (one line per station, element and month, 31 day slots), the
// comma-separated by-station and by-year files (one line per value), and the
// fixed-width metadata files ghcnd-stations.txt, ghcnd-inventory.txt and
// ghcnd-countries.txt. The layouts are those of NOAA's GHCN-Daily readme
// (sections III to VII) and of the by_year readme.
//
// Values are kept in GHCN's own integer units (tenths of °C for TMAX, TMIN and
// TAVG; tenths of mm for PRCP; mm for SNOW and SNWD) together with their
// measurement, quality and source flags. The missing marker -9999 is never a
// value: it is skipped and counted. A value with a quality flag is passed on
// (so that it can be archived) and counted; deciding what counts for a record
// is the caller's business (see Value.Flagged).
//
// The parsers stream: they call a function per value and hold one line at a
// time, so memory does not grow with the file. On bad input they return a
// *parse.Error naming the file, the line and the field, and they never panic.
package ghcnd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
)

// Missing is GHCN-Daily's marker for a missing value.
const Missing = -9999

// DLYLineLen is the length of one .dly record in characters (without the line
// ending): 21 characters of id, year, month and element, then 31 day slots of
// 8 characters (5 for the value, 1 each for the M, Q and S flags).
const DLYLineLen = 269

// Value is one daily value of one element at one station.
type Value struct {
	Station string   // 11-character GHCN-Daily station id, e.g. "USW00094728"
	Date    obs.Date // the day of the observation
	Element string   // 4-character element code, e.g. "TMAX"
	Value   int32    // in the element's GHCN unit (tenths of °C for temperatures, tenths of mm for PRCP)
	MFlag   byte     // measurement flag, ' ' when blank
	QFlag   byte     // quality flag, ' ' when the value passed every quality check
	SFlag   byte     // source flag, ' ' when blank
	ObsTime int16    // observation time as HHMM (CSV files only), -1 when not given
}

// Flagged reports whether the value failed a NOAA quality check. NOAA
// excludes such values from its records, and so does stocktake.
func (v Value) Flagged() bool { return v.QFlag != ' ' }

// Stats counts what a parse saw.
type Stats struct {
	Lines   int // lines read (including a CSV header)
	Values  int // values passed to the callback (flagged ones included)
	Missing int // slots holding the missing marker -9999 (or days past the month's end)
	Flagged int // values passed on that carry a quality flag
}

// Add adds the counts of o to s.
func (s *Stats) Add(o Stats) {
	s.Lines += o.Lines
	s.Values += o.Values
	s.Missing += o.Missing
	s.Flagged += o.Flagged
}

// interner returns one shared string per distinct byte sequence so that a
// file's many values share their station and element strings.
type interner struct{ m map[string]string }

func (in *interner) get(b []byte) string {
	if s, ok := in.m[string(b)]; ok { // the conversion does not allocate here
		return s
	}
	s := string(b)
	if in.m == nil {
		in.m = make(map[string]string)
	}
	if len(in.m) > 4096 { // a by-year file names ~100,000 stations; keep the map small
		clear(in.m)
	}
	in.m[s] = s
	return s
}

// lineReader yields lines without their ending ("\n" or "\r\n"), numbering
// them from 1.
type lineReader struct {
	r    *bufio.Reader
	n    int
	file string
}

func newLineReader(file string, r io.Reader) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 1<<16), file: file}
}

// next returns the next line, or io.EOF after the last one. The slice is
// valid until the following call.
func (lr *lineReader) next() ([]byte, error) {
	line, err := lr.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		lr.n++
		return nil, parse.Errorf(lr.file, lr.n, "line longer than %d bytes", lr.r.Size())
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%s: reading: %w", lr.file, err)
	}
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	lr.n++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	return line, nil
}

// atoi parses a right-aligned, space-padded signed decimal integer.
func atoi(b []byte) (int, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0, false
	}
	neg := false
	if b[0] == '-' || b[0] == '+' {
		neg = b[0] == '-'
		b = b[1:]
		if len(b) == 0 {
			return 0, false
		}
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n > 1<<30 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

func validID(b []byte) bool {
	if len(b) != 11 {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			return false
		}
	}
	return true
}

func validElement(b []byte) bool {
	if len(b) != 4 {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// validFlag accepts a blank or a printable ASCII character.
func validFlag(c byte) bool { return c >= ' ' && c <= '~' }

// ParseDLY reads a .dly file (one station, any number of elements and months)
// and calls fn for every value that is not missing, in file order. Flagged
// values are passed on and counted. The error of fn, if any, stops the parse
// and is returned as is.
func ParseDLY(file string, r io.Reader, fn func(Value) error) (Stats, error) {
	var st Stats
	lr := newLineReader(file, r)
	var ids, els interner
	for {
		line, err := lr.next()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		st.Lines++
		n := lr.n
		if len(line) != DLYLineLen {
			return st, parse.Errorf(file, n, "record is %d characters long; a .dly record is %d (truncated or malformed line)", len(line), DLYLineLen)
		}
		if !validID(line[0:11]) {
			return st, parse.Errorf(file, n, "columns 1-11: station id %q is not 11 letters or digits", line[0:11])
		}
		year, ok1 := atoi(line[11:15])
		month, ok2 := atoi(line[15:17])
		if !ok1 || year < 1700 || year > 2200 {
			return st, parse.Errorf(file, n, "columns 12-15: year %q is not a year", line[11:15])
		}
		if !ok2 || month < 1 || month > 12 {
			return st, parse.Errorf(file, n, "columns 16-17: month %q is not 01-12", line[15:17])
		}
		if !validElement(line[17:21]) {
			return st, parse.Errorf(file, n, "columns 18-21: element %q is not a 4-character code", line[17:21])
		}
		station := ids.get(line[0:11])
		element := els.get(line[17:21])
		days := obs.DaysIn(year, month)
		first := obs.NewDate(year, month, 1)
		for d := 0; d < 31; d++ {
			slot := line[21+8*d : 29+8*d]
			col := 22 + 8*d
			v, ok := atoi(slot[0:5])
			if !ok {
				return st, parse.Errorf(file, n, "columns %d-%d: VALUE%d %q is not an integer", col, col+4, d+1, slot[0:5])
			}
			if !validFlag(slot[5]) || !validFlag(slot[6]) || !validFlag(slot[7]) {
				return st, parse.Errorf(file, n, "columns %d-%d: flags of day %d %q are not printable characters", col+5, col+7, d+1, slot[5:8])
			}
			if v == Missing {
				st.Missing++
				continue
			}
			if d >= days {
				return st, parse.Errorf(file, n, "columns %d-%d: day %d of %04d-%02d holds %d; days past the month's end must be -9999", col, col+4, d+1, year, month, v)
			}
			val := Value{Station: station, Date: first + obs.Date(d), Element: element, Value: int32(v),
				MFlag: slot[5], QFlag: slot[6], SFlag: slot[7], ObsTime: -1}
			st.Values++
			if val.Flagged() {
				st.Flagged++
			}
			if err := fn(val); err != nil {
				return st, err
			}
		}
	}
}

// ParseCSV reads a by-station or by-year CSV file: lines of
// ID,YYYYMMDD,ELEMENT,DATA_VALUE,M-FLAG,Q-FLAG,S-FLAG,OBS-TIME with empty
// fields for blank flags and a missing observation time. A first line that
// starts with "ID," is taken as a header and skipped. A DATA_VALUE of -9999 is
// counted as missing and skipped.
func ParseCSV(file string, r io.Reader, fn func(Value) error) (Stats, error) {
	var st Stats
	lr := newLineReader(file, r)
	var ids, els interner
	var f [9][]byte
	for {
		line, err := lr.next()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
		st.Lines++
		n := lr.n
		if n == 1 && bytes.HasPrefix(line, []byte("ID,")) {
			continue
		}
		if len(line) == 0 {
			return st, parse.Errorf(file, n, "empty line; expected ID,YYYYMMDD,ELEMENT,VALUE,M,Q,S,OBSTIME")
		}
		nf := 0
		rest := line
		for nf < len(f) {
			i := bytes.IndexByte(rest, ',')
			if i < 0 {
				f[nf] = rest
				nf++
				break
			}
			f[nf] = rest[:i]
			rest = rest[i+1:]
			nf++
		}
		if nf != 8 {
			return st, parse.Errorf(file, n, "%d fields; expected 8 (ID,YYYYMMDD,ELEMENT,VALUE,M,Q,S,OBSTIME)", nf)
		}
		if !validID(f[0]) {
			return st, parse.Errorf(file, n, "field 1 (ID): %q is not an 11-character station id", f[0])
		}
		date, ok := ymd(f[1])
		if !ok {
			return st, parse.Errorf(file, n, "field 2 (date): %q is not a valid YYYYMMDD date", f[1])
		}
		if !validElement(f[2]) {
			return st, parse.Errorf(file, n, "field 3 (ELEMENT): %q is not a 4-character code", f[2])
		}
		v, ok := atoi(f[3])
		if !ok || v < -99999 || v > 99999 {
			return st, parse.Errorf(file, n, "field 4 (DATA_VALUE): %q is not an integer of at most 5 digits", f[3])
		}
		var flags [3]byte
		for i := 0; i < 3; i++ {
			switch b := f[4+i]; {
			case len(b) == 0:
				flags[i] = ' '
			case len(b) == 1 && validFlag(b[0]):
				flags[i] = b[0]
			default:
				return st, parse.Errorf(file, n, "field %d (%s): %q is not a one-character flag", 5+i, [3]string{"M-FLAG", "Q-FLAG", "S-FLAG"}[i], b)
			}
		}
		ot := int16(-1)
		if len(f[7]) > 0 {
			t, ok := atoi(f[7])
			if !ok || len(f[7]) != 4 || t < 0 || t > 2400 || t%100 > 59 {
				return st, parse.Errorf(file, n, "field 8 (OBS-TIME): %q is not an HHMM time", f[7])
			}
			ot = int16(t)
		}
		if v == Missing {
			st.Missing++
			continue
		}
		val := Value{Station: ids.get(f[0]), Date: date, Element: els.get(f[2]), Value: int32(v),
			MFlag: flags[0], QFlag: flags[1], SFlag: flags[2], ObsTime: ot}
		st.Values++
		if val.Flagged() {
			st.Flagged++
		}
		if err := fn(val); err != nil {
			return st, err
		}
	}
}

// ymd parses an 8-digit YYYYMMDD date.
func ymd(b []byte) (obs.Date, bool) {
	if len(b) != 8 {
		return 0, false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	y, _ := strconv.Atoi(string(b[0:4]))
	m := int(b[4]-'0')*10 + int(b[5]-'0')
	d := int(b[6]-'0')*10 + int(b[7]-'0')
	if y < 1700 || !obs.ValidYMD(y, m, d) {
		return 0, false
	}
	return obs.NewDate(y, m, d), true
}
