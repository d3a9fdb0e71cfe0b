package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// counterOf returns the value of stocktake_http_requests_total for route and
// code in a /metrics body, 0 when the sample is absent.
func counterOf(t *testing.T, body []byte, route string, code int) int {
	t.Helper()
	re := regexp.MustCompile(fmt.Sprintf(`(?m)^stocktake_http_requests_total\{route="%s",code="%d"\} (\d+)$`, regexp.QuoteMeta(route), code))
	m := re.FindSubmatch(body)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestMetricsCountEveryStatus issues one response of each kind that is
// written before (or around) a route's handler and checks that /metrics
// counts each under its route and status code: the picture gates' 308
// (non-drawn size), 429 (client over its rate) and 503 (every picture slot
// taken) under the chart route, ServeMux's 307 to a canonical path under
// "unmatched", and a handler's panic as a 500, both before anything was
// written (answered with the JSON error) and after (the connection
// aborted). The request histogram counts them too.
func TestMetricsCountEveryStatus(t *testing.T) {
	ui := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/boom":
			panic("a bug before writing")
		case "/boom-late":
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write([]byte("partial"))
			panic("a bug after writing")
		}
		_, _ = w.Write([]byte("<!doctype html>"))
	})
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler),
		UI: ui, MaxRenders: 1, ChartRate: 1, ChartBurst: 1, ChartRateTotal: -1})
	defer s.Close()
	clock := &frozenClock{t: time.Unix(1_800_000_000, 0)}
	s.chart.limit.now = clock.now
	s.chart.pause = func(context.Context, time.Duration) {}
	before := get(t, s, "/metrics").body
	for _, c := range []struct{ route string }{{chartRoute}, {"unmatched"}, {"ui"}} {
		for _, code := range []int{307, 308, 429, 500, 503} {
			if n := counterOf(t, before, c.route, code); n != 0 {
				t.Fatalf("route %s code %d is %d before any request", c.route, code, n)
			}
		}
	}

	// 308: a picture at a size that is not drawn.
	if r := get(t, s, "/api/chart/seaice.south.png?width=1000"); r.code != http.StatusPermanentRedirect {
		t.Fatalf("non-drawn size: %d, want 308", r.code)
	}
	// 429: the client has used its burst (taken here, without a render).
	const client = "192.0.2.7:5000"
	if _, ok := s.chart.limit.take(clientKey(client)); !ok {
		t.Fatal("the client's burst was empty")
	}
	if r := getFrom(t, s, "/api/chart/seaice.south.png", client); r.code != http.StatusTooManyRequests {
		t.Fatalf("over the rate: %d, want 429", r.code)
	}
	// 503: every picture slot is taken (by this test) for longer than a
	// request waits for one; another client asks.
	s.pictures <- struct{}{}
	r := getFrom(t, s, "/api/chart/seaice.south.png", "192.0.2.8:5000")
	<-s.pictures
	if r.code != http.StatusServiceUnavailable || r.h.Get("Retry-After") == "" {
		t.Fatalf("slots taken: %d Retry-After %q, want 503 with Retry-After", r.code, r.h.Get("Retry-After"))
	}
	// 307: ServeMux redirects a path to its canonical form before any
	// route sees it.
	for _, p := range []string{"/api//indicators", "/share"} {
		if r := get(t, s, p); r.code != http.StatusTemporaryRedirect {
			t.Fatalf("%s: %d, want 307", p, r.code)
		}
	}
	// 500: a panic before anything was written is answered with the JSON
	// error.
	if r := get(t, s, "/boom"); r.code != http.StatusInternalServerError || !regexp.MustCompile(`"status":500`).Match(r.body) {
		t.Fatalf("panic: %d %s, want a 500 JSON error", r.code, r.body)
	}
	// A panic after the response started aborts it (net/http closes the
	// connection on http.ErrAbortHandler) and is counted as a 500.
	func() {
		defer func() {
			if p := recover(); p != http.ErrAbortHandler {
				t.Errorf("late panic: recovered %v, want http.ErrAbortHandler", p)
			}
		}()
		s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/boom-late", nil))
	}()
	// An ordinary page of the dashboard is still a 200 of the ui route.
	if r := get(t, s, "/"); r.code != http.StatusOK {
		t.Fatalf("ui: %d", r.code)
	}

	after := get(t, s, "/metrics").body
	for _, c := range []struct {
		route     string
		code, one int
	}{
		{chartRoute, 308, 1}, {chartRoute, 429, 1}, {chartRoute, 503, 1},
		{"unmatched", 307, 2}, {"ui", 500, 2}, {"ui", 200, 1},
	} {
		if got := counterOf(t, after, c.route, c.code) - counterOf(t, before, c.route, c.code); got != c.one {
			t.Errorf("stocktake_http_requests_total{route=%q,code=\"%d\"} rose by %d, want %d", c.route, c.code, got, c.one)
		}
	}
	count := regexp.MustCompile(`(?m)^stocktake_http_request_duration_seconds_count\{route="getChart"\} (\d+)$`).FindSubmatch(after)
	if count == nil || string(count[1]) != "3" {
		t.Errorf("chart route's latency histogram counts %q, want 3", count)
	}
}
