package alerts

import (
	"time"

	"testing"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/parse/registry"
	"github.com/stocktake/stocktake/internal/testutil"
)

// seaIceSeries parses the v3.0 daily extent of one hemisphere from the shared
// data folder.
func seaIceSeries(t *testing.T, hemisphere string) obs.Series {
	t.Helper()
	ds := dataset(t, "nsidc-g02135-"+hemisphere+"-v3")
	parse, ok := registry.Lookup(ds.Format)
	if !ok {
		t.Fatalf("no parser for %s", ds.Format)
	}
	p, err := parse(ds.Files[0].Path, testutil.ReadShared(t, ds.Files[0].Path), ds.Indicators)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Series {
		if s.Indicator == "seaice."+hemisphere {
			return s
		}
	}
	t.Fatalf("no seaice.%s series", hemisphere)
	return obs.Series{}
}

// TestYearExtremeNotAtSeriesStart: the daily record starts on 26 October
// 1978, after the Arctic minimum (September) and the Antarctic maximum
// (September) of 1978. The first days of the file are the most extreme values
// of the few weeks available only because nothing comes before them, so they
// must not be announced as "its 1978 minimum" (Arctic, 10.33 million km² on
// 28 October 1978) or "its 1978 maximum" (Antarctic, 17.72 on 29 October).
// The confirmation needs YearExtremeHold days of data before the day, as it
// needs them after.
func TestYearExtremeNotAtSeriesStart(t *testing.T) {
	t.Parallel()
	for _, h := range []string{"north", "south"} {
		s := seaIceSeries(t, h)
		pts := SmoothingFor(dataset(t, "nsidc-g02135-"+h+"-v3")).Apply(s.Points)
		n := 0
		for _, dir := range []string{"max", "min"} {
			for _, f := range yearExtremeFacts(pts, dir, judge{0.0001}) {
				if f.date.Year() == 1978 {
					t.Errorf("%s: %s year extreme on %s (%.4f) at the start of the series", h, dir, f.date, f.value)
				}
				if f.date.Year() == 1979 {
					n++
				}
			}
		}
		if n != 2 {
			t.Errorf("%s: %d year extremes in 1979, want its minimum and its maximum", h, n)
		}
	}
}

// TestPercentMarginInPoints: the margin between two shares in percent is a
// difference of percentages, written in percentage points. "Share of coal in
// electricity generation, South Africa 81.1% in 2023 — lowest on record,
// previous 84.4% in 2022 (by 3.30%)" read as a 3.30% relative fall, while
// the share fell by 3.30 points (3.9% of 84.4).
func TestPercentMarginInPoints(t *testing.T) {
	t.Parallel()
	m := 3.3
	e := Event{Indicator: "electricity.coal.share", Entity: "ZAF", Kind: AllTime, Direction: "min", Date: "2023",
		Value: 81.1, Unit: "%", Frequency: obs.Annual, Smoothing: "none", Previous: &Holder{Date: "2022", Value: 84.4}, Margin: &m}
	want := "Share of coal in electricity generation, South Africa 81.1% in 2023 — lowest on record, previous 84.4% in 2022 (by 3.30 percentage points)."
	if got := Sentence(e); got != want {
		t.Errorf("sentence\n got %s\nwant %s", got, want)
	}
	if got := formatMargin(0.04, "%"); got != "0.04 percentage points" {
		t.Errorf("small margin: %q", got)
	}
	if got := FormatValue(36.2, "%"); got != "36.2%" {
		t.Errorf("value: %q", got)
	}
}

// TestBackoffSchedule: 30 s after the first failure, doubling, spread by
// ±20%, and never above MaxBackoff (the jitter used to push a capped delay
// up to 7.2 h against a documented cap of 6 h).
func TestBackoffSchedule(t *testing.T) {
	t.Parallel()
	d := NewDeliverer(nil, DelivererOptions{})
	for n := 1; n <= 20; n++ {
		want := min(30*time.Second<<(n-1), 6*time.Hour)
		for i := 0; i < 200; i++ {
			b := d.backoff(n)
			lo := time.Duration(float64(want) * 0.8)
			hi := min(time.Duration(float64(want)*1.2), 6*time.Hour)
			if b < lo || b > hi {
				t.Fatalf("backoff after failure %d: %v, want %v..%v", n, b, lo, hi)
			}
		}
	}
}
