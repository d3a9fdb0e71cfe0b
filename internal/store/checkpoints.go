package store

import (
	"context"

	"github.com/stocktake/stocktake/internal/obs"
)

// This file holds the SQL of detection checkpoints (migration 00010): the
// running state of record-event detection at the start of a year, stored so
// that detection after an update reads only the data from that date on
// (internal/alerts, docs/store.md "Detection").

// AlertCheckpoint is the state of record-event detection for one series at
// the start of Date: computed from the values dated before Date of the
// dataset version VersionID, under the judging rules named by Rules. State
// is an encoding owned by internal/alerts; the store keeps it as bytes.
type AlertCheckpoint struct {
	Indicator string
	Entity    string
	Date      obs.Date
	Rules     string
	VersionID int64
	State     []byte
}

// AlertCheckpoints returns the stored checkpoints of a dataset, ordered by
// indicator, entity and date, as the snapshot sees them (so that they and
// the values read through the same snapshot are of one committed state).
func (sn *Snapshot) AlertCheckpoints(ctx context.Context, dataset string) ([]AlertCheckpoint, error) {
	rows, err := sn.tx.QueryContext(ctx, `SELECT indicator, entity, date, rules, version_id, state FROM alert_checkpoints
		WHERE dataset = ? ORDER BY indicator, entity, date`, dataset)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AlertCheckpoint
	for rows.Next() {
		var c AlertCheckpoint
		var d int64
		if err := rows.Scan(&c.Indicator, &c.Entity, &d, &c.Rules, &c.VersionID, &c.State); err != nil {
			return nil, err
		}
		c.Date = obs.Date(d)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ReplaceCheckpoints deletes the stored checkpoints of one series (dataset,
// indicator, entity) whose date is not in keep, then stores add (replacing
// a row of the same date). It runs in the event transaction, so the
// checkpoints commit with the events and the scan marker computed with them.
func (t *EventTx) ReplaceCheckpoints(dataset, indicator, entity string, keep []obs.Date, add []AlertCheckpoint) error {
	q := "DELETE FROM alert_checkpoints WHERE dataset = ? AND indicator = ? AND entity = ?"
	args := []any{dataset, indicator, entity}
	for _, d := range keep {
		q += " AND date <> ?"
		args = append(args, int64(d))
	}
	if _, err := t.tx.ExecContext(t.ctx, q, args...); err != nil {
		return err
	}
	for _, c := range add {
		if _, err := t.tx.ExecContext(t.ctx, `INSERT INTO alert_checkpoints (dataset, indicator, entity, date, rules, version_id, state)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (dataset, indicator, entity, date) DO UPDATE SET rules = excluded.rules, version_id = excluded.version_id, state = excluded.state`,
			dataset, indicator, entity, int64(c.Date), c.Rules, c.VersionID, c.State); err != nil {
			return err
		}
	}
	return nil
}

// DeleteCheckpoints deletes every stored checkpoint of a dataset except
// those of the series named in keep (indicator, then entity), so that
// checkpoints of series detection no longer computes (an indicator that
// stopped being default, a national series) do not linger.
func (t *EventTx) DeleteCheckpoints(dataset string, keep map[string]map[string]bool) error {
	rows, err := t.tx.QueryContext(t.ctx, "SELECT DISTINCT indicator, entity FROM alert_checkpoints WHERE dataset = ?", dataset)
	if err != nil {
		return err
	}
	var drop [][2]string
	for rows.Next() {
		var ind, ent string
		if err := rows.Scan(&ind, &ent); err != nil {
			rows.Close()
			return err
		}
		if !keep[ind][ent] {
			drop = append(drop, [2]string{ind, ent})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range drop {
		if _, err := t.tx.ExecContext(t.ctx, "DELETE FROM alert_checkpoints WHERE dataset = ? AND indicator = ? AND entity = ?", dataset, d[0], d[1]); err != nil {
			return err
		}
	}
	return nil
}

// discardCheckpoints deletes every detection checkpoint of a dataset, in
// the caller's write transaction (Restore: the data go back to an older
// state, so no running state computed from the newer one is kept, whatever
// changed_from says).
func discardCheckpoints(ctx context.Context, tx *wtx, dataset string) error {
	_, err := tx.ExecContext(ctx, "DELETE FROM alert_checkpoints WHERE dataset = ?", dataset)
	return err
}
