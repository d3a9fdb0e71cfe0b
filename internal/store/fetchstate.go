package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// FetchState is what the store remembers about fetching one dataset.
type FetchState struct {
	Dataset      string    `json:"dataset"`
	URL          string    `json:"url"`
	ETag         string    `json:"etag"`
	LastModified string    `json:"last_modified"`
	LastSuccess  time.Time `json:"last_success"`
	LastFailure  time.Time `json:"last_failure"`
	LastError    string    `json:"last_error"`
}

// GetFetchState returns the fetch state of a dataset (zero value if none).
func (s *Store) GetFetchState(ctx context.Context, dataset string) (FetchState, error) {
	st := FetchState{Dataset: dataset}
	var ok, fail string
	err := s.db.QueryRowContext(ctx, "SELECT url, etag, last_modified, last_success, last_failure, last_error FROM fetch_state WHERE dataset = ?", dataset).
		Scan(&st.URL, &st.ETag, &st.LastModified, &ok, &fail, &st.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	st.LastSuccess, _ = time.Parse(time.RFC3339Nano, ok)
	st.LastFailure, _ = time.Parse(time.RFC3339Nano, fail)
	return st, err
}

// FetchStates returns the fetch state of every dataset that has one.
func (s *Store) FetchStates(ctx context.Context) ([]FetchState, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT dataset FROM fetch_state ORDER BY dataset")
	if err != nil {
		return nil, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	out := make([]FetchState, 0, len(ids))
	for _, id := range ids {
		st, err := s.GetFetchState(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

// RecordFetchSuccess stores the validators of a successful fetch.
func (s *Store) RecordFetchSuccess(ctx context.Context, dataset, url, etag, lastModified string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, etag, last_modified, last_success) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET url = excluded.url, etag = excluded.etag, last_modified = excluded.last_modified, last_success = excluded.last_success`,
		dataset, url, etag, lastModified, at.UTC().Format(time.RFC3339Nano))
	return err
}

// RecordMirrorSuccess stores the time of a successful update read from a
// local mirror at path. The validators (ETag, Last-Modified) and URL of the
// last download are kept: they still describe the producer's file.
func (s *Store) RecordMirrorSuccess(ctx context.Context, dataset, path string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, last_success) VALUES (?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET last_success = excluded.last_success`,
		dataset, path, at.UTC().Format(time.RFC3339Nano))
	return err
}

// RecordFetchFailure stores the time and message of a failed fetch or ingest;
// the dataset's stored data stay as they were.
func (s *Store) RecordFetchFailure(ctx context.Context, dataset, url string, at time.Time, msg string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO fetch_state (dataset, url, last_failure, last_error) VALUES (?, ?, ?, ?)
		ON CONFLICT (dataset) DO UPDATE SET last_failure = excluded.last_failure, last_error = excluded.last_error`,
		dataset, url, at.UTC().Format(time.RFC3339Nano), msg)
	return err
}
