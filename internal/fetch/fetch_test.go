package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/buildinfo"
	"github.com/stocktake/stocktake/internal/testutil"
)

// sharedFiles are real producer files served by the test file server, one
// per extension the fetcher treats specially plus a binary NetCDF file.
var sharedFiles = []string{
	"nsidc-g02135/S_seaice_extent_daily_v3.0.csv",
	"climate-reanalyzer-era5/era5_world_t2_day.json",
	"noaa-gml/co2_mm_mlo.txt",
	"noaa-oisst-v2.1/oisst-avhrr-v02r01.20240724.nc",
}

// testFetcher returns a Fetcher with fast settings whose backoff waits are
// recorded in *delays instead of slept. Fields set in opts override the fast
// settings.
func testFetcher(t *testing.T, opts Options) (*Fetcher, *[]time.Duration) {
	t.Helper()
	if opts.Timeout == 0 {
		opts.Timeout = 5 * time.Second
	}
	if opts.Backoff == 0 {
		opts.Backoff = time.Millisecond
	}
	// The test servers listen on 127.0.0.1, which the default policy refuses
	// (see outbound_test.go for the refusals).
	opts.AllowPrivateTargets = true
	f := New(opts)
	var delays []time.Duration
	f.sleep = func(ctx context.Context, d time.Duration) error {
		delays = append(delays, d)
		return ctx.Err()
	}
	return f, &delays
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sharedServer serves ../shared/data with http.FileServer, adding a strong
// ETag (the file's sha256) that FileServer then honours for If-None-Match.
// hits counts requests.
func sharedServer(t *testing.T) (srv *httptest.Server, hits *atomic.Int64) {
	t.Helper()
	root := testutil.SharedData(t)
	fs := http.FileServer(http.Dir(root))
	var etags sync.Map
	hits = new(atomic.Int64)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		p := filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(r.URL.Path, "/")))
		tag, ok := etags.Load(p)
		if !ok {
			if b, err := os.ReadFile(p); err == nil {
				tag = `"` + sha(b) + `"`
				etags.Store(p, tag)
				ok = true
			}
		}
		if ok {
			w.Header().Set("ETag", tag.(string))
		}
		fs.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestGetSharedFilesAndConditional(t *testing.T) {
	srv, hits := sharedServer(t)
	f, _ := testFetcher(t, Options{})
	ctx := context.Background()
	for _, rel := range sharedFiles {
		t.Run(rel, func(t *testing.T) {
			want := testutil.ReadShared(t, rel)
			u := srv.URL + "/" + rel
			before := time.Now().UTC()
			res, err := f.Get(ctx, Request{URL: u})
			if err != nil {
				t.Fatal(err)
			}
			if got, w := sha(res.Body), sha(want); got != w {
				t.Fatalf("sha256 = %s (%d bytes), want %s (%d bytes)", got, len(res.Body), w, len(want))
			}
			if res.Source != u || res.Status != 200 || res.Attempts != 1 || res.NotModified {
				t.Errorf("result = {Source %q Status %d Attempts %d NotModified %v}, want {%q 200 1 false}",
					res.Source, res.Status, res.Attempts, res.NotModified, u)
			}
			if wantTag := `"` + sha(want) + `"`; res.ETag != wantTag {
				t.Errorf("ETag = %q, want %q", res.ETag, wantTag)
			}
			if _, err := http.ParseTime(res.LastModified); err != nil {
				t.Errorf("LastModified %q: %v", res.LastModified, err)
			}
			if res.Retrieved.Location() != time.UTC || res.Retrieved.Before(before.Add(-time.Second)) ||
				res.Retrieved.After(time.Now().Add(time.Minute)) {
				t.Errorf("Retrieved = %v, want UTC time near %v", res.Retrieved, before)
			}

			// Each validator alone, and both together, yields 304.
			for _, req := range []Request{
				{URL: u, ETag: res.ETag},
				{URL: u, LastModified: res.LastModified},
				{URL: u, ETag: res.ETag, LastModified: res.LastModified},
			} {
				n := hits.Load()
				again, err := f.Get(ctx, req)
				if err != nil {
					t.Fatal(err)
				}
				if hits.Load() != n+1 {
					t.Errorf("conditional GET made %d requests, want 1", hits.Load()-n)
				}
				if !again.NotModified || again.Body != nil || again.Status != http.StatusNotModified {
					t.Errorf("%+v: NotModified %v, Body %d bytes, Status %d; want true, nil, 304",
						req, again.NotModified, len(again.Body), again.Status)
				}
				// FileServer's 304 carries the ETag but, as RFC 9110 allows,
				// no Last-Modified; the request's value is carried over.
				if again.ETag != res.ETag || again.LastModified != req.LastModified {
					t.Errorf("validators after 304 = %q %q, want %q %q",
						again.ETag, again.LastModified, res.ETag, req.LastModified)
				}
			}

			// A stale ETag gets the full body again.
			full, err := f.Get(ctx, Request{URL: u, ETag: `"stale"`})
			if err != nil {
				t.Fatal(err)
			}
			if full.NotModified || sha(full.Body) != sha(want) {
				t.Errorf("stale ETag: NotModified %v, sha256 %s; want false, %s", full.NotModified, sha(full.Body), sha(want))
			}
		})
	}
}

// flaky answers with status fail for the first n requests, then serves body.
func flaky(t *testing.T, fail, n int, body []byte, header http.Header) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(hits.Add(1)) <= n {
			for k, v := range header {
				w.Header()[k] = v
			}
			http.Error(w, "try later", fail)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestRetryThenSucceed(t *testing.T) {
	want := testutil.ReadShared(t, "noaa-gml/ch4_mm_gl.txt")
	for _, status := range []int{500, 502, 503, 429} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			srv, hits := flaky(t, status, 2, want, nil)
			var logs bytes.Buffer
			f, delays := testFetcher(t, Options{Backoff: 100 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
			f.jitter = func() float64 { return 0.5 } // No jitter: factor 1.
			res, err := f.Get(context.Background(), Request{URL: srv.URL + "/ch4_mm_gl.txt"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Attempts != 3 || hits.Load() != 3 {
				t.Errorf("Attempts = %d, server hits = %d, want 3 and 3", res.Attempts, hits.Load())
			}
			if !bytes.Equal(res.Body, want) || res.Status != 200 {
				t.Errorf("Status %d, body %d bytes; want 200 and the file's %d bytes", res.Status, len(res.Body), len(want))
			}
			if wantDelays := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}; fmt.Sprint(*delays) != fmt.Sprint(wantDelays) {
				t.Errorf("backoff delays = %v, want %v", *delays, wantDelays)
			}
			if got := strings.Count(logs.String(), "level=WARN"); got != 2 {
				t.Errorf("%d Warn records, want 2 (one per retry):\n%s", got, logs.String())
			}
			if got := strings.Count(logs.String(), "level=DEBUG"); got != 3 {
				t.Errorf("%d Debug records, want 3 (one per attempt):\n%s", got, logs.String())
			}
		})
	}
}

func TestAlways500GivesUp(t *testing.T) {
	for _, retries := range []int{-1, 1, 0, 4} {
		wantAttempts := map[int]int{-1: 1, 0: 1 + DefaultRetries, 1: 2, 4: 5}[retries]
		t.Run(fmt.Sprint(retries), func(t *testing.T) {
			srv, hits := flaky(t, 500, 1<<30, nil, nil)
			f, delays := testFetcher(t, Options{Retries: retries})
			u := srv.URL + "/co2_mm_mlo.txt"
			res, err := f.Get(context.Background(), Request{URL: u})
			var se *StatusError
			if !errors.As(err, &se) || se.Status != 500 || se.URL != u {
				t.Fatalf("err = %v, want a *StatusError 500 for %s", err, u)
			}
			if !strings.Contains(err.Error(), u) || !strings.Contains(err.Error(), "500") {
				t.Errorf("error %q does not name the URL and status", err)
			}
			if res.Attempts != wantAttempts || hits.Load() != int64(wantAttempts) || len(*delays) != wantAttempts-1 {
				t.Errorf("Attempts %d, hits %d, waits %d; want %d, %d, %d",
					res.Attempts, hits.Load(), len(*delays), wantAttempts, wantAttempts, wantAttempts-1)
			}
			if res.Status != 500 || res.Body != nil {
				t.Errorf("Status %d, Body %d bytes; want 500, nil", res.Status, len(res.Body))
			}
		})
	}
}

func TestClientErrorsNotRetried(t *testing.T) {
	srv, hits := sharedServer(t)
	f, delays := testFetcher(t, Options{})
	for _, tc := range []struct {
		path   string
		status int
	}{
		{"/nsidc-g02135/no_such_file.csv", 404},
	} {
		u := srv.URL + tc.path
		n := hits.Load()
		res, err := f.Get(context.Background(), Request{URL: u})
		var se *StatusError
		if !errors.As(err, &se) || se.Status != tc.status {
			t.Fatalf("err = %v, want StatusError %d", err, tc.status)
		}
		if want := "fetch " + u + ": HTTP 404 Not Found"; err.Error() != want {
			t.Errorf("error = %q, want %q", err, want)
		}
		if res.Attempts != 1 || hits.Load()-n != 1 || len(*delays) != 0 {
			t.Errorf("Attempts %d, hits %d, waits %d; want 1, 1, 0", res.Attempts, hits.Load()-n, len(*delays))
		}
	}
}

func TestTimeoutRetriedThenFails(t *testing.T) {
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	f, delays := testFetcher(t, Options{Timeout: 50 * time.Millisecond, Retries: 2})
	start := time.Now()
	res, err := f.Get(context.Background(), Request{URL: srv.URL + "/slow.csv"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want a timeout (context.DeadlineExceeded)", err)
	}
	var te interface{ Timeout() bool }
	if !errors.As(err, &te) || !te.Timeout() {
		t.Errorf("err = %v, want an error with Timeout() true", err)
	}
	if !strings.Contains(err.Error(), srv.URL+"/slow.csv") || !strings.Contains(err.Error(), "timed out after 50ms") {
		t.Errorf("error %q should name the URL and the timeout", err)
	}
	if res.Attempts != 3 || len(*delays) != 2 || res.Status != 0 {
		t.Errorf("Attempts %d, waits %d, Status %d; want 3, 2, 0", res.Attempts, len(*delays), res.Status)
	}
	if el := time.Since(start); el > 4*time.Second {
		t.Errorf("took %v; per-attempt timeout not applied", el)
	}
}

// TestTimeoutMidBody checks that the per-attempt timeout also bounds reading
// the body, not only waiting for headers.
func TestTimeoutMidBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("year,value\n"))
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(srv.Close)
	f, _ := testFetcher(t, Options{Timeout: 50 * time.Millisecond, Retries: -1})
	res, err := f.Get(context.Background(), Request{URL: srv.URL + "/stall.csv"})
	if !errors.Is(err, context.DeadlineExceeded) || res.Attempts != 1 || res.Status != 200 {
		t.Fatalf("err = %v, Attempts %d, Status %d; want a timeout after 1 attempt with status 200", err, res.Attempts, res.Status)
	}
}

// truncating serves want, but for the first n requests announces the full
// Content-Length, sends half the body and closes the connection.
func truncating(t *testing.T, n int, want []byte, chunked bool) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if int(hits.Add(1)) > n {
			w.Write(want)
			return
		}
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		half := want[:len(want)/2]
		if chunked {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n", len(half))
			buf.Write(half)
			buf.WriteString("\r\n")
		} else {
			fmt.Fprintf(buf, "HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n", len(want))
			buf.Write(half)
		}
		buf.Flush()
	}))
	t.Cleanup(srv.Close)
	return srv, hits
}

func TestTruncatedBody(t *testing.T) {
	want := testutil.ReadShared(t, "noaa-gml/n2o_mm_gl.txt")
	for _, chunked := range []bool{false, true} {
		t.Run(fmt.Sprintf("chunked=%v", chunked), func(t *testing.T) {
			// Truncated twice, then whole: retried and succeeds.
			srv, hits := truncating(t, 2, want, chunked)
			f, _ := testFetcher(t, Options{})
			res, err := f.Get(context.Background(), Request{URL: srv.URL + "/n2o_mm_gl.txt"})
			if err != nil {
				t.Fatal(err)
			}
			if res.Attempts != 3 || hits.Load() != 3 || sha(res.Body) != sha(want) {
				t.Errorf("Attempts %d, hits %d, sha256 %s; want 3, 3, %s", res.Attempts, hits.Load(), sha(res.Body), sha(want))
			}

			// Always truncated: ErrTruncated after 1+Retries attempts.
			srv, hits = truncating(t, 1<<30, want, chunked)
			f, _ = testFetcher(t, Options{Retries: 2})
			u := srv.URL + "/n2o_mm_gl.txt"
			res, err = f.Get(context.Background(), Request{URL: u})
			if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), u) {
				t.Fatalf("err = %v, want ErrTruncated naming %s", err, u)
			}
			if res.Attempts != 3 || hits.Load() != 3 || res.Body != nil {
				t.Errorf("Attempts %d, hits %d, Body %d bytes; want 3, 3, nil", res.Attempts, hits.Load(), len(res.Body))
			}
		})
	}
}

func TestReadBodyShortContentLength(t *testing.T) {
	// A reader that ends cleanly before the announced length (as a mirror
	// file that shrank would) is truncation too.
	_, err := readBody(strings.NewReader("abc"), 10, 100)
	if !errors.Is(err, ErrTruncated) || !strings.Contains(err.Error(), "3 of 10") {
		t.Errorf("err = %v, want ErrTruncated saying 3 of 10 bytes", err)
	}
	b, err := readBody(strings.NewReader("abc"), -1, 3)
	if err != nil || string(b) != "abc" {
		t.Errorf("exactly MaxBytes: %q, %v; want \"abc\", nil", b, err)
	}
}

func TestMaxBytes(t *testing.T) {
	rel := "noaa-gml/co2_weekly_mlo.txt"
	data := testutil.ReadShared(t, rel)
	files, _ := sharedServer(t) // Sends Content-Length.
	hits := new(atomic.Int64)
	stream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		for chunk := range slicesChunk(data, 4096) { // No Content-Length: chunked.
			w.Write(chunk)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(stream.Close)
	for _, u := range []string{files.URL + "/" + rel, stream.URL + "/co2_weekly_mlo.txt"} {
		f, delays := testFetcher(t, Options{MaxBytes: 1000})
		res, err := f.Get(context.Background(), Request{URL: u})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("%s: err = %v, want ErrTooLarge", u, err)
		}
		if !strings.Contains(err.Error(), "1000 bytes") || !strings.Contains(err.Error(), u) {
			t.Errorf("error %q should name the 1000-byte limit and the URL", err)
		}
		if res.Attempts != 1 || len(*delays) != 0 || res.Body != nil {
			t.Errorf("Attempts %d, waits %d, Body %d bytes; want 1, 0, nil (not retried)", res.Attempts, len(*delays), len(res.Body))
		}
		// The exact size passes.
		f, _ = testFetcher(t, Options{MaxBytes: int64(len(data))})
		if res, err := f.Get(context.Background(), Request{URL: u}); err != nil || !bytes.Equal(res.Body, data) {
			t.Errorf("%s with MaxBytes = file size: %d bytes, %v; want the file", u, len(res.Body), err)
		}
	}
}

// slicesChunk yields b in pieces of at most n bytes.
func slicesChunk(b []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

func TestUserAgents(t *testing.T) {
	want := testutil.ReadShared(t, "climate-reanalyzer-oisst/oisst2.1_world2_sst_day.json")
	var lastUA atomic.Value
	hits := new(atomic.Int64)
	// Like Climate Reanalyzer: refuse anything but a browser.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		lastUA.Store(r.UserAgent())
		if !strings.HasPrefix(r.UserAgent(), "Mozilla/5.0 ") || !strings.Contains(r.UserAgent(), "Chrome/") {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		w.Write(want)
	}))
	t.Cleanup(srv.Close)
	u := srv.URL + "/clim/sst_daily/json_2clim/oisst2.1_world2_sst_day.json"
	f, delays := testFetcher(t, Options{})

	_, err := f.Get(context.Background(), Request{URL: u})
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 403 || hits.Load() != 1 || len(*delays) != 0 {
		t.Fatalf("without BrowserUA: err = %v after %d requests; want one 403", err, hits.Load())
	}
	if ua, want := lastUA.Load().(string), "stocktake/"+buildinfo.Read().Version+" (+https://github.com/stocktake/stocktake)"; ua != want {
		t.Errorf("default User-Agent = %q, want %q", ua, want)
	}

	res, err := f.Get(context.Background(), Request{URL: u, BrowserUA: true})
	if err != nil {
		t.Fatal(err)
	}
	if ua := lastUA.Load().(string); ua != DefaultBrowserUserAgent {
		t.Errorf("browser User-Agent = %q, want %q", ua, DefaultBrowserUserAgent)
	}
	if sha(res.Body) != sha(want) {
		t.Errorf("body sha256 %s, want %s", sha(res.Body), sha(want))
	}

	// Configured agents are sent verbatim.
	f, _ = testFetcher(t, Options{UserAgent: "probe/1", BrowserUserAgent: "Mozilla/5.0 (X11) Chrome/999.0"})
	f.Get(context.Background(), Request{URL: u})
	if ua := lastUA.Load().(string); ua != "probe/1" {
		t.Errorf("User-Agent = %q, want probe/1", ua)
	}
	f.Get(context.Background(), Request{URL: u, BrowserUA: true})
	if ua := lastUA.Load().(string); ua != "Mozilla/5.0 (X11) Chrome/999.0" {
		t.Errorf("browser User-Agent = %q, want the configured one", ua)
	}
}

func TestHTMLErrorPage(t *testing.T) {
	page := []byte("\n  <!DOCTYPE html>\n<html><head><title>Service unavailable</title></head><body>Down for maintenance</body></html>\n")
	hits := new(atomic.Int64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write(page) // 200, as producers' portals do.
	}))
	t.Cleanup(srv.Close)
	f, delays := testFetcher(t, Options{})
	for _, p := range []string{"/GLB.Ts+dSST.csv", "/co2_mm_mlo.TXT", "/data.json?download=1"} {
		u := srv.URL + p
		n := hits.Load()
		res, err := f.Get(context.Background(), Request{URL: u})
		if !errors.Is(err, ErrHTMLPage) || !strings.Contains(err.Error(), "expected data, got an HTML page") ||
			!strings.Contains(err.Error(), u) {
			t.Errorf("%s: err = %v, want ErrHTMLPage naming the URL", p, err)
		}
		if res.Attempts != 1 || hits.Load()-n != 1 || res.Body != nil {
			t.Errorf("%s: Attempts %d, hits %d, Body %d bytes; want 1, 1, nil", p, res.Attempts, hits.Load()-n, len(res.Body))
		}
	}
	if len(*delays) != 0 {
		t.Errorf("HTML page was retried %d times", len(*delays))
	}
	// Other addresses may legitimately be HTML.
	for _, p := range []string{"/index.html", "/download", "/x.nc"} {
		res, err := f.Get(context.Background(), Request{URL: srv.URL + p})
		if err != nil || !bytes.Equal(res.Body, page) {
			t.Errorf("%s: %v; want the page", p, err)
		}
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	srv, hits := flaky(t, 503, 1<<30, nil, nil)
	f := New(Options{Backoff: 20 * time.Second, Timeout: 5 * time.Second, AllowPrivateTargets: true}) // Real sleep.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	res, err := f.Get(ctx, Request{URL: srv.URL + "/oni.txt"})
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("Get returned after %v; cancellation should stop the 20 s backoff at once", el)
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), srv.URL+"/oni.txt") {
		t.Errorf("err = %v, want context.Canceled naming the URL", err)
	}
	if res.Attempts != 1 || hits.Load() != 1 {
		t.Errorf("Attempts %d, hits %d; want 1, 1", res.Attempts, hits.Load())
	}

	// An already-cancelled context makes no further attempts either.
	res, err = f.Get(ctx, Request{URL: srv.URL + "/oni.txt"})
	if !errors.Is(err, context.Canceled) || res.Attempts != 1 {
		t.Errorf("cancelled ctx: err = %v, Attempts %d; want Canceled after 1", err, res.Attempts)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 7, 24, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		header string
		want   time.Duration // 0: the computed backoff (10 ms, jitter off)
	}{
		{"7", 7 * time.Second},
		{"0", 0},
		{"60", 60 * time.Second},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{"61", -1},   // Too long: ignored.
		{"3600", -1}, // Too long: ignored.
		{"soon", -1}, // Malformed: ignored.
		{"-5", -1},   // Malformed: ignored.
		{now.Add(2 * time.Hour).Format(http.TimeFormat), -1},
	} {
		t.Run(tc.header, func(t *testing.T) {
			srv, _ := flaky(t, 429, 1, []byte("ok\n"), http.Header{"Retry-After": {tc.header}})
			f, delays := testFetcher(t, Options{Backoff: 10 * time.Millisecond})
			f.jitter = func() float64 { return 0.5 }
			f.now = func() time.Time { return now }
			res, err := f.Get(context.Background(), Request{URL: srv.URL + "/oni.txt"})
			if err != nil || res.Attempts != 2 {
				t.Fatalf("err = %v, Attempts %d; want success after 2", err, res.Attempts)
			}
			want := tc.want
			if want < 0 {
				want = 10 * time.Millisecond
			}
			if len(*delays) != 1 || (*delays)[0] != want {
				t.Errorf("waits = %v, want [%v]", *delays, want)
			}
		})
	}
}

func TestBackoffSchedule(t *testing.T) {
	f := New(Options{Backoff: time.Second, AllowPrivateTargets: true})
	for _, tc := range []struct {
		jitter float64
		n      int
		want   time.Duration
	}{
		{0.5, 1, time.Second},
		{0.5, 2, 2 * time.Second},
		{0.5, 3, 4 * time.Second},
		{0.5, 5, 16 * time.Second},
		{0.5, 6, 30 * time.Second}, // 32 s capped.
		{0.5, 60, 30 * time.Second},
		{0, 1, 800 * time.Millisecond},   // -20%.
		{1, 1, 1200 * time.Millisecond},  // +20% (limit of [0, 1)).
		{0, 3, 3200 * time.Millisecond},  // 4 s -20%.
		{0, 6, 24 * time.Second},         // 30 s -20%.
		{1, 5, 19200 * time.Millisecond}, // 16 s +20%.
	} {
		f.jitter = func() float64 { return tc.jitter }
		if got := f.backoff(tc.n); got != tc.want {
			t.Errorf("backoff(%d) with jitter %v = %v, want %v", tc.n, tc.jitter, got, tc.want)
		}
	}
	f.jitter = func() float64 { return 0.999 }
	if got := f.backoff(6); got != 30*time.Second {
		t.Errorf("backoff(6) with high jitter = %v, want the 30 s cap", got)
	}
}

func TestDefaults(t *testing.T) {
	f := New(Options{})
	o := f.opts
	if o.Timeout != 60*time.Second || o.Retries != 3 || o.Backoff != time.Second || o.MaxBytes != 256<<20 ||
		o.BrowserUserAgent != DefaultBrowserUserAgent || !strings.HasPrefix(o.UserAgent, "stocktake/") {
		t.Errorf("defaults = %+v", o)
	}
}

func TestBadURL(t *testing.T) {
	f, delays := testFetcher(t, Options{})
	for _, u := range []string{"", "ftp://example.org/a.csv", "nsidc-g02135/S.csv", "http://%zz/"} {
		res, err := f.Get(context.Background(), Request{URL: u})
		if err == nil || res.Attempts != 0 || !strings.HasPrefix(err.Error(), "fetch "+u+": ") {
			t.Errorf("%q: err = %v, Attempts %d; want an error naming the URL before any attempt", u, err, res.Attempts)
		}
	}
	if len(*delays) != 0 {
		t.Errorf("bad URLs were retried")
	}
}

func TestConnectionRefusedRetried(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/oni.txt"
	srv.Close() // Nothing listens any more.
	f, delays := testFetcher(t, Options{Retries: 2})
	res, err := f.Get(context.Background(), Request{URL: u})
	if err == nil || res.Attempts != 3 || len(*delays) != 2 || !strings.Contains(err.Error(), u) {
		t.Errorf("err = %v, Attempts %d, waits %d; want an error naming %s after 3 attempts", err, res.Attempts, len(*delays), u)
	}
}

func TestReadMirror(t *testing.T) {
	root := testutil.SharedData(t)
	for _, rel := range sharedFiles {
		want := testutil.ReadShared(t, rel)
		before := time.Now().UTC()
		res, err := ReadMirror(root, rel, 0)
		if err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(filepath.Join(root, rel))
		if res.Source != abs || !filepath.IsAbs(res.Source) {
			t.Errorf("Source = %q, want %q", res.Source, abs)
		}
		if sha(res.Body) != sha(want) {
			t.Errorf("%s: sha256 %s, want %s", rel, sha(res.Body), sha(want))
		}
		info, _ := os.Stat(abs)
		if res.LastModified != info.ModTime().UTC().Format(http.TimeFormat) {
			t.Errorf("LastModified = %q, want the file's mod time", res.LastModified)
		}
		if res.Retrieved.Location() != time.UTC || res.Retrieved.Before(before) || res.Attempts != 1 || res.Status != 0 || res.NotModified {
			t.Errorf("Retrieved %v, Attempts %d, Status %d, NotModified %v; want read time in UTC, 1, 0, false",
				res.Retrieved, res.Attempts, res.Status, res.NotModified)
		}
	}

	// Missing file.
	rel := "nsidc-g02135/S_seaice_extent_daily_v9.9.csv"
	_, err := ReadMirror(root, rel, 0)
	abs, _ := filepath.Abs(filepath.Join(root, rel))
	if !errors.Is(err, ErrNotInMirror) || err.Error() != "not in mirror: "+abs {
		t.Errorf("err = %v, want \"not in mirror: %s\" matching ErrNotInMirror", err, abs)
	}
	// Missing folder too.
	if _, err := ReadMirror(t.TempDir(), "noaa-gml/co2_mm_mlo.txt", 0); !errors.Is(err, ErrNotInMirror) {
		t.Errorf("empty mirror: err = %v, want ErrNotInMirror", err)
	}

	// Size limit.
	_, err = ReadMirror(root, "noaa-gml/co2_mm_mlo.txt", 100)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "100 bytes") || !strings.Contains(err.Error(), "co2_mm_mlo.txt") {
		t.Errorf("err = %v, want ErrTooLarge naming the limit and file", err)
	}

	// Paths escaping the root and directories are refused.
	for _, rel := range []string{"../shared/data/SOURCES.md", "/etc/passwd", "noaa-gml"} {
		if _, err := ReadMirror(root, rel, 0); err == nil || errors.Is(err, ErrNotInMirror) {
			t.Errorf("%q: err = %v, want a refusal", rel, err)
		}
	}
}
