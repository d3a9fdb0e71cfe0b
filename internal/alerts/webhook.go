package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	cryptorand "crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/stocktake/stocktake/internal/fetch"
	"github.com/stocktake/stocktake/internal/store"
)

// SignatureHeader carries "sha256=<hex>", the HMAC-SHA256 of the request
// body keyed with the webhook's secret string (absent when it has no
// secret). It is kept because docs/alerts.md promised it to receivers, but
// it covers the body only, so a captured request can be replayed: receivers
// should verify the Standard Webhooks headers instead (see VerifyStandard).
const SignatureHeader = "X-Stocktake-Signature"

// Standard Webhooks (https://www.standardwebhooks.com) headers sent with
// every delivery: a message id that stays the same on retries, the Unix
// time of the attempt in seconds, and "v1,<base64 HMAC-SHA256>" of
// "{id}.{timestamp}.{body}" keyed with the base64-decoded secret.
const (
	HeaderWebhookID        = "webhook-id"
	HeaderWebhookTimestamp = "webhook-timestamp"
	HeaderWebhookSignature = "webhook-signature"
)

// SecretPrefix starts every webhook secret; the rest is the base64
// (standard alphabet, padded) encoding of 24 to 64 random bytes.
const SecretPrefix = "whsec_"

// ErrBadSecret means a secret is not "whsec_" followed by the base64 of 24
// to 64 bytes.
var ErrBadSecret = errors.New("webhook secret: want whsec_ followed by the base64 of 24 to 64 bytes (generate one with 'stocktake webhook add' or: openssl rand -base64 32)")

// NewSecret returns a fresh secret: "whsec_" and the base64 of 32 random
// bytes from crypto/rand.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = cryptorand.Read(b) // Never fails on supported platforms.
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// secretKey returns the HMAC key of a secret: the decoded bytes of a
// "whsec_" secret. Secrets stored before the Standard Webhooks headers (any
// other string) sign with their bytes as they are.
func secretKey(secret string) []byte {
	if rest, ok := strings.CutPrefix(secret, SecretPrefix); ok {
		if k, err := base64.StdEncoding.DecodeString(rest); err == nil {
			return k
		}
	}
	return []byte(secret)
}

// CheckSecret validates a secret given by an operator.
func CheckSecret(secret string) error {
	rest, ok := strings.CutPrefix(strings.TrimSpace(secret), SecretPrefix)
	if !ok {
		return ErrBadSecret
	}
	k, err := base64.StdEncoding.DecodeString(rest)
	if err != nil || len(k) < 24 || len(k) > 64 {
		return ErrBadSecret
	}
	return nil
}

// SignStandard returns the webhook-signature header value for a message:
// "v1," and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}".
func SignStandard(secret, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, secretKey(secret))
	fmt.Fprintf(m, "%s.%d.", id, timestamp)
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// MaxSkew is how far a webhook-timestamp may be from the receiver's clock
// for VerifyStandard to accept it.
const MaxSkew = 5 * time.Minute

// VerifyStandard checks the Standard Webhooks headers of a received request
// against secret at time now: a v1 signature of the list must match and the
// timestamp must be within MaxSkew. It is what a Go receiver needs.
func VerifyStandard(secret string, h http.Header, body []byte, now time.Time) error {
	id, tsRaw, sigs := h.Get(HeaderWebhookID), h.Get(HeaderWebhookTimestamp), h.Get(HeaderWebhookSignature)
	if id == "" || tsRaw == "" || sigs == "" {
		return errors.New("missing webhook-id, webhook-timestamp or webhook-signature")
	}
	sec, err := strconv.ParseInt(tsRaw, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %.40q: not Unix seconds", tsRaw)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > MaxSkew || d < -MaxSkew {
		return fmt.Errorf("webhook-timestamp %d is %s away from now", sec, d.Round(time.Second))
	}
	want := SignStandard(secret, id, sec, body)
	for _, s := range strings.Fields(sigs) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return nil
		}
	}
	return errors.New("no matching v1 signature")
}

// MaskURL returns rawURL with any user information replaced by "***", for
// listings and logs; a URL that does not parse is reduced to its scheme
// and host-like prefix.
func MaskURL(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		if i := strings.Index(rawURL, "@"); i >= 0 {
			return "***" + rawURL[i:]
		}
		return rawURL
	}
	if u.User != nil {
		u.User = url.User("***")
	}
	if q := u.Query(); len(q) > 0 {
		for k := range q {
			lk := strings.ToLower(k)
			if strings.Contains(lk, "token") || strings.Contains(lk, "key") || strings.Contains(lk, "secret") ||
				strings.Contains(lk, "sig") || strings.Contains(lk, "pass") || strings.Contains(lk, "auth") {
				q.Set(k, "***")
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// Webhook is a registered receiver of events. Its URL is masked (MaskURL)
// when marshalled to JSON; the secret is never exposed.
type Webhook struct {
	ID  int64  `json:"id"`
	URL string `json:"-"`
	// Indicators limits the events sent to these indicator ids; empty means
	// every indicator.
	Indicators []string  `json:"indicators"`
	HasSecret  bool      `json:"has_secret"`
	Created    time.Time `json:"created"`
	secret     string
}

// MarshalJSON writes the webhook with its URL masked.
func (h Webhook) MarshalJSON() ([]byte, error) {
	type plain Webhook
	return json.Marshal(struct {
		URL string `json:"url"`
		plain
	}{MaskURL(h.URL), plain(h)})
}

// AddWebhook registers a receiver. url must be an absolute http(s) URL
// whose host is not a loopback, private, link-local or reserved address
// (by literal or by DNS) unless allowPrivate is set. secret must pass
// CheckSecret, or be empty for an unsigned webhook. Only events detected
// after registration are sent to it.
func AddWebhook(ctx context.Context, st *store.Store, rawURL string, indicators []string, secret string, allowPrivate bool) (Webhook, error) {
	if allowPrivate {
		if err := fetch.CheckURL(ctx, rawURL, false); err != nil && !errors.Is(err, fetch.ErrForbiddenTarget) {
			return Webhook{}, fmt.Errorf("webhook URL %s: %w", MaskURL(rawURL), err)
		}
	} else if err := fetch.CheckURL(ctx, rawURL, true); err != nil {
		return Webhook{}, fmt.Errorf("webhook URL %s: %w", MaskURL(rawURL), err)
	}
	if secret != "" {
		if err := CheckSecret(secret); err != nil {
			return Webhook{}, err
		}
		secret = strings.TrimSpace(secret)
	}
	var clean []string
	for _, id := range indicators {
		if id = strings.TrimSpace(id); id != "" {
			clean = append(clean, id)
		}
	}
	now := time.Now().UTC()
	id, err := st.AddWebhook(ctx, store.WebhookRow{URL: rawURL, Indicators: strings.Join(clean, ","), Secret: secret, Created: ts(now)})
	if err != nil {
		return Webhook{}, err
	}
	return Webhook{ID: id, URL: rawURL, Indicators: clean, HasSecret: secret != "", Created: now, secret: secret}, nil
}

// Webhooks lists the registered receivers.
func Webhooks(ctx context.Context, st *store.Store) ([]Webhook, error) {
	rows, err := st.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Webhook, 0, len(rows))
	for _, r := range rows {
		h := Webhook{ID: r.ID, URL: r.URL, HasSecret: r.Secret != "", secret: r.Secret}
		if r.Indicators != "" {
			h.Indicators = strings.Split(r.Indicators, ",")
		}
		h.Created, _ = time.Parse(time.RFC3339Nano, r.Created)
		out = append(out, h)
	}
	return out, nil
}

// RemoveWebhook deletes a receiver and its pending deliveries. It returns
// an error wrapping store.ErrNotFound when no webhook has that id.
func RemoveWebhook(ctx context.Context, st *store.Store, id int64) error {
	return st.RemoveWebhook(ctx, id)
}

// Payload is the JSON body of a webhook request: the event, the action that
// caused the notice and the delivery id (the same on every retry, so that
// receivers can drop duplicates).
type Payload struct {
	Delivery int64  `json:"delivery"`
	Action   string `json:"action"` // new, retracted or reinstated
	Event
}

// Sign returns the signature header value of body under secret:
// "sha256=" followed by the lowercase hex HMAC-SHA256.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// DelivererOptions configures a Deliverer. Zero values select the defaults.
type DelivererOptions struct {
	// Client sends the requests. Nil means fetch.NewClient with a 15 s
	// timeout, no redirects followed (a 3xx is a failed attempt, so a body
	// and signature are never re-posted elsewhere) and the outbound address
	// policy (AllowPrivateTargets lifts it).
	Client *http.Client
	// AllowPrivateTargets lets the default client deliver to loopback,
	// private and link-local addresses (--allow-private-targets).
	AllowPrivateTargets bool
	// Backoff is the delay before the first retry (default 30 s); it doubles
	// on every further failure, is spread by ±20% jitter and capped at
	// MaxBackoff (default 6 h).
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is the number of attempts after which a delivery is marked
	// failed (default 12).
	MaxAttempts int
	// Poll is how often the outbox is scanned for due deliveries (default
	// 5 s); Notify wakes the deliverer earlier.
	Poll time.Duration
	// Lease is how long a claimed delivery is reserved for this deliverer
	// (default 2 min, longer than one attempt's timeout), so concurrent
	// deliverers on one database never send the same notice; a crashed
	// deliverer's claims lapse after it.
	Lease  time.Duration
	Logger *slog.Logger
	// now is the clock (tests).
	now func() time.Time
}

// Deliverer sends the pending deliveries of the outbox table. Any 2xx
// answer marks a delivery delivered; anything else schedules a retry. Since
// the state is in the database, a new Deliverer on the same database resumes
// where a stopped one left off, and deliveries are leased (see
// DelivererOptions.Lease) so that concurrent deliverers share the work.
type Deliverer struct {
	st    *store.Store
	opt   DelivererOptions
	owner string
	wake  chan struct{}
	mu    sync.Mutex // serialises DeliverDue
}

// NewDeliverer returns a Deliverer for st.
func NewDeliverer(st *store.Store, opt DelivererOptions) *Deliverer {
	if opt.Client == nil {
		opt.Client = fetch.NewClient(fetch.Policy{AllowPrivate: opt.AllowPrivateTargets, Timeout: 15 * time.Second})
	}
	if opt.Backoff <= 0 {
		opt.Backoff = 30 * time.Second
	}
	if opt.MaxBackoff <= 0 {
		opt.MaxBackoff = 6 * time.Hour
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 12
	}
	if opt.Poll <= 0 {
		opt.Poll = 5 * time.Second
	}
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.now == nil {
		opt.now = time.Now
	}
	return &Deliverer{st: st, opt: opt, owner: randomID(), wake: make(chan struct{}, 1)}
}

// randomID returns 16 random bytes in base64url, without padding.
func randomID() string {
	b := make([]byte, 16)
	_, _ = cryptorand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Notify wakes the deliverer (call it after Detect queued deliveries).
func (d *Deliverer) Notify() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers due deliveries until ctx is done, then returns ctx's error.
// A store error is logged and retried at the next poll.
func (d *Deliverer) Run(ctx context.Context) error {
	t := time.NewTicker(d.opt.Poll)
	defer t.Stop()
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.opt.Logger.Warn("webhook deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		case <-d.wake:
		}
	}
}

// DeliverDue claims every pending delivery whose time has come (at most 500,
// those leased by another deliverer excepted), makes one attempt at each and
// returns how many were delivered.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.opt.now()
	list, err := d.st.ClaimDeliveries(ctx, d.owner, ts(now), ts(now.Add(d.opt.Lease)), 500, func() string { return "msg_" + randomID() })
	if err != nil {
		return 0, err
	}
	delivered := 0
	for i, x := range list {
		if ctx.Err() != nil {
			d.release(list[i:])
			return delivered, ctx.Err()
		}
		sendErr := d.send(ctx, x)
		if ctx.Err() != nil {
			// Shutting down: the attempt does not count; it is repeated later.
			d.release(list[i:])
			return delivered, ctx.Err()
		}
		now := d.opt.now()
		attempts := x.Attempts + 1
		// The outcome is recorded even if ctx ends now: a delivered notice
		// left pending would be sent twice.
		wctx := context.WithoutCancel(ctx)
		var ok bool
		if sendErr == nil {
			delivered++
			ok, err = d.st.FinishDelivery(wctx, x.ID, d.owner, "delivered", attempts, "", ts(now), "")
		} else {
			state := "pending"
			if attempts >= d.opt.MaxAttempts {
				state = "failed"
			}
			next := now.Add(d.backoff(attempts))
			msg := limitText(sendErr.Error(), 200)
			d.opt.Logger.Warn("webhook delivery failed", "delivery", x.ID, "url", MaskURL(x.URL), "attempt", attempts, "err", msg)
			ok, err = d.st.FinishDelivery(wctx, x.ID, d.owner, state, attempts, ts(next), "", msg)
		}
		if err != nil {
			return delivered, err
		}
		if !ok {
			d.opt.Logger.Warn("webhook delivery lease lapsed before its outcome was recorded", "delivery", x.ID)
		}
	}
	return delivered, nil
}

// release gives back the claims of deliveries not attempted, unchanged, so
// another deliverer need not wait for the lease to lapse.
func (d *Deliverer) release(list []store.DueDelivery) {
	for _, x := range list {
		_ = d.st.ReleaseDelivery(context.Background(), x.ID, d.owner)
	}
}

// limitText cuts s to at most n bytes (at a rune boundary), marking the cut.
func limitText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes in all)", len(s))
}

// backoff is the delay after the n-th failed attempt (n >= 1): Backoff
// doubled n-1 times, spread by ±20% and then capped at MaxBackoff, so that
// no delay exceeds the documented maximum.
func (d *Deliverer) backoff(n int) time.Duration {
	b := d.opt.Backoff
	for i := 1; i < n && b < d.opt.MaxBackoff; i++ {
		b *= 2
	}
	b = min(b, d.opt.MaxBackoff)
	return min(time.Duration(float64(b)*(0.8+0.4*rand.Float64())), d.opt.MaxBackoff)
}

func (d *Deliverer) send(ctx context.Context, x store.DueDelivery) error {
	ev, err := Get(ctx, d.st, x.Event)
	if err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Delivery: x.ID, Action: x.Action, Event: ev})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "stocktake-webhook/1")
	req.Header.Set("X-Stocktake-Event", ev.UID)
	req.Header.Set("X-Stocktake-Delivery", fmt.Sprint(x.ID))
	if x.Secret != "" {
		now := d.opt.now().Unix()
		req.Header.Set(HeaderWebhookID, x.MsgID)
		req.Header.Set(HeaderWebhookTimestamp, strconv.FormatInt(now, 10))
		req.Header.Set(HeaderWebhookSignature, SignStandard(x.Secret, x.MsgID, now, body))
		req.Header.Set(SignatureHeader, Sign(x.Secret, body))
	} else {
		req.Header.Set(HeaderWebhookID, x.MsgID)
	}
	resp, err := d.opt.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		return fmt.Errorf("receiver answered %s (redirects are not followed for webhook deliveries)", resp.Status)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New("receiver answered " + resp.Status)
	}
	return nil
}

// Delivery is the stored state of one delivery, for listing.
type Delivery struct {
	ID        int64  `json:"id"`
	Webhook   int64  `json:"webhook"`
	Event     int64  `json:"event"`
	Action    string `json:"action"`
	State     string `json:"state"` // pending, delivered or failed
	Attempts  int    `json:"attempts"`
	NextAt    string `json:"next_attempt_at"`
	LastError string `json:"last_error"`
	// MessageID is the webhook-id header of the delivery ("" before its
	// first attempt).
	MessageID string `json:"message_id"`
}

// Deliveries lists the deliveries of a webhook (every webhook when id is 0).
func Deliveries(ctx context.Context, st *store.Store, webhook int64) ([]Delivery, error) {
	rows, err := st.Deliveries(ctx, webhook)
	if err != nil {
		return nil, err
	}
	out := make([]Delivery, 0, len(rows))
	for _, r := range rows {
		out = append(out, Delivery{ID: r.ID, Webhook: r.Webhook, Event: r.Event, Action: r.Action, State: r.State,
			Attempts: r.Attempts, NextAt: r.NextAt, LastError: r.LastError, MessageID: r.MsgID})
	}
	return out, nil
}
