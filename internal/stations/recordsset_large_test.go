package stations

import (
	"context"
	"fmt"
	"testing"

	"github.com/stocktake/stocktake/internal/obs"
)

// TestRecordsSetLargeValues checks values whose order key would overflow a
// 32-bit integer (value × 10^6 beyond 2^31 from 2148 tenths, i.e. 214.8 mm
// of rain in a day, common in the tropics): the records-set queries order
// the earlier values by value then date in one 64-bit key. Until the key was
// widened DuckDB refused the whole query, so one wettest-day question also
// failed every temperature question asked with it.
func TestRecordsSetLargeValues(t *testing.T) {
	dir := t.TempDir()
	a := open(t, 2)
	var days []day
	for y := 1990; y <= 2021; y++ {
		for m := 1; m <= 12; m++ {
			for d := 1; d <= obs.DaysIn(y, m); d += 3 {
				v := 100 + (y*7+m*13+d*31)%400
				if y%5 == 0 && m == 8 && d == 4 {
					v = 2500 + y // 4490 … 4520 tenths of mm
				}
				days = append(days, day{obs.NewDate(y, m, d), "PRCP", v, 0}, day{obs.NewDate(y, m, d), "TMAX", 150 + v%200, 0})
			}
		}
	}
	days = append(days, day{obs.NewDate(2021, 7, 16), "PRCP", 5000, 0}, day{obs.NewDate(2021, 7, 16), "TMAX", 400, 0})
	ingest(t, a, writeDLY(t, dir, "XX000000031", days))
	ctx := context.Background()
	from, to := obs.NewDate(2021, 7, 10), obs.NewDate(2021, 7, 20)
	qs := []Question{{RecordHigh, AllTime}, {WettestDay, AllTime}, {WettestDay, Day}, {WettestDay, Month}}
	got, err := a.RecordsSetMany(ctx, from, to, qs, Query{MinYears: 30})
	if err != nil {
		t.Fatalf("RecordsSetMany with a value of 5000 tenths: %v", err)
	}
	f := func(k int, want string) {
		t.Helper()
		var s string
		for _, r := range got[k] {
			s += fmt.Sprintf("%s %s %d prev %d %s tie %v;", r.Date, r.Element, r.Value, r.Previous, r.PreviousDate, r.Tie)
		}
		if s != want {
			t.Errorf("question %v:\n got %s\nwant %s", qs[k], s, want)
		}
		scan, err := a.recordsSetScan(ctx, from, to, qs[k].Extreme, qs[k].Scope, Query{MinYears: 30})
		if err != nil {
			t.Errorf("question %v: reference scan: %v", qs[k], err)
		} else if fmt.Sprint(scan) != fmt.Sprint(got[k]) {
			t.Errorf("question %v: joint query and scan differ:\n joint %v\n scan  %v", qs[k], got[k], scan)
		}
	}
	on := obs.NewDate(2021, 7, 16)
	want := func(el string, month int) string {
		v, d := prior(days, el, month, on)
		return fmt.Sprintf("%s %s %d prev %d %s tie false;", on, el, map[string]int{"TMAX": 400, "PRCP": 5000}[el], v, d)
	}
	if w := want("PRCP", 0); w != "2021-07-16 PRCP 5000 prev 4520 2020-08-04 tie false;" {
		t.Fatalf("the fixture's wettest earlier day is not 4520 tenths on 2020-08-04: %s", w)
	}
	f(0, want("TMAX", 0))
	f(1, want("PRCP", 0))
	f(3, want("PRCP", 7))
	if len(got[2]) == 0 || got[2][len(got[2])-1].Value != 5000 {
		t.Errorf("calendar-day wettest: want the 5000 of 2021-07-16 among %v", got[2])
	}
}

// prior returns the highest value of element el in days strictly before
// the date before (in calendar month month, or any month when 0) and the
// first date it was reached.
func prior(days []day, el string, month int, before obs.Date) (int, obs.Date) {
	best, first := -1<<31, obs.Date(0)
	for _, d := range days {
		if d.el != el || d.date >= before || (month != 0 && d.date.Month() != month) {
			continue
		}
		if d.value > best || (d.value == best && d.date < first) {
			best, first = d.value, d.date
		}
	}
	return best, first
}
