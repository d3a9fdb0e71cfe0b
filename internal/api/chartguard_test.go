package api

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// getFrom is get with the request coming from the connection peer remote
// ("host:port"), the address the picture rate limit is kept by.
func getFrom(t testing.TB, h http.Handler, target, remote string) resp {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return resp{rec.Code, rec.Header(), rec.Body.Bytes()}
}

// frozenClock is a clock for the rate limiters that moves only when told.
type frozenClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frozenClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *frozenClock) advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestNonDrawnSizesRedirect: a picture size that is not one of the drawn
// sizes is a 308 to the drawn size (other parameters kept, sorted), which
// then answers with an image of that size; drawn sizes, absent sizes and
// CSV downloads are answered directly; sizes the handler refuses stay 400.
func TestNonDrawnSizesRedirect(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler)})
	defer s.Close()
	for _, c := range []struct {
		target string
		code   int
		loc    string
	}{
		{"/api/chart/seaice.south.png?width=1000", 308, "/api/chart/seaice.south.png?width=1200"},
		{"/api/chart/sst.world.png?kind=spaghetti&width=3999&height=4000&smooth=5d", 308, "/api/chart/sst.world.png?height=1600&kind=spaghetti&smooth=5d&width=2400"},
		{"/api/chart/seaice.south.svg?height=500&from=2023-01-01", 308, "/api/chart/seaice.south.svg?from=2023-01-01&height=675"},
		{"/api/chart/seaice.south.png?width=0800&height=450", 308, "/api/chart/seaice.south.png?height=450&width=800"},
		{"/api/chart/seaice.south.png?width=800&height=450", 200, ""},
		{"/api/chart/seaice.south.png", 200, ""},
		{"/api/chart/seaice.south.csv?width=1000", 200, ""},
		{"/api/chart/seaice.south.png?width=10", 400, ""},
		{"/api/chart/seaice.south.png?width=wide", 400, ""},
		{"/api/chart/seaice.south.png?width=800&width=900", 400, ""},
		{"/api/chart/seaice.south.png?width=3000000", 400, ""},
	} {
		r := get(t, s, c.target)
		if r.code != c.code || r.h.Get("Location") != c.loc {
			t.Errorf("%s: %d Location %q, want %d %q (%.200s)", c.target, r.code, r.h.Get("Location"), c.code, c.loc, r.body)
			continue
		}
		if c.code == 308 {
			if cc := r.h.Get("Cache-Control"); cc != canonicalCC {
				t.Errorf("%s: redirect Cache-Control %q, want %q", c.target, cc, canonicalCC)
			}
			if len(r.body) != 0 {
				t.Errorf("%s: redirect has a %d-byte body", c.target, len(r.body))
			}
		}
	}
	// The redirect of width=1000 leads to a 1200 x 675 picture.
	r := get(t, s, "/api/chart/seaice.south.png?width=1000")
	r = get(t, s, r.h.Get("Location"))
	if r.code != 200 {
		t.Fatalf("following the redirect: %d %s", r.code, r.body)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(r.body))
	if err != nil || cfg.Width != 1200 || cfg.Height != defaultChartHeight {
		t.Errorf("drawn picture: %v %dx%d, want 1200x%d", err, cfg.Width, cfg.Height, defaultChartHeight)
	}
}

// TestChartRateLimit: each client (IPv4 address, IPv6 /64) may fetch
// ChartBurst pictures, then ChartRate per second; past that it gets 429
// with Retry-After, while other clients, the JSON endpoints and redirects
// to drawn sizes are unaffected, and a token comes back after 1/ChartRate
// seconds.
func TestChartRateLimit(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler),
		ChartRate: 1, ChartBurst: 3, ChartRateTotal: -1})
	defer s.Close()
	if s.chart.total != nil {
		t.Fatal("ChartRateTotal -1 left a server-wide picture limit")
	}
	clock := &frozenClock{t: time.Unix(1_800_000_000, 0)}
	s.chart.limit.now = clock.now
	var paused []time.Duration // the delays of 429 answers, in order
	s.chart.pause = func(_ context.Context, d time.Duration) { paused = append(paused, d) }
	const pic = "/api/chart/sst.world.png?width=800&height=450"
	const a, b = "198.51.100.7:5000", "198.51.100.8:5000"
	for i := range 3 {
		if r := getFrom(t, s, pic, a); r.code != 200 {
			t.Fatalf("picture %d of the burst: %d %s", i+1, r.code, r.body)
		}
	}
	r := getFrom(t, s, pic, a)
	if r.code != http.StatusTooManyRequests || r.h.Get("Retry-After") != "1" {
		t.Fatalf("picture past the burst: %d Retry-After %q, want 429 and 1", r.code, r.h.Get("Retry-After"))
	}
	var eb errorBody
	if err := json.Unmarshal(r.body, &eb); err != nil || eb.Status != 429 || !strings.Contains(eb.Error, "retry after 1 s") {
		t.Errorf("429 body %s: %v", r.body, err)
	}
	if r := getFrom(t, s, "/api/chart/seaice.south.png?width=1000", a); r.code != 308 {
		t.Errorf("redirect to a drawn size from a limited client: %d, want 308", r.code)
	}
	if r := getFrom(t, s, "/api/records/sst.world?on=2023-08-21", a); r.code != 200 {
		t.Errorf("records from a client over its picture rate: %d %s", r.code, r.body)
	}
	if r := getFrom(t, s, "/api/chart/sst.world.csv", a); r.code != 200 {
		t.Errorf("CSV download from a client over its picture rate: %d", r.code)
	}
	if r := getFrom(t, s, pic, b); r.code != 200 {
		t.Errorf("another client: %d, want 200", r.code)
	}
	// Half a token later: still refused, Retry-After rounds up to 1 s.
	clock.advance(500 * time.Millisecond)
	if r := getFrom(t, s, pic, a); r.code != 429 || r.h.Get("Retry-After") != "1" {
		t.Errorf("after 0.5 s: %d Retry-After %q, want 429 and 1", r.code, r.h.Get("Retry-After"))
	}
	clock.advance(500 * time.Millisecond)
	if r := getFrom(t, s, pic, a); r.code != 200 {
		t.Errorf("after 1 s: %d, want 200", r.code)
	}
	// Each 429 was held until the client's next token was due.
	if want := []time.Duration{time.Second, 500 * time.Millisecond}; !slices.Equal(paused, want) {
		t.Errorf("429 answers delayed %v, want %v", paused, want)
	}
	// With maxTarpitted answers already held, a 429 is sent at once.
	for range maxTarpitted {
		s.chart.tarpit <- struct{}{}
	}
	paused = nil
	if r := getFrom(t, s, pic, a); r.code != 429 || len(paused) != 0 {
		t.Errorf("429 with the tarpit full: %d, delayed %v, want sent at once", r.code, paused)
	}
	for range maxTarpitted {
		<-s.chart.tarpit
	}
	// IPv6 clients are counted by /64.
	for i := range 3 {
		if r := getFrom(t, s, pic, "[2001:db8:1:2::"+strconv.Itoa(i+1)+"]:443"); r.code != 200 {
			t.Fatalf("IPv6 picture %d: %d", i+1, r.code)
		}
	}
	if r := getFrom(t, s, pic, "[2001:db8:1:2::ffff]:443"); r.code != 429 {
		t.Errorf("another address of the same /64: %d, want 429", r.code)
	}
	if r := getFrom(t, s, pic, "[2001:db8:1:3::1]:443"); r.code != 200 {
		t.Errorf("another /64: %d, want 200", r.code)
	}
}

// TestChartRateTotal: past the server-wide picture rate every client gets
// 503 with Retry-After, and the refused client keeps its own token.
func TestChartRateTotal(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler),
		ChartRate: 1, ChartBurst: 5, ChartRateTotal: 2})
	defer s.Close()
	clock := &frozenClock{t: time.Unix(1_800_000_000, 0)}
	s.chart.limit.now, s.chart.total.now = clock.now, clock.now
	var paused []time.Duration
	s.chart.pause = func(_ context.Context, d time.Duration) { paused = append(paused, d) }
	const pic = "/api/chart/sst.world.png?width=800&height=450"
	for i, c := range []string{"192.0.2.1:1", "192.0.2.2:1"} {
		if r := getFrom(t, s, pic, c); r.code != 200 {
			t.Fatalf("picture %d within the total rate: %d %s", i+1, r.code, r.body)
		}
	}
	r := getFrom(t, s, pic, "192.0.2.3:1")
	if r.code != http.StatusServiceUnavailable || r.h.Get("Retry-After") != "1" {
		t.Fatalf("past the total rate: %d Retry-After %q, want 503 and 1", r.code, r.h.Get("Retry-After"))
	}
	if want := []time.Duration{500 * time.Millisecond}; !slices.Equal(paused, want) {
		t.Errorf("503 for the total rate delayed %v, want %v (the next picture at 2 per second)", paused, want)
	}
	s.chart.limit.mu.Lock()
	tokens := s.chart.limit.clients["192.0.2.3"].tokens
	s.chart.limit.mu.Unlock()
	if tokens != 5 {
		t.Errorf("refused client has %g tokens, want its full burst 5 back", tokens)
	}
	clock.advance(500 * time.Millisecond)
	if r := getFrom(t, s, pic, "192.0.2.3:1"); r.code != 200 {
		t.Errorf("half a second later (one picture at 2 per second): %d, want 200", r.code)
	}
}

// TestRecordsNotQueuedBehindRenders: with every render slot and every
// picture slot taken (renders saturated), a records request is answered
// while they are still taken (it waits on none of them), and a picture
// request is refused with 503 and Retry-After instead of queueing.
func TestRecordsNotQueuedBehindRenders(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler), MaxRenders: 1})
	defer s.Close()
	release := make(chan struct{})
	started := make(chan struct{})
	rendered := make(chan struct{})
	go func() {
		s.boundedRender(context.Background(), func() ([]byte, error) {
			close(started)
			<-release
			return nil, nil
		})
		close(rendered)
	}()
	<-started
	s.pictures <- struct{}{} // a picture being sent holds the only picture slot
	done := make(chan resp, 1)
	go func() { done <- get(t, s, "/api/records/sst.world?on=2023-08-21") }()
	var r resp
	select {
	case r = <-done:
	case <-time.After(time.Minute): // a deadlock guard, not a latency bound
		t.Fatal("records request blocked while renders are saturated")
	}
	if len(s.renders) != cap(s.renders) || len(s.pictures) != cap(s.pictures) {
		t.Fatalf("slots were freed before the records answer: renders %d/%d pictures %d/%d", len(s.renders), cap(s.renders), len(s.pictures), cap(s.pictures))
	}
	if r.code != 200 || !json.Valid(r.body) {
		t.Fatalf("records with renders saturated: %d %.300s", r.code, r.body)
	}
	if p := get(t, s, "/api/chart/sst.world.png?width=800&height=450"); p.code != 503 || p.h.Get("Retry-After") == "" {
		t.Errorf("picture with every slot taken: %d Retry-After %q, want 503 with Retry-After", p.code, p.h.Get("Retry-After"))
	}
	<-s.pictures
	close(release)
	<-rendered
	if p := get(t, s, "/api/chart/sst.world.png?width=800&height=450"); p.code != 200 {
		t.Errorf("picture after the slots are free: %d %s", p.code, p.body)
	}
}

// TestClientKey: the rate limit's client is the IPv4 address (also when
// mapped into IPv6) or the IPv6 /64 of the connection peer.
func TestClientKey(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.1:80":              "192.0.2.1",
		"[::ffff:192.0.2.1]:80":     "192.0.2.1",
		"[2001:db8:1:2:3:4:5:6]:80": "2001:db8:1:2::/64",
		"[fe80::1%eth0]:80":         "fe80::/64",
		"not an address":            "not an address",
	} {
		if got := clientKey(in); got != want {
			t.Errorf("clientKey(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRateLimiterBounded: the limiter remembers at most maxRateClients
// clients; a new client past that shares the overflow bucket until the
// others have refilled and are forgotten. Retry-After waits are 1/rate.
func TestRateLimiterBounded(t *testing.T) {
	clock := &frozenClock{t: time.Unix(1_800_000_000, 0)}
	l := newRateLimiter(0.2, 2, clock.now)
	for i := range maxRateClients {
		if _, ok := l.take("c" + strconv.Itoa(i)); !ok {
			t.Fatalf("client %d refused its first picture", i)
		}
	}
	if _, ok := l.take("new"); !ok {
		t.Fatal("first overflow client refused")
	}
	if _, ok := l.clients["new"]; ok || len(l.clients) != maxRateClients+1 {
		t.Fatalf("a client past the bound got its own bucket (%d buckets)", len(l.clients))
	}
	l.take("other")
	if wait, ok := l.take("third"); ok || wait != 5*time.Second {
		t.Errorf("overflow bucket spent: ok %v wait %v, want refused for 5 s (rate 0.2)", ok, wait)
	}
	clock.advance(10 * time.Second) // two tokens back for everyone: every bucket full again
	if _, ok := l.take("new"); !ok {
		t.Fatal("new client refused after the others refilled")
	}
	if _, ok := l.clients["new"]; !ok || len(l.clients) != 1 {
		t.Errorf("refilled buckets were not forgotten: %d buckets", len(l.clients))
	}
}

// TestRetryAfterLeavesOutHold: a 429 is held for at most a second, and its
// Retry-After counts the rest of the wait (at 0.2 pictures per second, a
// 5 s wait: held 1 s, Retry-After 4).
func TestRetryAfterLeavesOutHold(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler),
		ChartRate: 0.2, ChartBurst: 1})
	defer s.Close()
	clock := &frozenClock{t: time.Unix(1_800_000_000, 0)}
	s.chart.limit.now = clock.now
	var paused []time.Duration
	s.chart.pause = func(_ context.Context, d time.Duration) { paused = append(paused, d) }
	const pic = "/api/chart/sst.world.png?width=800&height=450"
	if r := getFrom(t, s, pic, "203.0.113.9:1"); r.code != 200 {
		t.Fatalf("first picture: %d %s", r.code, r.body)
	}
	r := getFrom(t, s, pic, "203.0.113.9:1")
	if r.code != 429 || r.h.Get("Retry-After") != "4" || !slices.Equal(paused, []time.Duration{maxTarpitDelay}) {
		t.Errorf("second picture: %d Retry-After %q held %v, want 429, 4 and [1s]", r.code, r.h.Get("Retry-After"), paused)
	}
}
