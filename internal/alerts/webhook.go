package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/stocktake/stocktake/internal/store"
)

// SignatureHeader carries "sha256=<hex>", the HMAC-SHA256 of the request
// body keyed with the webhook's secret (absent when it has no secret).
const SignatureHeader = "X-Stocktake-Signature"

// Webhook is a registered receiver of events.
type Webhook struct {
	ID  int64  `json:"id"`
	URL string `json:"url"`
	// Indicators limits the events sent to these indicator ids; empty means
	// every indicator.
	Indicators []string  `json:"indicators"`
	HasSecret  bool      `json:"has_secret"`
	Created    time.Time `json:"created"`
	secret     string
}

func (h Webhook) matches(indicator string) bool {
	if len(h.Indicators) == 0 {
		return true
	}
	for _, id := range h.Indicators {
		if id == indicator {
			return true
		}
	}
	return false
}

// AddWebhook registers a receiver. url must be an absolute http(s) URL.
// Only events detected after registration are sent to it.
func AddWebhook(ctx context.Context, st *store.Store, rawURL string, indicators []string, secret string) (Webhook, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Webhook{}, fmt.Errorf("webhook URL %q: want an absolute http or https URL", rawURL)
	}
	var clean []string
	for _, id := range indicators {
		if id = strings.TrimSpace(id); id != "" {
			clean = append(clean, id)
		}
	}
	now := time.Now().UTC()
	r, err := st.DB().ExecContext(ctx, "INSERT INTO webhooks (url, indicators, secret, created_at) VALUES (?, ?, ?, ?)",
		rawURL, strings.Join(clean, ","), secret, ts(now))
	if err != nil {
		return Webhook{}, err
	}
	id, _ := r.LastInsertId()
	return Webhook{ID: id, URL: rawURL, Indicators: clean, HasSecret: secret != "", Created: now, secret: secret}, nil
}

// Webhooks lists the registered receivers.
func Webhooks(ctx context.Context, st *store.Store) ([]Webhook, error) {
	return loadWebhooks(ctx, st.DB())
}

// RemoveWebhook deletes a receiver and its pending deliveries. It returns
// an error wrapping store.ErrNotFound when no webhook has that id.
func RemoveWebhook(ctx context.Context, st *store.Store, id int64) error {
	r, err := st.DB().ExecContext(ctx, "DELETE FROM webhooks WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("webhook %d: %w", id, store.ErrNotFound)
	}
	return nil
}

func loadWebhooks(ctx context.Context, db querier) ([]Webhook, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, url, indicators, secret, created_at FROM webhooks ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Webhook
	for rows.Next() {
		var h Webhook
		var inds, created string
		if err := rows.Scan(&h.ID, &h.URL, &inds, &h.secret, &created); err != nil {
			return nil, err
		}
		if inds != "" {
			h.Indicators = strings.Split(inds, ",")
		}
		h.HasSecret = h.secret != ""
		h.Created, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, h)
	}
	return out, rows.Err()
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
	// Client sends the requests (default: 15 s timeout).
	Client *http.Client
	// Backoff is the delay before the first retry (default 30 s); it doubles
	// on every further failure, is spread by ±20% jitter and capped at
	// MaxBackoff (default 6 h).
	Backoff, MaxBackoff time.Duration
	// MaxAttempts is the number of attempts after which a delivery is marked
	// failed (default 12).
	MaxAttempts int
	// Poll is how often the outbox is scanned for due deliveries (default
	// 5 s); Notify wakes the deliverer earlier.
	Poll   time.Duration
	Logger *slog.Logger
}

// Deliverer sends the pending deliveries of the outbox table. Any 2xx
// answer marks a delivery delivered; anything else schedules a retry. Since
// the state is in the database, a new Deliverer on the same database resumes
// where a stopped one left off.
type Deliverer struct {
	st   *store.Store
	opt  DelivererOptions
	wake chan struct{}
	mu   sync.Mutex // serialises DeliverDue
}

// NewDeliverer returns a Deliverer for st.
func NewDeliverer(st *store.Store, opt DelivererOptions) *Deliverer {
	if opt.Client == nil {
		opt.Client = &http.Client{Timeout: 15 * time.Second}
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
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	return &Deliverer{st: st, opt: opt, wake: make(chan struct{}, 1)}
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

type due struct {
	id, webhook, event int64
	action             string
	attempts           int
	url, secret        string
}

// DeliverDue makes one attempt at every pending delivery whose time has
// come and returns how many were delivered.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	rows, err := d.st.DB().QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, d.action, d.attempts, w.url, w.secret
		FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.state = 'pending' AND d.next_attempt_at <= ? ORDER BY d.id LIMIT 500`, ts(time.Now()))
	if err != nil {
		return 0, err
	}
	var list []due
	for rows.Next() {
		var x due
		if err := rows.Scan(&x.id, &x.webhook, &x.event, &x.action, &x.attempts, &x.url, &x.secret); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	delivered := 0
	for _, x := range list {
		if ctx.Err() != nil {
			return delivered, ctx.Err()
		}
		sendErr := d.send(ctx, x)
		if ctx.Err() != nil {
			// Shutting down: the attempt does not count; it is repeated later.
			return delivered, ctx.Err()
		}
		now := time.Now()
		attempts := x.attempts + 1
		// The outcome is recorded even if ctx ends now: a delivered notice
		// left pending would be sent twice.
		wctx := context.WithoutCancel(ctx)
		if sendErr == nil {
			delivered++
			_, err = d.st.DB().ExecContext(wctx, `UPDATE deliveries SET state = 'delivered', attempts = ?, delivered_at = ?, last_error = '' WHERE id = ?`,
				attempts, ts(now), x.id)
		} else {
			state := "pending"
			if attempts >= d.opt.MaxAttempts {
				state = "failed"
			}
			next := now.Add(d.backoff(attempts))
			d.opt.Logger.Warn("webhook delivery failed", "delivery", x.id, "url", x.url, "attempt", attempts, "err", sendErr)
			_, err = d.st.DB().ExecContext(wctx, `UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
				state, attempts, ts(next), sendErr.Error(), x.id)
		}
		if err != nil {
			return delivered, err
		}
	}
	return delivered, nil
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

func (d *Deliverer) send(ctx context.Context, x due) error {
	ev, err := Get(ctx, d.st, x.event)
	if err != nil {
		return err
	}
	body, err := json.Marshal(Payload{Delivery: x.id, Action: x.action, Event: ev})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, x.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "stocktake-webhook/1")
	req.Header.Set("X-Stocktake-Event", ev.UID)
	req.Header.Set("X-Stocktake-Delivery", fmt.Sprint(x.id))
	if x.secret != "" {
		req.Header.Set(SignatureHeader, Sign(x.secret, body))
	}
	resp, err := d.opt.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
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
}

// Deliveries lists the deliveries of a webhook (every webhook when id is 0).
func Deliveries(ctx context.Context, st *store.Store, webhook int64) ([]Delivery, error) {
	rows, err := st.DB().QueryContext(ctx, `SELECT id, webhook_id, event_id, action, state, attempts, next_attempt_at, last_error
		FROM deliveries WHERE ? = 0 OR webhook_id = ? ORDER BY id`, webhook, webhook)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var x Delivery
		if err := rows.Scan(&x.ID, &x.Webhook, &x.Event, &x.Action, &x.State, &x.Attempts, &x.NextAt, &x.LastError); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
