package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// counting returns a test server answering body and counting its hits.
func counting(t *testing.T, body string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

// TestRefusesInternalTargets is the regression test of finding 3 (and of the
// address check webhooks share): without AllowPrivateTargets, no connection
// is made to loopback, private, link-local or unspecified addresses, by
// literal or by name, and the refusal is final (one attempt).
func TestRefusesInternalTargets(t *testing.T) {
	srv, hits := counting(t, "secret internal answer")
	port := srv.URL[strings.LastIndex(srv.URL, ":")+1:]
	f := New(Options{Timeout: 5 * time.Second, Backoff: time.Millisecond})
	for _, target := range []string{
		srv.URL + "/co2.txt",
		"http://localhost:" + port + "/co2.txt",
		"http://[::1]:" + port + "/co2.txt",
		"http://0.0.0.0:" + port + "/co2.txt",
		"http://169.254.169.254/latest/meta-data/",
		"http://10.1.2.3/x.csv",
		"http://192.168.0.1/x.csv",
		"http://[fe80::1]/x.csv",
		"http://[::ffff:127.0.0.1]:" + port + "/x.csv",
	} {
		res, err := f.Get(context.Background(), Request{URL: target})
		if !errors.Is(err, ErrForbiddenTarget) {
			t.Errorf("%s: err = %v, want ErrForbiddenTarget", target, err)
			continue
		}
		if res.Attempts != 1 {
			t.Errorf("%s: %d attempts, want 1 (refusals are final)", target, res.Attempts)
		}
		if strings.Contains(err.Error(), "secret internal answer") {
			t.Errorf("%s: error quotes the internal answer: %v", target, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("internal server was reached %d times", n)
	}
	// The same server is reachable when explicitly allowed.
	allowed := New(Options{Timeout: 5 * time.Second, AllowPrivateTargets: true})
	res, err := allowed.Get(context.Background(), Request{URL: srv.URL + "/co2.txt"})
	if err != nil || string(res.Body) != "secret internal answer" {
		t.Fatalf("with AllowPrivateTargets: %q, %v", res.Body, err)
	}
}

// TestRedirectToInternalRefused checks that every redirect is checked again:
// a producer (admitted by the test hook) redirecting to another local
// listener or to the metadata address is refused before any connection.
func TestRedirectToInternalRefused(t *testing.T) {
	internal, hits := counting(t, "internal")
	producer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-internal.csv":
			http.Redirect(w, r, internal.URL+"/admin", http.StatusFound)
		case "/to-metadata.csv":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusTemporaryRedirect)
		case "/to-name.csv":
			http.Redirect(w, r, strings.Replace(internal.URL, "127.0.0.1", "localhost", 1)+"/admin", http.StatusFound)
		case "/to-file.csv":
			http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
		default:
			io.WriteString(w, "a,b\n1,2\n")
		}
	}))
	defer producer.Close()
	pu, _ := url.Parse(producer.URL)
	producerAddr := netip.MustParseAddrPort(pu.Host)
	f := New(Options{Timeout: 5 * time.Second, Backoff: time.Millisecond,
		Client: NewClient(Policy{FollowRedirects: true, allowed: func(ap netip.AddrPort) bool { return ap == producerAddr }})})

	if res, err := f.Get(context.Background(), Request{URL: producer.URL + "/ok.csv"}); err != nil || string(res.Body) != "a,b\n1,2\n" {
		t.Fatalf("admitted producer: %q, %v", res.Body, err)
	}
	for _, p := range []string{"/to-internal.csv", "/to-metadata.csv", "/to-name.csv"} {
		res, err := f.Get(context.Background(), Request{URL: producer.URL + p})
		if !errors.Is(err, ErrForbiddenTarget) || res.Attempts != 1 {
			t.Errorf("%s: err = %v after %d attempts, want ErrForbiddenTarget after 1", p, err, res.Attempts)
		}
	}
	if _, err := f.Get(context.Background(), Request{URL: producer.URL + "/to-file.csv"}); !errors.Is(err, ErrRedirect) {
		t.Errorf("redirect to file: err = %v, want ErrRedirect", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("internal server reached %d times through redirects", n)
	}
}

// TestNoRedirectPolicy checks the webhook policy: a 307 is returned as is,
// never followed (so a body and signature are not re-posted elsewhere).
func TestNoRedirectPolicy(t *testing.T) {
	other, hits := counting(t, "ok")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	c := NewClient(Policy{AllowPrivate: true})
	resp, err := c.Post(srv.URL, "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hits.Load() != 0 {
		t.Errorf("status %d, redirect target hits %d; want 307 and 0", resp.StatusCode, hits.Load())
	}
}

func TestPublicAddr(t *testing.T) {
	for addr, want := range map[string]bool{
		"8.8.8.8": true, "2606:4700:4700::1111": true, "151.101.1.1": true,
		"127.0.0.1": false, "127.9.9.9": false, "::1": false, "10.0.0.1": false, "172.16.5.5": false,
		"192.168.1.1": false, "169.254.169.254": false, "fe80::1": false, "fc00::1": false, "fd12::1": false,
		"224.0.0.1": false, "ff02::1": false, "0.0.0.0": false, "::": false, "100.64.0.1": false,
		"255.255.255.255": false, "::ffff:10.0.0.1": false, "::ffff:8.8.8.8": true, "64:ff9b::a00:1": false,
		"2002:7f00:1::": false, "198.18.0.1": false, "192.0.2.1": false,
	} {
		if got := PublicAddr(netip.MustParseAddr(addr)); got != want {
			t.Errorf("PublicAddr(%s) = %v, want %v", addr, got, want)
		}
	}
}

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	for raw, bad := range map[string]bool{
		"http://127.0.0.1:9000/hook": true, "http://localhost/hook": true, "http://169.254.169.254/": true,
		"https://[::1]/": true, "ftp://example.org/": true, "/relative": true, "http://10.0.0.8/": true,
		"https://example.org/hook": false, "http://93.184.215.14:8080/x": false,
	} {
		err := CheckURL(ctx, raw, false)
		if (err != nil) != bad {
			t.Errorf("CheckURL(%s) = %v, want refused %v", raw, err, bad)
		}
	}
}

// TestDecompressionBombBounded is the memory half of finding 3: a small
// gzip body that expands far beyond MaxBytes is refused while streaming,
// and the bytes allocated for it stay within 1.5 × MaxBytes (the old
// bytes.Buffer growth allocated about 4 × before refusing).
func TestDecompressionBombBounded(t *testing.T) {
	const maxBytes = 16 << 20
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zero := make([]byte, 1<<20)
	for range 128 { // 128 MiB of zeros, about 130 KB compressed.
		zw.Write(zero)
	}
	zw.Close()
	bomb := gz.Bytes()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "text/plain")
		w.Write(bomb)
	}))
	defer srv.Close()
	chunked := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 64 { // 64 MiB, chunked (no Content-Length).
			if _, err := w.Write(zero); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	defer chunked.Close()
	f := New(Options{Timeout: 20 * time.Second, Retries: -1, MaxBytes: maxBytes, AllowPrivateTargets: true})
	for _, u := range []string{srv.URL + "/bomb.txt", chunked.URL + "/big.txt"} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := f.Get(context.Background(), Request{URL: u})
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: err = %v, want ErrTooLarge", u, err)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > maxBytes*3/2 {
			t.Errorf("%s: allocated %d MiB for a %d MiB cap", u, alloc>>20, maxBytes>>20)
		}
	}
}

// TestReadBodyExact checks that the bounded growth returns exactly the body,
// at the cap and one byte under it, with and without a known length.
func TestReadBodyExact(t *testing.T) {
	for _, n := range []int{0, 1, 65535, 65536, 65537, 300000} {
		body := bytes.Repeat([]byte("x"), n)
		for _, cl := range []int64{-1, int64(n)} {
			got, err := readBody(bytes.NewReader(body), cl, int64(n))
			if err != nil || !bytes.Equal(got, body) {
				t.Errorf("n=%d cl=%d: %d bytes, %v", n, cl, len(got), err)
			}
			if n > 0 {
				if _, err := readBody(bytes.NewReader(body), cl, int64(n-1)); !errors.Is(err, ErrTooLarge) {
					t.Errorf("n=%d cl=%d cap n-1: err = %v, want ErrTooLarge", n, cl, err)
				}
			}
		}
	}
}
