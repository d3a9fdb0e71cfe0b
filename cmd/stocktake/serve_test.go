package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServe starts 'stocktake serve' on a free port over the shared
// database, reads the URL it prints, and checks the API, the feed and the
// dashboard answer; then stops it with the context (as SIGINT would).
func TestServe(t *testing.T) {
	db := sharedDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errb strings.Builder
		done <- run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0"}, pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if base == "" {
		t.Fatalf("no URL printed: %q", line)
	}
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/api/series/seaice.south?from=2023-02-19&to=2023-02-19"); code != 200 || !strings.Contains(body, `"value":1.766`) {
		t.Errorf("series: %d %s", code, body)
	}
	if code, body := get("/feed.xml"); code != 200 || !strings.Contains(body, "http://www.w3.org/2005/Atom") {
		t.Errorf("feed: %d %.200s", code, body)
	}
	if code, body := get("/api/events?limit=1"); code != 200 || !strings.Contains(body, `"events"`) {
		t.Errorf("events: %d %.200s", code, body)
	}
	if code, body := get("/"); code != 200 || !strings.Contains(strings.ToLower(body), "<html") {
		t.Errorf("dashboard: %d %.200s", code, body)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
}

// TestServeChartFlags checks that serve's picture flags reach the API: with
// a burst of one and a per-client rate of one picture every 1000 seconds,
// the first PNG is drawn and the second is refused with 429 and a
// Retry-After, while a JSON answer is still served.
func TestServeChartFlags(t *testing.T) {
	db := sharedDB(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		var errb strings.Builder
		done <- run(ctx, []string{"--db", db, "serve", "--addr", "127.0.0.1:0", "--chart-burst", "1", "--chart-rate", "0.001"}, pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if base == "" {
		t.Fatalf("no URL printed: %q", line)
	}
	get := func(path string) *http.Response {
		t.Helper()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	png := "/api/chart/seaice.south.png?width=400&height=300"
	if r := get(png); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("first picture: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
	r := get(png)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("second picture: %d, Retry-After %q; want 429 with Retry-After", r.StatusCode, r.Header.Get("Retry-After"))
	}
	if r := get("/api/series/seaice.south?from=2023-02-19&to=2023-02-19"); r.StatusCode != 200 {
		t.Errorf("JSON after the picture limit: %d", r.StatusCode)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancellation")
	}
}
