package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/api"
	"github.com/stocktake/stocktake/internal/store"
)

// eventsCases are the record-event requests of the cross-surface table:
// `stocktake events --json` and GET /api/events answer the same page, with
// the same "next" cursor, and refuse the same bad requests. The shared
// database holds the baseline events of the first ingest (historical).
var eventsCases = []crossCase{
	{cli: []string{"events"}, api: "/api/events"},
	{cli: []string{"events", "--historical", "--limit", "5"}, api: "/api/events?historical=true&limit=5"},
	{cli: []string{"events", "--historical", "--indicator", "seaice.south,sst.world", "--limit", "3"}, api: "/api/events?historical=1&indicator=seaice.south,sst.world&limit=3"},
	{cli: []string{"events", "--historical", "--since", "2020-01-01", "--limit", "1000"}, api: "/api/events?historical=yes&since=2020-01-01&limit=1000"},
	{cli: []string{"events", "--historical", "--since", "2999-01-01"}, api: "/api/events?historical=true&since=2999-01-01"},
	{cli: []string{"events", "--historical", "--limit", "5", "--lang", "zh-Hant"}, api: "/api/events?historical=true&limit=5&lang=zh-Hant"},
	{cli: []string{"events", "--historical", "--limit", "5", "--lang", "zh-CN"}, api: "/api/events?historical=true&limit=5&lang=zh-Hans"},
	{cli: []string{"events", "--lang", "fr"}, api: "/api/events?lang=fr", exit: 2, status: 400, fragment: `unsupported language "fr"`},
	{cli: []string{"events", "--limit", "0"}, api: "/api/events?limit=0", exit: 2, status: 400, fragment: `"0": want an integer from 1 to 1000`},
	{cli: []string{"events", "--indicator", "nosuch"}, api: "/api/events?indicator=nosuch", exit: 2, status: 404, fragment: `unknown indicator "nosuch"`},
	{cli: []string{"events", "--indicator", "sst.world@v1"}, api: "/api/events?indicator=sst.world@v1", exit: 2, status: 400, fragment: "without @VERSION"},
	{cli: []string{"events", "--cursor", "yesterday"}, api: "/api/events?cursor=yesterday", exit: 2, status: 400, fragment: `"yesterday": want the next value of a previous page`},
	{cli: []string{"events", "--since", "last week"}, api: "/api/events?since=last+week", exit: 2, status: 400, fragment: "want an RFC 3339 time or YYYY-MM-DD"},
}

// crossCheck asks one crossCase on both surfaces and requires the same
// JSON (or the same error), as TestCrossSurface does.
func crossCheck(t *testing.T, db string, srv http.Handler, c crossCase) {
	t.Helper()
	r := runCLI(t, db, append(append([]string{}, c.cli...), "--json")...)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.api, nil))
	if c.exit != 0 {
		var body struct{ Error string }
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if r.code != c.exit || rec.Code != c.status || !strings.Contains(r.stderr, c.fragment) || !strings.Contains(body.Error, c.fragment) {
			t.Fatalf("CLI exit %d %q, API %d %q; want %d, %d and %q in both", r.code, r.stderr, rec.Code, body.Error, c.exit, c.status, c.fragment)
		}
		return
	}
	if r.code != 0 {
		t.Fatalf("CLI exit %d: %s", r.code, r.stderr)
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("API %d: %s", rec.Code, rec.Body.Bytes())
	}
	if diffs := jsonDiff("", decodeNumbers(t, []byte(r.stdout)), decodeNumbers(t, rec.Body.Bytes())); len(diffs) > 0 {
		if len(diffs) > 10 {
			diffs = append(diffs[:10], fmt.Sprintf("... %d more", len(diffs)-10))
		}
		t.Fatalf("CLI and API differ:\n%s", strings.Join(diffs, "\n"))
	}
}

// eventsPage is the JSON of one page of events on either surface.
type eventsPage struct {
	Events []struct {
		ID        int64  `json:"id"`
		Indicator string `json:"indicator"`
	} `json:"events"`
	Next *string `json:"next"`
}

// TestCrossSurfaceEvents runs eventsCases, then pages through the
// historical events of two indicators on both surfaces: every page's
// cursor, given back to the CLI (--cursor) and the API (cursor=), gives the
// same next page; the pages together list every event once; and
// `events --all` lists exactly the events of all the API's pages.
func TestCrossSurfaceEvents(t *testing.T) {
	db := sharedDB(t)
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := api.NewServer(st, api.Options{Version: "test", Logger: slog.New(slog.DiscardHandler),
		Now: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }})
	defer srv.Close()
	for _, c := range eventsCases {
		t.Run(strings.Join(c.cli, " "), func(t *testing.T) { crossCheck(t, db, srv, c) })
	}

	// Paging: 500 events per page of seaice.south and co2.mlo's baselines.
	const inds, limit = "seaice.south,co2.mlo", 500
	base := fmt.Sprintf("/api/events?historical=true&indicator=%s&limit=%d", inds, limit)
	cli := []string{"events", "--historical", "--indicator", inds, "--limit", fmt.Sprint(limit)}
	var apiIDs []int64
	seen := map[int64]bool{}
	cursor, pages := "", 0
	for {
		c := crossCase{cli: cli, api: base}
		if cursor != "" {
			c.cli = append(append([]string{}, cli...), "--cursor", cursor)
			c.api = base + "&cursor=" + url.QueryEscape(cursor)
		}
		crossCheck(t, db, srv, c)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.api, nil))
		var page eventsPage
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			t.Fatal(err)
		}
		pages++
		for _, e := range page.Events {
			if seen[e.ID] || (e.Indicator != "seaice.south" && e.Indicator != "co2.mlo") {
				t.Fatalf("page %d: event %d (%s) listed twice or of another indicator", pages, e.ID, e.Indicator)
			}
			seen[e.ID] = true
			apiIDs = append(apiIDs, e.ID)
		}
		if page.Next == nil {
			if len(page.Events) > limit {
				t.Fatalf("last page holds %d events", len(page.Events))
			}
			break
		}
		if len(page.Events) != limit {
			t.Fatalf("page %d holds %d events and has a next cursor", pages, len(page.Events))
		}
		cursor = *page.Next
	}
	if pages < 3 {
		t.Fatalf("%d pages of %d: too few events to test paging", pages, limit)
	}
	r := runCLI(t, db, append(append([]string{}, cli...), "--all", "--json")...)
	if r.code != 0 {
		t.Fatalf("events --all: exit %d %s", r.code, r.stderr)
	}
	all := decode[eventsPage](t, r.stdout)
	if all.Next != nil || len(all.Events) != len(apiIDs) {
		t.Fatalf("events --all: %d events, next %v; the API's pages hold %d", len(all.Events), all.Next, len(apiIDs))
	}
	for i, e := range all.Events {
		if e.ID != apiIDs[i] {
			t.Fatalf("events --all: event %d is %d, the API's is %d", i, e.ID, apiIDs[i])
		}
	}
	// The text output names the next page's cursor.
	if r := runCLI(t, db, cli...); r.code != 0 || !strings.Contains(r.stdout, "next page: --cursor ") {
		t.Fatalf("events (text): exit %d, no next cursor in\n%s", r.code, r.stdout)
	}
	if r := runCLI(t, db, append(append([]string{}, cli...), "--all", "--cursor", cursor)...); r.code != 2 {
		t.Errorf("--all with --cursor: exit %d, want 2", r.code)
	}
	t.Logf("%d events in %d pages", len(apiIDs), pages)
}
