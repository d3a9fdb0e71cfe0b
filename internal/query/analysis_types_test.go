package query

import (
	"errors"
	"strings"
	"testing"

	"github.com/stocktake/stocktake/internal/analysis"
)

// TestSlotDate checks the date of each calendar slot of the daily view:
// 29 February only in leap years, 1 March and 31 December at the same slot
// in every year, and nothing outside 0..365.
func TestSlotDate(t *testing.T) {
	d := &DailyYears{Convention: analysis.Calendar}
	f := func(year, slot int, want string) {
		t.Helper()
		got, ok := d.SlotDate(year, slot)
		if want == "" {
			if ok {
				t.Errorf("SlotDate(%d, %d) = %s, want none", year, slot, got)
			}
			return
		}
		if !ok || got.String() != want {
			t.Errorf("SlotDate(%d, %d) = %s %v, want %s", year, slot, got, ok, want)
		}
	}
	f(2023, 0, "2023-01-01")
	f(2023, 58, "2023-02-28")
	f(2023, 59, "")
	f(2023, 60, "2023-03-01")
	f(2024, 59, "2024-02-29")
	f(2024, 60, "2024-03-01")
	f(2023, 365, "2023-12-31")
	f(2024, 365, "2024-12-31")
	f(2024, 366, "")
	f(2024, -1, "")
	// Every slot's date maps back to that slot of the layout.
	for slot := range analysis.DaySlots {
		if date, ok := d.SlotDate(2024, slot); !ok || analysis.Calendar.Slot(date) != slot || date.Year() != 2024 {
			t.Errorf("slot %d of 2024: %s %v", slot, date, ok)
		}
	}
}

// TestCheckSmoothingAndBaseline checks the validation a share link gets:
// the questions' own parsers and messages, as Invalid errors.
func TestCheckSmoothingAndBaseline(t *testing.T) {
	for _, v := range []string{"none", "5d", "7d", "7d-centred"} {
		if err := CheckSmoothing(v); err != nil {
			t.Errorf("CheckSmoothing(%q) = %v", v, err)
		}
	}
	for _, v := range []string{"", "1991-2020", "1981-2010"} {
		if err := CheckBaseline(v); err != nil {
			t.Errorf("CheckBaseline(%q) = %v", v, err)
		}
	}
	f := func(err error, fragment string) {
		t.Helper()
		var qe *Error
		if !errors.As(err, &qe) || qe.Kind != Invalid || !strings.Contains(err.Error(), fragment) {
			t.Errorf("error %v, want an Invalid error containing %q", err, fragment)
		}
	}
	f(CheckSmoothing("5x"), "smooth: ")
	f(CheckBaseline("1991"), "baseline: ")
	f(CheckBaseline("2020-1991"), "baseline: ")
	// The API's smooth= and the share link's refuse the same text with the
	// same words.
	_, err := smoothing("5x")
	if err == nil || CheckSmoothing("5x").Error() != err.Error() {
		t.Errorf("CheckSmoothing and smoothing disagree: %v", err)
	}
}
