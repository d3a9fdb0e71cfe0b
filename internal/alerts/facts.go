// This file computes the facts (record events) a series supports: pure
// functions of the points, with no storage.

package alerts

import (
	"fmt"
	"math"
	"slices"
	"strings"

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

// rulesOf names the judging rules under which the running state of a
// series is computed: a checkpoint stored under other rules (another
// smoothing, resolution, direction, warm-up or state format) is not used.
func rulesOf(ind catalog.Indicator, freq obs.Frequency, sm analysis.Smoothing) string {
	smName := "none"
	if freq == obs.Daily {
		smName = sm.String()
	}
	return fmt.Sprintf("v1 freq=%s dirs=%s both=%t sm=%s fill=%d res=%g month-res=%g warm-up=%d",
		freq, strings.Join(Directions(ind), ","), ind.Direction == catalog.Both, smName, sm.Fill,
		ResolutionFor(ind, freq, AllTime, smName), ResolutionFor(ind, freq, MonthRec, "none"), StreakWarmUpYears)
}

// scanSeries computes the facts (record events) a series supports in its
// current data, daily series compared after smoothing sm, and, when
// checkpoints is set, the running state at the dates checkpointDates
// chooses.
//
// With start nil, raw (se.Points) is the whole series and every fact is
// returned. With start, the running state at start.Date (computed from the
// values dated before it), raw must hold every stored point from
// start.Date − checkpointMargin on (the points before start.Date feed the
// smoothing, the gap filling and the year-extreme look-back only), and the
// facts dated on or after start.Date are returned: exactly those a scan of
// the whole series returns for those dates. The states returned are all
// dated after start.Date (none when nothing is compared).
func scanSeries(se obs.Series, ind catalog.Indicator, sm analysis.Smoothing, start *runState, checkpoints bool) ([]fact, []*runState) {
	var at func(first, last, after obs.Date) []obs.Date
	if checkpoints {
		at = checkpointDates
	}
	return scanSeriesAt(se, ind, sm, start, at)
}

// scanSeriesAt is scanSeries with the checkpoint dates chosen by at (given
// the first and last compared dates and the date of start; nil: none),
// which must return 1 Januaries after start's date, after the first
// compared date and not after the last, ascending.
func scanSeriesAt(se obs.Series, ind catalog.Indicator, sm analysis.Smoothing, start *runState, at func(first, last, after obs.Date) []obs.Date) ([]fact, []*runState) {
	raw := se.Points
	from := obs.Date(math.MinInt32)
	if start != nil {
		from = start.Date
	}
	pts := raw
	if se.Frequency == obs.Daily && !sm.None() {
		pts = sm.Apply(raw)
	}
	lo := 0 // pts[lo:] are the points the running passes process
	for lo < len(pts) && pts[lo].Date < from {
		lo++
	}
	if start == nil {
		if len(pts) == 0 {
			return nil, nil
		}
		start = &runState{Date: from, First: pts[0].Date}
	}
	var cps []obs.Date
	if at != nil && lo < len(pts) {
		cps = at(start.First, pts[len(pts)-1].Date, from)
	}
	states := make([]*runState, len(cps))
	for k, d := range cps {
		states[k] = &runState{Date: d}
	}
	for _, s := range states {
		s.First = start.First
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
	for di, dir := range Directions(ind) {
		var st dirState
		if di < len(start.Dirs) {
			st = start.Dirs[di]
		}
		next := make([]dirState, len(cps))
		facts, bests := allTimeRun(pts[lo:], dir, jv, st.All, cps)
		out = append(out, facts...)
		for k := range cps {
			next[k].All = bests[k]
		}
		switch se.Frequency {
		case obs.Daily:
			days, slots := slotRun(pts[lo:], dir, analysis.Calendar, DayRecord, jv, st.Slots, cps)
			out = append(out, days...)
			streaks, runs := streakRun(afterWarmUp(days, start.First), dir, func(a, b obs.Date) bool { return b == a+1 }, DailyStreakMilestones, st.Streak, cps)
			out = append(out, streaks...)
			months, monthBests := monthRun(raw, from, dir, fill, jm, st.Months, cps)
			out = append(out, months...)
			var earlier [][]pt
			if ind.Direction == catalog.Both {
				var ye []fact
				ye, earlier = yearExtremeRun(pts, lo, start.First, dir, jv, st.Earlier, cps)
				out = append(out, ye...)
			}
			for k := range cps {
				next[k].Slots, next[k].Streak, next[k].Months = slots[k], runs[k], monthBests[k]
				if earlier != nil {
					next[k].Earlier = earlier[k]
				}
			}
		case obs.Monthly:
			months, slots := slotRun(pts[lo:], dir, analysis.Month, MonthRec, jv, st.Slots, cps)
			out = append(out, months...)
			streaks, runs := streakRun(afterWarmUp(months, start.First), dir, func(a, b obs.Date) bool { return monthIndex(b) == monthIndex(a)+1 }, MonthlyStreakMilestones, st.Streak, cps)
			out = append(out, streaks...)
			for k := range cps {
				next[k].Slots, next[k].Streak = slots[k], runs[k]
			}
		}
		for k := range cps {
			states[k].Dirs = append(states[k].Dirs, next[k])
		}
	}
	return out, states
}

func monthIndex(d obs.Date) int {
	y, m, _ := d.YMD()
	return y*12 + m - 1
}

// capture calls snap(k) for every checkpoint cps[k] not yet captured
// (k from *next on) that is on or before date d: the running state then
// holds exactly the values dated before cps[k]. Call it before processing
// the element dated d, and with d = math.MaxInt32 after the last one.
func capture(cps []obs.Date, next *int, d obs.Date, snap func(k int)) {
	for *next < len(cps) && cps[*next] <= d {
		snap(*next)
		*next++
	}
}

// allTimeFacts: each value strictly beyond every earlier value.
func allTimeFacts(pts []obs.Point, dir string, j judge) []fact {
	out, _ := allTimeRun(pts, dir, j, nil, nil)
	return out
}

// allTimeRun is allTimeFacts continuing from best (the best value before
// pts; nil: none), with the best value at each checkpoint date.
func allTimeRun(pts []obs.Point, dir string, j judge, best *pt, cps []obs.Date) ([]fact, []*pt) {
	var out []fact
	states := make([]*pt, len(cps))
	k := 0
	snap := func(i int) {
		if best != nil {
			b := *best
			states[i] = &b
		}
	}
	for _, p := range pts {
		capture(cps, &k, p.Date, snap)
		if best != nil && j.beats(dir, p.Value, best.V) {
			out = append(out, withPrev(fact{kind: AllTime, dir: dir, date: p.Date, value: round6(p.Value)}, best.point()))
		}
		if best == nil || j.beats(dir, p.Value, best.V) {
			best = &pt{D: p.Date, V: p.Value}
		}
	}
	capture(cps, &k, math.MaxInt32, snap)
	return out, states
}

func withPrev(f fact, prev obs.Point) fact {
	f.hasPrev, f.prevDate, f.prevValue = true, prev.Date, round6(prev.Value)
	f.margin = margin(f.dir, f.value, prev.Value)
	return f
}

// slotRun: each value strictly beyond every earlier value of the same
// slot (calendar date, or calendar month for monthly series), continuing
// from the slots' record holders before pts (nil: none), with the holders
// at each checkpoint date. Points are sorted with unique dates, so earlier
// values of a slot are earlier years'.
func slotRun(pts []obs.Point, dir string, conv analysis.Convention, k Kind, j judge, start []slotBest, cps []obs.Date) ([]fact, [][]slotBest) {
	var out []fact
	best := make([]*pt, conv.Slots()) // the slot's record holder; nil = none
	for _, s := range start {
		if s.S >= 0 && s.S < len(best) {
			best[s.S] = &pt{D: s.D, V: s.V}
		}
	}
	states := make([][]slotBest, len(cps))
	c := 0
	snap := func(i int) {
		list := []slotBest{}
		for s, b := range best {
			if b != nil {
				list = append(list, slotBest{S: s, D: b.D, V: b.V})
			}
		}
		states[i] = list
	}
	for _, p := range pts {
		capture(cps, &c, p.Date, snap)
		s := conv.Slot(p.Date)
		b := best[s]
		if b != nil && j.beats(dir, p.Value, b.V) {
			out = append(out, withPrev(fact{kind: k, dir: dir, date: p.Date, value: round6(p.Value)}, b.point()))
		}
		if b == nil || j.beats(dir, p.Value, b.V) {
			best[s] = &pt{D: p.Date, V: p.Value}
		}
	}
	capture(cps, &c, math.MaxInt32, snap)
	return out, states
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

// streakRun turns record facts (in date order) into streak facts: one when
// a run of consecutive records reaches a milestone. The previous holder is
// the longest earlier run (Value its length, Date its last period). It
// continues from the run state st of the record facts before recs and
// returns the run state at each checkpoint date.
func streakRun(recs []fact, dir string, next func(a, b obs.Date) bool, milestones []int, st streakState, cps []obs.Date) ([]fact, []streakState) {
	var out []fact
	states := make([]streakState, len(cps))
	k := 0
	snap := func(i int) { states[i] = st }
	for _, r := range recs {
		capture(cps, &k, r.date, snap)
		if st.Any && next(st.Last, r.date) {
			st.RunLen++
		} else {
			if st.RunLen > st.BestLen {
				st.BestLen, st.BestEnd = st.RunLen, st.Last
			}
			st.RunStart, st.RunLen = r.date, 1
		}
		st.Any, st.Last = true, r.date
		if slices.Contains(milestones, st.RunLen) {
			f := fact{kind: Streak, dir: dir, date: r.date, value: r.value, streakFrom: st.RunStart, streakLen: st.RunLen}
			if st.BestLen > 0 {
				f.hasPrev, f.prevDate, f.prevValue = true, st.BestEnd, float64(st.BestLen)
				f.margin = float64(st.RunLen - st.BestLen)
			}
			out = append(out, f)
		}
	}
	capture(cps, &k, math.MaxInt32, snap)
	return out, states
}

// monthRun: month records of a daily series, from the means of the raw
// daily values (runs of at most fill missing days interpolated first, as
// analysis.RecordMonth does). A month takes part once it is complete under
// the WMO 5/11 rule and the data reach its last day. Months before from (a
// month start) are left out (raw may hold only their end); best holds the
// record month of each calendar month before from (nil: none), and the
// holders at each checkpoint date are returned.
func monthRun(raw []obs.Point, from obs.Date, dir string, fill int, j judge, start [12]*pt, cps []obs.Date) ([]fact, [][12]*pt) {
	states := make([][12]*pt, len(cps))
	if len(raw) == 0 {
		for k := range states {
			states[k] = start
		}
		return nil, states
	}
	months := analysis.Monthly(analysis.FillGaps(raw, fill), analysis.WMO511)
	last := raw[len(raw)-1].Date
	var out []fact
	best := start
	c := 0
	snap := func(i int) { states[i] = best }
	for i := range months {
		a := &months[i]
		if a.Date < from {
			continue
		}
		capture(cps, &c, a.Date, snap)
		y, m, _ := a.Date.YMD()
		if !a.Complete || last < obs.NewDate(y, m, obs.DaysIn(y, m)) {
			continue
		}
		b := best[m-1]
		if b != nil && j.beats(dir, a.Value, b.V) {
			out = append(out, withPrev(fact{kind: MonthRec, dir: dir, date: a.Date, value: round6(a.Value)}, b.point()))
		}
		if b == nil || j.beats(dir, a.Value, b.V) {
			best[m-1] = &pt{D: a.Date, V: a.Value}
		}
	}
	capture(cps, &c, math.MaxInt32, snap)
	return out, states
}

// yearExtremeFacts: for each year, its most extreme value (first date on
// ties) once confirmed (see YearExtremeHold), ranked against the annual
// extremes of the earlier years that have data in all twelve months.
func yearExtremeFacts(pts []obs.Point, dir string, j judge) []fact {
	if len(pts) == 0 {
		return nil
	}
	out, _ := yearExtremeRun(pts, 0, pts[0].Date, dir, j, nil, nil)
	return out
}

// yearExtremeRun is yearExtremeFacts over the years of pts[lo:] (pts[lo]
// is the first point of a year; the points before it are read only for
// the look-back of YearExtremeHold days), for a series whose first compared
// date is first, continuing from the annual extremes of the full years
// before pts[lo] (earlier), with the list at each checkpoint date.
func yearExtremeRun(pts []obs.Point, lo int, first obs.Date, dir string, j judge, start []pt, cps []obs.Date) ([]fact, [][]pt) {
	var out []fact
	states := make([][]pt, len(cps))
	if len(pts) == 0 {
		for k := range states {
			states[k] = slices.Clone(start)
		}
		return nil, states
	}
	last := pts[len(pts)-1].Date
	earlier := slices.Clone(start) // annual extremes of earlier full years
	c := 0
	snap := func(i int) { states[i] = append([]pt{}, earlier...) }
	for lo < len(pts) {
		y := pts[lo].Date.Year()
		capture(cps, &c, obs.NewDate(y, 1, 1), snap)
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
		ok := last >= d+YearExtremeHold && first <= d-YearExtremeHold
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
			var prev *pt
			for i, p := range earlier {
				if j.beats(dir, p.V, v) {
					f.rank++
				}
				tie = tie || j.equal(p.V, v)
				oppTie = oppTie || j.equal(p.V, v)
				oppRecord = oppRecord && j.beats(opp, v, p.V)
				if prev == nil || j.beats(dir, p.V, prev.V) {
					prev = &earlier[i]
				}
			}
			if prev != nil {
				f = withPrev(f, prev.point())
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
			earlier = append(earlier, pt{D: pts[e].Date, V: pts[e].Value})
		}
		lo = hi
	}
	capture(cps, &c, math.MaxInt32, snap)
	return out, states
}

// same reports whether two facts with the same key carry the same details.
func (f fact) same(g fact) bool {
	return equal(f.value, g.value) && f.hasPrev == g.hasPrev && f.prevDate == g.prevDate && equal(f.prevValue, g.prevValue) &&
		equal(f.margin, g.margin) && f.streakFrom == g.streakFrom && f.streakLen == g.streakLen && f.rank == g.rank &&
		f.years == g.years && f.record == g.record && f.recordOpp == g.recordOpp
}
