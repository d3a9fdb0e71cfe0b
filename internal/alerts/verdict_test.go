package alerts

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stocktake/stocktake/internal/analysis"
	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// detectedStore is a store holding datasets of the shared data ingested
// with detection, opened once per test process for one list of dataset ids
// (see detectShared).
type detectedStore struct {
	once sync.Once
	path string // the SQLite file
	st   *store.Store
	err  error
}

// detected holds the stores detectShared made, by dataset ids joined with
// commas; closeDetected closes them when the package's tests end.
var detected = struct {
	sync.Mutex
	dir    string
	stores map[string]*detectedStore
}{stores: map[string]*detectedStore{}}

// closeDetected closes the stores of detectShared and removes their folder.
func closeDetected() {
	detected.Lock()
	defer detected.Unlock()
	for _, d := range detected.stores {
		if d.st != nil {
			d.st.Close()
		}
	}
	if detected.dir != "" {
		os.RemoveAll(detected.dir)
	}
	detected.stores, detected.dir = map[string]*detectedStore{}, ""
}

// detectShared ingests datasets from the shared data with detection and
// returns every stored event of indicator (historical ones included). The
// ingest into a SQLite file is done once per process for each list of ids
// and the store is then only read, so tests asking about other indicators
// of the same datasets share it; each call lists the events anew.
func detectShared(t *testing.T, indicator string, ids ...string) []Event {
	t.Helper()
	ctx := context.Background()
	key := strings.Join(ids, ",")
	detected.Lock()
	if detected.dir == "" {
		dir, err := os.MkdirTemp("", "stocktake-alerts-detected-")
		if err != nil {
			detected.Unlock()
			t.Fatal(err)
		}
		detected.dir = dir
	}
	d := detected.stores[key]
	if d == nil {
		d = &detectedStore{path: filepath.Join(detected.dir, strconv.Itoa(len(detected.stores))+".db")}
		detected.stores[key] = d
	}
	detected.Unlock()
	d.once.Do(func() {
		var dss []catalog.Dataset
		for _, id := range ids {
			ds, ok := catalog.DatasetByID(id)
			if !ok {
				d.err = fmt.Errorf("no dataset %s", id)
				return
			}
			dss = append(dss, ds)
		}
		st, err := store.Open(ctx, d.path)
		if err != nil {
			d.err = err
			return
		}
		d.st = st
		_, d.err = ingest.Run(ctx, st, dss, ingest.Options{Mirror: testutil.SharedData(t),
			AfterIngest: func(ctx context.Context, ds catalog.Dataset, v int64) error {
				_, _, err := Detect(ctx, st, ds, v)
				return err
			}})
	})
	if d.err != nil {
		t.Fatalf("ingesting %s with detection: %v", key, d.err)
	}
	var all []Event
	cursor := ""
	for {
		evs, next, err := List(ctx, d.st, Query{Indicators: []string{indicator}, Historical: true, Limit: 1000, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, evs...)
		if next == "" {
			return all
		}
		cursor = next
	}
}

func find(evs []Event, k Kind, date string) *Event {
	for i := range evs {
		if evs[i].Kind == k && evs[i].Date == date {
			return &evs[i]
		}
	}
	return nil
}

// TestUncertainEventsSaySo: JMA's ohc_global_1955.txt gives a 95% error
// for each year. 2024 (48.80 ×10²² J) beat 2022 (46.77) by 2.03, inside the
// combined error of 3.58; 2020 (43.31) beat 2019 (42.81) by 0.50. Both
// events are kept (records at the published precision) and say they are
// not statistically distinguishable, with both intervals. The error
// companion ohc.jma.err95 gets no event of its own.
func TestUncertainEventsSaySo(t *testing.T) {
	t.Parallel()
	evs := detectShared(t, "ohc.jma", "jma-ohc-global")
	e := find(evs, AllTime, "2024")
	if e == nil || e.Comparison == nil || e.Comparison.Verdict != analysis.VerdictIndistinguishable {
		t.Fatalf("2024 event: %+v", e)
	}
	want := "Ocean heat content anomaly 0-2000 m (JMA) 48.80 ×10²² J in 2024 — highest on record, previous 46.77 ×10²² J in 2022 (by 2.03 ×10²² J); not statistically distinguishable from 2022 (48.80 ± 2.53 vs 46.77 ± 2.53 ×10²² J, 95%)."
	if e.Sentence != want {
		t.Errorf("sentence\n got %s\nwant %s", e.Sentence, want)
	}
	if e := find(evs, AllTime, "2020"); e == nil || e.Comparison == nil || e.Comparison.Verdict != analysis.VerdictIndistinguishable ||
		*e.Comparison.Uncertainty95 != 2.38 || *e.Comparison.PreviousUncertainty95 != 2.35 {
		t.Errorf("2020 event: %+v", e)
	}
	for _, ev := range detectShared(t, "ohc.jma.err95", "jma-ohc-global") {
		t.Errorf("event of the uncertainty companion: %s", ev.Sentence)
	}
}

// TestEventSentencesAtPrecision: ERA5's world air temperature
// (era5_world_t2_day.json, three decimals) on 23 July 2024, 17.152 °C, beat
// 22 July 2024, 17.151 °C, by one unit of the last digit: the event is a
// record and its sentence writes both values to three decimals (it used to
// say "17.15 °C ... previous 17.15 °C").
func TestEventSentencesAtPrecision(t *testing.T) {
	t.Parallel()
	evs := detectShared(t, "t2m.world", "climate-reanalyzer-t2m.world")
	e := find(evs, AllTime, "2024-07-23")
	if e == nil {
		t.Fatal("no all-time event on 2024-07-23")
	}
	want := "Global air temperature 17.152 °C on 23 July 2024 — highest on record, previous 17.151 °C on 22 July 2024 (by 0.001 °C)."
	if e.Sentence != want || e.Comparison == nil || e.Comparison.Verdict != analysis.VerdictRecord || e.Comparison.MarginUnits != 1 {
		t.Errorf("sentence\n got %s\nwant %s\n%+v", e.Sentence, want, e.Comparison)
	}
	// No record event anywhere shows two equal numbers.
	for _, ev := range evs {
		if ev.Comparison != nil && ev.Comparison.Verdict != analysis.VerdictRecord {
			t.Errorf("%s %s: verdict %s", ev.Kind, ev.Date, ev.Comparison.Verdict)
		}
	}
}

// TestSeasonEvents: the ONI (oni.txt) is three-month seasons dated by the
// centre month; its month records are named by season: the value dated
// June 2026 is "MJJ 2026", never "June".
func TestSeasonEvents(t *testing.T) {
	t.Parallel()
	evs := detectShared(t, "oni", "noaa-cpc-oni")
	n := 0
	for _, e := range evs {
		if e.Kind != MonthRec {
			continue
		}
		n++
		for _, m := range []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"} {
			if strings.Contains(e.Sentence, m) {
				t.Errorf("season named by a month: %s", e.Sentence)
			}
		}
	}
	e := find(evs, MonthRec, "2026-06")
	if n == 0 || e == nil || !strings.Contains(e.Sentence, "in MJJ 2026 — highest MJJ on record") {
		t.Errorf("%d season events; 2026-06: %+v", n, e)
	}
}

// TestYearExtremeNaturalSide: NSIDC's Antarctic annual maxima are worded
// from the nearer end of the ranking ("2nd lowest annual maximum of 46
// years"), never "45th highest of 46".
func TestYearExtremeNaturalSide(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`(\d+)(st|nd|rd|th) (highest|lowest) annual (maximum|minimum) of (\d+) years`)
	n := 0
	for _, e := range detectShared(t, "seaice.south", "nsidc-g02135-south-v3") {
		m := re.FindStringSubmatch(e.Sentence)
		if m == nil {
			continue
		}
		n++
		rank, _ := strconv.Atoi(m[1])
		years, _ := strconv.Atoi(m[5])
		if 2*rank > years+1 {
			t.Errorf("worded from the far end: %s", e.Sentence)
		}
	}
	if n == 0 {
		t.Error("no ranked year-extreme sentence")
	}
}
