package store

import (
	"context"
	"fmt"

	"github.com/stocktake/stocktake/internal/provenance"
)

// VersionFile is one file of a dataset version: where it was read, its own
// sha256 and its size. A single-file version's file has the version's
// checksum; for several files the version's checksum is the sha256 of their
// checksums (see internal/ingest), so lineage lists the files.
type VersionFile = provenance.VersionFile

// RecordVersionFiles stores the files of version id in catalog order,
// replacing any stored for it (a re-run of the same ingest writes the same
// rows). It is called by ingest after Ingest created the version.
func (s *Store) RecordVersionFiles(ctx context.Context, id int64, files []VersionFile) error {
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM version_files WHERE version_id = ?`, id); err != nil {
		return fmt.Errorf("store: version files of %d: %w", id, err)
	}
	for i, f := range files {
		if _, err := tx.ExecContext(ctx, `INSERT INTO version_files (version_id, position, path, sha256, size) VALUES (?, ?, ?, ?, ?)`,
			id, i, f.Path, f.SHA256, f.Size); err != nil {
			return fmt.Errorf("store: version files of %d: %w", id, err)
		}
	}
	return tx.Commit()
}

// VersionFiles returns the files of version id in catalog order; empty for
// versions ingested before files were recorded.
func (s *Store) VersionFiles(ctx context.Context, id int64) ([]VersionFile, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT path, sha256, size FROM version_files WHERE version_id = ? ORDER BY position`, id)
	if err != nil {
		return nil, fmt.Errorf("store: version files of %d: %w", id, err)
	}
	defer rows.Close()
	out := []VersionFile{}
	for rows.Next() {
		var f VersionFile
		if err := rows.Scan(&f.Path, &f.SHA256, &f.Size); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
