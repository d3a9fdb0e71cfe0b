package analysis

import (
	"errors"
	"fmt"

	"github.com/stocktake/stocktake/internal/obs"
)

// Options control the record functions.
type Options struct {
	Kind Kind // Max or Min
	// Convention is the day-of-year convention that decides which values
	// count as "the same date" in other years (default Calendar). Monthly
	// series always compare the same calendar month.
	Convention Convention
	// Smoothing is applied to daily data (after the as-of cut) before
	// anything is compared; RecordMonth ignores it (monthly means are means
	// of the daily values).
	Smoothing Smoothing
	// AsOf, when not nil, restricts everything to data dated on or before
	// it: "was it a record when it happened?". Nil uses all data.
	AsOf *obs.Date
	// Fill fills runs of at most Fill missing days by linear interpolation
	// before daily data are aggregated to months (RecordMonth only). Use 1 for
	// NSIDC's every-other-day era, so that those months meet the completeness
	// rule; 0 disables it.
	Fill int
	// Resolution, when positive, is the resolution the producer publishes
	// the series' values at (catalog.Indicator.Resolution): values equal at
	// it are ties, never records (see Compare). Means (monthly means of
	// daily data, smoothed values) are compared at MeanResolution. Zero
	// keeps the exact floating-point tie rule.
	Resolution float64
	// Uncertainty holds the producer's 95% half-widths dated like the
	// series' points (see HalfWidths for lower/upper limits); when both the
	// value and the record it beats have one, the result's Comparison says
	// whether the record is statistically distinguishable.
	Uncertainty []obs.Point
}

// judge compares values for records: at a resolution when res > 0 (whole
// units, see Units), with the floating-point tie rule otherwise.
type judge struct {
	k   Kind
	res float64
}

// beats reports whether a is beyond b in the direction of the kind.
func (j judge) beats(a, b float64) bool {
	if j.res <= 0 {
		return j.k.beats(a, b)
	}
	u := Units(a, j.res) - Units(b, j.res)
	if j.k == Min {
		u = -u
	}
	return u > 0
}

// equal reports whether a and b tie.
func (j judge) equal(a, b float64) bool {
	if j.res <= 0 {
		return equal(a, b)
	}
	return Units(a, j.res) == Units(b, j.res)
}

// comparison returns the verdict of value (dated d) against previous (dated
// pd) when opt asks for precision or uncertainty, nil otherwise.
func (opt Options) comparison(res float64, value float64, d obs.Date, previous float64, pd obs.Date) *Comparison {
	if opt.Resolution <= 0 && len(opt.Uncertainty) == 0 {
		return nil
	}
	u, _ := lookup(opt.Uncertainty, d)
	up, _ := lookup(opt.Uncertainty, pd)
	c := Compare(opt.Kind, value, previous, res, u, up)
	return &c
}

// resolutionFor returns the resolution at which values of s are compared
// after smoothing sm: MeanResolution for smoothed daily values.
func (opt Options) resolutionFor(sm Smoothing) float64 {
	if !sm.None() {
		return MeanResolution(opt.Resolution)
	}
	return opt.Resolution
}

// Holder is a previous record holder: the date (YYYY-MM-DD) and value.
type Holder struct {
	Date  string  `json:"date"`
	Value float64 `json:"value"`
}

// MonthHolder is a previous monthly record holder (month as YYYY-MM).
type MonthHolder struct {
	Month string  `json:"month"`
	Value float64 `json:"value"`
}

// OnResult is the result of stocktake records --on. Its JSON field names
// are part of the stable contract.
type OnResult struct {
	Indicator string  `json:"indicator"`
	Entity    Entity  `json:"entity"`
	Kind      Kind    `json:"kind"`
	Date      string  `json:"date"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	// RankForDate is the competition rank (1 = most extreme; equal values
	// share a rank) of Value among the values for the same slot in every year
	// up to AsOf; YearsForDate is how many such values there are.
	RankForDate  int `json:"rank_for_date"`
	YearsForDate int `json:"years_for_date"`
	// RecordForDate is true when Value is strictly beyond every other value
	// for the same slot up to AsOf (rank 1, no tie, at least two years). With
	// AsOf equal to Date it says whether the value set a record when it
	// happened; without AsOf, whether it still holds the record.
	RecordForDate bool `json:"record_for_date"`
	// Tie is true when another year has the same value for the slot.
	Tie bool `json:"tie"`
	// PreviousForDate is the record for the slot before Date's year (the
	// most extreme earlier value; the earliest year among equals); nil for
	// the first year of the series.
	PreviousForDate *Holder `json:"previous_for_date"`
	// Margin is how far Value goes beyond PreviousForDate in the direction of
	// Kind, in Unit: positive when it beats it, 0 for a tie, negative when it
	// falls short; nil when there is no previous holder.
	Margin *float64 `json:"margin"`
	// RankAllTime ranks Value among every value of the series up to AsOf;
	// RecordAllTime is true at rank 1 with no tie and at least two values.
	RankAllTime   int  `json:"rank_all_time"`
	RecordAllTime bool `json:"record_all_time"`
	TieAllTime    bool `json:"tie_all_time"`
	// AsOf is the as-of date (YYYY-MM-DD), or null when all data were used.
	AsOf       *string    `json:"as_of"`
	Convention Convention `json:"convention"`
	Smoothing  Smoothing  `json:"smoothing"`
	// Comparison is the verdict against PreviousForDate at the published
	// precision and uncertainty (Options.Resolution, Options.Uncertainty);
	// nil when neither is given or there is no previous holder.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// ErrNoSameDay is wrapped by the error of RecordOn, RecordYear and
// RecordMonth for series whose periods cannot be compared across years:
// weekly and irregular dates move from year to year (Mauna Loa's weeks start
// on a different day each year, altimeter cycles are about 10 days), so "the
// same calendar day in other years" would compare a handful of arbitrary
// years.
var ErrNoSameDay = errors.New("no same calendar period across years")

// sameDayComparable refuses series without a fixed calendar slot per year.
// what names the question ("a date", "a year").
func sameDayComparable(s obs.Series, what string) error {
	if s.Frequency == obs.Weekly || s.Frequency == obs.Irregular {
		return fmt.Errorf("records for %s compare the same calendar day across years, but %s is %s: its dates move from year to year (%w); its extremes (highest and lowest values) are well defined",
			what, s.Indicator, s.Frequency, ErrNoSameDay)
	}
	return nil
}

// RecordOn answers "was the value on date a record?" for a daily (or
// monthly, with date the first of the month) series. See OnResult for the
// meaning of every field. It fails when date is after opt.AsOf, and with an
// error wrapping ErrNoData when the series (cut at AsOf and smoothed) has no
// value on date, for instance when AsOf is before the series starts.
func RecordOn(s obs.Series, date obs.Date, opt Options) (OnResult, error) {
	if err := sameDayComparable(s, "a date"); err != nil {
		return OnResult{}, err
	}
	if opt.AsOf != nil && date > *opt.AsOf {
		return OnResult{}, fmt.Errorf("records: date %s is after the as-of date %s", date, *opt.AsOf)
	}
	pts, sm, err := prepare(s, opt.Smoothing, opt.AsOf)
	if err != nil {
		return OnResult{}, err
	}
	conv := conventionFor(s.Frequency, opt.Convention)
	i := find(pts, date)
	if i < 0 {
		return OnResult{}, fmt.Errorf("records: %s has no value on %s (smoothing %s, as of %s): %w", s.Indicator, formatDate(date, s.Frequency), sm, asOfText(opt.AsOf), ErrNoData)
	}
	v, y, slot := pts[i].Value, date.Year(), conv.Slot(date)
	k := opt.Kind
	res := opt.resolutionFor(sm)
	jd := judge{k, res}
	r := OnResult{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: k, Date: formatDate(date, s.Frequency),
		Value: round6(v), Unit: s.Unit, RankForDate: 1, RankAllTime: 1, Convention: conv, Smoothing: sm,
		AsOf: asOfString(opt.AsOf)}
	var prev *obs.Point
	for j, p := range pts {
		if j == i {
			continue
		}
		better, tie := jd.beats(p.Value, v), jd.equal(p.Value, v)
		if better {
			r.RankAllTime++
		}
		r.TieAllTime = r.TieAllTime || tie
		py, pm, pd := p.Date.YMD()
		if conv.slotYMD(py, pm, pd) != slot {
			continue
		}
		r.YearsForDate++
		if better {
			r.RankForDate++
		}
		r.Tie = r.Tie || tie
		if py < y && (prev == nil || jd.beats(p.Value, prev.Value)) {
			prev = &pts[j]
		}
	}
	r.YearsForDate++
	r.RecordForDate = r.RankForDate == 1 && !r.Tie && r.YearsForDate > 1
	r.RecordAllTime = r.RankAllTime == 1 && !r.TieAllTime && len(pts) > 1
	if prev != nil {
		r.PreviousForDate = &Holder{Date: formatDate(prev.Date, s.Frequency), Value: round6(prev.Value)}
		m := k.margin(v, prev.Value)
		r.Margin = &m
		r.Comparison = opt.comparison(res, v, date, prev.Value, prev.Date)
	}
	return r, nil
}

// MonthResult is the result of stocktake records --month. Its JSON field
// names are part of the stable contract.
type MonthResult struct {
	Indicator string  `json:"indicator"`
	Entity    Entity  `json:"entity"`
	Kind      Kind    `json:"kind"`
	Month     string  `json:"month"` // YYYY-MM
	Value     float64 `json:"value"` // the monthly value (monthly mean of daily data)
	Unit      string  `json:"unit"`
	// Rank is the competition rank of Value among the same calendar month in
	// every year up to AsOf (complete months only, plus this month); Years
	// is how many months were ranked.
	Rank  int `json:"rank"`
	Years int `json:"years"`
	// Record is true at rank 1 with no tie, at least two years, and a
	// complete month: a month in progress (or with too many missing days)
	// is never declared a record; its rank and margin say where it stands
	// so far.
	Record bool `json:"record"`
	Tie    bool `json:"tie"`
	// Previous is the most extreme value of the same month in earlier years
	// (nil in the first year); Margin is how far Value goes beyond it in the
	// direction of Kind (nil without a previous holder).
	Previous *MonthHolder `json:"previous"`
	Margin   *float64     `json:"margin"`
	AsOf     *string      `json:"as_of"`
	// Complete reports whether this month meets the completeness rule
	// (WMO511 for daily data, and the data reach the month's last day;
	// always true for monthly series). Days is the
	// number of daily values it averages (0 for monthly series).
	Complete bool `json:"complete"`
	Days     int  `json:"days,omitempty"`
	// Comparison is the verdict against Previous at the published
	// precision (one more digit for monthly means of daily data) and
	// uncertainty; nil unless Options.Resolution or Options.Uncertainty is
	// set and there is a previous holder.
	Comparison *Comparison `json:"comparison,omitempty"`
}

// RecordMonth answers "was month m (first day of the month) a record?" for a
// daily series (using monthly means of the daily values, after opt.Fill) or a
// monthly series. Incomplete months other than m are left out of the ranking;
// m itself is ranked even if incomplete (Complete says so), since a month in
// progress is what users ask about. It returns an error wrapping ErrNoData
// when m has no value up to AsOf.
func RecordMonth(s obs.Series, m obs.Date, opt Options) (MonthResult, error) {
	y, mm, _ := m.YMD()
	m = obs.NewDate(y, mm, 1)
	if opt.AsOf != nil && m > *opt.AsOf {
		return MonthResult{}, fmt.Errorf("records: month %s starts after the as-of date %s", m.Format(obs.Monthly), *opt.AsOf)
	}
	pts := s.Points
	if opt.AsOf != nil {
		pts = cut(pts, *opt.AsOf)
	}
	var months []Aggregate
	switch s.Frequency {
	case obs.Daily:
		months = Monthly(FillGaps(pts, opt.Fill), WMO511)
	case obs.Monthly:
		for _, p := range pts {
			months = append(months, Aggregate{Date: p.Date, Value: p.Value, N: 1, Expected: 1, Complete: true})
		}
	default:
		return MonthResult{}, fmt.Errorf("records for a month need daily or monthly values, but %s is %s (%w); its extremes (highest and lowest values) are well defined", s.Indicator, s.Frequency, ErrNoSameDay)
	}
	target := -1
	for i, a := range months {
		if a.Date == m {
			target = i
		}
	}
	if target < 0 {
		return MonthResult{}, fmt.Errorf("records: %s has no value for %s: %w", s.Indicator, m.Format(obs.Monthly), ErrNoData)
	}
	// A month whose last day the data do not reach yet is in progress: the
	// WMO 5/11 rule alone would call a month with 27 of 31 days complete
	// even though four days are still to come.
	if s.Frequency == obs.Daily && len(pts) > 0 {
		last := pts[len(pts)-1].Date
		for i := range months {
			y, mo, _ := months[i].Date.YMD()
			if last < obs.NewDate(y, mo, obs.DaysIn(y, mo)) {
				months[i].Complete = false
			}
		}
	}
	t := months[target]
	k := opt.Kind
	r := MonthResult{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: k, Month: m.Format(obs.Monthly),
		Value: round6(t.Value), Unit: s.Unit, Rank: 1, Years: 1, AsOf: asOfString(opt.AsOf), Complete: t.Complete}
	if s.Frequency == obs.Daily {
		r.Days = t.N
	}
	res := opt.Resolution
	if s.Frequency == obs.Daily {
		res = MeanResolution(res)
	}
	jd := judge{k, res}
	var prev *Aggregate
	for i, a := range months {
		if i == target || !a.Complete || a.Date.Month() != mm {
			continue
		}
		r.Years++
		if jd.beats(a.Value, t.Value) {
			r.Rank++
		}
		r.Tie = r.Tie || jd.equal(a.Value, t.Value)
		if a.Date < m && (prev == nil || jd.beats(a.Value, prev.Value)) {
			prev = &months[i]
		}
	}
	r.Record = r.Rank == 1 && !r.Tie && r.Years > 1 && t.Complete
	if prev != nil {
		r.Previous = &MonthHolder{Month: prev.Date.Format(obs.Monthly), Value: round6(prev.Value)}
		mg := k.margin(t.Value, prev.Value)
		r.Margin = &mg
		r.Comparison = opt.comparison(res, t.Value, m, prev.Value, prev.Date)
	}
	return r, nil
}

// DayRecord is one value that set (or tied) a record, with the record it
// beat; Previous is nil when it has none.
type DayRecord struct {
	Date     string  `json:"date"`
	Value    float64 `json:"value"`
	Previous *Holder `json:"previous"`
}

// Streak is a run of consecutive days (or months, for monthly series) that
// each set a record for their date; Days is its length in those periods.
type Streak struct {
	From string `json:"from"`
	To   string `json:"to"`
	Days int    `json:"days"`
	// RunFrom and RunDays are set when the streak continues a run of record
	// days that began before the year (a streak from 1 January that carries
	// on from December): the run's first day and its whole length.
	RunFrom string `json:"run_from,omitempty"`
	RunDays int    `json:"run_days,omitempty"`
}

// YearResult is the result of stocktake records --year. Its JSON field names
// are part of the stable contract.
type YearResult struct {
	Indicator string `json:"indicator"`
	Entity    Entity `json:"entity"`
	Kind      Kind   `json:"kind"`
	Year      int    `json:"year"`
	// RecordDays are the days of Year that set a record for their date: each
	// is strictly beyond every value of the same slot in earlier years.
	RecordDays []DayRecord `json:"record_days"`
	// AllTimeRecords are the days of Year strictly beyond every earlier value
	// of the series.
	AllTimeRecords []DayRecord `json:"all_time_records"`
	// Streaks are the runs of consecutive RecordDays, in date order.
	Streaks []Streak `json:"streaks"`
	AsOf    *string  `json:"as_of"`
	// TiedDays equalled the record for their date without beating it, and
	// TiedAllTime equalled the all-time record; ties are never records.
	TiedDays    []DayRecord `json:"tied_days"`
	TiedAllTime []DayRecord `json:"tied_all_time"`
	Convention  Convention  `json:"convention"`
	Smoothing   Smoothing   `json:"smoothing"`
}

// RecordYear lists every day of year y (up to opt.AsOf) that set a record for
// its date or an all-time record at the time it happened, with the streaks
// of consecutive record days. Records are judged against earlier values only:
// later years do not undo a record that was set. The first year of a series
// sets no records (there is nothing to beat). It returns an error wrapping
// ErrNoData when y has no value up to AsOf.
func RecordYear(s obs.Series, y int, opt Options) (YearResult, error) {
	if err := sameDayComparable(s, "a year"); err != nil {
		return YearResult{}, err
	}
	if opt.AsOf != nil && opt.AsOf.Year() < y {
		return YearResult{}, fmt.Errorf("records: year %d starts after the as-of date %s", y, *opt.AsOf)
	}
	pts, sm, err := prepare(s, opt.Smoothing, opt.AsOf)
	if err != nil {
		return YearResult{}, err
	}
	conv := conventionFor(s.Frequency, opt.Convention)
	k := opt.Kind
	jd := judge{k, opt.resolutionFor(sm)}
	r := YearResult{Indicator: s.Indicator, Entity: Entity(s.Entity), Kind: k, Year: y, AsOf: asOfString(opt.AsOf),
		Convention: conv, Smoothing: sm, RecordDays: []DayRecord{}, AllTimeRecords: []DayRecord{},
		Streaks: []Streak{}, TiedDays: []DayRecord{}, TiedAllTime: []DayRecord{}}
	best := make([]int, conv.Slots()) // index+1 of the slot's record holder so far; 0 = none
	allTime := -1
	found := false
	var recIdx []int
	isRec := make([]bool, len(pts)) // set a record for its slot when it happened
	holder := func(i int) *Holder {
		if i < 0 {
			return nil
		}
		return &Holder{Date: formatDate(pts[i].Date, s.Frequency), Value: round6(pts[i].Value)}
	}
	for i, p := range pts {
		py, pm, pd := p.Date.YMD()
		if py > y {
			break
		}
		slot := conv.slotYMD(py, pm, pd)
		b := best[slot] - 1
		if py == y {
			found = true
			switch {
			case b >= 0 && jd.beats(p.Value, pts[b].Value):
				r.RecordDays = append(r.RecordDays, DayRecord{Date: formatDate(p.Date, s.Frequency), Value: round6(p.Value), Previous: holder(b)})
				recIdx = append(recIdx, i)
			case b >= 0 && jd.equal(p.Value, pts[b].Value):
				r.TiedDays = append(r.TiedDays, DayRecord{Date: formatDate(p.Date, s.Frequency), Value: round6(p.Value), Previous: holder(b)})
			}
			switch {
			case allTime >= 0 && jd.beats(p.Value, pts[allTime].Value):
				r.AllTimeRecords = append(r.AllTimeRecords, DayRecord{Date: formatDate(p.Date, s.Frequency), Value: round6(p.Value), Previous: holder(allTime)})
			case allTime >= 0 && jd.equal(p.Value, pts[allTime].Value):
				r.TiedAllTime = append(r.TiedAllTime, DayRecord{Date: formatDate(p.Date, s.Frequency), Value: round6(p.Value), Previous: holder(allTime)})
			}
		}
		if b >= 0 && jd.beats(p.Value, pts[b].Value) {
			isRec[i] = true
		}
		if b < 0 || jd.beats(p.Value, pts[b].Value) {
			best[slot] = i + 1
		}
		if allTime < 0 || jd.beats(p.Value, pts[allTime].Value) {
			allTime = i
		}
	}
	if !found {
		return YearResult{}, fmt.Errorf("records: %s has no value in %d: %w", s.Indicator, y, ErrNoData)
	}
	next := func(a, b obs.Date) bool { return b == a+1 }
	if s.Frequency == obs.Monthly {
		next = func(a, b obs.Date) bool { return monthIndex(b) == monthIndex(a)+1 }
	}
	for j := 0; j < len(recIdx); {
		e := j
		for e+1 < len(recIdx) && next(pts[recIdx[e]].Date, pts[recIdx[e+1]].Date) {
			e++
		}
		st := Streak{From: formatDate(pts[recIdx[j]].Date, s.Frequency),
			To: formatDate(pts[recIdx[e]].Date, s.Frequency), Days: e - j + 1}
		if j == 0 {
			// Walk back over consecutive record days before the year.
			first := recIdx[0]
			for first > 0 && isRec[first-1] && next(pts[first-1].Date, pts[first].Date) {
				first--
			}
			if first < recIdx[0] {
				st.RunFrom = formatDate(pts[first].Date, s.Frequency)
				st.RunDays = st.Days + recIdx[0] - first
			}
		}
		r.Streaks = append(r.Streaks, st)
		j = e + 1
	}
	return r, nil
}

// find returns the index of the point dated d, or -1.
func find(pts []obs.Point, d obs.Date) int {
	i := len(cut(pts, d)) - 1
	if i >= 0 && pts[i].Date == d {
		return i
	}
	return -1
}

func asOfString(d *obs.Date) *string {
	if d == nil {
		return nil
	}
	s := d.String()
	return &s
}

func asOfText(d *obs.Date) string {
	if d == nil {
		return "all data"
	}
	return d.String()
}
