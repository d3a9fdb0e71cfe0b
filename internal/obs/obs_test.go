package obs

import (
	"testing"
	"time"
)

func TestDateRoundTrip(t *testing.T) {
	for d := Date(-800000); d < 800000; d += 7 {
		y, m, day := d.YMD()
		if got := NewDate(y, m, day); got != d {
			t.Fatalf("round trip %d -> %d-%d-%d -> %d", d, y, m, day, got)
		}
	}
	f := func(y, m, d int) {
		t.Helper()
		want := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if got := NewDate(y, m, d).Time(); !got.Equal(want) {
			t.Errorf("%d-%d-%d: got %v want %v", y, m, d, got, want)
		}
	}
	f(1970, 1, 1)
	f(2000, 2, 29)
	f(1900, 3, 1)
	f(1850, 1, 1)
	f(2024, 12, 31)
}

func TestParseDate(t *testing.T) {
	f := func(s, want string, ok bool) {
		t.Helper()
		d, err := ParseDate(s)
		if (err == nil) != ok {
			t.Fatalf("%q: err=%v, want ok=%v", s, err, ok)
		}
		if ok && d.String() != want {
			t.Errorf("%q: got %s want %s", s, d, want)
		}
	}
	f("2023-02-19", "2023-02-19", true)
	f("2024-02-29", "2024-02-29", true)
	f("2023-02-29", "", false)
	f("2023-13-01", "", false)
	f("2023-06", "2023-06-01", true)
	f("1850", "1850-01-01", true)
	f("2023/02/19", "", false)
	f("20230219", "", false)
	f("2023-02-1x", "", false)
	f("", "", false)
}

func TestFormat(t *testing.T) {
	d := NewDate(2023, 6, 1)
	if d.Format(Monthly) != "2023-06" || d.Format(Annual) != "2023" || d.Format(Daily) != "2023-06-01" {
		t.Fatalf("format: %s %s %s", d.Format(Monthly), d.Format(Annual), d.Format(Daily))
	}
}
