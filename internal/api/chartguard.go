package api

import (
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Admission of picture (PNG, SVG) requests. Pictures cost far more than the
// JSON endpoints: up to 1 MB of body each, and a render on a cache miss. A
// picture request passes four gates, in this order, before it reaches the
// chart handler (see Server.admitPicture):
//
//  1. Canonical size: a width or height that is not one of the drawn sizes
//     (chartWidths, chartHeights) is answered with 308 Permanent Redirect to
//     the same request at the drawn size. Every picture then has one URL,
//     whose body is cached, sent with sendfile(2) and revalidated by ETag;
//     a stream of distinct sizes costs a few hundred bytes per request.
//  2. Per-client rate: each client (see clientKey) has a token bucket of
//     Options.ChartBurst pictures refilled at Options.ChartRate per second;
//     a request with no token left gets 429 with Retry-After (whole seconds
//     until the next token), sent when that token is due (at most 1 s
//     later), so that a client ignoring Retry-After is slowed down.
//  3. Server-wide rate: Options.ChartRateTotal pictures per second for all
//     clients together (default 10 per CPU), so that many clients, each
//     within its own rate, cannot take the CPUs by sending bodies; past it,
//     503 with Retry-After, held like a 429, and the client's token is
//     given back.
//  4. Concurrency: at most Options.MaxRenders picture requests are built or
//     sent at once; one that waits renderWait for a slot gets 503 with
//     Retry-After (chartSlot).
//
// The JSON endpoints pass none of these gates and share no lock, slot or
// queue with pictures, so a records request is never queued behind a render.

// Defaults of the per-client picture rate.
const (
	// defaultChartRate is the sustained number of pictures per second one
	// client may fetch: a person downloading charts clicks far slower, and a
	// script fetching every chart of the catalog finishes in minutes.
	defaultChartRate = 2.0
	// defaultChartBurst is the number of pictures a client may fetch at once
	// before the rate applies (a page embedding several charts).
	defaultChartBurst = 20
	// maxRateClients bounds the clients the limiter remembers; past it,
	// buckets that have refilled are forgotten, and new clients share one
	// overflow bucket until some are.
	maxRateClients = 10000
	// maxTarpitDelay is the longest a 429 answer is delayed, and
	// maxTarpitted the most 429 answers delayed at once (each holds a
	// goroutine and its connection, a few kilobytes, no CPU).
	maxTarpitDelay = time.Second
	maxTarpitted   = 1024
	// canonicalCC is the Cache-Control of the redirect to a drawn size: the
	// mapping of sizes is fixed for the life of the binary.
	canonicalCC = "public, max-age=86400"
)

// chartGates holds the state of the picture gates.
type chartGates struct {
	limit *rateLimiter // pictures per client (Options.ChartRate); nil: no limit
	total *rateLimiter // pictures of all clients (Options.ChartRateTotal); nil: no limit
	// tarpit holds one token per 429 answer being delayed (see
	// maxTarpitted); pause waits d or until ctx ends (a variable for tests).
	tarpit chan struct{}
	pause  func(ctx context.Context, d time.Duration)
}

// initChartGates fills in the defaults of the picture limits in opts and
// makes the server's rate limiters. They read the wall clock, not
// Options.Now (the date of data ages, often fixed in tests).
func (s *Server) initChartGates(opts *Options) {
	if opts.ChartRate == 0 {
		opts.ChartRate = defaultChartRate
	}
	if opts.ChartBurst <= 0 {
		opts.ChartBurst = defaultChartBurst
	}
	s.chart.tarpit = make(chan struct{}, maxTarpitted)
	s.chart.pause = sleepCtx
	if opts.ChartRate > 0 {
		s.chart.limit = newRateLimiter(opts.ChartRate, opts.ChartBurst, time.Now)
	}
	if opts.ChartRateTotal == 0 {
		opts.ChartRateTotal = defaultChartRateTotal()
	}
	if opts.ChartRateTotal > 0 {
		s.chart.total = newRateLimiter(opts.ChartRateTotal, int(math.Ceil(opts.ChartRateTotal)), time.Now)
	}
}

// admitPicture applies the gates above to a picture request. When it
// returns ok, the request holds a picture slot that release frees; when
// not, the answer (308, 429 or 503) has been written.
func (s *Server) admitPicture(w http.ResponseWriter, r *http.Request) (release func(), ok bool) {
	if loc := canonicalChartURL(r.URL); loc != "" {
		h := w.Header()
		h.Set("Location", loc)
		h.Set("Cache-Control", canonicalCC)
		h.Set("Content-Length", "0")
		w.WriteHeader(http.StatusPermanentRedirect)
		return nil, false
	}
	client := clientKey(r.RemoteAddr)
	if s.chart.limit != nil {
		if wait, ok := s.chart.limit.take(client); !ok {
			// The answer is delayed until the client's next token, at most
			// maxTarpitDelay: a client that ignores Retry-After and asks
			// again at once then asks about once a second per connection
			// instead of thousands of times (a closed loop of 429s takes
			// the CPUs as any request flood does). At most maxTarpitted
			// answers wait at once; past that they are sent at once.
			secs := retrySeconds(wait - s.chart.hold(r.Context(), wait))
			w.Header().Set("Retry-After", strconv.Itoa(secs))
			s.writeError(w, r, http.StatusTooManyRequests, "too many chart pictures from this client: at most "+
				strconv.FormatFloat(s.chart.limit.rate, 'g', -1, 64)+" per second after a burst of "+
				strconv.Itoa(int(s.chart.limit.burst))+"; retry after "+strconv.Itoa(secs)+" s")
			return nil, false
		}
	}
	// A request refused by a server-wide gate gets its client's token back:
	// the refusal is not the client's doing.
	refund := func() {
		if s.chart.limit != nil {
			s.chart.limit.refund(client)
		}
	}
	if s.chart.total != nil {
		if wait, ok := s.chart.total.take(""); !ok {
			refund()
			held := s.chart.hold(r.Context(), wait) // as for 429: no closed loop of 503s
			w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(wait-held)))
			s.writeError(w, r, http.StatusServiceUnavailable, "chart server at its picture rate; retry shortly")
			return nil, false
		}
	}
	release, ok = s.chartSlot(r.Context())
	if !ok {
		refund()
		s.writeError(w, r, http.StatusServiceUnavailable, "chart server busy; retry shortly")
		return nil, false
	}
	return release, true
}

// hold delays a refusal for rate by wait, at most maxTarpitDelay, unless
// maxTarpitted refusals are held already (then it returns at once), and
// returns the delay, which the Retry-After of the refusal leaves out.
func (g *chartGates) hold(ctx context.Context, wait time.Duration) time.Duration {
	select {
	case g.tarpit <- struct{}{}:
		d := min(wait, maxTarpitDelay)
		g.pause(ctx, d)
		<-g.tarpit
		return d
	default:
		return 0
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// retrySeconds is the Retry-After of a wait: whole seconds, at least one
// (a client answered at the moment its token is due retries a second later).
func retrySeconds(wait time.Duration) int { return max(1, int(math.Ceil(wait.Seconds()))) }

// defaultChartRateTotal is the number of pictures per second the server
// sends to all clients together when Options.ChartRateTotal is 0: 10 per
// CPU it may use (GOMAXPROCS), about 10 MB/s per CPU for the largest
// charts. 25 per CPU let the records p99 rise 2.2× under the fair chart
// load of bench/hardening/load.sh; 10 per CPU kept it at 1.8× (docs/security.md).
func defaultChartRateTotal() float64 { return 10 * float64(runtime.GOMAXPROCS(0)) }

// canonicalChartURL returns the path and query u would have with its width
// and height replaced by the drawn size they map to (clamped to the maximum,
// rounded up to the next step), or "" when u already names a drawn size, has
// no size, or has a size the handler refuses (not an integer, below the
// minimum, given twice: left to the handler's 400). Other parameters are
// kept as they are; the query is re-encoded in key order.
func canonicalChartURL(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	vals, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return ""
	}
	changed := false
	for _, d := range []struct {
		name  string
		least int
		max   int
		steps []int
	}{{"width", 300, MaxChartWidth, chartWidths}, {"height", 200, MaxChartHeight, chartHeights}} {
		v, present := vals[d.name]
		if !present {
			continue
		}
		if len(v) != 1 {
			return ""
		}
		n, err := strconv.Atoi(v[0])
		if err != nil || n < d.least || n > 1<<20 {
			return ""
		}
		if drawn := strconv.Itoa(snapSize(min(n, d.max), d.steps)); drawn != v[0] {
			vals.Set(d.name, drawn)
			changed = true
		}
	}
	if !changed {
		return ""
	}
	return u.Path + "?" + vals.Encode()
}

// clientKey names the client of a request for the rate limit: its IPv4
// address, or the /64 prefix of its IPv6 address (one subscriber's
// allocation). It is the peer of the connection: behind a reverse proxy
// every client is the proxy, so limit pictures there instead (or set
// Options.ChartRate below zero). Forwarding headers are not trusted.
func clientKey(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.WithZone("").Prefix(64)
		return p.String()
	}
	return a.String()
}

// rateLimiter is a token bucket per client: burst tokens, refilled at rate
// per second. It is safe for concurrent use.
type rateLimiter struct {
	rate, burst float64
	now         func() time.Time

	mu      sync.Mutex
	clients map[string]*bucket
}

// bucket is one client's tokens as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// newRateLimiter returns a limiter of rate tokens per second and burst
// tokens per client, reading the time from now.
func newRateLimiter(rate float64, burst int, now func() time.Time) *rateLimiter {
	return &rateLimiter{rate: rate, burst: float64(max(1, burst)), now: now, clients: map[string]*bucket{}}
}

// overflowKey is the bucket shared by new clients while the limiter
// remembers maxRateClients others that have not refilled.
const overflowKey = "\x00overflow"

// take spends one of client's tokens and reports ok, or reports how long
// until the client has a token again.
func (l *rateLimiter) take(client string) (wait time.Duration, ok bool) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.clients[client]
	if b == nil {
		if len(l.clients) >= maxRateClients {
			l.forgetRefilled(now)
		}
		if len(l.clients) >= maxRateClients {
			client = overflowKey
			b = l.clients[client]
		}
		if b == nil {
			b = &bucket{tokens: l.burst, at: now}
			l.clients[client] = b
		}
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return 0, true
	}
	return time.Duration((1 - b.tokens) / l.rate * float64(time.Second)), false
}

// refund gives client back the token of a request that a later gate
// refused.
func (l *rateLimiter) refund(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b := l.clients[client]; b != nil {
		b.tokens = min(l.burst, b.tokens+1)
	} else if b := l.clients[overflowKey]; b != nil {
		b.tokens = min(l.burst, b.tokens+1)
	}
}

// forgetRefilled drops the buckets that are full again at now: forgetting
// them changes nothing, since a new client starts with a full bucket.
// l.mu must be held.
func (l *rateLimiter) forgetRefilled(now time.Time) {
	for k, b := range l.clients {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.clients, k)
		}
	}
}
