package textutil

import (
	"math"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

func TestScanner(t *testing.T) {
	sc := NewScanner([]byte("\xef\xbb\xbfa\r\n\nb\nc"))
	var got []string
	var lines []int
	for sc.Scan() {
		got = append(got, sc.Text())
		lines = append(lines, sc.Line())
	}
	if len(got) != 4 || got[0] != "a" || got[1] != "" || got[2] != "b" || got[3] != "c" || lines[3] != 4 {
		t.Errorf("got %q at %v", got, lines)
	}
	if NewScanner(nil).Scan() {
		t.Error("empty input has a line")
	}
	if n := LineOf([]byte("a\nb\nc"), 4); n != 3 {
		t.Errorf("LineOf = %d, want 3", n)
	}
	if n := LineOf([]byte("a"), 99); n != 1 {
		t.Errorf("LineOf past the end = %d, want 1", n)
	}
}

func TestNumbers(t *testing.T) {
	f := func(s string, want float64, ok bool) {
		t.Helper()
		v, err := ParseNumber(s)
		if (err == nil) != ok || ok && v != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %v ok=%v", s, v, err, want, ok)
		}
	}
	f("-.19", -0.19, true)
	f(" 1.766 ", 1.766, true)
	f("1.", 1, true)
	f("+2e3", 2000, true)
	f("1e-2", 0.01, true)
	for _, s := range []string{"", ".", "-", "NaN", "Inf", "-inf", "0x1p3", "1_000", "1e", "1e+", "1.2.3", "--1", "1e999", "١"} {
		f(s, 0, false)
	}
	for _, s := range []string{"1", "-0012", "+7"} {
		if _, err := ParseInt(s); err != nil {
			t.Errorf("ParseInt(%q): %v", s, err)
		}
	}
	for _, s := range []string{"", "1.0", "+-1", "1234567890", "x"} {
		if _, err := ParseInt(s); err == nil {
			t.Errorf("ParseInt(%q): no error", s)
		}
	}
	for _, s := range []string{"023", "0999", "20234", "-202", "2O23"} {
		if _, err := ParseYear(s); err == nil {
			t.Errorf("ParseYear(%q): no error", s)
		}
	}
	if _, err := Date(2023, 2, 29); err == nil {
		t.Error("2023-02-29 accepted")
	}
}

func TestMarkers(t *testing.T) {
	m := NewMarkers("***", "-99.99", "")
	f := func(s string, want float64, present, ok bool) {
		t.Helper()
		v, p, err := m.Parse(s)
		if (err == nil) != ok || p != present || v != want {
			t.Errorf("Parse(%q) = %v %v %v", s, v, p, err)
		}
	}
	f("***", 0, false, true)
	f("-99.99", 0, false, true)
	f("-99.990", 0, false, true)
	f(" ", 0, false, true)
	f("-99.98", -99.98, true, true)
	f("**", 0, false, false)
}

func TestCollector(t *testing.T) {
	ind := catalog.Indicator{ID: "x", Unit: "u", Frequency: obs.Daily}
	var c Collector
	c.Add(obs.NewDate(2023, 1, 3), 3, true, 5)
	c.Add(obs.NewDate(2023, 1, 1), 1, true, 6)
	c.Add(obs.NewDate(2023, 1, 2), math.NaN(), false, 7)
	s, err := c.Series("f", ind)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Points) != 2 || s.Points[0].Value != 1 || s.Points[1].Value != 3 || s.Unit != "u" {
		t.Errorf("series %+v", s)
	}
	c.Add(obs.NewDate(2023, 1, 2), 2, true, 9)
	if _, err := c.Series("f", ind); err == nil || err.Error() != "f:9: duplicate date 2023-01-02 (also at line 7)" {
		t.Errorf("duplicate: %v", err)
	}
}

func TestSniff(t *testing.T) {
	if err := Sniff("f", []byte("\xef\xbb\xbf \n"), "x"); err == nil {
		t.Error("blank file accepted")
	}
	if err := Sniff("f", []byte("\n\n  <html>"), "x"); err == nil || err.Error()[:4] != "f:3:" {
		t.Errorf("HTML: %v", err)
	}
	if err := Sniff("f", []byte("Year,"), "x"); err != nil {
		t.Error(err)
	}
}

// TestSniffBinary: NUL bytes and non-UTF-8 bytes are refused with their line.
func TestSniffBinary(t *testing.T) {
	for data, want := range map[string]string{
		"a,b\n1,2\n3,\x00\n": "f.csv:3: binary data (a NUL byte at offset 10)",
		"a,b\n1,\xff2\n":     "f.csv:2: byte 0xff at offset 6 is not UTF-8",
		"\xff\xfea\x00,\x00": "f.csv:1: binary data",
	} {
		err := Sniff("f.csv", []byte(data), "a CSV")
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Sniff(%q) = %v, want %q", data, err, want)
		}
	}
	if err := Sniff("f.csv", []byte("a,b\nÅland,2\n"), "a CSV"); err != nil {
		t.Errorf("UTF-8 text refused: %v", err)
	}
}
