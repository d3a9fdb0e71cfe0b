package query

import (
	"testing"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/obs"
)

// ev builds a stored-looking event of global SST for GroupRuns.
func ev(kind alerts.Kind, date string, margin float64, historical bool) alerts.Event {
	m := margin
	return alerts.Event{Dataset: "climate-reanalyzer-sst.world", Indicator: "sst.world", Kind: kind, Direction: "max",
		Date: date, Frequency: obs.Daily, Unit: "degC", Value: 21, Margin: &m, Historical: historical, Sentence: "one " + date}
}

// TestGroupRuns groups consecutive days into one run (crossing a month
// end), splits at a gap, keeps the best margin, folds the streak event into
// the run it describes, leaves retracted events out and marks a run as
// first-load only when every event of it is.
func TestGroupRuns(t *testing.T) {
	streak := ev(alerts.Streak, "2026-07-01", -400, true)
	streak.Streak = &alerts.StreakInfo{From: "2026-06-29", Len: 3}
	retracted := ev(alerts.DayRecord, "2026-07-03", 0.5, true)
	retracted.Retracted = true
	evs := []alerts.Event{
		ev(alerts.DayRecord, "2026-06-29", 0.01, true), ev(alerts.DayRecord, "2026-06-30", 0.03, true),
		ev(alerts.DayRecord, "2026-07-01", 0.02, false), retracted, ev(alerts.DayRecord, "2026-07-05", 0.04, true),
		streak, ev(alerts.MonthRec, "2026-06", 0.1, true), ev(alerts.MonthRec, "2026-07", 0.2, true),
	}
	runs := GroupRuns(evs)
	if len(runs) != 3 {
		t.Fatalf("%d runs, want 3 (the gap splits the days; the streak is folded): %+v", len(runs), runs)
	}
	// Newest first: 5 July, then the day run ending 1 July, then the month
	// run ending "2026-07" (dates compare as strings, so a month sorts after
	// its days).
	one, days, months := runs[0], runs[1], runs[2]
	if one.First != "2026-07-05" || one.Count != 1 || one.Sentence != "one 2026-07-05" || !one.FirstLoad {
		t.Errorf("single run %+v", one)
	}
	if days.First != "2026-06-29" || days.Last != "2026-07-01" || days.Count != 3 || *days.BestMargin != 0.03 ||
		days.BestDate != "2026-06-30" || days.FirstLoad {
		t.Errorf("day run %+v", days)
	}
	if days.Streak == nil || days.Streak.Len != 3 || days.PreviousLongest == nil || *days.PreviousLongest != 403 {
		t.Errorf("folded streak %+v, previous longest %v; want 3 long, 403", days.Streak, days.PreviousLongest)
	}
	if months.Kind != alerts.MonthRec || months.First != "2026-06" || months.Count != 2 {
		t.Errorf("month run %+v", months)
	}
	want := "Global SST set a record high for the date on 3 consecutive days, 29 June to 1 July 2026, by up to 0.030 °C."
	if days.Sentence != want {
		t.Errorf("sentence %q, want %q", days.Sentence, want)
	}
}

// TestRecentWindow checks the window's syntax and bounds.
func TestRecentWindow(t *testing.T) {
	for in, want := range map[string][3]int{"": {0, 12, 0}, "90d": {0, 0, 90}, "2y": {2, 0, 0}, "1200m": {0, 1200, 0}} {
		if _, w, err := (RecentRequest{Recent: in}).window(); err != nil || w != want {
			t.Errorf("%q: %v %v, want %v", in, w, err, want)
		}
	}
	for _, in := range []string{"12", "m", "0d", "101y", "12 m", "-3m"} {
		if _, _, err := (RecentRequest{Recent: in}).window(); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}
