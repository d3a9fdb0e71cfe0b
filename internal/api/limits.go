package api

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds on the work of one request. Chart sizes are documented in
// docs/api.md and docs/security.md.
const (
	// MaxChartWidth and MaxChartHeight are the largest chart sizes in
	// pixels; larger requests are clamped to them.
	MaxChartWidth  = 2400
	MaxChartHeight = 1600
	// renderBudget is the longest a request waits for a chart render; past
	// it the request gets 503 with Retry-After while the render finishes in
	// the background, still holding its slot so that CPU stays bounded.
	renderBudget = 10 * time.Second
	// renderWait is how long a request waits for a free render slot before
	// it is refused with 503 and Retry-After.
	renderWait = 250 * time.Millisecond
	// maxErrorText bounds the message of an error response, in bytes, so
	// that a 400 never echoes more than that of its request.
	maxErrorText = 300
	// retryAfterSeconds is the Retry-After of 503 answers.
	retryAfterSeconds = "2"
)

// chartWidths and chartHeights are the sizes charts are rendered at: a
// requested size (after clamping) is rounded up to the next step, so that
// every request maps to one of a few cache keys.
var (
	chartWidths  = []int{400, 800, 1200, 1600, MaxChartWidth}
	chartHeights = []int{300, 450, 675, 900, 1200, MaxChartHeight}
)

// snapSize returns the smallest step at least v, or the last step.
func snapSize(v int, steps []int) int {
	for _, s := range steps {
		if v <= s {
			return s
		}
	}
	return steps[len(steps)-1]
}

// defaultMaxRenders is the number of charts rendered at once when
// Options.MaxRenders is zero: half the CPUs, at least one, so that renders
// never take every core from the cheap endpoints.
func defaultMaxRenders() int { return max(1, runtime.GOMAXPROCS(0)/2) }

// errBusy is the 503 of a request refused because every render slot stays
// taken or its render exceeded the budget.
func errBusy(msg string) error {
	return &apiError{http.StatusServiceUnavailable, msg}
}

// limitText cuts s to at most n bytes at a rune boundary, marking the cut
// with the full length, so that error messages stay small whatever the
// input was.
func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + itoa(len(s)) + " bytes)"
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// respWriter is the writer every request is answered through (ServeHTTP).
// It sets the headers every response carries (Retry-After on 503 answers;
// nosniff is set before it is made) and records what was answered: the
// status, the body bytes and the metrics of the route that answered, so
// that the metrics and the request log count every response, including
// those written before any route runs (the picture gates' 308, 429 and 503,
// ServeMux's redirects to a canonical path, a recovered panic's 500).
type respWriter struct {
	http.ResponseWriter
	// status is the first final status written (0 until one is; 1xx
	// interim answers are not final); n counts the body bytes written.
	status, n int
	// rm is the metrics of the route that answers; nil until a route (or a
	// gate in front of one) claims the request.
	rm *routeMetrics
}

func (w *respWriter) WriteHeader(code int) {
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", retryAfterSeconds)
	}
	if w.status == 0 && code >= 200 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *respWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += n
	return n, err
}

// Unwrap lets http.ResponseController and io.Copy reach the real writer.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// ReadFrom keeps sendfile(2) for bodies copied from files.
func (w *respWriter) ReadFrom(r io.Reader) (int64, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	var n int64
	var err error
	if rf, ok := w.ResponseWriter.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(struct{ io.Writer }{w.ResponseWriter}, r)
	}
	w.n += int(n)
	return n, err
}

// HTTPServer returns the http.Server that serve and watch run h with: every
// timeout set (slow headers, slow bodies, stalled writes, idle keep-alive
// connections) and the server's own errors logged through logger at Warn.
func HTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
}

// isPicture reports whether path is a PNG or SVG chart download.
func isPicture(path string) bool {
	return strings.HasPrefix(path, "/api/chart/") && (strings.HasSuffix(path, ".png") || strings.HasSuffix(path, ".svg"))
}

// chartSlot takes one of the picture slots, waiting at most renderWait, and
// returns its release; ok is false when none came free.
func (s *Server) chartSlot(ctx context.Context) (release func(), ok bool) {
	select {
	case s.pictures <- struct{}{}:
		return func() { <-s.pictures }, true
	default:
	}
	t := time.NewTimer(renderWait)
	defer t.Stop()
	select {
	case s.pictures <- struct{}{}:
		return func() { <-s.pictures }, true
	case <-t.C:
		return nil, false
	case <-ctx.Done():
		return nil, false
	}
}
