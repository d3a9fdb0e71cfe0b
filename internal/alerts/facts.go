// This file computes the facts (record events) a series supports: pure
// functions of the points, with no storage.

package alerts

import (
	"math"
	"slices"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
)

// DailyStreakMilestones are the run lengths, in days, at which a streak of
// consecutive record-day days fires a streak event.
var DailyStreakMilestones = []int{7, 14, 30, 60, 90, 180, 365, 730}

// MonthlyStreakMilestones are the run lengths, in months, at which a streak
// of consecutive record-month months of a monthly series fires an event.
var MonthlyStreakMilestones = []int{3, 6, 12, 24, 36}

// StreakWarmUpYears is how many years a series must have before a run of
// record days counts as a streak. In the first years almost every day beats
// the one or two earlier years (NSIDC's Antarctic record "set" 158 records
// in a row in 1980), so such runs are neither events nor the "longest
// earlier run" later streaks are compared with.
const StreakWarmUpYears = 10

// YearExtremeHold is the confirmation window of year-extreme events, in
// days: a day is announced as its year's maximum (minimum) once the data
// reach this many days past it, when the series starts at least this many
// days before it, no value of the year goes further and no value in the
// YearExtremeHold days before it (in the previous year) goes as far. The second condition keeps a 1 January that merely continues the
// previous December's trend from being announced.
const YearExtremeHold = 15

// NationalWindowYears is how many of the latest years of each national
// series are scanned (all-time events only, countries and World only); older
// stored events are left as they are.
const NationalWindowYears = 5

// fact is one event as computed from the current data, before storage.
type fact struct {
	kind       Kind
	dir        string
	date       obs.Date
	value      float64
	hasPrev    bool
	prevDate   obs.Date
	prevValue  float64
	margin     float64
	streakFrom obs.Date
	streakLen  int
	rank       int
	years      int
	record     bool
	recordOpp  bool
}

type factKey struct {
	entity string
	kind   Kind
	dir    string
	date   obs.Date
}

// SmoothingFor returns the smoothing under which an indicator's daily values
// are compared: NSIDC's 5-day trailing mean for the NSIDC sea-ice datasets,
// none otherwise.
func SmoothingFor(ds catalog.Dataset) analysis.Smoothing {
	if ds.Format == "nsidc-extent-csv" {
		return analysis.NSIDC5Day
	}
	return analysis.Smoothing{}
}

// Directions returns the record directions ("max", "min") of an indicator.
func Directions(ind catalog.Indicator) []string {
	switch ind.Direction {
	case catalog.Low:
		return []string{"min"}
	case catalog.Both:
		return []string{"max", "min"}
	}
	return []string{"max"}
}

// equal is analysis's tie rule: values within 1e-9 of each other (relative
// to the larger magnitude, absolute below 1) are equal.
func equal(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// beats reports whether a is strictly beyond b in direction dir.
func beats(dir string, a, b float64) bool {
	if equal(a, b) {
		return false
	}
	if dir == "min" {
		return a < b
	}
	return a > b
}

// judge compares values for facts at a resolution (docs/records.md): with
// res > 0 two values are compared as whole units of res
// (analysis.Units), so that values equal at the published precision tie
// and never make an event; with res = 0 (no published resolution, such as
// Our World in Data's national series) the floating-point tie rule applies.
type judge struct{ res float64 }

// beats reports whether a is strictly beyond b in direction dir at the
// judge's resolution.
func (j judge) beats(dir string, a, b float64) bool {
	if j.res <= 0 {
		return beats(dir, a, b)
	}
	u := analysis.Units(a, j.res) - analysis.Units(b, j.res)
	if dir == "min" {
		u = -u
	}
	return u > 0
}

// equal reports whether a and b tie at the judge's resolution.
func (j judge) equal(a, b float64) bool {
	if j.res <= 0 {
		return equal(a, b)
	}
	return analysis.Units(a, j.res) == analysis.Units(b, j.res)
}

// ResolutionFor returns the resolution at which facts of kind k of an
// indicator are judged: the published resolution for published values, one
// more digit (analysis.MeanResolution) for means (smoothed daily values and
// month records of daily series), 0 (exact) when none is declared.
func ResolutionFor(ind catalog.Indicator, freq obs.Frequency, k Kind, smoothing string) float64 {
	res := ind.Resolution
	if freq == obs.Daily && (k == MonthRec || (smoothing != "" && smoothing != "none")) {
		return analysis.MeanResolution(res)
	}
	return res
}

// margin is how far a goes beyond b in direction dir (positive when it beats).
func margin(dir string, a, b float64) float64 {
	if dir == "min" {
		return round6(b - a)
	}
	return round6(a - b)
}

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// computeFacts returns every fact the series supports in its current data.
// raw are the stored points; daily series are compared after smoothing sm.
func computeFacts(se obs.Series, ind catalog.Indicator, sm analysis.Smoothing) []fact {
	raw := se.Points
	if len(raw) == 0 {
		return nil
	}
	pts := raw
	if se.Frequency == obs.Daily && !sm.None() {
		pts = sm.Apply(raw)
	}
	fill := 0
	if sm.Fill > 0 {
		fill = sm.Fill
	}
	smName := "none"
	if se.Frequency == obs.Daily {
		smName = sm.String()
	}
	jv := judge{ResolutionFor(ind, se.Frequency, AllTime, smName)}
	jm := judge{ResolutionFor(ind, se.Frequency, MonthRec, "none")}
	var out []fact
	for _, dir := range Directions(ind) {
		out = append(out, allTimeFacts(pts, dir, jv)...)
		switch se.Frequency {
		case obs.Daily:
			days := slotFacts(pts, dir, analysis.Calendar, DayRecord, jv)
			out = append(out, days...)
			out = append(out, streakFacts(afterWarmUp(days, pts[0].Date), dir, func(a, b obs.Date) bool { return b == a+1 }, DailyStreakMilestones)...)
			out = append(out, monthFacts(raw, dir, fill, jm)...)
			if ind.Direction == catalog.Both {
				out = append(out, yearExtremeFacts(pts, dir, jv)...)
			}
		case obs.Monthly:
			months := slotFacts(pts, dir, analysis.Month, MonthRec, jv)
			out = append(out, months...)
			out = append(out, streakFacts(afterWarmUp(months, pts[0].Date), dir, func(a, b obs.Date) bool { return monthIndex(b) == monthIndex(a)+1 }, MonthlyStreakMilestones)...)
		}
	}
	return out
}

func monthIndex(d obs.Date) int {
	y, m, _ := d.YMD()
	return y*12 + m - 1
}

// allTimeFacts: each value strictly beyond every earlier value.
func allTimeFacts(pts []obs.Point, dir string, j judge) []fact {
	var out []fact
	best := -1
	for i, p := range pts {
		if best >= 0 && j.beats(dir, p.Value, pts[best].Value) {
			out = append(out, withPrev(fact{kind: AllTime, dir: dir, date: p.Date, value: round6(p.Value)}, pts[best]))
		}
		if best < 0 || j.beats(dir, p.Value, pts[best].Value) {
			best = i
		}
	}
	return out
}

func withPrev(f fact, prev obs.Point) fact {
	f.hasPrev, f.prevDate, f.prevValue = true, prev.Date, round6(prev.Value)
	f.margin = margin(f.dir, f.value, prev.Value)
	return f
}

// slotFacts: each value strictly beyond every earlier value of the same
// slot (calendar date, or calendar month for monthly series). Points are
// sorted with unique dates, so earlier values of a slot are earlier years'.
func slotFacts(pts []obs.Point, dir string, conv analysis.Convention, k Kind, j judge) []fact {
	var out []fact
	best := make([]int, conv.Slots()) // index+1 of the slot's record holder; 0 = none
	for i, p := range pts {
		s := conv.Slot(p.Date)
		b := best[s] - 1
		if b >= 0 && j.beats(dir, p.Value, pts[b].Value) {
			out = append(out, withPrev(fact{kind: k, dir: dir, date: p.Date, value: round6(p.Value)}, pts[b]))
		}
		if b < 0 || j.beats(dir, p.Value, pts[b].Value) {
			best[s] = i + 1
		}
	}
	return out
}

// afterWarmUp returns the record facts dated StreakWarmUpYears or more
// after the series' first date.
func afterWarmUp(recs []fact, first obs.Date) []fact {
	y, m, d := first.YMD()
	start := obs.NewDate(y+StreakWarmUpYears, m, min(d, 28))
	for i, r := range recs {
		if r.date >= start {
			return recs[i:]
		}
	}
	return nil
}

// streakFacts turns record facts (in date order) into streak facts: one
// when a run of consecutive records reaches a milestone. The previous holder
// is the longest earlier run (Value its length, Date its last period).
func streakFacts(recs []fact, dir string, next func(a, b obs.Date) bool, milestones []int) []fact {
	var out []fact
	bestLen, bestEnd := 0, obs.Date(0)
	runStart, runLen := 0, 0
	for i, r := range recs {
		if i > 0 && next(recs[i-1].date, r.date) {
			runLen++
		} else {
			if runLen > bestLen {
				bestLen, bestEnd = runLen, recs[i-1].date
			}
			runStart, runLen = i, 1
		}
		if slices.Contains(milestones, runLen) {
			f := fact{kind: Streak, dir: dir, date: r.date, value: r.value, streakFrom: recs[runStart].date, streakLen: runLen}
			if bestLen > 0 {
				f.hasPrev, f.prevDate, f.prevValue = true, bestEnd, float64(bestLen)
				f.margin = float64(runLen - bestLen)
			}
			out = append(out, f)
		}
	}
	return out
}

// monthFacts: month records of a daily series, from the means of the raw
// daily values (runs of at most fill missing days interpolated first, as
// analysis.RecordMonth does). A month takes part once it is complete under
// the WMO 5/11 rule and the data reach its last day.
func monthFacts(raw []obs.Point, dir string, fill int, j judge) []fact {
	months := analysis.Monthly(analysis.FillGaps(raw, fill), analysis.WMO511)
	last := raw[len(raw)-1].Date
	var out []fact
	var best [12]*analysis.Aggregate
	for i := range months {
		a := &months[i]
		y, m, _ := a.Date.YMD()
		if !a.Complete || last < obs.NewDate(y, m, obs.DaysIn(y, m)) {
			continue
		}
		b := best[m-1]
		if b != nil && j.beats(dir, a.Value, b.Value) {
			out = append(out, withPrev(fact{kind: MonthRec, dir: dir, date: a.Date, value: round6(a.Value)}, obs.Point{Date: b.Date, Value: b.Value}))
		}
		if b == nil || j.beats(dir, a.Value, b.Value) {
			best[m-1] = a
		}
	}
	return out
}

// yearExtremeFacts: for each year, its most extreme value (first date on
// ties) once confirmed (see YearExtremeHold), ranked against the annual
// extremes of the earlier years that have data in all twelve months.
func yearExtremeFacts(pts []obs.Point, dir string, j judge) []fact {
	var out []fact
	last := pts[len(pts)-1].Date
	var earlier []obs.Point // annual extremes of earlier full years
	for lo := 0; lo < len(pts); {
		y := pts[lo].Date.Year()
		hi, e := lo, lo
		var months [13]bool
		for ; hi < len(pts) && pts[hi].Date.Year() == y; hi++ {
			months[pts[hi].Date.Month()] = true
			if j.beats(dir, pts[hi].Value, pts[e].Value) {
				e = hi
			}
		}
		d, v := pts[e].Date, pts[e].Value
		// The data must reach YearExtremeHold days past the day and start at
		// least YearExtremeHold days before it: at the start of a series the
		// first values are the year's most extreme only because nothing
		// precedes them (NSIDC's record starts on 26 October 1978, after
		// that year's Arctic minimum and Antarctic maximum).
		ok := last >= d+YearExtremeHold && pts[0].Date <= d-YearExtremeHold
		for i := hi; ok && i < len(pts) && pts[i].Date <= d+YearExtremeHold; i++ {
			ok = !j.beats(dir, pts[i].Value, v)
		}
		for i := lo - 1; ok && i >= 0 && pts[i].Date >= d-YearExtremeHold; i-- {
			ok = !j.beats(dir, pts[i].Value, v) && !j.equal(pts[i].Value, v)
		}
		if ok {
			opp := "min"
			if dir == "min" {
				opp = "max"
			}
			f := fact{kind: YearExtrem, dir: dir, date: d, value: round6(v), rank: 1, years: len(earlier) + 1}
			tie, oppTie, oppRecord := false, false, len(earlier) > 0
			var prev *obs.Point
			for i, p := range earlier {
				if j.beats(dir, p.Value, v) {
					f.rank++
				}
				tie = tie || j.equal(p.Value, v)
				oppTie = oppTie || j.equal(p.Value, v)
				oppRecord = oppRecord && j.beats(opp, v, p.Value)
				if prev == nil || j.beats(dir, p.Value, prev.Value) {
					prev = &earlier[i]
				}
			}
			if prev != nil {
				f = withPrev(f, *prev)
			}
			f.record = f.rank == 1 && !tie && len(earlier) > 0
			f.recordOpp = oppRecord && !oppTie
			out = append(out, f)
		}
		full := true
		for m := 1; m <= 12; m++ {
			full = full && months[m]
		}
		if full {
			earlier = append(earlier, pts[e])
		}
		lo = hi
	}
	return out
}

// same reports whether two facts with the same key carry the same details.
func (f fact) same(g fact) bool {
	return equal(f.value, g.value) && f.hasPrev == g.hasPrev && f.prevDate == g.prevDate && equal(f.prevValue, g.prevValue) &&
		equal(f.margin, g.margin) && f.streakFrom == g.streakFrom && f.streakLen == g.streakLen && f.rank == g.rank &&
		f.years == g.years && f.record == g.record && f.recordOpp == g.recordOpp
}
