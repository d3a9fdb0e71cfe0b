package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// This file holds what only the PostgreSQL backend needs: opening a DSN,
// the advisory locks, and bulk writes with COPY.

// writeLockKey is the PostgreSQL advisory lock (a transaction-scoped one)
// that every write transaction takes first (see beginWrite). It is the
// 64-bit value of the ASCII bytes "stocktkW".
const writeLockKey int64 = 0x73746f636b746b57

// IsPostgres reports whether a --db value names a PostgreSQL database (a
// postgres:// or postgresql:// URL) rather than a SQLite file.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// IsPostgres reports whether the store is a PostgreSQL database.
func (s *Store) IsPostgres() bool { return s.db.pg }

// redactDSN returns dsn with its password, if any, replaced by "xxxxx", so
// that it can be printed.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

// openPostgres connects to the PostgreSQL database dsn (through pgx's
// database/sql driver) and checks that it answers.
func openPostgres(ctx context.Context, dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", redactDSN(dsn), err)
	}
	db := stdlib.OpenDB(*cfg)
	// A serve replica answers from a handful of connections; a pool far
	// below PostgreSQL's default max_connections (100) leaves room for
	// several replicas and a watcher.
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(8)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connecting to %s: %w", redactDSN(dsn), err)
	}
	return db, nil
}

// copyRows writes rows into table (columns cols) with COPY, inside the
// transaction t, which must be a PostgreSQL write transaction.
func (t *wtx) copyRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if t.conn == nil {
		return errors.New("store: COPY outside a PostgreSQL write transaction")
	}
	return t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("store: COPY needs a pgx connection, have %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	})
}

// Lease is a named lock held by one process at a time: on PostgreSQL a
// session advisory lock (pg_try_advisory_lock) on a connection the lease
// keeps open, so the lock goes with the process if it dies; on SQLite a
// process-local lock (one machine, one database file: 'watch' runs once per
// file by convention, and the store's own write lock and delivery leases
// already keep two writers from ingesting or delivering twice).
type Lease struct {
	conn    *sql.Conn // PostgreSQL
	release func()    // SQLite
}

// Release gives the lease back. It is safe to call more than once.
func (l *Lease) Release() {
	if l == nil {
		return
	}
	if l.conn != nil {
		// Closing a pooled connection would keep the session, and with it
		// the lock: unlock explicitly first.
		l.conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock_all()")
		l.conn.Close()
		l.conn = nil
	}
	if l.release != nil {
		l.release()
		l.release = nil
	}
}

// Held reports whether the lease is still held: false once released, or
// when the PostgreSQL session holding the lock is gone.
func (l *Lease) Held(ctx context.Context) bool {
	if l == nil {
		return false
	}
	if l.conn != nil {
		return l.conn.PingContext(ctx) == nil
	}
	return l.release != nil
}

// TryLease takes the lease called name if no other holder has it; ok is
// false (and the Lease nil) when another process or goroutine holds it.
// The caller releases it with Release.
func (s *Store) TryLease(ctx context.Context, name string) (lease *Lease, ok bool, err error) {
	if !s.db.pg {
		s.leaseMu.Lock()
		defer s.leaseMu.Unlock()
		if s.leases == nil {
			s.leases = map[string]bool{}
		}
		if s.leases[name] {
			return nil, false, nil
		}
		s.leases[name] = true
		return &Lease{release: func() {
			s.leaseMu.Lock()
			delete(s.leases, name)
			s.leaseMu.Unlock()
		}}, true, nil
	}
	conn, err := s.db.db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	h := fnv.New64a()
	h.Write([]byte("stocktake lease " + name))
	key := int64(h.Sum64())
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		conn.Close()
		return nil, false, err
	}
	if !got {
		conn.Close()
		return nil, false, nil
	}
	return &Lease{conn: conn}, true, nil
}
