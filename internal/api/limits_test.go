package api

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestChartSizesBounded is the regression test of finding 1: sizes above
// the maximum are redirected to the clamped, drawn size without a render,
// the 16 distinct oversized widths of the attack collapse onto one URL and
// one render, and the image has the drawn size.
func TestChartSizesBounded(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler)})
	defer s.Close()
	renders := func() int {
		gc := s.current(context.Background())
		gc.mu.Lock()
		defer gc.mu.Unlock()
		n := 0
		for k := range gc.entries {
			if strings.HasPrefix(k, "render|") {
				n++
			}
		}
		return n
	}
	const drawn = "/api/chart/sst.world.png?height=1600&kind=spaghetti&width=2400"
	var wg sync.WaitGroup
	locs := make([]string, 16)
	codes := make([]int, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := get(t, s, "/api/chart/sst.world.png?kind=spaghetti&width=39"+strconv.Itoa(10+i)+"&height=4000")
			codes[i], locs[i] = r.code, r.h.Get("Location")
		}()
	}
	wg.Wait()
	for i := range 16 {
		if codes[i] != http.StatusPermanentRedirect || locs[i] != drawn {
			t.Errorf("width 39%d: %d Location %q, want 308 to %s", 10+i, codes[i], locs[i], drawn)
		}
	}
	if n := renders(); n != 0 {
		t.Errorf("redirects rendered %d pictures, want none", n)
	}
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := get(t, s, locs[i])
			codes[i] = r.code
			if r.code == 200 {
				img, _, err := image.Decode(bytes.NewReader(r.body))
				if err != nil || img.Bounds().Dx() != MaxChartWidth || img.Bounds().Dy() != MaxChartHeight {
					t.Errorf("%s: %v %v, want %dx%d", locs[i], err, img.Bounds(), MaxChartWidth, MaxChartHeight)
				}
			}
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != 200 && c != 503 {
			t.Errorf("request %d: status %d", i, c)
		}
	}
	if n := renders(); n != 1 {
		t.Errorf("16 distinct oversized widths made %d cached renders, want 1", n)
	}
	for in, want := range map[int]int{300: 400, 401: 800, 1200: 1200, 1201: 1600, 2401: MaxChartWidth, 1 << 19: MaxChartWidth} {
		if got := snapSize(min(in, MaxChartWidth), chartWidths); got != want {
			t.Errorf("width %d snaps to %d, want %d", in, got, want)
		}
	}
}

// TestRenderSlots: with every render slot taken, a chart request is refused
// with 503 and Retry-After instead of queueing without bound.
func TestRenderSlots(t *testing.T) {
	s := NewServer(realStore(t), Options{Version: "test", Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler), MaxRenders: 1})
	defer s.Close()
	release := make(chan struct{})
	started := make(chan struct{})
	go s.boundedRender(context.Background(), func() ([]byte, error) {
		close(started)
		<-release
		return nil, nil
	})
	<-started
	r := get(t, s, "/api/chart/sst.world.png?width=800&height=450")
	close(release)
	if r.code != http.StatusServiceUnavailable || r.h.Get("Retry-After") == "" {
		t.Fatalf("busy renderer: %d Retry-After %q %s", r.code, r.h.Get("Retry-After"), r.body)
	}
	time.Sleep(10 * time.Millisecond)
	if r := get(t, s, "/api/chart/sst.world.png?width=800&height=450"); r.code != 200 {
		t.Fatalf("after release: %d %s", r.code, r.body)
	}
}

// TestErrorsBoundedAndNosniff covers finding 5's echo and finding 8's
// header: a 900 KB query gets a 400 of a few hundred bytes, and every
// response (data, error, not found) carries nosniff.
func TestErrorsBoundedAndNosniff(t *testing.T) {
	s := testServer(t)
	huge := strings.Repeat("A", 900<<10)
	for _, target := range []string{"/api/records/sst.world?" + huge + "=1", "/api/records/sst.world?on=" + huge, "/api/series/" + huge} {
		r := get(t, s, target)
		if r.code < 400 || r.code > 404 || len(r.body) > 600 {
			t.Errorf("%.60s…: status %d, %d-byte body", target, r.code, len(r.body))
		}
		var eb errorBody
		if err := json.Unmarshal(r.body, &eb); err != nil || eb.Status != r.code {
			t.Errorf("error body %.200s: %v", r.body, err)
		}
		if r.h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%.40s: no nosniff on the error", target)
		}
	}
	for _, target := range []string{"/api/indicators", "/healthz", "/api/chart/sst.world.csv"} {
		if r := get(t, s, target); r.h.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: status %d without nosniff", target, r.code)
		}
	}
}

func TestHTTPServerTimeouts(t *testing.T) {
	srv := HTTPServer(http.NotFoundHandler(), nil)
	if srv.ReadHeaderTimeout <= 0 || srv.ReadTimeout <= 0 || srv.WriteTimeout <= 0 || srv.IdleTimeout <= 0 || srv.MaxHeaderBytes <= 0 {
		t.Errorf("HTTPServer leaves a timeout unset: %+v", srv)
	}
}
