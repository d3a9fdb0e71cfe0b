package alerts

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/testutil"
)

// testSecret is a fixed Standard Webhooks secret: "whsec_" and the base64 of
// 32 bytes.
const testSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw7h6Y6Vb2ZTs="

// independentSignature computes the Standard Webhooks v1 signature from the
// spec's definition, without the package's helpers: HMAC-SHA256 keyed with
// the base64-decoded part of the secret after "whsec_", over
// "{id}.{timestamp}.{body}", base64-encoded and prefixed "v1,".
func independentSignature(t *testing.T, secret, id, timestamp string, body []byte) string {
	t.Helper()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + timestamp + "." + string(body)))
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// TestStandardWebhookSignature checks one value against a signature computed
// by hand and the verification helper's refusals (finding 6: the HMAC now
// covers id and timestamp, so a captured request expires).
func TestStandardWebhookSignature(t *testing.T) {
	body := []byte(`{"delivery":1,"action":"new"}`)
	got := SignStandard(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
	if want := independentSignature(t, testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body); got != want {
		t.Fatalf("SignStandard = %s, want %s", got, want)
	}
	h := http.Header{}
	h.Set(HeaderWebhookID, "msg_p5jXN8AQM9LWM0D4loKWxJek")
	h.Set(HeaderWebhookTimestamp, "1614265330")
	h.Set(HeaderWebhookSignature, "v1,bm90IGl0 "+got)
	at := time.Unix(1614265330, 0).Add(time.Minute)
	if err := VerifyStandard(testSecret, h, body, at); err != nil {
		t.Errorf("valid signature refused: %v", err)
	}
	if err := VerifyStandard(testSecret, h, body, at.Add(time.Hour)); err == nil {
		t.Error("replay an hour later accepted")
	}
	if err := VerifyStandard(testSecret, h, append(body, ' '), at); err == nil {
		t.Error("changed body accepted")
	}
	h.Set(HeaderWebhookID, "msg_other")
	if err := VerifyStandard(testSecret, h, body, at); err == nil {
		t.Error("changed id accepted")
	}
}

func TestSecrets(t *testing.T) {
	s := NewSecret()
	if err := CheckSecret(s); err != nil || s == NewSecret() {
		t.Fatalf("NewSecret %q: %v (or not random)", s, err)
	}
	for _, bad := range []string{"", "s3cret", "whsec_", "whsec_!!!", "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 16)),
		"whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65))} {
		if err := CheckSecret(bad); !errors.Is(err, ErrBadSecret) {
			t.Errorf("CheckSecret(%q) = %v", bad, err)
		}
	}
}

func TestMaskURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:hunter2@example.org/hook":   "https://%2A%2A%2A@example.org/hook",
		"https://example.org/hook?token=abc&x=1":  "https://example.org/hook?token=%2A%2A%2A&x=1",
		"https://example.org/hook":                "https://example.org/hook",
		"https://hooks.example.org/x?api_key=zzz": "https://hooks.example.org/x?api_key=%2A%2A%2A",
	} {
		got := MaskURL(in)
		if got != want || strings.Contains(got, "hunter2") {
			t.Errorf("MaskURL(%s) = %s, want %s", in, got, want)
		}
	}
	b, _ := json.Marshal(Webhook{ID: 1, URL: "https://u:hunter2@example.org/h", secret: testSecret, HasSecret: true})
	if strings.Contains(string(b), "hunter2") || strings.Contains(string(b), "whsec_") || !strings.Contains(string(b), `"url":"https://%2A%2A%2A@example.org/h"`) {
		t.Errorf("webhook JSON %s exposes a credential or lacks the masked URL", b)
	}
}

// TestAddWebhookRefusesInternal is the registration half of finding 2.
func TestAddWebhookRefusesInternal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newSSTFixture(t)
	for _, u := range []string{"http://127.0.0.1:9000/hook", "http://localhost/hook", "http://169.254.169.254/latest",
		"http://[fe80::1]/x", "http://10.0.0.5/x", "http://[::1]:80/"} {
		if _, err := AddWebhook(ctx, f.st, u, nil, "", false); !errors.Is(err, fetch.ErrForbiddenTarget) {
			t.Errorf("AddWebhook(%s) = %v, want ErrForbiddenTarget", u, err)
		}
	}
	if _, err := AddWebhook(ctx, f.st, "http://127.0.0.1:9000/hook", nil, "s3cret", true); !errors.Is(err, ErrBadSecret) {
		t.Errorf("plain secret accepted: %v", err)
	}
	if hooks, _ := Webhooks(ctx, f.st); len(hooks) != 0 {
		t.Errorf("refused webhooks were stored: %+v", hooks)
	}
	if _, err := AddWebhook(ctx, f.st, "http://127.0.0.1:9000/hook", nil, testSecret, true); err != nil {
		t.Fatal(err)
	}
	if testutil.Backend() == testutil.SQLite { // a PostgreSQL database has no file here
		fi, err := os.Stat(f.path)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("database mode %v after storing a secret, want 0600 (%v)", fi.Mode().Perm(), err)
		}
	}
}

// deliveryFixture has one webhook on a receiver and events queued for it.
func deliveryFixture(t *testing.T, handler http.HandlerFunc, allowPrivate bool) (*sstFixture, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	recv := httptest.NewServer(handler)
	t.Cleanup(recv.Close)
	f := newSSTFixture(t)
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 14)))
	if _, err := AddWebhook(ctx, f.st, recv.URL+"/hook", nil, testSecret, true); err != nil {
		t.Fatal(err)
	}
	f.ingest(t, truncate(t, f.rows, day(2023, 3, 17)))
	if len(f.fired) == 0 {
		t.Fatal("no events fired")
	}
	return f, recv
}

// TestDeliveryHeadersAndNoRedirect: deliveries carry Standard Webhooks
// headers that an independent computation verifies, the id stays the same
// across retries, and a 307 is a failed attempt, never followed (finding 2).
func TestDeliveryHeadersAndNoRedirect(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var mu sync.Mutex
	ids := map[int64][]string{}
	var redirected atomic.Int64
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { redirected.Add(1) }))
	defer target.Close()
	round := 0
	f, _ := deliveryFixture(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		var p Payload
		json.Unmarshal(body, &p)
		id, stamp := r.Header.Get(HeaderWebhookID), r.Header.Get(HeaderWebhookTimestamp)
		ids[p.Delivery] = append(ids[p.Delivery], id)
		sec, err := strconv.ParseInt(stamp, 10, 64)
		if err != nil || time.Since(time.Unix(sec, 0)).Abs() > time.Minute {
			t.Errorf("webhook-timestamp %q", stamp)
		}
		want := independentSignature(t, testSecret, id, stamp, body)
		if !strings.Contains(" "+r.Header.Get(HeaderWebhookSignature)+" ", " "+want+" ") {
			t.Errorf("webhook-signature %q, want %q", r.Header.Get(HeaderWebhookSignature), want)
		}
		if round == 0 {
			http.Redirect(w, r, target.URL, http.StatusTemporaryRedirect)
		}
	}, true)
	d := NewDeliverer(f.st, DelivererOptions{AllowPrivateTargets: true, Backoff: time.Millisecond, MaxBackoff: time.Millisecond})
	if n, err := d.DeliverDue(ctx); err != nil || n != 0 {
		t.Fatalf("redirecting receiver: delivered %d, %v", n, err)
	}
	ds, _ := Deliveries(ctx, f.st, 0)
	if len(ds) == 0 || !strings.Contains(ds[0].LastError, "307") {
		t.Fatalf("deliveries after a redirect: %+v", ds)
	}
	mu.Lock()
	round = 1
	mu.Unlock()
	time.Sleep(5 * time.Millisecond)
	if n, err := d.DeliverDue(ctx); err != nil || n != len(ds) {
		t.Fatalf("second pass delivered %d of %d: %v", n, len(ds), err)
	}
	if redirected.Load() != 0 {
		t.Errorf("redirect target received %d posts", redirected.Load())
	}
	for del, list := range ids {
		if len(list) != 2 || list[0] != list[1] || !strings.HasPrefix(list[0], "msg_") {
			t.Errorf("delivery %d: webhook-id over attempts %v, want the same msg_ id twice", del, list)
		}
	}
}

// TestDeliveryRefusesInternalReceiver: a receiver stored earlier (or whose
// name now resolves to loopback) gets no request without the allow option.
func TestDeliveryRefusesInternalReceiver(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	f, _ := deliveryFixture(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }, true)
	n, err := NewDeliverer(f.st, DelivererOptions{}).DeliverDue(context.Background())
	if err != nil || n != 0 || hits.Load() != 0 {
		t.Fatalf("delivered %d, hits %d, err %v; want none", n, hits.Load(), err)
	}
	ds, _ := Deliveries(context.Background(), f.st, 0)
	if !strings.Contains(ds[0].LastError, "refused outbound target") {
		t.Errorf("last error %q", ds[0].LastError)
	}
}

// TestConcurrentDeliverersSendOnce is the regression test of "two concurrent
// updates both delivered delivery 1": several deliverers on the same file
// (separate store handles, as separate processes have) send each notice once.
func TestConcurrentDeliverersSendOnce(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	got := map[int64]int{}
	f, _ := deliveryFixture(t, func(w http.ResponseWriter, r *http.Request) {
		var p Payload
		json.NewDecoder(r.Body).Decode(&p)
		time.Sleep(20 * time.Millisecond) // Widen the race window.
		mu.Lock()
		got[p.Delivery]++
		mu.Unlock()
	}, true)
	var wg sync.WaitGroup
	total := atomic.Int64{}
	for range 4 {
		st := openStore(t, f.path)
		defer st.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := NewDeliverer(st, DelivererOptions{AllowPrivateTargets: true}).DeliverDue(context.Background())
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		}()
	}
	wg.Wait()
	ds, _ := Deliveries(context.Background(), f.st, 0)
	if int(total.Load()) != len(ds) || len(got) != len(ds) {
		t.Errorf("delivered %d, received %d distinct, of %d deliveries", total.Load(), len(got), len(ds))
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("delivery %d received %d times", id, n)
		}
	}
}
