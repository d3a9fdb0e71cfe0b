package alerts

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/obs"
)

// TestFirstScanIsNeverPushed registers a webhook before the first ingest,
// as a new user following the README would: the first scan stores its
// events as historical, fires none, queues no delivery and puts no entry in
// the feed, so the receiver gets nothing; the next ingest's records are
// delivered, and only they. ListAll, the input of the recent-records page,
// still lists the first scan's events, and its DateFrom keeps only events
// about dates on or after it.
func TestFirstScanIsNeverPushed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSSTFixture(t)
	var mu sync.Mutex
	var posts []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		posts = append(posts, string(b))
		mu.Unlock()
	}))
	defer recv.Close()
	if _, err := AddWebhook(ctx, f.st, recv.URL, nil, testSecret, true); err != nil {
		t.Fatal(err)
	}
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 14)))
	if len(f.fired) != 0 {
		t.Fatalf("the first scan fired %d events, want none", len(f.fired))
	}
	baseline, err := ListAll(ctx, f.st, nil, nil)
	if err != nil || len(baseline) == 0 {
		t.Fatalf("first scan stored %d events (%v), want its baseline", len(baseline), err)
	}
	for _, e := range baseline {
		if !e.Historical {
			t.Fatalf("first-scan event %s not historical", e.UID)
		}
	}
	opt := DelivererOptions{AllowPrivateTargets: true, Backoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond, Poll: 10 * time.Millisecond}
	if n, err := NewDeliverer(f.st, opt).DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("after the first scan: delivered %d (%v), want 0", n, err)
	}
	if ds, _ := Deliveries(ctx, f.st, 0); len(ds) != 0 {
		t.Fatalf("after the first scan: %d deliveries queued, want 0", len(ds))
	}
	srv := httptest.NewServer(Handler(f.st, HTTPOptions{}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if feed := checkAtom(t, body); len(feed.Entries) != 0 {
		t.Fatalf("feed after the first scan has %d entries, want 0", len(feed.Entries))
	}

	// The next update's records are new: delivered, each once.
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 17)))
	if len(f.fired) == 0 {
		t.Fatal("the second ingest fired nothing; the fixture should hold records on 15-17 March 2023")
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if _, err := NewDeliverer(f.st, opt).DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		n := len(posts)
		mu.Unlock()
		if n >= len(f.fired) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != len(f.fired) {
		t.Fatalf("receiver got %d posts, want the %d events of the second ingest", len(posts), len(f.fired))
	}

	from := obs.FromTime(day(2023, 3, 15))
	recent, err := ListAll(ctx, f.st, []string{"sst.world"}, &from)
	if err != nil || len(recent) == 0 {
		t.Fatalf("ListAll from 15 March 2023: %d events (%v)", len(recent), err)
	}
	for _, e := range recent {
		if e.Day() < from {
			t.Fatalf("ListAll from %s listed an event of %s", from, e.Date)
		}
	}
}
