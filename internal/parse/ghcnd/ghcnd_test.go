package ghcnd

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse"
	"github.com/stocktake/stocktake/internal/testutil"
)

const centralPark = "noaa-ghcn-daily/USW00094728.dly"

// collect parses a .dly body and returns the values.
func collectDLY(t *testing.T, data []byte) ([]Value, Stats, error) {
	t.Helper()
	var vs []Value
	st, err := ParseDLY("x.dly", bytes.NewReader(data), func(v Value) error { vs = append(vs, v); return nil })
	return vs, st, err
}

func TestCentralParkDLY(t *testing.T) {
	data := testutil.ReadShared(t, centralPark)
	vs, st, err := collectDLY(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if st.Lines != 15118 {
		t.Errorf("lines = %d, want 15118", st.Lines)
	}
	find := func(el string, d obs.Date) (Value, bool) {
		for _, v := range vs {
			if v.Element == el && v.Date == d {
				return v, true
			}
		}
		return Value{}, false
	}
	// NWS New York: Central Park's all-time high is 106 °F on 9 July 1936; GHCN
	// stores it as 411 tenths of °C (41.1 °C).
	if v, ok := find("TMAX", obs.NewDate(1936, 7, 9)); !ok || v.Value != 411 || v.Flagged() || v.Station != "USW00094728" {
		t.Errorf("TMAX 1936-07-09 = %+v (found %v), want 411 unflagged", v, ok)
	}
	// NWS New York: all-time low −15 °F on 9 February 1934 = −26.1 °C.
	if v, ok := find("TMIN", obs.NewDate(1934, 2, 9)); !ok || v.Value != -261 {
		t.Errorf("TMIN 1934-02-09 = %+v (found %v), want -261", v, ok)
	}
	// The two TMAX values with a quality flag in the file (internal consistency, "I").
	var flaggedTMAX []string
	for _, v := range vs {
		if v.Element == "TMAX" && v.Flagged() {
			flaggedTMAX = append(flaggedTMAX, fmt.Sprintf("%s=%d%c", v.Date, v.Value, v.QFlag))
		}
	}
	if got := strings.Join(flaggedTMAX, " "); got != "1869-06-22=172I 1869-07-14=189I" {
		t.Errorf("flagged TMAX = %q", got)
	}
	// Every value counted once, flags counted, missing slots counted: each line
	// has 31 slots.
	if st.Values+st.Missing != 31*st.Lines || st.Values != len(vs) {
		t.Errorf("stats %+v do not add up (%d values)", st, len(vs))
	}
	if st.Flagged != 128 {
		t.Errorf("flagged = %d, want 128", st.Flagged)
	}
	// Trace precipitation keeps its measurement flag; the first value of the file.
	if v := vs[0]; v.Date != obs.NewDate(1869, 1, 1) || v.Element != "TMAX" || v.Value != -17 || v.SFlag != 'Z' || v.MFlag != ' ' {
		t.Errorf("first value %+v", v)
	}
	if v, _ := find("PRCP", obs.NewDate(1869, 1, 3)); v.MFlag != 'T' || v.Value != 0 {
		t.Errorf("PRCP 1869-01-03 = %+v, want trace 0", v)
	}
}

// dlyLine builds one .dly line with the given values (missing after len(vals)).
func dlyLine(id string, y, m int, el string, vals ...int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s%04d%02d%s", id, y, m, el)
	for d := 0; d < 31; d++ {
		if d < len(vals) {
			fmt.Fprintf(&b, "%5d  X", vals[d])
		} else {
			b.WriteString("-9999   ")
		}
	}
	return b.String()
}

func TestDLYMissingMarker(t *testing.T) {
	line := dlyLine("USW00000001", 2001, 2, "TMAX", 10, Missing, 30)
	vs, st, err := collectDLY(t, []byte(line+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || st.Missing != 29 || vs[1].Value != 30 || vs[1].Date != obs.NewDate(2001, 2, 3) {
		t.Fatalf("values %+v stats %+v", vs, st)
	}
}

func TestDLYBadInput(t *testing.T) {
	good := dlyLine("USW00000001", 2001, 2, "TMAX", 10, 20)
	// Day 30 of February holding a value.
	feb30 := dlyLine("USW00000001", 2001, 2, "TMAX", make([]int, 30)...)
	cases := []struct {
		name, body, want string
	}{
		{"truncated", good + "\n" + good[:100] + "\n", "x.dly:2: record is 100 characters long"},
		{"truncated at EOF", good[:200], "x.dly:1: record is 200 characters long"},
		{"bad month", good[:15] + "13" + good[17:], "x.dly:1: columns 16-17: month \"13\""},
		{"bad value", good[:21] + "  1x3" + good[26:], "x.dly:1: columns 22-26: VALUE1 \"  1x3\""},
		{"bad element", good[:17] + "TM-X" + good[21:], "columns 18-21: element"},
		{"bad id", "USW0000 001" + good[11:], "columns 1-11: station id"},
		{"past month end", feb30, "day 29 of 2001-02 holds 0"},
		{"control flag", good[:26] + "\x01" + good[27:], "columns 27-29: flags of day 1"},
	}
	for _, c := range cases {
		n := 0
		_, err := ParseDLY("x.dly", strings.NewReader(c.body), func(Value) error { n++; return nil })
		var pe *parse.Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want *parse.Error containing %q", c.name, err, c.want)
		}
	}
}

func TestDLYCallbackError(t *testing.T) {
	stop := errors.New("stop")
	_, err := ParseDLY("x.dly", strings.NewReader(dlyLine("USW00000001", 2001, 1, "TMAX", 1, 2)), func(Value) error { return stop })
	if err != stop {
		t.Fatalf("err = %v, want the callback's error", err)
	}
}

func TestCSV(t *testing.T) {
	body := "ID,DATE,ELEMENT,DATA_VALUE,M_FLAG,Q_FLAG,S_FLAG,OBS_TIME\n" +
		"USW00094728,20190701,TMAX,289,,,W,2400\r\n" +
		"USW00094728,20190701,PRCP,0,T,,W,\n" +
		"USW00094728,20190702,TMAX,-9999,,,,\n" +
		"ASN00001000,20190702,TMIN,999,,X,a,0700\n"
	var vs []Value
	st, err := ParseCSV("y.csv", strings.NewReader(body), func(v Value) error { vs = append(vs, v); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Values != 3 || st.Missing != 1 || st.Flagged != 1 || st.Lines != 5 {
		t.Errorf("stats %+v", st)
	}
	want := []Value{
		{"USW00094728", obs.NewDate(2019, 7, 1), "TMAX", 289, ' ', ' ', 'W', 2400},
		{"USW00094728", obs.NewDate(2019, 7, 1), "PRCP", 0, 'T', ' ', 'W', -1},
		{"ASN00001000", obs.NewDate(2019, 7, 2), "TMIN", 999, ' ', 'X', 'a', 700},
	}
	if fmt.Sprint(vs) != fmt.Sprint(want) {
		t.Errorf("got %+v\nwant %+v", vs, want)
	}
}

func TestCSVBadInput(t *testing.T) {
	cases := []struct{ body, want string }{
		{"USW00094728,20190701,TMAX,289,,,W\n", "y.csv:1: 7 fields; expected 8"},
		{"USW00094728,20190231,TMAX,289,,,W,\n", "field 2 (date): \"20190231\""},
		{"USW00094728,20190201,TMAX,28.9,,,W,\n", "field 4 (DATA_VALUE): \"28.9\""},
		{"USW00094728,20190201,TMAX,289,,XX,W,\n", "field 6 (Q-FLAG): \"XX\""},
		{"USW00094728,20190201,TMAX,289,,,W,7am\n", "field 8 (OBS-TIME)"},
		{"USW00094728,20190201,TMAX,289,,,W,\n\n", "y.csv:2: empty line"},
		{"USW,20190201,TMAX,289,,,W,\n", "field 1 (ID)"},
	}
	for _, c := range cases {
		_, err := ParseCSV("y.csv", strings.NewReader(c.body), func(Value) error { return nil })
		var pe *parse.Error
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want *parse.Error containing %q", c.body, err, c.want)
		}
	}
}

// TestDLYAndCSVAgree converts the real file to the CSV layout and checks that
// both parsers yield the same values.
func TestDLYAndCSVAgree(t *testing.T) {
	vs, _, err := collectDLY(t, testutil.ReadShared(t, centralPark))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	fl := func(c byte) string {
		if c == ' ' {
			return ""
		}
		return string(c)
	}
	for _, v := range vs {
		y, m, d := v.Date.YMD()
		fmt.Fprintf(&b, "%s,%04d%02d%02d,%s,%d,%s,%s,%s,\n", v.Station, y, m, d, v.Element, v.Value, fl(v.MFlag), fl(v.QFlag), fl(v.SFlag))
	}
	i := 0
	_, err = ParseCSV("c.csv", &b, func(v Value) error {
		if v != vs[i] {
			return fmt.Errorf("value %d: csv %+v, dly %+v", i, v, vs[i])
		}
		i++
		return nil
	})
	if err != nil || i != len(vs) {
		t.Fatalf("err %v after %d of %d", err, i, len(vs))
	}
}

func TestStations(t *testing.T) {
	data := testutil.ReadShared(t, "noaa-ghcn-daily/ghcnd-stations-excerpt.txt")
	ss, err := ParseStations("ghcnd-stations-excerpt.txt", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 14 {
		t.Fatalf("%d stations, want 14", len(ss))
	}
	var cp Station
	for _, s := range ss {
		if s.ID == "USW00094728" {
			cp = s
		}
	}
	want := Station{ID: "USW00094728", Latitude: 40.7789, Longitude: -73.9692, Elevation: 42.7, State: "NY", Name: "NY CITY CNTRL PARK", HCNCRN: "HCN", WMO: "72506"}
	if cp != want || cp.Country() != "US" {
		t.Errorf("central park = %+v", cp)
	}
	last := ss[len(ss)-1]
	if last.ID != "UV000065501" || !last.GSN || last.State != "" || last.Country() != "UV" || last.Name != "DORI" {
		t.Errorf("last = %+v", last)
	}
	_, err = ParseStations("s.txt", strings.NewReader("USW00094728  40.7789  -73.9692   42.7 NY NY CITY CNTRL PARK                 HCN 72506\nUSW00094728  94.7789  -73.9692   42.7 NY X\n"))
	if err == nil || !strings.Contains(err.Error(), "s.txt:2: columns 13-20: LATITUDE \"94.7789\"") {
		t.Errorf("err = %v", err)
	}
}

func TestInventoryAndCountries(t *testing.T) {
	inv, err := ParseInventory("i.txt", strings.NewReader("USW00094728  40.7789  -73.9692 TMAX 1869 2019\n"))
	if err != nil || len(inv) != 1 || inv[0] != (Inventory{"USW00094728", 40.7789, -73.9692, "TMAX", 1869, 2019}) {
		t.Errorf("inventory %+v %v", inv, err)
	}
	if _, err := ParseInventory("i.txt", strings.NewReader("USW00094728  40.7789  -73.9692 TMAX 2019 1869\n")); err == nil || !strings.Contains(err.Error(), "i.txt:1: columns 37-45") {
		t.Errorf("reversed years: %v", err)
	}
	cs, err := ParseCountries("c.txt", strings.NewReader("US United States\nUV Burkina Faso\n"))
	if err != nil || len(cs) != 2 || cs[1] != (Country{"UV", "Burkina Faso"}) {
		t.Errorf("countries %+v %v", cs, err)
	}
	if _, err := ParseCountries("c.txt", strings.NewReader("USA United States\n")); err == nil || !strings.Contains(err.Error(), "c.txt:1:") {
		t.Errorf("bad country: %v", err)
	}
}

// fuzzSeeds returns the first lines of the real file and a few variants.
func fuzzSeeds(f *testing.F) [][]byte {
	data := testutil.ReadShared(f, centralPark)
	lines := bytes.SplitN(data, []byte("\n"), 6)
	seeds := [][]byte{bytes.Join(lines[:5], []byte("\n"))}
	for _, l := range lines[:5] {
		seeds = append(seeds, l, l[:len(l)/2])
	}
	return seeds
}

func FuzzParseDLY(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		st, err := ParseDLY("f.dly", bytes.NewReader(data), func(v Value) error {
			if v.Value == Missing || len(v.Station) != 11 || len(v.Element) != 4 {
				return fmt.Errorf("bad value %+v", v)
			}
			return nil
		})
		var pe *parse.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("non-parse error %v", err)
		}
		if err == nil && st.Values+st.Missing != 31*st.Lines {
			t.Fatalf("stats %+v", st)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("USW00094728,20190701,TMAX,289,,,W,2400\nUSW00094728,20190701,PRCP,0,T,,W,\n"))
	f.Add([]byte("ID,DATE\nASN00001000,20190702,TMIN,999,,X,a,0700\n"))
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseCSV("f.csv", bytes.NewReader(data), func(v Value) error {
			if v.Value == Missing || len(v.Station) != 11 || len(v.Element) != 4 {
				return fmt.Errorf("bad value %+v", v)
			}
			return nil
		})
		var pe *parse.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("non-parse error %v", err)
		}
	})
}

func FuzzParseStations(f *testing.F) {
	f.Add(testutil.ReadShared(f, "noaa-ghcn-daily/ghcnd-stations-excerpt.txt"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := ParseStations("s.txt", bytes.NewReader(data))
		var pe *parse.Error
		if err != nil && !errors.As(err, &pe) {
			t.Fatalf("non-parse error %v", err)
		}
	})
}
