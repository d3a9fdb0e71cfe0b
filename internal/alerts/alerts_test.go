package alerts

import (
	"context"
	"crypto/hmac"
	"encoding/json"
	"encoding/xml"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/catalog"
	"github.com/stocktake/stocktake/internal/ingest"
	"github.com/stocktake/stocktake/internal/obs"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// sstFixture is a store holding the world SST file ingested from a local
// mirror folder through ingest.Run with Detect as the AfterIngest hook.
type sstFixture struct {
	st    *store.Store
	path  string
	dir   string
	rows  []reanalyzerRow
	ds    catalog.Dataset
	fired []Event
	retr  []Event
}

func newSSTFixture(t *testing.T) *sstFixture {
	t.Helper()
	f := &sstFixture{dir: t.TempDir(), rows: loadSST(t), ds: dataset(t, "climate-reanalyzer-sst.world")}
	f.path = testutil.DB(t)
	f.st = openStore(t, f.path)
	t.Cleanup(func() { f.st.Close() })
	return f
}

// ingest publishes data (the whole file's bytes) in the mirror and ingests it.
func (f *sstFixture) ingest(t *testing.T, data []byte) {
	t.Helper()
	p := filepath.Join(f.dir, filepath.FromSlash(sstPath))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	outs, err := ingest.Run(context.Background(), f.st, []catalog.Dataset{f.ds}, ingest.Options{Mirror: f.dir,
		AfterIngest: func(ctx context.Context, ds catalog.Dataset, v int64) error {
			n, r, err := Detect(ctx, f.st, ds, v)
			f.fired, f.retr = append(f.fired, n...), append(f.retr, r...)
			return err
		}})
	if err != nil || outs[0].Status != ingest.Ingested || outs[0].Error != "" {
		t.Fatalf("ingest: %+v %v", outs, err)
	}
}

// revise returns the file truncated at last with the given days' values
// replaced.
func (f *sstFixture) revise(t *testing.T, last time.Time, values map[time.Time]float64) []byte {
	t.Helper()
	var rows []reanalyzerRow
	if err := json.Unmarshal(truncate(t, f.rows, last), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		for d, v := range values {
			if r["name"] == d.Format("2006") {
				r["data"].([]any)[d.YearDay()-1] = v
			}
		}
	}
	b, _ := json.Marshal(rows)
	return b
}

// eventsOfKind returns every stored event (historical ones included) of one
// kind dated on or after from, in date order.
func eventsOfKind(ctx context.Context, st *store.Store, k Kind, from obs.Date) ([]Event, error) {
	rows, err := st.Events(ctx, store.EventFilter{Kinds: []string{string(k)}, Historical: true})
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, r := range rows {
		if r.Date >= from {
			out = append(out, eventFrom(r))
		}
	}
	slices.SortStableFunc(out, func(a, b Event) int { return int(a.date - b.date) })
	return out, nil
}

func kinds(evs []Event) map[string]bool {
	m := map[string]bool{}
	for _, e := range evs {
		m[string(e.Kind)+" "+e.Date] = true
	}
	return m
}

// TestRetractionAndReinstatement: a producer revision that removes records
// retracts them (kept, marked, queued for webhooks); reverting reinstates.
func TestRetractionAndReinstatement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSSTFixture(t)
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 10)))
	h, err := AddWebhook(ctx, f.st, "http://127.0.0.1:1/hook", nil, testSecret, true)
	if err != nil {
		t.Fatal(err)
	}
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 20)))
	got := kinds(f.fired)
	for _, want := range []string{"record-all-time 2023-03-16", "record-day 2023-03-20", "record-all-time 2023-03-18", "streak 2023-03-19"} {
		if !got[want] {
			t.Errorf("missing %s in %v", want, got)
		}
	}
	if got["record-all-time 2023-03-17"] || got["record-day 2023-03-12"] {
		t.Errorf("fired an event before the new data or a non-record: %v", got)
	}
	fired := len(f.fired)
	// The producer revises 16-20 March 2023 down to 20.5 °C.
	low := map[time.Time]float64{}
	for d := day(2023, 3, 16); !d.After(day(2023, 3, 20)); d = d.AddDate(0, 0, 1) {
		low[d] = 20.5
	}
	f.ingest(t, f.revise(t, day(2023, 3, 20), low))
	if len(f.fired) != fired {
		t.Errorf("revision fired %d new events", len(f.fired)-fired)
	}
	retracted := kinds(f.retr)
	if !retracted["record-all-time 2023-03-16"] || !retracted["record-day 2023-03-20"] {
		t.Fatalf("retracted %v", retracted)
	}
	for _, e := range f.retr {
		if !e.Retracted || e.RetractedAt == nil || e.RetractionReason != "revised" || e.RetractedVersion == nil ||
			!strings.HasPrefix(e.Sentence, "Retracted after a data revision: ") {
			t.Errorf("retracted event: %+v", e)
		}
		if d := e.Day(); d < obs.NewDate(2023, 3, 16) {
			t.Errorf("retracted an event dated %s, before the revised days", e.Date)
		}
	}
	// The retracted rows are still stored, with the version that caused them.
	e, err := Get(ctx, f.st, f.retr[0].ID)
	if err != nil || !e.Retracted || e.Version.ID == 0 || e.Version.ID == e.RetractedVersion.ID {
		t.Fatalf("stored retracted event: %+v %v", e, err)
	}
	// The webhook got a notice for every fired event and every retraction.
	ds, err := Deliveries(ctx, f.st, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, d := range ds {
		actions[d.Action]++
	}
	if actions["new"] != fired || actions["retracted"] != len(f.retr) {
		t.Errorf("deliveries %v, want %d new and %d retracted", actions, fired, len(f.retr))
	}
	// Reverting to the original values reinstates the same events.
	nRetr := len(f.retr)
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 20)))
	back := f.fired[fired:]
	if len(back) != nRetr {
		t.Errorf("reinstated %d events, want %d", len(back), nRetr)
	}
	for _, e := range back {
		if e.Retracted || !retracted[string(e.Kind)+" "+e.Date] {
			t.Errorf("reinstated %+v", e)
		}
	}
}

// TestSeaIceYearExtremes checks the year-extreme events of the Antarctic
// series against 5-day trailing means computed here from the raw CSV: the
// 2023 minimum (1.79 million km² on 21 February, a record low) and the 2023
// maximum (the lowest annual maximum on record).
func TestSeaIceYearExtremes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := openStore(t, testutil.DB(t))
	defer st.Close()
	ds := dataset(t, "nsidc-g02135-south-v3")
	_, err := ingest.Run(ctx, st, []catalog.Dataset{ds}, ingest.Options{Mirror: testutil.SharedData(t),
		AfterIngest: func(ctx context.Context, ds catalog.Dataset, v int64) error {
			_, _, err := Detect(ctx, st, ds, v)
			return err
		}})
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]float64{}
	for _, line := range strings.Split(string(testutil.ReadShared(t, ds.Files[0].Path)), "\n") {
		var y, m, d int
		var v float64
		if n, _ := fmtSscanf(line, &y, &m, &d, &v); n == 4 {
			raw[day(y, m, d).Format("2006-01-02")] = v
		}
	}
	mean5 := func(d time.Time) float64 {
		s := 0.0
		for i := 0; i < 5; i++ {
			s += raw[d.AddDate(0, 0, -i).Format("2006-01-02")]
		}
		return math.Round(s/5*1e6) / 1e6
	}
	all, err := eventsOfKind(ctx, st, YearExtrem, obs.NewDate(2023, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	byKey := map[string]Event{}
	for _, e := range all {
		byKey[e.Direction+" "+e.Date] = e
		if !e.Historical || e.Smoothing != "5d" {
			t.Errorf("baseline event %+v", e)
		}
	}
	minEv, ok := byKey["min 2023-02-21"]
	if !ok {
		t.Fatalf("no 2023 minimum on 2023-02-21 in %v", byKey)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 2e-6 }
	if want := mean5(day(2023, 2, 21)); !near(minEv.Value, want) || !minEv.Record || minEv.Previous == nil || minEv.Previous.Date != "2022-02-25" ||
		!near(minEv.Previous.Value, mean5(day(2022, 2, 25))) {
		t.Errorf("2023 minimum %+v, want value %v, previous 2022-02-25 %v", minEv, want, mean5(day(2022, 2, 25)))
	}
	// 5-day means of values published to 0.001 are written to 0.0001
	// (one more digit than the inputs, docs/records.md), the margin too.
	if want := "Antarctic sea-ice extent reached its 2023 minimum, 1.7884 million km² (5-day mean) on 21 February 2023 — lowest annual minimum on record, previous 1.9758 million km² on 25 February 2022 (by 0.1874 million km²)."; minEv.Sentence != want {
		t.Errorf("sentence\n got %s\nwant %s", minEv.Sentence, want)
	}
	maxEv, ok := byKey["max 2023-09-10"]
	if !ok || !maxEv.RecordOpposite || maxEv.Record || !near(maxEv.Value, mean5(day(2023, 9, 10))) || maxEv.Rank != maxEv.Years {
		t.Errorf("2023 maximum %+v", maxEv)
	}
	// One minimum and one maximum per year at most, never on 1 January.
	per := map[string]int{}
	for _, e := range all {
		per[e.Direction+e.Date[:4]]++
		if strings.HasSuffix(e.Date, "-01-01") {
			t.Errorf("year extreme on 1 January: %s", e.Sentence)
		}
	}
	for k, n := range per {
		if n > 1 {
			t.Errorf("%s: %d year extremes", k, n)
		}
	}
	// Streaks start counting after StreakWarmUpYears: no streak, and no
	// "longest earlier run", from the first decade (in 1980 every day beat
	// the single earlier year).
	streaks, err := eventsOfKind(ctx, st, Streak, math.MinInt32)
	if err != nil || len(streaks) == 0 {
		t.Fatalf("streaks: %d %v", len(streaks), err)
	}
	for _, e := range streaks {
		if e.Date < "1988-10-26" || e.Previous != nil && e.Previous.Date < "1988-10-26" {
			t.Errorf("streak from the warm-up years: %s", e.Sentence)
		}
	}
}

// TestWebhookSurvivesFailuresAndRestart: the receiver fails the first two
// attempts of every delivery; stocktake is stopped after the first attempt
// and restarted from the same database file; every event arrives, once,
// signed.
func TestWebhookSurvivesFailuresAndRestart(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSSTFixture(t)
	var mu sync.Mutex
	attempts := map[string]int{}
	received := map[string]Payload{}
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		id := r.Header.Get("X-Stocktake-Delivery")
		attempts[id]++
		if attempts[id] <= 2 {
			http.Error(w, "not yet", http.StatusServiceUnavailable)
			return
		}
		if !hmac.Equal([]byte(r.Header.Get(SignatureHeader)), []byte(Sign(testSecret, body))) {
			t.Errorf("delivery %s: bad signature %q", id, r.Header.Get(SignatureHeader))
		}
		var p Payload
		if err := json.Unmarshal(body, &p); err != nil {
			t.Errorf("payload: %v", err)
		}
		if _, dup := received[p.UID]; dup {
			t.Errorf("event %s delivered twice", p.UID)
		}
		received[p.UID] = p
	}))
	defer recv.Close()
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 14)))
	if _, err := AddWebhook(ctx, f.st, recv.URL, []string{"sst.world"}, testSecret, true); err != nil {
		t.Fatal(err)
	}
	if _, err := AddWebhook(ctx, f.st, recv.URL+"/other", []string{"seaice.south"}, "", true); err != nil {
		t.Fatal(err)
	}
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 17)))
	if len(f.fired) < 3 {
		t.Fatalf("fired %d events", len(f.fired))
	}
	opt := DelivererOptions{AllowPrivateTargets: true, Backoff: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond, Poll: 10 * time.Millisecond}
	if n, err := NewDeliverer(f.st, opt).DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("first pass delivered %d (%v), want 0", n, err)
	}
	// Restart: close the store, reopen the same file, start a new deliverer.
	f.st.Close()
	f.st = openStore(t, f.path)
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- NewDeliverer(f.st, opt).Run(rctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		ds, err := Deliveries(ctx, f.st, 0)
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, d := range ds {
			if d.State != "delivered" {
				pending++
			}
		}
		if pending == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if len(received) != len(f.fired) {
		t.Fatalf("received %d of %d events", len(received), len(f.fired))
	}
	for _, e := range f.fired {
		p := received[e.UID]
		if p.Action != "new" || p.Sentence != e.Sentence || p.Value != e.Value || p.Indicator != "sst.world" {
			t.Errorf("payload %+v for %+v", p, e)
		}
	}
	ds, _ := Deliveries(ctx, f.st, 0)
	for _, d := range ds {
		if d.State != "delivered" || d.Attempts != 3 || d.Webhook != 1 {
			t.Errorf("delivery %+v", d)
		}
	}
}

// TestFeedAndEventsAPI validates the Atom feed against RFC 4287's rules and
// pages through /api/events.
func TestFeedAndEventsAPI(t *testing.T) {
	t.Parallel()
	f := newSSTFixture(t)
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 12)))
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 20)))
	f.ingest(t, f.revise(t, day(2023, 3, 20), map[time.Time]float64{day(2023, 3, 20): 20.0}))
	srv := httptest.NewServer(Handler(f.st, HTTPOptions{}))
	defer srv.Close()
	get := func(path string) (int, []byte, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header.Get("Content-Type")
	}

	code, body, ctype := get("/feed.xml")
	if code != 200 || !strings.HasPrefix(ctype, "application/atom+xml") {
		t.Fatalf("feed: %d %s", code, ctype)
	}
	feed := checkAtom(t, body)
	if len(feed.Entries) != len(f.fired) {
		t.Errorf("feed has %d entries, want %d", len(feed.Entries), len(f.fired))
	}
	retracted := 0
	for _, e := range feed.Entries {
		if strings.HasPrefix(e.Title, "Retracted") {
			retracted++
		}
	}
	if retracted != len(f.retr) || retracted == 0 {
		t.Errorf("feed shows %d retracted entries, want %d", retracted, len(f.retr))
	}
	_, body, _ = get("/feed.xml?indicator=seaice.south")
	if feed := checkAtom(t, body); len(feed.Entries) != 0 {
		t.Errorf("filtered feed has %d entries", len(feed.Entries))
	}

	seen := map[int64]bool{}
	cursor := ""
	pages := 0
	for {
		path := "/api/events?limit=4&indicator=sst.world"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		code, body, _ := get(path)
		if code != 200 {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		var page struct {
			Events []Event `json:"events"`
			Next   *string `json:"next"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Events {
			if seen[e.ID] || e.Sentence == "" || e.Historical {
				t.Errorf("event %+v (seen %v)", e, seen[e.ID])
			}
			seen[e.ID] = true
		}
		if page.Next == nil {
			break
		}
		cursor = *page.Next
	}
	if len(seen) != len(f.fired) || pages != (len(f.fired)+3)/4 {
		t.Errorf("paged %d events in %d pages, want %d", len(seen), pages, len(f.fired))
	}
	for _, bad := range []string{"limit=0", "since=yesterday", "cursor=x"} {
		if code, _, _ := get("/api/events?" + bad); code != 400 {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

type atomDoc struct {
	XMLName xml.Name `xml:"feed"`
	IDs     []string `xml:"id"`
	Titles  []string `xml:"title"`
	Updated []string `xml:"updated"`
	Authors []struct {
		Name string `xml:"name"`
	} `xml:"author"`
	Links []struct {
		Rel  string `xml:"rel,attr"`
		Href string `xml:"href,attr"`
	} `xml:"link"`
	Entries []struct {
		IDs     []string `xml:"id"`
		Title   string   `xml:"title"`
		Updated []string `xml:"updated"`
		Summary string   `xml:"summary"`
		Content string   `xml:"content"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

// checkAtom checks the RFC 4287 rules: the Atom namespace; a feed with
// exactly one id (an IRI), title and updated (RFC 3339), an author, and a
// rel=self link; entries with exactly one id (unique), title and updated,
// a summary or content, and a link.
func checkAtom(t *testing.T, body []byte) atomDoc {
	t.Helper()
	var doc atomDoc
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("feed is not XML: %v", err)
	}
	if doc.XMLName.Space != "http://www.w3.org/2005/Atom" {
		t.Errorf("namespace %q", doc.XMLName.Space)
	}
	isTime := func(s string) bool { _, err := time.Parse(time.RFC3339, s); return err == nil }
	isIRI := func(s string) bool {
		return strings.HasPrefix(s, "tag:") || strings.HasPrefix(s, "urn:uuid:") || strings.HasPrefix(s, "http")
	}
	if len(doc.IDs) != 1 || !isIRI(doc.IDs[0]) || len(doc.Titles) != 1 || len(doc.Updated) != 1 || !isTime(doc.Updated[0]) {
		t.Errorf("feed metadata: ids %v titles %v updated %v", doc.IDs, doc.Titles, doc.Updated)
	}
	self := false
	for _, l := range doc.Links {
		self = self || (l.Rel == "self" && strings.HasPrefix(l.Href, "http"))
	}
	if !self || len(doc.Authors) == 0 || doc.Authors[0].Name == "" {
		t.Errorf("feed needs a rel=self link and an author: %+v %+v", doc.Links, doc.Authors)
	}
	ids := map[string]bool{}
	for _, e := range doc.Entries {
		if len(e.IDs) != 1 || !isIRI(e.IDs[0]) || ids[e.IDs[0]] || e.Title == "" || len(e.Updated) != 1 || !isTime(e.Updated[0]) ||
			(e.Summary == "" && e.Content == "") || len(e.Links) == 0 {
			t.Errorf("entry %+v", e)
		}
		if len(e.IDs) == 1 {
			ids[e.IDs[0]] = true
		}
		if e.Updated[0] > doc.Updated[0] {
			t.Errorf("entry updated %s after the feed's %s", e.Updated[0], doc.Updated[0])
		}
	}
	return doc
}

func TestFormatValue(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{21.004, "degC", "21.00 °C"},
		{1.7852, "10^6 km^2", "1.79 million km²"},
		{421.08, "ppm", "421.08 ppm"},
		{1.19e10, "t", "11.9 billion t"},
		{36.2, "%", "36.2%"},
		{12.5, "10^22 J", "12.5 ×10²² J"},
	} {
		if got := FormatValue(c.v, c.unit); got != c.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
	if got := formatMargin(0.0002, "10^6 km^2"); got != "0.0002 million km²" {
		t.Errorf("small margin: %q", got)
	}
}

// fmtSscanf reads "YYYY, MM, DD, extent" from an NSIDC CSV line (decimal
// fields; fmt.Sscan would read "08" as octal).
func fmtSscanf(line string, y, m, d *int, v *float64) (int, error) {
	f := strings.Split(line, ",")
	if len(f) < 4 {
		return 0, nil
	}
	n := 0
	for i, p := range []*int{y, m, d} {
		x, err := strconv.Atoi(strings.TrimSpace(f[i]))
		if err != nil {
			return n, err
		}
		*p = x
		n++
	}
	x, err := strconv.ParseFloat(strings.TrimSpace(f[3]), 64)
	if err != nil {
		return n, err
	}
	*v = x
	return n + 1, nil
}
