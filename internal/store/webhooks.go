package store

import (
	"context"
	"fmt"
	"os"
)

// This file holds the SQL of webhooks and their delivery outbox (tables
// webhooks and deliveries, migrations 00002 and 00006). Timestamps are
// passed in by the caller already formatted (fixed-width RFC 3339 UTC, as
// the alert tables use), so that they compare as strings.

// WebhookRow is one registered receiver as stored. Indicators is the
// comma-separated list of indicator ids (” = all).
type WebhookRow struct {
	ID         int64
	URL        string
	Indicators string
	Secret     string
	Created    string
}

// AddWebhook inserts a receiver and returns its id. Since the row holds a
// signing secret, the database files are first restricted to their owner
// (RestrictPermissions).
func (s *Store) AddWebhook(ctx context.Context, w WebhookRow) (int64, error) {
	if err := s.RestrictPermissions(); err != nil {
		return 0, err
	}
	var id int64
	err := s.db.QueryRowContext(ctx, "INSERT INTO webhooks (url, indicators, secret, created_at) VALUES (?, ?, ?, ?) RETURNING id",
		w.URL, w.Indicators, w.Secret, w.Created).Scan(&id)
	return id, err
}

// Webhooks lists the receivers by id.
func (s *Store) Webhooks(ctx context.Context) ([]WebhookRow, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, url, indicators, secret, created_at FROM webhooks ORDER BY id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []WebhookRow
	for rows.Next() {
		var w WebhookRow
		if err := rows.Scan(&w.ID, &w.URL, &w.Indicators, &w.Secret, &w.Created); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// RemoveWebhook deletes a receiver and (by cascade) its deliveries. It
// returns an error wrapping ErrNotFound when no webhook has that id.
func (s *Store) RemoveWebhook(ctx context.Context, id int64) error {
	r, err := s.db.ExecContext(ctx, "DELETE FROM webhooks WHERE id = ?", id)
	if err != nil {
		return err
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return fmt.Errorf("webhook %d: %w", id, ErrNotFound)
	}
	return nil
}

// DueDelivery is a delivery claimed by ClaimDeliveries, with its receiver.
type DueDelivery struct {
	ID, Webhook, Event int64
	Action             string
	Attempts           int
	MsgID              string
	URL, Secret        string
}

// ClaimDeliveries leases up to limit pending deliveries due at now (both
// formatted timestamps) to owner until leaseUntil, in one statement, and
// returns them. A delivery leased by another owner whose lease has not
// lapsed is skipped, so concurrent deliverers never send the same notice.
// newID supplies the message id of a delivery claimed for the first time.
func (s *Store) ClaimDeliveries(ctx context.Context, owner, now, leaseUntil string, limit int, newID func() string) ([]DueDelivery, error) {
	tx, err := s.beginWrite(ctx) // _txlock=immediate: writers queue here.
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.webhook_id, d.event_id, d.action, d.attempts, d.msg_id, w.url, w.secret
		FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
		WHERE d.state = 'pending' AND d.next_attempt_at <= ? AND (d.lease_until = '' OR d.lease_until <= ?)
		ORDER BY d.id LIMIT ?`, now, now, limit)
	if err != nil {
		return nil, err
	}
	var list []DueDelivery
	for rows.Next() {
		var x DueDelivery
		if err := rows.Scan(&x.ID, &x.Webhook, &x.Event, &x.Action, &x.Attempts, &x.MsgID, &x.URL, &x.Secret); err != nil {
			rows.Close()
			return nil, err
		}
		list = append(list, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range list {
		if list[i].MsgID == "" {
			list[i].MsgID = newID()
		}
		if _, err := tx.ExecContext(ctx, "UPDATE deliveries SET lease_owner = ?, lease_until = ?, msg_id = ? WHERE id = ?",
			owner, leaseUntil, list[i].MsgID, list[i].ID); err != nil {
			return nil, err
		}
	}
	return list, tx.Commit()
}

// FinishDelivery records the outcome of an attempt by the lease owner and
// releases the lease: state is delivered, pending or failed; deliveredAt is
// set for a delivered one, nextAt for a pending one. It reports false when
// the lease was lost (another owner holds the delivery), in which case
// nothing changed.
func (s *Store) FinishDelivery(ctx context.Context, id int64, owner, state string, attempts int, nextAt, deliveredAt, lastError string) (bool, error) {
	r, err := s.db.ExecContext(ctx, `UPDATE deliveries SET state = ?, attempts = ?, next_attempt_at = CASE WHEN ? = '' THEN next_attempt_at ELSE ? END,
		delivered_at = ?, last_error = ?, lease_owner = '', lease_until = '' WHERE id = ? AND lease_owner = ?`,
		state, attempts, nextAt, nextAt, deliveredAt, lastError, id, owner)
	if err != nil {
		return false, err
	}
	n, err := r.RowsAffected()
	return n == 1, err
}

// ReleaseDelivery gives back owner's lease on a delivery it did not
// attempt, leaving everything else as it was.
func (s *Store) ReleaseDelivery(ctx context.Context, id int64, owner string) error {
	_, err := s.db.ExecContext(ctx, "UPDATE deliveries SET lease_owner = '', lease_until = '' WHERE id = ? AND lease_owner = ?", id, owner)
	return err
}

// DeliveryRow is the stored state of one delivery.
type DeliveryRow struct {
	ID, Webhook, Event int64
	Action, State      string
	Attempts           int
	NextAt, LastError  string
	MsgID              string
}

// Deliveries lists the deliveries of a webhook (every webhook when 0) by id.
func (s *Store) Deliveries(ctx context.Context, webhook int64) ([]DeliveryRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, webhook_id, event_id, action, state, attempts, next_attempt_at, last_error, msg_id
		FROM deliveries WHERE ? = 0 OR webhook_id = ? ORDER BY id`, webhook, webhook)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DeliveryRow
	for rows.Next() {
		var x DeliveryRow
		if err := rows.Scan(&x.ID, &x.Webhook, &x.Event, &x.Action, &x.State, &x.Attempts, &x.NextAt, &x.LastError, &x.MsgID); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// RestrictPermissions makes the database file and its WAL and shared-memory
// companions readable and writable by the owner only (0600): the database
// holds webhook secrets. Missing companions are skipped. Open already
// creates a new file 0600; this also narrows a file created before that.
// A PostgreSQL database has no file here: its access is the server's
// (roles and pg_hba.conf), and this does nothing.
func (s *Store) RestrictPermissions() error {
	if s.db.pg {
		return nil
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		err := os.Chmod(s.path+suffix, 0o600)
		if err != nil && !(suffix != "" && os.IsNotExist(err)) {
			return fmt.Errorf("store: restricting permissions of %s: %w", s.path+suffix, err)
		}
	}
	return nil
}
