package store

import (
	"context"
	"database/sql"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/pressly/goose/v3"

	"github.com/stocktake/stocktake/internal/obs"
)

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"a = ? AND b IN (?,?)", "a = $1 AND b IN ($2,$3)"},
		{"version_id <= ?1 AND superseded_by > ?1 AND d = ?2", "version_id <= $1 AND superseded_by > $1 AND d = $2"},
		{"x = '?' AND y = ? -- what?\nAND z = ?", "x = '?' AND y = $1 -- what?\nAND z = $2"},
		{`"odd?" = ?`, `"odd?" = $1`},
	}
	for _, c := range cases {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	args := pgArgs([]any{true, false, 3, "x"})
	if args[0] != int64(1) || args[1] != int64(0) || args[2] != 3 || args[3] != "x" {
		t.Errorf("pgArgs: %v", args)
	}
}

// TestNewSQLiteFileIsPrivate: Open creates the database file, and SQLite its
// -wal and -shm companions, owner-only from the start, before any secret is
// written; RestrictPermissions still narrows a file made before.
func TestNewSQLiteFileIsPrivate(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Ingest(ctx, VersionInfo{Dataset: "ds", SHA256: "a"}, &obs.Parsed{Series: []obs.Series{daily("x", 0, 1, 2)}}, Replace); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		fi, err := os.Stat(path + suffix)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(path+suffix), fi.Mode().Perm())
		}
	}
	old := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(old, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, old)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o644 {
		t.Fatalf("Open changed an existing file's mode to %v", fi.Mode().Perm())
	}
	if err := s2.RestrictPermissions(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(old); fi.Mode().Perm() != 0o600 {
		t.Errorf("after RestrictPermissions: %v, want 0600", fi.Mode().Perm())
	}
}

// TestOldLayoutDatabaseOpens: a SQLite database migrated when the
// migration files lived in migrations/ (goose records versions by number,
// not by folder) opens with the files in migrations/sqlite/, keeps its
// data and applies nothing again.
func TestOldLayoutDatabaseOpens(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	// The old layout: the same files at the root of the migrations folder.
	old := fstest.MapFS{}
	files, err := fs.Glob(migrations, "migrations/sqlite/*.sql")
	if err != nil || len(files) < 7 {
		t.Fatalf("embedded migrations: %v %v", files, err)
	}
	for _, f := range files[:7] {
		b, _ := fs.ReadFile(migrations, f)
		old[filepath.Base(f)] = &fstest.MapFile{Data: b}
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO dataset_versions (dataset, producer_version, source, sha256, size, retrieved_at, ingested_at, row_count, current, history)
		VALUES ('ds', 'v1', 'file', 'abc', 3, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	var applied int
	db.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&applied)
	db.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("opening a database of the old layout: %v", err)
	}
	defer s.Close()
	v, ok, err := s.CurrentVersion(ctx, "ds")
	if err != nil || !ok || v.SHA256 != "abc" {
		t.Fatalf("current version after reopening: %+v %v %v", v, ok, err)
	}
	var now int
	s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM goose_db_version").Scan(&now)
	if want := applied + len(files) - 7; now != want {
		t.Errorf("goose_db_version has %d rows after Open, want %d (no migration applied twice)", now, want)
	}
}
