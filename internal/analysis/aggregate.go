package analysis

import (
	"github.com/stocktake/stocktake/internal/obs"
)

// Completeness decides whether a monthly mean of daily data is complete.
type Completeness struct {
	MaxMissing int // most missing days allowed in the month
	MaxRun     int // longest run of consecutive missing days allowed
}

// WMO511 is the WMO "5/11 rule" (WMO-No. 1203): a monthly value is complete
// when no more than 10 days are missing and no 5 or more consecutive days are
// missing. It is stocktake's completeness rule.
var WMO511 = Completeness{MaxMissing: 10, MaxRun: 4}

// Aggregate is the mean of one month or one year.
type Aggregate struct {
	Date       obs.Date // first day of the period (1st of the month, or 1 January)
	Value      float64  // mean of the values present (NaN when none)
	N          int      // values present: days for daily input, months for annual from monthly
	Expected   int      // values a full period holds (days in the month or year, or 12 months)
	LongestGap int      // longest run of consecutive missing values within the period (days, or months for annual means of monthly data; 0 for other frequencies)
	Complete   bool     // whether the period meets the completeness rule
}

// Monthly returns the calendar-month means of daily pts, one per month that
// has at least one value, in date order. Each month is judged by rule over the
// whole calendar month (days before the series starts count as missing), so
// the first and last months of a series and months inside a gap are reported
// as incomplete rather than dropped.
func Monthly(pts []obs.Point, rule Completeness) []Aggregate {
	var out []Aggregate
	for i := 0; i < len(pts); {
		y, m, _ := pts[i].Date.YMD()
		first := obs.NewDate(y, m, 1)
		ndays := obs.DaysIn(y, m)
		last := first + obs.Date(ndays-1)
		a := Aggregate{Date: first, Expected: ndays}
		sum, prev := 0.0, first-1
		for ; i < len(pts) && pts[i].Date <= last; i++ {
			a.LongestGap = max(a.LongestGap, int(pts[i].Date-prev)-1)
			prev = pts[i].Date
			sum += pts[i].Value
			a.N++
		}
		a.LongestGap = max(a.LongestGap, int(last-prev))
		a.Value = sum / float64(a.N)
		a.Complete = ndays-a.N <= rule.MaxMissing && a.LongestGap <= rule.MaxRun
		out = append(out, a)
	}
	return out
}

// Annual returns calendar-year means. For daily pts (freq obs.Daily) the mean
// is over the days present and a year is complete when all twelve of its
// months are complete under rule; N and Expected count days. For monthly pts
// the mean is over the months present and a year is complete with all twelve;
// N and Expected count months. Other frequencies: the mean of the values in the
// year, complete when at least one is present.
func Annual(pts []obs.Point, freq obs.Frequency, rule Completeness) []Aggregate {
	var months []Aggregate
	if freq == obs.Daily {
		months = Monthly(pts, rule)
	}
	var out []Aggregate
	for i := 0; i < len(pts); {
		y := pts[i].Date.Year()
		a := Aggregate{Date: obs.NewDate(y, 1, 1)}
		sum := 0.0
		// prev is the position of the previous value in the period's own
		// unit (days for daily data, months for monthly data), starting
		// just before the year, so LongestGap counts missing days or months
		// at the start, inside and (below) at the end of the year.
		pos := func(d obs.Date) int {
			if freq == obs.Monthly {
				return d.Month() - 1
			}
			return int(d - a.Date)
		}
		prev := -1
		for ; i < len(pts) && pts[i].Date.Year() == y; i++ {
			sum += pts[i].Value
			a.N++
			a.LongestGap = max(a.LongestGap, pos(pts[i].Date)-prev-1)
			prev = pos(pts[i].Date)
		}
		a.Value = sum / float64(a.N)
		switch freq {
		case obs.Daily:
			a.Expected = 365
			if obs.IsLeap(y) {
				a.Expected = 366
			}
			a.LongestGap = max(a.LongestGap, a.Expected-1-prev)
			complete := 0
			for _, m := range months {
				if m.Date.Year() == y && m.Complete {
					complete++
				}
			}
			a.Complete = complete == 12
		case obs.Monthly:
			a.Expected = 12
			a.Complete = a.N == 12
			a.LongestGap = max(a.LongestGap, 11-prev)
		default:
			a.Expected = a.N
			a.Complete = true
			a.LongestGap = 0
		}
		out = append(out, a)
	}
	return out
}

// completePoints returns the means of the complete aggregates as points.
func completePoints(as []Aggregate) []obs.Point {
	out := make([]obs.Point, 0, len(as))
	for _, a := range as {
		if a.Complete {
			out = append(out, obs.Point{Date: a.Date, Value: a.Value})
		}
	}
	return out
}
