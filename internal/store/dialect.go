package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
)

// This file holds what lets one body of SQL run on both backends. The SQL
// of this package is written with SQLite's placeholders: "?" (the next
// argument) and "?N" (argument N, 1-based). On PostgreSQL every query is
// rewritten to "$N" placeholders before it is sent, and Go bool arguments
// are sent as 0 or 1, since flags are INTEGER columns on both backends.
// Everything else the package writes is portable as is: INSERT …
// RETURNING, INSERT … ON CONFLICT … DO UPDATE SET x = excluded.x, and
// types whose values round-trip alike (INTEGER/BIGINT, DOUBLE PRECISION,
// TEXT).

// rebind rewrites the "?" and "?N" placeholders of q as PostgreSQL's "$N".
// Question marks inside single-quoted literals, double-quoted identifiers
// and "--" comments are left alone.
func rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case c == '\'' || c == '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+1])
			i += j
		case c == '?':
			k := i + 1
			for k < len(q) && q[k] >= '0' && q[k] <= '9' {
				k++
			}
			b.WriteByte('$')
			if k > i+1 {
				b.WriteString(q[i+1 : k])
			} else {
				n++
				b.WriteString(strconv.Itoa(n))
			}
			i = k - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pgArgs converts the arguments of a query for PostgreSQL: bools become
// the integers 0 and 1 that the INTEGER flag columns hold.
func pgArgs(args []any) []any {
	for i, a := range args {
		if v, ok := a.(bool); ok {
			if v {
				args[i] = int64(1)
			} else {
				args[i] = int64(0)
			}
		}
	}
	return args
}

// handle is the database handle with the dialect applied: the methods of
// *sql.DB that this package uses, with queries and arguments converted for
// PostgreSQL when pg is set.
type handle struct {
	db *sql.DB
	pg bool
}

func (h *handle) prep(q string, args []any) (string, []any) {
	if !h.pg {
		return q, args
	}
	return rebind(q), pgArgs(args)
}

func (h *handle) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = h.prep(q, args)
	return h.db.ExecContext(ctx, q, args...)
}

func (h *handle) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = h.prep(q, args)
	return h.db.QueryContext(ctx, q, args...)
}

func (h *handle) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = h.prep(q, args)
	return h.db.QueryRowContext(ctx, q, args...)
}

// Close closes the underlying pool.
func (h *handle) Close() error { return h.db.Close() }

// wtx is a transaction with the dialect applied. On PostgreSQL a write
// transaction runs on one pinned connection (conn), so that COPY can use
// the same session (see copyRows).
type wtx struct {
	tx   *sql.Tx
	conn *sql.Conn // PostgreSQL write transactions only
	pg   bool
}

func (t *wtx) prep(q string, args []any) (string, []any) {
	if !t.pg {
		return q, args
	}
	return rebind(q), pgArgs(args)
}

func (t *wtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	q, args = t.prep(q, args)
	return t.tx.ExecContext(ctx, q, args...)
}

func (t *wtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	q, args = t.prep(q, args)
	return t.tx.QueryContext(ctx, q, args...)
}

func (t *wtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	q, args = t.prep(q, args)
	return t.tx.QueryRowContext(ctx, q, args...)
}

// PrepareContext prepares a statement inside the transaction.
func (t *wtx) PrepareContext(ctx context.Context, q string) (*stmt, error) {
	if t.pg {
		q = rebind(q)
	}
	st, err := t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &stmt{st: st, pg: t.pg}, nil
}

// Commit commits the transaction and gives its connection back.
func (t *wtx) Commit() error {
	err := t.tx.Commit()
	if t.conn != nil {
		t.conn.Close()
	}
	return err
}

// Rollback abandons the transaction (a no-op returning sql.ErrTxDone after
// Commit) and gives its connection back.
func (t *wtx) Rollback() error {
	err := t.tx.Rollback()
	if t.conn != nil {
		t.conn.Close()
	}
	return err
}

// stmt is a prepared statement with the dialect's argument conversion.
type stmt struct {
	st *sql.Stmt
	pg bool
}

func (s *stmt) args(args []any) []any {
	if s.pg {
		return pgArgs(args)
	}
	return args
}

func (s *stmt) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return s.st.ExecContext(ctx, s.args(args)...)
}

func (s *stmt) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return s.st.QueryContext(ctx, s.args(args)...)
}

func (s *stmt) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return s.st.QueryRowContext(ctx, s.args(args)...)
}

func (s *stmt) Close() error { return s.st.Close() }

// beginWrite starts a write transaction. Writers are serialised on both
// backends: SQLite takes its write lock at BEGIN (_txlock=immediate), and
// on PostgreSQL the transaction first takes a transaction-scoped advisory
// lock (writeLockKey). Serialised writers keep the contracts the rest of
// the package was written for: a dataset version's id is allocated and
// committed before the next writer allocates one, so Generation (the
// newest id) never goes back to a state without data it has shown, and
// read-check-write sequences (the sha256 check of Ingest, the lease claim
// of ClaimDeliveries) see every earlier write.
func (s *Store) beginWrite(ctx context.Context) (*wtx, error) {
	if !s.db.pg {
		tx, err := s.db.db.BeginTx(ctx, nil)
		if err != nil {
			return nil, err
		}
		return &wtx{tx: tx}, nil
	}
	conn, err := s.db.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		conn.Close()
		return nil, err
	}
	t := &wtx{tx: tx, conn: conn, pg: true}
	if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", writeLockKey); err != nil {
		t.Rollback()
		return nil, err
	}
	return t, nil
}

// beginRead starts a read-only transaction that sees one committed state
// throughout: SQLite's deferred read transaction in WAL mode, PostgreSQL's
// REPEATABLE READ READ ONLY.
func (s *Store) beginRead(ctx context.Context) (*wtx, error) {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.db.pg {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.db.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &wtx{tx: tx, pg: s.db.pg}, nil
}
