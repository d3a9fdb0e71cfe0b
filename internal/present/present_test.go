package present

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/national"
)

func TestUnit(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := Unit(in); got != want {
			t.Errorf("Unit(%q) = %q, want %q", in, got, want)
		}
	}
	f("10^6 km^2", "million km²")
	f("degC", "°C")
	f("10^22 J (vs 1955)", "10²² J (vs 1955)")
	f("ppm", "ppm")
	f("t CO2e", "t CO2e")
}

func TestRecordSentence(t *testing.T) {
	r := analysis.OnResult{Kind: analysis.Min, Date: "2023-02-21", Value: 1.788, Unit: "10^6 km^2", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2017-02-21", Value: 2.1}}
	if got, want := RecordSentence(r, SentenceStyle{}), "Record low for 21 February: 1.79 million km², previous 2017"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	r.RecordAllTime = true
	if got, want := RecordSentence(r, SentenceStyle{}), "Record low for 21 February: 1.79 million km², previous 2017; also the lowest value on record"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	m := analysis.OnResult{Kind: analysis.Max, Date: "2023-06", Value: 1.18, Unit: "degC", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2020-06", Value: 0.94}}
	if got, want := RecordSentence(m, SentenceStyle{}), "Record high for June: 1.18 °C, previous 2020"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if RecordSentence(analysis.OnResult{Date: "2023-06-01", Tie: true}, SentenceStyle{}) != "" {
		t.Error("not a record: want no sentence")
	}
	mr := analysis.MonthResult{Kind: analysis.Max, Month: "2023-08", Value: 21.02, Unit: "degC", Record: true,
		Previous: &analysis.MonthHolder{Month: "2016-08", Value: 20.8}}
	if got, want := MonthRecordSentence(mr, SentenceStyle{}), "Record high for August: 21.02 °C, previous 2016"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestWithSource(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	w := WithSource[national.YearChange]{Result: national.YearChange{Year: 2023, Value: 1.5},
		Source: Source{Dataset: "d", Version: "v", SHA256: "abc", URL: "u", Retrieved: &at}}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"year":2023,"value":1.5,"change":null,"change_pct":null,"source":{"dataset":"d","version":"v","sha256":"abc","url":"u","retrieved":"2026-01-02T03:04:05Z"}}`
	if string(b) != want {
		t.Fatalf("got %s\nwant %s", b, want)
	}
	var back WithSource[national.YearChange]
	if err := json.Unmarshal(b, &back); err != nil || back.Result.Year != 2023 || back.Source.SHA256 != "abc" {
		t.Fatalf("round trip: %+v %v", back, err)
	}
	if _, err := json.Marshal(WithSource[int]{Result: 1}); err == nil {
		t.Error("a non-object result must be refused")
	}
	empty, _ := json.Marshal(WithSource[struct{}]{})
	if string(empty) != `{"source":{"dataset":"","version":"","sha256":"","url":""}}` {
		t.Errorf("empty result: %s", empty)
	}
}

func TestSourceLine(t *testing.T) {
	at := time.Date(2026, 11, 26, 16, 48, 0, 0, time.UTC)
	src := Source{Dataset: "nsidc-g02135-south-v3", Version: "3.0", SHA256: "de51a1ef1c463003ef9f", Retrieved: &at}
	got := SourceLine("NSIDC Sea Ice Index G02135 daily extent, Antarctic, version 3.0", src)
	want := "Source: NSIDC Sea Ice Index G02135 daily extent, Antarctic, version 3.0, sha256 de51a1ef1c46…, retrieved 2026-11-26"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := SourceLine("NASA GISTEMP", Source{Dataset: "x", Version: "v4"}); got != "Source: NASA GISTEMP, version v4" {
		t.Errorf("got %q", got)
	}
}

// TestRecordSentenceAtPrecision: values are written at the resolution
// compared, a three-month season by its season, and a record inside the
// combined 95% uncertainty says so with both intervals (JMA 2024 against
// 2022: 48.80 ± 2.53 and 46.77 ± 2.53, ohc_global_1955.txt).
func TestRecordSentenceAtPrecision(t *testing.T) {
	u, up := 2.53, 2.53
	c := analysis.Compare(analysis.Max, 48.80, 46.77, 0.01, &u, &up)
	r := analysis.OnResult{Date: "2024", Kind: analysis.Max, Value: 48.8, Unit: "10^22 J", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2022", Value: 46.77}, Comparison: &c}
	if got, want := VerdictClause(r.Comparison, "2022", r.Unit), " (not statistically distinguishable from 2022: 48.80 ± 2.53 vs 46.77 ± 2.53 10²² J, 95%)"; got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	era5 := analysis.Compare(analysis.Max, 17.152, 17.151, 0.001, nil, nil)
	d := analysis.OnResult{Date: "2024-07-23", Kind: analysis.Max, Value: 17.152, Unit: "degC", RecordForDate: true,
		PreviousForDate: &analysis.Holder{Date: "2023-07-23", Value: 17.151}, Comparison: &era5}
	if got, want := RecordSentence(d, SentenceStyle{}), "Record high for 23 July: 17.152 °C, previous 2023"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	oni := analysis.MonthResult{Month: "2026-06", Kind: analysis.Max, Value: 1.39, Unit: "degC", Record: true,
		Previous: &analysis.MonthHolder{Month: "2015-06", Value: 1.19}}
	if got, want := MonthRecordSentence(oni, SentenceStyle{Resolution: 0.01, Seasonal: true}), "Record high for MJJ: 1.39 °C, previous 2015"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
