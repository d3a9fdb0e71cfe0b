package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/alerts"
	"github.com/stocktake/stocktake/internal/store"
	"github.com/stocktake/stocktake/internal/testutil"
)

// TestUpdateDeliversWebhooks checks that 'update' (not only 'watch') sends
// the record events it detects to the registered webhooks, signed, and that
// a receiver that fails keeps its deliveries queued without failing the
// update.
// hookSecret is a fixed Standard Webhooks secret for the tests.
const hookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7h6Y6Vb2ZTs="

func TestUpdateDeliversWebhooks(t *testing.T) {
	// A mirror whose Mauna Loa monthly file ends in December 2023; the full
	// file then adds 2024 and 2025, which set new all-time highs.
	full := string(testutil.ReadShared(t, "noaa-gml/co2_mm_mlo.txt"))
	var kept []string
	for _, line := range strings.SplitAfter(full, "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && !strings.HasPrefix(f[0], "#") && f[0] >= "2024" {
			continue
		}
		kept = append(kept, line)
	}
	mirror := t.TempDir()
	os.MkdirAll(filepath.Join(mirror, "noaa-gml"), 0o755)
	if err := os.WriteFile(filepath.Join(mirror, "noaa-gml", "co2_mm_mlo.txt"), []byte(strings.Join(kept, "")), 0o644); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var bodies []alerts.Payload
	fail := true
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if fail {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		if alerts.VerifyStandard(hookSecret, r.Header, body, time.Now()) != nil || r.Header.Get(alerts.SignatureHeader) != alerts.Sign(hookSecret, body) {
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var p alerts.Payload
		if err := json.Unmarshal(body, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		bodies = append(bodies, p)
	}))
	defer receiver.Close()

	db := testutil.DB(t)
	if r := runCLI(t, db, "update", "--only", "co2.mlo", "--from", mirror); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if fi, err := os.Stat(db); testutil.Backend() == testutil.SQLite && (err != nil || fi.Mode().Perm() != 0o600) {
		t.Fatalf("database made by update: mode %v, want 0600 (%v)", fi.Mode().Perm(), err)
	}
	if r := runCLI(t, db, "webhook", "add", receiver.URL, "--indicator", "co2.mlo", "--secret", hookSecret, "--allow-private-targets"); r.code != 2 || !strings.Contains(r.stderr, "not accepted on the command line") {
		t.Fatalf("--secret on the command line: exit %d, %s", r.code, r.stderr)
	}
	if r := runCLI(t, db, "webhook", "add", receiver.URL, "--indicator", "co2.mlo"); r.code != 2 || !strings.Contains(r.stderr, "refused outbound target") {
		t.Fatalf("loopback receiver without --allow-private-targets: exit %d, %s", r.code, r.stderr)
	}
	t.Setenv("TEST_HOOK_SECRET", hookSecret)
	if r := runCLI(t, db, "webhook", "add", receiver.URL, "--indicator", "co2.mlo", "--secret-env", "TEST_HOOK_SECRET", "--allow-private-targets"); r.code != 0 {
		t.Fatal(r.stderr)
	}
	if fi, err := os.Stat(db); testutil.Backend() == testutil.SQLite && (err != nil || fi.Mode().Perm() != 0o600) {
		t.Fatalf("database mode %v, want 0600 (%v)", fi.Mode().Perm(), err)
	}
	// The receiver is down: the update still succeeds and says what is queued.
	r := runCLI(t, db, "update", "--only", "co2.mlo", "--from", testutil.SharedData(t), "--json", "--allow-private-targets")
	if r.code != 0 {
		t.Fatalf("update with a failing receiver: exit %d\n%s", r.code, r.stderr)
	}
	first := decode[struct {
		Webhooks *webhookTally `json:"webhooks"`
	}](t, r.stdout)
	if first.Webhooks == nil || first.Webhooks.Delivered != 0 || first.Webhooks.Pending == 0 {
		t.Fatalf("failing receiver: webhooks %+v", first.Webhooks)
	}
	if len(bodies) != 0 {
		t.Fatalf("a failing receiver recorded %d bodies", len(bodies))
	}

	// The receiver is back. The queued deliveries are due only after their
	// backoff, so make them due now, as time would.
	mu.Lock()
	fail = false
	mu.Unlock()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ExecForTesting(context.Background(), "UPDATE deliveries SET next_attempt_at = '2000-01-01T00:00:00.000000000Z' WHERE state = 'pending'"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	r = runCLI(t, db, "update", "--only", "co2.mlo", "--from", testutil.SharedData(t), "--allow-private-targets")
	if r.code != 0 || !strings.Contains(r.stdout, "webhooks: "+strconv.Itoa(first.Webhooks.Pending)+" delivered, 0 pending") {
		t.Fatalf("second update: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != first.Webhooks.Pending {
		t.Fatalf("receiver got %d bodies, want %d", len(bodies), first.Webhooks.Pending)
	}
	sawRecord := false
	for _, p := range bodies {
		if p.Event.Indicator != "co2.mlo" || p.Action != "new" || !strings.Contains(p.Event.Sentence, "ppm") {
			t.Errorf("payload %+v", p)
		}
		if p.Event.Kind == alerts.AllTime {
			sawRecord = true
		}
	}
	if !sawRecord {
		t.Errorf("no all-time record among %d payloads", len(bodies))
	}
}

// TestWebhookListMasksCredentials: credentials in a receiver URL and the
// secret never appear in 'webhook list' (finding 6); a generated secret is
// printed once, by add.
func TestWebhookListMasksCredentials(t *testing.T) {
	db := testutil.DB(t)
	r := runCLI(t, db, "webhook", "add", "https://user:hunter2@hooks.example.org/in?token=tok123", "--allow-private-targets")
	if r.code != 0 || !strings.Contains(r.stdout, "signing secret (shown once): whsec_") || strings.Contains(r.stdout, "hunter2") {
		t.Fatalf("add: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	secret := strings.TrimSpace(r.stdout[strings.Index(r.stdout, "whsec_"):])
	for _, args := range [][]string{{"webhook", "list"}, {"webhook", "list", "--json"}} {
		r := runCLI(t, db, args...)
		out := r.stdout + r.stderr
		if r.code != 0 || strings.Contains(out, "hunter2") || strings.Contains(out, "tok123") || strings.Contains(out, secret) || !strings.Contains(out, "hooks.example.org") {
			t.Errorf("%v: exit %d, output exposes a credential or lacks the host:\n%s", args, r.code, out)
		}
	}
}
