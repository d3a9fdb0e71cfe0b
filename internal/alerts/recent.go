package alerts

import (
	"context"
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// ListAll returns every stored event of the given indicators (all when
// empty) about a date on or after from (all when nil), the baseline events
// of first scans included, in the store's
// listing order (last update first). It is the input of the recent-records
// question (query.Recent), which groups events by the date they are about
// rather than by when they were detected, so it cannot page. The events'
// Comparison carries no uncertainty verdict (List adds it per page).
func ListAll(ctx context.Context, st store.EventStore, indicators []string, from *obs.Date) ([]Event, error) {
	rows, err := st.Events(ctx, store.EventFilter{Indicators: indicators, Historical: true, DateFrom: from})
	if err != nil {
		return nil, err
	}
	evs := make([]Event, 0, len(rows))
	for _, r := range rows {
		evs = append(evs, eventFrom(r))
	}
	return evs, nil
}

// RunSentence writes one plain sentence for a run of count consecutive
// record events of one series and kind, from first to last (the events'
// Date strings), with the largest margin of the run in unit (nil when no
// event of the run had a previous holder). A run of one event is written
// by the event's own Sentence; RunSentence is for count >= 2, e.g. "Global
// SST set a record high for the date on 66 consecutive days, 2 June to 6
// August 2026, by up to 0.098 °C."
func RunSentence(indicator string, kind Kind, direction string, f obs.Frequency, first, last string, count int, best *float64, unit string) string {
	word := "high"
	if direction == "min" {
		word = "low"
	}
	what := map[Kind]string{
		DayRecord: "a record " + word + " for the date",
		MonthRec:  "a record " + word + " for the month",
		AllTime:   "an all-time record " + word,
	}[kind]
	if what == "" {
		what = "a record " + word
	}
	steps := "days"
	switch {
	case len(last) == 7:
		steps = "months"
	case len(last) == 4:
		steps = "years"
	case f == obs.Weekly:
		steps = "weeks"
	}
	s := fmt.Sprintf("%s set %s on %d consecutive %s, %s", Name(indicator), what, count, steps, periodRange(kind, f, first, last))
	if best != nil {
		s += ", by up to " + formatMargin(*best, unit)
	}
	return s + "."
}

// periodRange writes "2 June to 6 August 2026" (the year once when both
// ends share it), "May to July 2026" or "2023 to 2025".
func periodRange(kind Kind, f obs.Frequency, first, last string) string {
	a, b := humanPeriod(kind, f, first), humanPeriod(kind, f, last)
	if len(first) >= 7 && first[:4] == last[:4] {
		if n := len(a) - 5; n > 0 && a[n:] == " "+first[:4] {
			a = a[:n]
		}
	}
	return a + " to " + b
}
