package query

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
)

// DefaultRecent is the window of the recent-records question when the
// request gives none: the last 12 months of each series' own data.
const DefaultRecent = "12m"

// RecentRequest asks for the records of the recent past (stocktake events
// --recent, GET /api/events/recent). Fields hold the raw text of the flags
// or query parameters; "" means the default.
type RecentRequest struct {
	// Recent is the window, counted back from the latest value of each
	// series (not from today, so a monthly series published two months
	// late still shows its latest records): N followed by d (days), m
	// (months) or y (years), N from 1 to 100 years' worth; default
	// DefaultRecent.
	Recent string
	// Indicator keeps these indicators: comma-separated catalog ids without
	// @VERSION; "" keeps all.
	Indicator string
	// Lang is the language of the answer's words (see localize.go); "" is
	// English.
	Lang string
}

// RecentStore is what the recent-records question reads: the stored
// events and each dataset's series summaries (their latest dates).
type RecentStore interface {
	store.EventStore
	Summaries(ctx context.Context, dataset string) ([]store.Summary, error)
}

// RecentRun is a run of record events of one series, kind and direction
// on consecutive dates (days, weeks, months or years at the event's
// resolution), or one streak (the latest event of a streak, which holds
// its length). Runs hold only events that stand: retracted ones are left
// out.
type RecentRun struct {
	Indicator string        `json:"indicator"`
	Title     string        `json:"title"` // the indicator's human name
	Entity    string        `json:"entity,omitempty"`
	Dataset   string        `json:"dataset"`
	Kind      alerts.Kind   `json:"kind"`
	Direction string        `json:"direction"` // max or min
	Frequency obs.Frequency `json:"frequency"`
	Unit      string        `json:"unit"`
	// First and Last are the dates of the run's first and last event
	// (YYYY-MM-DD, YYYY-MM or YYYY, as in the events); Count is the number
	// of events in the run.
	First string `json:"first"`
	Last  string `json:"last"`
	Count int    `json:"count"`
	// Value is the value of the run's last event, in Unit.
	Value float64 `json:"value"`
	// BestMargin is the largest margin of the run's events over their
	// previous holders, in Unit (for a streak: days or months beyond the
	// longest earlier run, possibly negative); BestDate is its event's
	// date. Nil and "" when no event had a previous holder.
	BestMargin *float64 `json:"best_margin"`
	BestDate   string   `json:"best_date,omitempty"`
	// Streak is set on a streak run, and on a run of day records whose
	// streak event was folded into it (from its first date, Count long).
	// PreviousLongest is then the longest earlier run of the series in
	// days (months), when the streak event gave it.
	Streak          *alerts.StreakInfo `json:"streak,omitempty"`
	PreviousLongest *int               `json:"previous_longest,omitempty"`
	// FirstLoad is true when every event of the run was found by the
	// first scan of its dataset (the data were first loaded then; such
	// events are never pushed to webhooks or the feed).
	FirstLoad bool `json:"first_load"`
	// Sentence describes the run: the event's own sentence for a run of
	// one (and for streaks), alerts.RunSentence otherwise.
	Sentence string `json:"sentence"`
	// Source names the producer and dataset version of the run's last
	// event.
	Source RecentSource `json:"source"`
	// event is the run's one event (nil for a run of several): its
	// sentence in another language states the previous holder as the
	// English one does (LocalizeRecent).
	event *alerts.Event
}

// RecentSource names where a run's numbers come from.
type RecentSource struct {
	Dataset         string `json:"dataset"`
	Title           string `json:"title"`
	Producer        string `json:"producer"`
	ProducerVersion string `json:"producer_version"`
}

// LatestRecords is the latest run of each kind of one vital sign within
// the window, newest first. A run of day records that carries its streak
// may stand both for the date and for the streak.
type LatestRecords struct {
	Indicator string      `json:"indicator"`
	Title     string      `json:"title"`
	Records   []RecentRun `json:"records"`
}

// RecentResult answers a RecentRequest. Runs holds the runs that end
// inside each series' window, newest last date first; Latest holds, per
// vital sign with any record in the window (the vital sign with the newest
// record first, then query.VitalSigns order), the latest run of each kind: for the date, the month, all time and streaks.
// Runs are cut at the window: a run of monthly records that began decades
// ago is counted from the window's first month.
type RecentResult struct {
	Recent string          `json:"recent"`
	Runs   []RecentRun     `json:"runs"`
	Latest []LatestRecords `json:"latest"`
}

var recentRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{1,5})([dmy])$`) })

// window parses a RecentRequest.Recent: the number of years, months and
// days counted back.
func (req RecentRequest) window() (string, [3]int, error) {
	s := strings.TrimSpace(req.Recent)
	if s == "" {
		s = DefaultRecent
	}
	m := recentRe().FindStringSubmatch(s)
	var w [3]int
	if m == nil {
		return s, w, invalid("{recent=}%q: want a number followed by d, m or y, e.g. 12m", req.Recent)
	}
	n, _ := strconv.Atoi(m[1])
	limit := map[string]int{"d": 36600, "m": 1200, "y": 100}[m[2]]
	if n < 1 || n > limit {
		return s, w, invalid("{recent=}%q: want 1 to %d%s (100 years)", req.Recent, limit, m[2])
	}
	w[strings.Index("ymd", m[2])] = n
	return s, w, nil
}

// seriesKey names one series of events.
type seriesKey struct{ dataset, indicator, entity string }

// Recent answers a RecentRequest.
func Recent(ctx context.Context, st RecentStore, req RecentRequest) (RecentResult, error) {
	label, w, err := req.window()
	if err != nil {
		return RecentResult{}, err
	}
	lang, err := parseLang(req.Lang)
	if err != nil {
		return RecentResult{}, err
	}
	q, err := EventsRequest{Indicator: req.Indicator}.parse()
	if err != nil {
		return RecentResult{}, err
	}
	want := map[string]bool{}
	for _, id := range q.Indicators {
		want[id] = true
	}
	// The first date of the window of every stored series: the day after
	// its latest value minus the window, so that 12m of a monthly series
	// whose latest value is July 2026 runs from August 2025.
	start := map[seriesKey]obs.Date{}
	// from is the earliest window start of each indicator's series: events
	// are read one indicator at a time from it, so that a series whose data
	// ended long ago does not make every indicator's old events be read.
	from := map[string]obs.Date{}
	var inds []string
	for _, d := range catalog.Datasets() {
		sums, err := st.Summaries(ctx, d.ID)
		if err != nil {
			return RecentResult{}, err
		}
		for _, s := range sums {
			if len(want) > 0 && !want[s.Indicator] {
				continue
			}
			b := obs.FromTime(s.Last.Time().AddDate(-w[0], -w[1], -w[2]).AddDate(0, 0, 1))
			start[seriesKey{s.Dataset, s.Indicator, s.Entity}] = b
			if f, ok := from[s.Indicator]; !ok || b < f {
				if !ok {
					inds = append(inds, s.Indicator)
				}
				from[s.Indicator] = b
			}
		}
	}
	res := RecentResult{Recent: label, Runs: []RecentRun{}, Latest: []LatestRecords{}}
	var evs []alerts.Event
	for _, id := range inds {
		f := from[id]
		all, err := alerts.ListAll(ctx, st, []string{id}, &f)
		if err != nil {
			return RecentResult{}, err
		}
		for _, e := range all {
			if alerts.IsThresholdKind(e.Kind) {
				continue // not records: the Paris page lists threshold events
			}
			if b, ok := start[seriesKey{e.Dataset, e.Indicator, e.Entity}]; ok && e.Day() >= b {
				evs = append(evs, e)
			}
		}
	}
	runs := GroupRuns(evs)
	res.Runs = append(res.Runs, runs...)
	// The latest run of each kind per vital sign (global series only).
	byInd := map[string][]RecentRun{}
	for _, r := range runs {
		if r.Entity != "" && r.Entity != "World" {
			continue
		}
		byInd[r.Indicator] = append(byInd[r.Indicator], r)
	}
	for _, ref := range VitalSigns() {
		var recs []RecentRun
		for _, k := range []alerts.Kind{alerts.DayRecord, alerts.MonthRec, alerts.AllTime, alerts.Streak} {
			var best *RecentRun
			for i, r := range byInd[ref.Indicator.ID] {
				// A streak is a streak run or a run of day records that
				// carries its streak.
				isKind := r.Kind == k || (k == alerts.Streak && r.Streak != nil)
				if isKind && r.Dataset == ref.Dataset.ID && (best == nil || r.Last > best.Last) {
					best = &byInd[ref.Indicator.ID][i]
				}
			}
			// A run of day records standing for its streak is listed once.
			if best != nil && (len(recs) == 0 || recs[0].First != best.First || recs[0].Last != best.Last || recs[0].Kind != best.Kind) {
				recs = append(recs, *best)
			}
		}
		if len(recs) > 0 {
			sort.SliceStable(recs, func(i, j int) bool { return recs[i].Last > recs[j].Last })
			res.Latest = append(res.Latest, LatestRecords{Indicator: ref.Indicator.ID, Title: alerts.Name(ref.Indicator.ID), Records: recs})
		}
	}
	// The vital sign with the newest record first.
	sort.SliceStable(res.Latest, func(i, j int) bool { return res.Latest[i].Records[0].Last > res.Latest[j].Records[0].Last })
	return LocalizeRecent(res, lang), nil
}

// GroupRuns groups events into runs (see RecentRun): retracted events are
// dropped; record events of one series, kind and direction on consecutive
// dates form one run; the events of one streak (same series, direction and
// start) collapse to the latest, which is folded into the run of day
// records it describes when that run starts on the streak's first day
// (so a streak reads as one line); year extremes stay one per run. Runs are
// ordered by last date, newest first (ties by indicator, kind).
func GroupRuns(evs []alerts.Event) []RecentRun {
	type groupKey struct {
		seriesKey
		kind      alerts.Kind
		direction string
		streak    string
	}
	groups := map[groupKey][]alerts.Event{}
	var order []groupKey
	for _, e := range evs {
		if e.Retracted {
			continue
		}
		k := groupKey{seriesKey{e.Dataset, e.Indicator, e.Entity}, e.Kind, e.Direction, ""}
		if e.Streak != nil && e.Kind == alerts.Streak {
			k.streak = e.Streak.From
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], e)
	}
	var runs []RecentRun
	for _, k := range order {
		g := groups[k]
		sort.Slice(g, func(i, j int) bool { return g[i].Date < g[j].Date })
		if k.kind == alerts.Streak {
			runs = append(runs, newRun(g[len(g)-1:]))
			continue
		}
		start := 0
		for i := 1; i <= len(g); i++ {
			if i < len(g) && k.kind != alerts.YearExtrem && next(g[i-1].Date, g[i-1].Frequency) == g[i].Date {
				continue
			}
			runs = append(runs, newRun(g[start:i]))
			start = i
		}
	}
	runs = foldStreaks(runs)
	sort.SliceStable(runs, func(i, j int) bool {
		a, b := runs[i], runs[j]
		if a.Last != b.Last {
			return a.Last > b.Last
		}
		if a.Indicator != b.Indicator {
			return a.Indicator < b.Indicator
		}
		return a.Kind < b.Kind
	})
	return runs
}

// next returns the date string one step after date at its resolution: the
// next year (YYYY), month (YYYY-MM), week (weekly series) or day.
func next(date string, f obs.Frequency) string {
	d, err := obs.ParseDate(date)
	if err != nil {
		return ""
	}
	t := d.Time()
	switch {
	case len(date) == 4:
		return t.AddDate(1, 0, 0).Format("2006")
	case len(date) == 7:
		return t.AddDate(0, 1, 0).Format("2006-01")
	case f == obs.Weekly:
		return t.AddDate(0, 0, 7).Format("2006-01-02")
	}
	return t.AddDate(0, 0, 1).Format("2006-01-02")
}

// newRun summarises events of one group on consecutive dates, in date
// order.
func newRun(g []alerts.Event) RecentRun {
	first, lastEv := g[0], g[len(g)-1]
	r := RecentRun{Indicator: first.Indicator, Title: alerts.Name(first.Indicator), Entity: first.Entity, Dataset: first.Dataset,
		Kind: first.Kind, Direction: first.Direction, Frequency: first.Frequency, Unit: first.Unit,
		First: first.Date, Last: lastEv.Date, Count: len(g), Value: lastEv.Value, Streak: lastEv.Streak, FirstLoad: true}
	for _, e := range g {
		if !e.Historical {
			r.FirstLoad = false
		}
		if e.Margin != nil && (r.BestMargin == nil || *e.Margin > *r.BestMargin) {
			m := *e.Margin
			r.BestMargin, r.BestDate = &m, e.Date
		}
	}
	r.Source = RecentSource{Dataset: lastEv.Dataset, ProducerVersion: lastEv.Version.ProducerVersion}
	if d, ok := catalog.DatasetByID(lastEv.Dataset); ok {
		r.Source.Title, r.Source.Producer = d.Title, d.Producer
	}
	if len(g) == 1 {
		r.Sentence = lastEv.Sentence
		ev := lastEv
		r.event = &ev
	} else {
		r.Sentence = alerts.RunSentence(r.Indicator, r.Kind, r.Direction, r.Frequency, r.First, r.Last, r.Count, r.BestMargin, r.Unit)
	}
	return r
}

// foldStreaks folds every streak run into the run of day (month) records
// of the same series and direction that starts on the streak's first
// date: that run gets the streak, Count long, and the longest earlier run
// (the streak event's length minus its margin); the streak run is dropped.
// Streak runs without such a run stay.
func foldStreaks(runs []RecentRun) []RecentRun {
	type key struct{ dataset, indicator, entity, direction, first string }
	idx := map[key]int{}
	for i, r := range runs {
		if r.Kind == alerts.DayRecord || (r.Kind == alerts.MonthRec && r.Frequency == obs.Monthly) {
			idx[key{r.Dataset, r.Indicator, r.Entity, r.Direction, r.First}] = i
		}
	}
	out := runs[:0:0]
	folded := map[int]bool{}
	for _, r := range runs {
		if r.Kind != alerts.Streak || r.Streak == nil {
			continue
		}
		i, ok := idx[key{r.Dataset, r.Indicator, r.Entity, r.Direction, r.Streak.From}]
		if !ok || runs[i].Last < r.Last {
			continue
		}
		runs[i].Streak = &alerts.StreakInfo{From: runs[i].First, Len: runs[i].Count}
		if r.BestMargin != nil {
			p := r.Streak.Len - int(*r.BestMargin)
			runs[i].PreviousLongest = &p
		}
		folded[i] = true
	}
	for i, r := range runs {
		if r.Kind == alerts.Streak && r.Streak != nil {
			if _, ok := idx[key{r.Dataset, r.Indicator, r.Entity, r.Direction, r.Streak.From}]; ok && folded[idx[key{r.Dataset, r.Indicator, r.Entity, r.Direction, r.Streak.From}]] {
				continue
			}
		}
		_ = i
		out = append(out, r)
	}
	return out
}
