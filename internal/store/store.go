// Package store keeps observations and their provenance in an embedded SQLite
// database (modernc.org/sqlite, pure Go) or in PostgreSQL (pgx). The schema
// is managed by goose migrations embedded in the binary, one folder per
// dialect. No SQL lives outside this package.
//
// Contracts:
//   - Ingesting a dataset version is one transaction: either every series,
//     observation, climatology, series summary and the version row are
//     written, or nothing is.
//   - In Replace mode (producer files), re-ingesting bytes whose sha256 equals
//     the dataset's current version changes nothing; different bytes replace
//     the dataset's observations atomically (values added, revised or removed
//     so that the stored series equal the new file), and the older version
//     rows stay as history.
//   - Every observation references the dataset version that supplied its
//     present value: a value unchanged by a new version keeps pointing at the
//     version it first came from; a revised or new value points at the new
//     version. So a value's lineage says since when it has been what it is.
//   - In Merge mode (gridded files, one file per day), each file is its own
//     version row and its points are upserted; the other points stay.
//   - In Replace mode every value a new version revises or deletes (and
//     every producer climatology slot it changes or removes) is kept in the
//     history tables with the version that supplied it and the one that
//     replaced it, so Restore can rebuild any later-recorded version
//     exactly, as a new version row. Merge mode keeps no history.
//   - Every read method reads inside one read transaction (a Snapshot), so
//     the values, the version and the checksum it returns belong to the same
//     committed state; an ingest running at the same time is either wholly
//     visible or not at all.
//   - Each series row carries a summary (first and last date, number of
//     values, the last version that changed it) kept up to date by Ingest,
//     so listings cost one row per series, not one per observation.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/stocktake/stocktake/internal/provenance"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var migrations embed.FS

// Store is an open stocktake database: a SQLite file or a PostgreSQL
// database. It is safe for concurrent use.
type Store struct {
	db   *handle
	path string // file path, or the DSN with its password redacted

	leaseMu sync.Mutex      // SQLite leases (see TryLease)
	leases  map[string]bool // names of the held SQLite leases
}

// ErrNotFound is returned when a requested series has no stored data.
var ErrNotFound = errors.New("not in the store")

// Version is a stored dataset version row (see provenance.Version).
type Version = provenance.Version

// Source is the provenance shown next to a number (see provenance.Source).
type Source = provenance.Source

// querier is what read helpers need: the store's handle or a transaction.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Open opens the database named by path and applies any pending
// migrations. A postgres:// or postgresql:// URL (see IsPostgres) opens a
// PostgreSQL database, which must exist; anything else is a SQLite file,
// created when missing (owner-only, 0600, from the start: the database
// holds webhook secrets) together with its parent folder.
func Open(ctx context.Context, path string) (*Store, error) {
	if IsPostgres(path) {
		db, err := openPostgres(ctx, path)
		if err != nil {
			return nil, err
		}
		st := &Store{db: &handle{db: db, pg: true}, path: redactDSN(path)}
		if err := st.migrate(ctx, goose.DialectPostgres, "migrations/postgres"); err != nil {
			db.Close()
			return nil, err
		}
		return st, nil
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("store: creating folder for %s: %w", path, err)
		}
	}
	// SQLite creates a missing file with the process umask (typically 0644)
	// and its -wal and -shm companions with the file's mode: creating the
	// file first, empty (a valid empty database), makes all three 0600.
	if f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("store: creating %s: %w", path, err)
	}
	// _txlock=immediate makes write transactions take the write lock at
	// BEGIN, so two writers never deadlock upgrading a read lock. Read-only
	// transactions (Snapshot) begin deferred and never wait for a writer:
	// in WAL mode they read the last committed state.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	st := &Store{db: &handle{db: db}, path: path}
	if err := st.migrate(ctx, goose.DialectSQLite3, "migrations/sqlite"); err != nil {
		db.Close()
		return nil, err
	}
	return st, nil
}

// migrate applies the pending migrations of one dialect's folder. Goose
// records the applied versions by number (table goose_db_version), so a
// SQLite database created when the migrations lived in migrations/ keeps
// its history.
func (s *Store) migrate(ctx context.Context, dialect goose.Dialect, dir string) error {
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(dialect, s.db.db, sub)
	if err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrating %s: %w", s.path, err)
	}
	return nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path, or for PostgreSQL the URL with
// its password redacted.
func (s *Store) Path() string { return s.path }

// ExecForTesting runs one SQL statement (SQLite placeholders, see
// rebind) and returns the number of rows it changed. It exists for tests
// outside this package that must put the database in a state no public
// method produces (a delivery made due at once, say); production code must
// not call it: SQL belongs in this package.
func (s *Store) ExecForTesting(ctx context.Context, query string, args ...any) (int64, error) {
	r, err := s.db.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}

// seriesLabel names a series in messages: "seaice.south" or "co2.emissions CHN".
func seriesLabel(indicator, entity string) string {
	if entity == "" {
		return indicator
	}
	return indicator + " " + entity
}
