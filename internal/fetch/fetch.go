// Package fetch downloads producers' files over HTTP and reads the same files
// from a local mirror folder laid out like ../shared/data.
//
// A download is one GET with a per-attempt timeout, conditional validators
// (If-None-Match, If-Modified-Since), a body size limit and retries with
// exponential backoff and jitter on failures that may be transient: network
// errors, timeouts, truncated bodies, 5xx and 429 answers. Other 4xx answers,
// oversized bodies and HTML error pages served in place of data are final.
// Every error returned by Get names the URL; every error returned by
// ReadMirror names the file path.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/stocktake/stocktake/internal/buildinfo"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultTimeout  = 60 * time.Second
	DefaultRetries  = 3
	DefaultBackoff  = time.Second
	DefaultMaxBytes = 256 << 20 // 256 MiB

	// DefaultBrowserUserAgent is a current desktop Chrome User-Agent, sent
	// when Request.BrowserUA is set and Options.BrowserUserAgent is empty.
	DefaultBrowserUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

	// maxBackoff caps the computed backoff delay, jitter included.
	maxBackoff = 30 * time.Second
	// maxRetryAfter is the longest Retry-After the fetcher honours; a longer
	// one is ignored and the computed backoff is used instead.
	maxRetryAfter = 60 * time.Second
	// jitterFraction is the relative spread of the jitter: ±20%.
	jitterFraction = 0.2
)

// Errors that callers can test with errors.Is. ErrNotInMirror is in mirror.go.
var (
	// ErrTooLarge means the body is longer than the configured MaxBytes. It is
	// not retried.
	ErrTooLarge = errors.New("body exceeds the size limit")
	// ErrTruncated means the body ended before its Content-Length, or the
	// connection failed mid-body. It is retried.
	ErrTruncated = errors.New("body truncated")
	// ErrHTMLPage means a 200 answer for a .csv, .txt or .json URL carried an
	// HTML page (typically a producer's error or maintenance page). It is not
	// retried.
	ErrHTMLPage = errors.New("expected data, got an HTML page")
)

// StatusError is returned (wrapped) when the server answers with a status
// other than 2xx or 304. Test for it with errors.As.
type StatusError struct {
	URL    string
	Status int // HTTP status code, e.g. 404
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("HTTP %d %s", e.Status, http.StatusText(e.Status))
}

// Options configures a Fetcher. Zero values select the documented defaults.
type Options struct {
	// Timeout bounds one attempt, from sending the request to reading the
	// last byte of the body. Zero or negative means DefaultTimeout (60 s).
	Timeout time.Duration
	// Retries is the number of extra attempts after the first on retryable
	// failures. Zero means DefaultRetries (3); a negative value disables
	// retries.
	Retries int
	// Backoff is the delay before the first retry. It doubles on each further
	// retry, is spread by ±20% jitter and is capped at 30 s. Zero or negative
	// means DefaultBackoff (1 s). A Retry-After of at most 60 s sent with a
	// retryable answer replaces the computed delay.
	Backoff time.Duration
	// MaxBytes is the largest body accepted, in bytes. Zero or negative means
	// DefaultMaxBytes (256 MiB).
	MaxBytes int64
	// UserAgent is sent on every request unless Request.BrowserUA is set.
	// Empty means "stocktake/<version> (+https://github.com/stocktake/stocktake)",
	// where <version> is buildinfo.Read().Version (a release version, the
	// module or pseudo-version, or "dev").
	UserAgent string
	// BrowserUserAgent is sent when Request.BrowserUA is set. Empty means
	// DefaultBrowserUserAgent.
	BrowserUserAgent string
	// Client performs the requests. Nil means NewClient(Policy{AllowPrivate:
	// AllowPrivateTargets, FollowRedirects: true}): redirects are followed
	// (at most MaxRedirects) and every connection, redirects included, is
	// refused when it would reach a loopback, private, link-local,
	// multicast or reserved address. A caller-supplied Client carries its
	// own policy.
	Client *http.Client
	// AllowPrivateTargets lifts the address check of the default client
	// (--allow-private-targets, for a lab or a local test server).
	AllowPrivateTargets bool
	// Logger receives one Debug record per attempt and one Warn record per
	// retry. Nil means logs are discarded.
	Logger *slog.Logger
}

// Request is one file to download.
type Request struct {
	// URL is the absolute http or https address of the file.
	URL string
	// BrowserUA selects Options.BrowserUserAgent, for producers whose server
	// refuses clients without a browser-like User-Agent (Climate Reanalyzer).
	BrowserUA bool
	// ETag and LastModified are the validators of a previous Result. When set
	// they are sent as If-None-Match and If-Modified-Since, verbatim.
	ETag, LastModified string
}

// Result is the outcome of one download or one mirror read.
type Result struct {
	// Source is the requested URL (not the final URL after redirects), or the
	// absolute path of the mirror file read.
	Source string
	// Body is the complete body. It is nil when NotModified is true.
	Body []byte
	// NotModified is true when the server answered 304 to a conditional GET.
	NotModified bool
	// ETag and LastModified are the validators to send next time, verbatim
	// from the response headers. On a 304 without them, the request's
	// validators are carried over. For a mirror read, ETag is empty and
	// LastModified is the file's modification time in HTTP date format.
	ETag, LastModified string
	// Status is the HTTP status code of the last response, or 0 when no
	// response was received and for mirror reads.
	Status int
	// Retrieved is the UTC time at which the body was completely read (for a
	// 304, when the response arrived; for a mirror read, when the file was
	// read).
	Retrieved time.Time
	// Attempts is the number of HTTP requests made, retries included; 1 for
	// a mirror read.
	Attempts int
}

// Fetcher downloads files. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
	log    *slog.Logger

	// Test hooks. sleep waits d or until ctx is done; now is the clock; jitter
	// returns a number in [0, 1).
	sleep  func(ctx context.Context, d time.Duration) error
	now    func() time.Time
	jitter func() float64
}

// New returns a Fetcher with opts, zero fields replaced by their defaults.
func New(opts Options) *Fetcher {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = DefaultRetries
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultBackoff
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.UserAgent == "" {
		opts.UserAgent = buildinfo.Read().UserAgent()
	}
	if opts.BrowserUserAgent == "" {
		opts.BrowserUserAgent = DefaultBrowserUserAgent
	}
	client := opts.Client
	if client == nil {
		client = NewClient(Policy{AllowPrivate: opts.AllowPrivateTargets, FollowRedirects: true})
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Fetcher{
		opts:   opts,
		client: client,
		log:    logger,
		sleep:  sleepCtx,
		now:    time.Now,
		jitter: rand.Float64,
	}
}

// Get downloads req.URL. It returns the body of a 2xx answer, or a Result
// with NotModified set when the server answers 304 to the request's
// validators. Failures that may be transient are retried up to
// Options.Retries times; cancelling ctx stops at once, including during a
// backoff wait, and the error then satisfies errors.Is(err, ctx.Err()).
//
// On error the Result still reports Source, Attempts and the last Status.
// A per-attempt timeout satisfies errors.Is(err, context.DeadlineExceeded);
// a final HTTP status is a *StatusError; see also ErrTooLarge, ErrTruncated
// and ErrHTMLPage.
func (f *Fetcher) Get(ctx context.Context, req Request) (Result, error) {
	res := Result{Source: req.URL}
	if err := checkURL(req.URL); err != nil {
		return res, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		out := f.attempt(ctx, req, attempt)
		res.Status = out.res.Status
		if out.err == nil {
			out.res.Attempts = attempt
			return out.res, nil
		}
		if ctx.Err() != nil {
			return res, fmt.Errorf("fetch %s: stopped after %d attempt(s): %w", req.URL, attempt, ctx.Err())
		}
		if !out.retryable {
			if attempt == 1 {
				return res, fmt.Errorf("fetch %s: %w", req.URL, out.err)
			}
			return res, fmt.Errorf("fetch %s: attempt %d: %w", req.URL, attempt, out.err)
		}
		if attempt > f.opts.Retries {
			return res, fmt.Errorf("fetch %s: giving up after %d attempts: %w", req.URL, attempt, out.err)
		}
		delay := out.retryAfter
		if delay < 0 {
			delay = f.backoff(attempt)
		}
		f.log.Warn("fetch failed, retrying", "url", req.URL, "attempt", attempt, "delay", delay, "err", out.err)
		if err := f.sleep(ctx, delay); err != nil {
			return res, fmt.Errorf("fetch %s: stopped while waiting to retry after %d attempt(s) (last error: %v): %w",
				req.URL, attempt, out.err, err)
		}
	}
}

// outcome is the result of one attempt. retryAfter is negative when the
// server gave no usable Retry-After.
type outcome struct {
	res        Result
	err        error
	retryable  bool
	retryAfter time.Duration
}

// attempt performs one request under the per-attempt timeout and logs it at
// Debug.
func (f *Fetcher) attempt(ctx context.Context, req Request, n int) outcome {
	start := f.now()
	out := f.do(ctx, req)
	f.log.Debug("fetch attempt", "url", req.URL, "attempt", n, "status", out.res.Status,
		"bytes", len(out.res.Body), "not_modified", out.res.NotModified,
		"duration", f.now().Sub(start), "err", out.err)
	return out
}

func (f *Fetcher) do(ctx context.Context, req Request) outcome {
	out := outcome{retryAfter: -1}
	actx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()

	// timedOut classifies err as a per-attempt timeout when the attempt's
	// deadline passed while the caller's context is still live.
	timedOut := func(err error) error {
		if ctx.Err() == nil && errors.Is(actx.Err(), context.DeadlineExceeded) {
			return &timeoutError{after: f.opts.Timeout, err: err}
		}
		return err
	}

	hreq, err := http.NewRequestWithContext(actx, http.MethodGet, req.URL, nil)
	if err != nil {
		out.err = err
		return out
	}
	ua := f.opts.UserAgent
	if req.BrowserUA {
		ua = f.opts.BrowserUserAgent
	}
	hreq.Header.Set("User-Agent", ua)
	hreq.Header.Set("Accept", "*/*")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}

	resp, err := f.client.Do(hreq)
	if err != nil {
		// The *url.Error names the URL; the caller's wrapping already does.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		out.err = timedOut(err)
		// A refused target or redirect is final: retrying cannot change it.
		out.retryable = !errors.Is(err, ErrForbiddenTarget) && !errors.Is(err, ErrRedirect)
		return out
	}
	defer resp.Body.Close()
	out.res = Result{
		Source:       req.URL,
		Status:       resp.StatusCode,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
	}

	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.res.NotModified = true
		if out.res.ETag == "" {
			out.res.ETag = req.ETag
		}
		if out.res.LastModified == "" {
			out.res.LastModified = req.LastModified
		}
		out.res.Retrieved = f.now().UTC()
		return out
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// Drain a little so the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		out.err = &StatusError{URL: req.URL, Status: resp.StatusCode}
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			out.retryable = true
			if d, ok := parseRetryAfter(resp.Header.Get("Retry-After"), f.now()); ok {
				out.retryAfter = d
			}
		}
		return out
	}

	body, err := readBody(resp.Body, resp.ContentLength, f.opts.MaxBytes)
	if err != nil {
		out.err = timedOut(err)
		out.retryable = !errors.Is(err, ErrTooLarge)
		return out
	}
	if isDataURL(req.URL) && strings.HasPrefix(http.DetectContentType(body), "text/html") {
		out.err = ErrHTMLPage
		if ct := resp.Header.Get("Content-Type"); ct != "" {
			out.err = fmt.Errorf("%w (Content-Type %q)", ErrHTMLPage, ct)
		}
		return out
	}
	out.res.Body = body
	out.res.Retrieved = f.now().UTC()
	return out
}

// readBody reads at most max bytes of body. A body longer than max is
// ErrTooLarge (refused up front when contentLength says so); a read error or
// fewer bytes than a known contentLength (-1 when unknown) is ErrTruncated.
//
// The cap is enforced while streaming: a compressed or chunked body is
// counted as it is decompressed and read. With a known length the body is
// read into one buffer of that size. With an unknown length it is read into
// a list of chunks (64 KiB doubling to 4 MiB) that are joined at the end, so
// a body refused at the cap has cost about max bytes, and an accepted one at
// most twice its size for the moment of the join.
func readBody(body io.Reader, contentLength, max int64) ([]byte, error) {
	if contentLength > max {
		return nil, fmt.Errorf("%w of %d bytes (announced size %d bytes)", ErrTooLarge, max, contentLength)
	}
	limit := max + 1
	var chunks [][]byte
	var n int64
	var err error
	size := int64(64 << 10)
	if contentLength >= 0 {
		size = contentLength + 1 // +1 so that EOF is seen without another chunk.
	}
	for n < limit && err == nil {
		c := make([]byte, min(size, limit-n))
		var k int
		k, err = fill(body, c)
		chunks = append(chunks, c[:k])
		n += int64(k)
		size = min(size*2, 4<<20)
	}
	if n > max {
		return nil, fmt.Errorf("%w of %d bytes", ErrTooLarge, max)
	}
	if err == io.EOF {
		err = nil
	}
	if err != nil {
		if contentLength >= 0 {
			return nil, fmt.Errorf("%w after %d of %d bytes: %w", ErrTruncated, n, contentLength, err)
		}
		return nil, fmt.Errorf("%w after %d bytes: %w", ErrTruncated, n, err)
	}
	if contentLength >= 0 && n < contentLength {
		return nil, fmt.Errorf("%w: got %d of %d bytes", ErrTruncated, n, contentLength)
	}
	if len(chunks) == 1 {
		return chunks[0], nil
	}
	out := make([]byte, 0, n)
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out, nil
}

// fill reads into c until it is full or the reader fails; unlike
// io.ReadFull it returns the reader's own error (io.EOF at a clean end), so
// a connection cut mid-body stays distinguishable from the end of the body.
func fill(r io.Reader, c []byte) (int, error) {
	n := 0
	for n < len(c) {
		k, err := r.Read(c[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// timeoutError is a per-attempt timeout. It matches context.DeadlineExceeded
// and the underlying error with errors.Is, and reports Timeout() like a
// net.Error.
type timeoutError struct {
	after time.Duration
	err   error
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("attempt timed out after %s: %v", e.after, e.err)
}

func (e *timeoutError) Unwrap() []error { return []error{context.DeadlineExceeded, e.err} }

// Timeout reports true: the error is a timeout.
func (e *timeoutError) Timeout() bool { return true }

// backoff returns the delay before retry number n (1 for the first retry):
// Backoff·2^(n-1), capped at 30 s, then spread by ±20% jitter and capped at
// 30 s again (so at the cap the jitter only shortens the wait).
func (f *Fetcher) backoff(n int) time.Duration {
	d := f.opts.Backoff
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, maxBackoff)
	d = time.Duration(float64(d) * (1 - jitterFraction + 2*jitterFraction*f.jitter()))
	return min(d, maxBackoff)
}

// parseRetryAfter interprets a Retry-After header given as delay-seconds or as
// an HTTP date relative to now. It reports false when the header is absent,
// malformed or asks for more than 60 s.
func parseRetryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 || secs > int64(maxRetryAfter/time.Second) {
			return 0, false
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return 0, false
	}
	if d > maxRetryAfter {
		return 0, false
	}
	return d, true
}

// sleepCtx waits d or until ctx is done, whichever comes first, and returns
// ctx.Err() in the latter case.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// checkURL rejects addresses that are not absolute http or https URLs, so
// that they fail at once instead of being retried.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("not an absolute http(s) URL")
	}
	return nil
}

// isDataURL reports whether the URL's path names a .csv, .txt or .json file,
// for which an HTML body is a producer's error page rather than data.
func isDataURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch strings.ToLower(path.Ext(u.Path)) {
	case ".csv", ".txt", ".json":
		return true
	}
	return false
}
