package alerts

import (
	"context"
	"encoding/json"
	"github.com/stocktake/stocktake/internal/i18n"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
	"github.com/stocktake/stocktake/internal/warming"
)

// era5Path is the ERA5 daily world 2 m file of the shared mirror.
const era5Path = "climate-reanalyzer-era5/era5_world_t2_day.json"

// warmingDatasets are the catalog datasets of the four warming sources in
// the shared mirror (HadCRUT5 from the datahub copy: the Met Office file
// is not mirrored).
var warmingDatasets = []string{"noaa-cag-global-land-ocean", "datahub-global-temp-hadcrut5", "nasa-gistemp-v4", "climate-reanalyzer-t2m.world"}

// eraRow is one row of a Climate Reanalyzer daily file.
type eraRow struct {
	Source string     `json:"data_source"`
	Name   string     `json:"name"`
	Data   []*float64 `json:"data"`
}

// warmingFixture is a store holding the four warming sources: NOAA, GISTEMP
// and HadCRUT5 ingested from the shared mirror, ERA5 from a local mirror
// folder whose file the test rewrites, each through ingest.Run with Detect
// as the hook.
type warmingFixture struct {
	st    *store.Store
	dir   string
	rows  []eraRow
	fired []Event
	retr  []Event
}

func newWarmingFixture(t *testing.T) *warmingFixture {
	t.Helper()
	f := &warmingFixture{dir: t.TempDir(), st: openStore(t, testutil.DB(t))}
	t.Cleanup(func() { f.st.Close() })
	if err := json.Unmarshal(testutil.ReadShared(t, era5Path), &f.rows); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *warmingFixture) hook(ctx context.Context, ds catalog.Dataset, v int64) error {
	n, r, err := Detect(ctx, f.st, ds, v)
	f.fired, f.retr = append(f.fired, n...), append(f.retr, r...)
	return err
}

// ingestShared ingests the shared mirror's copy of each dataset.
func (f *warmingFixture) ingestShared(t *testing.T, ids ...string) {
	t.Helper()
	for _, id := range ids {
		outs, err := ingest.Run(context.Background(), f.st, []catalog.Dataset{dataset(t, id)}, ingest.Options{Mirror: testutil.SharedData(t), AfterIngest: f.hook})
		if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
			t.Fatalf("ingest %s: %+v %v", id, outs, err)
		}
	}
}

// ingestERA5 publishes the ERA5 file cut after last (later days null) with
// delta added to the given days' values, and ingests it.
func (f *warmingFixture) ingestERA5(t *testing.T, last obs.Date, delta map[obs.Date]float64) {
	t.Helper()
	var rows []eraRow
	for _, r := range f.rows {
		y, err := strconv.Atoi(r.Name)
		if err != nil {
			rows = append(rows, r)
			continue
		}
		nr := eraRow{Source: r.Source, Name: r.Name, Data: make([]*float64, len(r.Data))}
		for i, v := range r.Data {
			d := obs.NewDate(y, 1, 1) + obs.Date(i)
			if v == nil || d > last || d.Year() != y {
				continue
			}
			x := *v + delta[d]
			nr.Data[i] = &x
		}
		rows = append(rows, nr)
	}
	b, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(f.dir, filepath.FromSlash(era5Path))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	outs, err := ingest.Run(context.Background(), f.st, []catalog.Dataset{dataset(t, "climate-reanalyzer-t2m.world")}, ingest.Options{Mirror: f.dir, AfterIngest: f.hook})
	if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
		t.Fatalf("ingest ERA5: %+v %v", outs, err)
	}
}

// thresholdEvents lists the stored threshold events (historical and
// retracted included) by kind, in date order.
func thresholdEvents(t *testing.T, st *store.Store) map[Kind][]Event {
	t.Helper()
	out := map[Kind][]Event{}
	for _, k := range ThresholdKinds {
		evs, err := eventsOfKind(context.Background(), st, k, obs.Date(-1<<30))
		if err != nil {
			t.Fatal(err)
		}
		out[k] = evs
	}
	return out
}

// countByIndicator counts events by indicator, retracted ones excluded.
func countByIndicator(evs []Event) map[string]int {
	out := map[string]int{}
	for _, e := range evs {
		if !e.Retracted {
			out[e.Indicator]++
		}
	}
	return out
}

// findThreshold returns the stored event of kind k and indicator ind dated date.
func findThreshold(t *testing.T, all map[Kind][]Event, k Kind, ind, date string) Event {
	t.Helper()
	for _, e := range all[k] {
		if e.Indicator == ind && e.Date == date {
			return e
		}
	}
	t.Fatalf("no %s event of %s on %s", k, ind, date)
	return Event{}
}

// TestThresholdEventsRealData runs the threshold events on the shared
// data: the first scan's counts (cross-checked with warming.Cross, and with
// Copernicus's published figures where they exist), the silence of the
// first scan, the delivery of the events an update adds, the retraction of
// a day a revision lowers below 1.5 °C and its reinstatement, and
// idempotence.
func TestThresholdEventsRealData(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newWarmingFixture(t)
	if _, err := AddWebhook(ctx, f.st, "http://127.0.0.1:1/hook", nil, testSecret, true); err != nil {
		t.Fatal(err)
	}
	f.ingestShared(t, warmingDatasets[:3]...)
	cut := obs.NewDate(2024, 6, 30)
	f.ingestERA5(t, cut, nil)

	// The first scan: historical, silent.
	all := thresholdEvents(t, f.st)
	total := 0
	for _, k := range ThresholdKinds {
		for _, e := range all[k] {
			total++
			if !e.Historical || e.Retracted {
				t.Errorf("first-scan event not historical or retracted: %s", e.Sentence)
			}
		}
	}
	if len(f.fired) != 0 || len(f.retr) != 0 {
		t.Fatalf("first scans fired %d and retracted %d events, want none", len(f.fired), len(f.retr))
	}
	if ds, err := Deliveries(ctx, f.st, 0); err != nil || len(ds) != 0 {
		t.Fatalf("first scans queued %d deliveries (%v), want none", len(ds), err)
	}

	// The update to the end of the shared file: the new ERA5 facts are
	// delivered, nothing else changes.
	f.ingestERA5(t, obs.NewDate(2100, 1, 1), nil)
	if len(f.retr) != 0 {
		t.Fatalf("update retracted %d events: %v", len(f.retr), sentences(f.retr))
	}
	newByKind := map[Kind]int{}
	for _, e := range f.fired {
		if e.Historical || e.Indicator != "t2m.world" {
			t.Errorf("delivered event %s (historical %v)", e.Sentence, e.Historical)
		}
		if e.Day() <= cut && e.Kind != Above15Year {
			t.Errorf("event dated before the update's first day: %s", e.Sentence)
		}
		if IsThresholdKind(e.Kind) {
			newByKind[e.Kind]++
		}
	}
	all = thresholdEvents(t, f.st)
	// ERA5 days at or above 1.5 °C: 2023 and 2024 (281 of 366, all new
	// after June but the first half's), and the first day at or above
	// 2.0 °C.
	perYear := map[int]int{}
	for _, e := range all[Above15Day] {
		if e.Indicator == "t2m.world" {
			perYear[e.Day().Year()]++
		}
	}
	// Copernicus (Global Climate Highlights 2023): "close to 50%" of the
	// days of 2023 were at least 1.5 °C warmer than 1850-1900.
	if perYear[2023] != 188 || perYear[2024] != 281 {
		t.Errorf("ERA5 days at or above 1.5 °C: 2023 %d, 2024 %d; want 188 and 281", perYear[2023], perYear[2024])
	}
	first := 0
	for _, e := range all[Above15Day] {
		if e.Day().Year() == 2024 && e.Day() <= cut {
			first++
		}
	}
	if want := map[Kind]int{Above15Day: 281 - first, Above15Month: 6, Above15Months12: 6, Above15Year: 1}; !mapsEqual(newByKind, want) {
		t.Errorf("update delivered %v, want %v", newByKind, want)
	}
	if ds, err := Deliveries(ctx, f.st, 0); err != nil || len(ds) != len(f.fired) {
		t.Fatalf("update queued %d deliveries (%v), want %d", len(ds), err, len(f.fired))
	}
	counts := map[Kind]map[string]int{}
	for _, k := range ThresholdKinds {
		counts[k] = countByIndicator(all[k])
	}
	want := map[Kind]map[string]int{
		Above15Day: {"t2m.world": 586}, Above20Day: {"t2m.world": 2},
		Above15Month:    {"t2m.world": 20, "gmst.hadcrut5": 12, "gmst.noaa": 5, "gmst.gistemp": 14},
		Above15Months12: {"t2m.world": 12, "gmst.hadcrut5": 6, "gmst.gistemp": 12},
		Above15Year:     {"t2m.world": 1, "gmst.gistemp": 1},
		FirstAbove15Day: {"t2m.world": 1}, FirstAbove20Day: {"t2m.world": 1}, LongestRun15Days: {"t2m.world": 5},
		Above20Month: {}, Above20Months12: {}, Above20Year: {}, LongestRun20Days: {},
	}
	for _, k := range ThresholdKinds {
		if !mapsEqual(counts[k], want[k]) {
			t.Errorf("%s: %v, want %v", k, counts[k], want[k])
		}
	}
	crossCheck(t, f.st, counts)

	// Published figures. Copernicus (C3S), Global Climate Highlights 2024:
	// 2024 was the first calendar year above 1.5 °C in ERA5, at 1.60 °C.
	y := findThreshold(t, all, Above15Year, "t2m.world", "2024")
	if y.Rank != 1 || math.Abs(y.Value-1.60) > 0.005 ||
		y.Sentence != "2024 was the first calendar year on record at or above 1.5 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.60 °C." {
		t.Errorf("2024: %+v", y)
	}
	// C3S: 17 November 2023 was the first day more than 2 °C above
	// 1850-1900 (provisionally 2.06 °C from ERA5T; the Climate
	// Reanalyzer series, from final ERA5, gives 2.02 °C on the same day).
	d2 := all[FirstAbove20Day][0]
	if d2.Date != "2023-11-17" || math.Abs(d2.Value-2.023) > 0.001 ||
		d2.Sentence != "17 November 2023 was the first day on record at or above 2.0 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 2.02 °C." {
		t.Errorf("first day at or above 2.0 °C: %+v", d2)
	}
	// C3S (February 2024): the 12 months February 2023 - January 2024
	// were the first such period above 1.5 °C, at 1.52 °C.
	p12 := findThreshold(t, all, Above15Months12, "t2m.world", "2024-01")
	if p12.Rank != 1 || p12.Streak == nil || p12.Streak.Len != 1 || math.Abs(p12.Value-1.52) > 0.005 {
		t.Errorf("12 months to January 2024: %+v", p12)
	}
	june := findThreshold(t, all, Above15Months12, "t2m.world", "2024-06")
	if june.Sentence != "The 12 months to June 2024 were the 6th consecutive 12-month period at or above 1.5 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.64 °C." {
		t.Errorf("12 months to June 2024: %s", june.Sentence)
	}
	jul22 := findThreshold(t, all, Above15Day, "t2m.world", "2024-07-22")
	if jul22.Rank != 135 || jul22.Historical || jul22.Sentence != "22 July 2024 was the 135th day of 2024 at or above 1.5 °C above pre-industrial (ERA5, 1991–2020 + 0.88 °C): 1.79 °C, the 6th consecutive day." {
		t.Errorf("22 July 2024: %+v", jul22)
	}
	run := all[LongestRun15Days][len(all[LongestRun15Days])-1]
	if run.Date != "2023-09-12" || run.Streak == nil || run.Streak.From != "2023-08-15" || run.Streak.Len != 29 || run.Previous == nil || run.Previous.Value != 28 {
		t.Errorf("latest longest run: %+v", run)
	}

	// The same events in both Chinese scripts (thresholds_i18n.go), from
	// the same fields: dates, counts and values as the English says them.
	for _, c := range []struct {
		e    Event
		l    i18n.Lang
		want string
	}{
		{jul22, i18n.ZhHant, "2024年7月22日是2024年第135個達到或超過比工業化前高1.5 °C的日子（ERA5，1991–2020 + 0.88 °C）：1.79 °C，連續第6天。"},
		{jul22, i18n.ZhHans, "2024年7月22日是2024年第135个达到或超过比工业化前高1.5 °C的日子（ERA5，1991–2020 + 0.88 °C）：1.79 °C，连续第6天。"},
		{y, i18n.ZhHant, "2024年是有紀錄以來第一個達到或超過比工業化前高1.5 °C的日曆年（ERA5，1991–2020 + 0.88 °C）：1.60 °C。"},
		{d2, i18n.ZhHans, "2023年11月17日是有记录以来第一个达到或超过比工业化前高2.0 °C的日子（ERA5，1991–2020 + 0.88 °C）：2.02 °C。"},
		{june, i18n.ZhHant, "截至2024年6月的12個月，是連續第6個達到或超過比工業化前高1.5 °C的12個月期間（ERA5，1991–2020 + 0.88 °C）：1.64 °C。"},
		{run, i18n.ZhHans, "2023年9月12日，达到或超过比工业化前高1.5 °C（ERA5，1991–2020 + 0.88 °C）的连续日数达到29天（自2023年8月15日起），为有记录以来最长；此前最长为28天，结束于" + func() string {
			p, _ := obs.ParseDate(run.Previous.Date)
			yy, mm, dd := p.YMD()
			return i18n.Date(i18n.ZhHans, yy, mm, dd)
		}() + "。"},
	} {
		if got := SentenceIn(c.e, c.l); got != c.want {
			t.Errorf("%s %s %s in %s:\n got %s\nwant %s", c.e.Kind, c.e.Indicator, c.e.Date, c.l, got, c.want)
		}
	}

	// A revision lowers 22 July 2024 by 1 °C: its event is retracted and
	// delivered as such; the later days of 2024 move up one rank (updated,
	// not delivered); nothing is new.
	f.fired, f.retr = nil, nil
	before := len(mustDeliveries(t, f.st))
	if before == 0 {
		t.Fatal("no deliveries before the revision")
	}
	f.ingestERA5(t, obs.NewDate(2100, 1, 1), map[obs.Date]float64{obs.NewDate(2024, 7, 22): -1})
	// Record events change too (22 July 2024 was the hottest day on
	// record); only threshold events are checked here.
	f.fired, f.retr = onlyThresholds(f.fired), onlyThresholds(f.retr)
	if len(f.fired) != 0 || len(f.retr) != 1 || f.retr[0].UID != jul22.UID || !f.retr[0].Retracted || f.retr[0].RetractionReason != "revised" {
		t.Fatalf("revision fired %v, retracted %v; want only 22 July 2024 retracted", sentences(f.fired), sentences(f.retr))
	}
	if got := f.retr[0].Sentence; got != "Retracted after a data revision: "+jul22.Sentence {
		t.Errorf("retracted sentence %q", got)
	}
	var retractions []Delivery
	for _, d := range mustDeliveries(t, f.st)[before:] {
		if d.Event == jul22.ID {
			retractions = append(retractions, d)
		}
	}
	if len(retractions) != 1 || retractions[0].Action != "retracted" {
		t.Errorf("revision queued %+v for 22 July 2024, want one retraction", retractions)
	}
	after := thresholdEvents(t, f.st)
	dec31 := findThreshold(t, after, Above15Day, "t2m.world", "2024-12-31")
	if dec31.Rank != 280 || !dec31.UpdatedAt.After(jul22.UpdatedAt) {
		t.Errorf("31 December 2024 after the revision: rank %d, updated %v; want 280, updated", dec31.Rank, dec31.UpdatedAt)
	}
	// An updated event names the version its new numbers come from.
	if v, ok, err := f.st.CurrentVersion(context.Background(), "climate-reanalyzer-t2m.world"); err != nil || !ok || dec31.Version.ID != v.ID || v.ID == jul22.Version.ID {
		t.Errorf("31 December 2024 after the revision: version %d, want the revision's %d (was %d; %v %v)", dec31.Version.ID, v.ID, jul22.Version.ID, ok, err)
	}

	// The producer restores the value: the event is reinstated.
	f.fired, f.retr = nil, nil
	f.ingestERA5(t, obs.NewDate(2100, 1, 1), nil)
	f.fired, f.retr = onlyThresholds(f.fired), onlyThresholds(f.retr)
	if len(f.retr) != 0 || len(f.fired) != 1 || f.fired[0].UID != jul22.UID || f.fired[0].Retracted {
		t.Fatalf("restoration fired %v, retracted %v; want 22 July 2024 reinstated", sentences(f.fired), sentences(f.retr))
	}
	if got := findThreshold(t, thresholdEvents(t, f.st), Above15Day, "t2m.world", "2024-12-31"); got.Rank != 281 {
		t.Errorf("31 December 2024 rank %d after the restoration, want 281", got.Rank)
	}

	// Idempotence: detection again, and a catch-up, change nothing.
	for _, id := range warmingDatasets {
		v, ok, err := f.st.CurrentVersion(ctx, id)
		if err != nil || !ok {
			t.Fatal(id, err)
		}
		n, r, err := Detect(ctx, f.st, dataset(t, id), v.ID)
		if err != nil || len(n) != 0 || len(r) != 0 {
			t.Fatalf("Detect %s again: %d new, %d retracted, %v", id, len(n), len(r), err)
		}
	}
	dsets := make([]catalog.Dataset, len(warmingDatasets))
	for i, id := range warmingDatasets {
		dsets[i] = dataset(t, id)
	}
	if err := CatchUp(ctx, f.st, dsets); err != nil {
		t.Fatal(err)
	}
	final := thresholdEvents(t, f.st)
	for _, k := range ThresholdKinds {
		if !mapsEqual(countByIndicator(final[k]), want[k]) || len(final[k]) != len(all[k]) {
			t.Errorf("%s after detection again: %v (%d stored), want %v (%d)", k, countByIndicator(final[k]), len(final[k]), want[k], len(all[k]))
		}
	}
	// The kind filter of the listing.
	evs, _, err := List(ctx, f.st, Query{Kinds: []Kind{FirstAbove20Day, Above15Year}, Historical: true, Limit: 100})
	if err != nil || len(evs) != 3 {
		t.Fatalf("List by kind: %d events (%v), want 3", len(evs), err)
	}
}

// crossCheck compares the stored counts with warming.Cross on the same
// stored series, re-based independently: days, months (ERA5: its monthly
// means), 12-month periods and years at 1.5 °C and 2.0 °C.
func crossCheck(t *testing.T, st *store.Store, counts map[Kind]map[string]int) {
	t.Helper()
	ctx := context.Background()
	in := map[string]obs.Series{}
	for _, s := range warming.Sources {
		se, _, err := warming.Load(ctx, st, s, store.ErrNotFound)
		if err != nil {
			t.Fatal(err)
		}
		in[s.Key] = se
	}
	rb, errs := warming.RebaseSources(in)
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	for _, s := range warming.Sources {
		r := rb[s.Key]
		monthly := r
		if r.Frequency == obs.Daily {
			monthly, _ = warming.MonthlyMeans(r)
		}
		for _, th := range []float64{warming.Threshold15, warming.Threshold20} {
			check := func(step thresholdStep, pts []obs.Point, freq obs.Frequency) {
				c, err := warming.Cross(s.Label, pts, freq, th)
				if err != nil {
					t.Fatal(err)
				}
				if got := counts[kindFor(step, th)][s.Indicator]; got != c.Count {
					t.Errorf("%s %s: %d events, warming.Cross counts %d", s.Indicator, kindFor(step, th), got, c.Count)
				}
			}
			if r.Frequency == obs.Daily {
				check(stepDay, r.Points, obs.Daily)
			}
			check(stepMonth, monthly.Points, obs.Monthly)
			check(stepMonths12, warming.Running12(monthly.Points), obs.Monthly)
			check(stepYear, warming.AnnualPoints(warming.Annual(r)), obs.Annual)
		}
	}
}

func onlyThresholds(evs []Event) []Event {
	var out []Event
	for _, e := range evs {
		if IsThresholdKind(e.Kind) {
			out = append(out, e)
		}
	}
	return out
}

func mustDeliveries(t *testing.T, st *store.Store) []Delivery {
	t.Helper()
	ds, err := Deliveries(context.Background(), st, 0)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func sentences(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Sentence
	}
	return out
}

func mapsEqual[K comparable](a, b map[K]int) bool {
	n := 0
	for k, v := range a {
		if v != 0 {
			n++
			if b[k] != v {
				return false
			}
		}
	}
	for _, v := range b {
		if v != 0 {
			n--
		}
	}
	return n == 0
}

// TestThresholdSteps checks the step walker on a small series: a value
// equal to the threshold counts, a missing day breaks a run, ordinals
// restart each calendar year, and the longest-run facts are those of runs
// longer than every earlier one.
func TestThresholdSteps(t *testing.T) {
	d := func(y, m, day int) obs.Date { return obs.NewDate(y, m, day) }
	pts := []obs.Point{
		{Date: d(2023, 12, 29), Value: 1.5}, {Date: d(2023, 12, 30), Value: 1.6}, {Date: d(2023, 12, 31), Value: 1.49},
		{Date: d(2024, 1, 1), Value: 1.7}, {Date: d(2024, 1, 2), Value: 1.8}, {Date: d(2024, 1, 3), Value: 1.9},
		// 4 January is missing: the run of 1-3 January ends.
		{Date: d(2024, 1, 5), Value: 2.0}, {Date: d(2024, 1, 6), Value: 1.2},
	}
	days := stepsAbove(pts, obs.Daily, 1.5, Above15Day, true)
	type got struct {
		date      obs.Date
		rank, len int
	}
	var g []got
	for _, f := range days {
		g = append(g, got{f.date, f.rank, f.streakLen})
	}
	want := []got{{d(2023, 12, 29), 1, 1}, {d(2023, 12, 30), 2, 2}, {d(2024, 1, 1), 1, 1}, {d(2024, 1, 2), 2, 2}, {d(2024, 1, 3), 3, 3}, {d(2024, 1, 5), 4, 1}}
	if !slices.Equal(g, want) {
		t.Fatalf("steps %v, want %v", g, want)
	}
	runs := longestRuns(days, 1.5)
	if len(runs) != 2 || runs[0].kind != FirstAbove15Day || runs[0].date != d(2023, 12, 29) ||
		runs[1].kind != LongestRun15Days || runs[1].date != d(2024, 1, 3) || runs[1].streakLen != 3 || runs[1].prevValue != 2 || runs[1].prevDate != d(2023, 12, 30) {
		t.Fatalf("runs %+v", runs)
	}
	// Years: ranks count every year, not per year.
	years := stepsAbove([]obs.Point{{Date: d(2023, 1, 1), Value: 1.5}, {Date: d(2024, 1, 1), Value: 1.6}, {Date: d(2026, 1, 1), Value: 1.7}}, obs.Annual, 1.5, Above15Year, false)
	if len(years) != 3 || years[1].rank != 2 || years[1].streakLen != 2 || years[2].rank != 3 || years[2].streakLen != 1 {
		t.Fatalf("years %+v", years)
	}
}

// TestThresholdKindsAreNotRecords checks that every threshold kind maps
// to one threshold and step, and that the record kinds are not threshold
// kinds (the record detection reconciles those).
func TestThresholdKindsAreNotRecords(t *testing.T) {
	seen := map[[2]float64]bool{}
	for _, k := range ThresholdKinds {
		tk := thresholdKinds[k]
		key := [2]float64{tk.th, float64(tk.step)}
		if seen[key] || kindFor(tk.step, tk.th) != k || ThresholdOf(k) != tk.th {
			t.Errorf("kind %s: %+v", k, tk)
		}
		seen[key] = true
	}
	if len(thresholdKinds) != len(ThresholdKinds) {
		t.Errorf("%d kinds mapped, %d listed", len(thresholdKinds), len(ThresholdKinds))
	}
	for _, k := range []Kind{AllTime, DayRecord, MonthRec, Streak, YearExtrem} {
		if IsThresholdKind(k) {
			t.Errorf("%s is a threshold kind", k)
		}
	}
}
