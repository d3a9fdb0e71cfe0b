package store

import (
	"context"
	"strings"
)

// batch accumulates the rows of a multi-row INSERT and executes them max
// rows per statement (the full-size statement is prepared once). A copy
// batch (PostgreSQL, newCopyBatch) sends its rows with COPY instead.
type batch struct {
	tx              *wtx
	head, row, tail string
	per, max, n     int
	args            []any
	full            *stmt

	copyTable string   // COPY target: the table, or a staging table
	copyCols  []string // its columns, in the order of add's arguments
	merge     string   // run after each COPY (staging: move the rows on)
	rows      [][]any
}

// newCopyBatch makes a batch that writes its rows with COPY into table
// (columns cols, in the order of add's arguments), max rows per COPY. When
// merge is not empty, table is a staging table: merge is run after each
// COPY (it must move the rows on, typically INSERT … SELECT … ON CONFLICT)
// and the staging table is emptied. PostgreSQL write transactions only.
func newCopyBatch(tx *wtx, table string, cols []string, merge string, max int) *batch {
	return &batch{tx: tx, copyTable: table, copyCols: cols, merge: merge, max: max}
}

// flushCopy sends the queued rows of a copy batch.
func (b *batch) flushCopy(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	if err := b.tx.copyRows(ctx, b.copyTable, b.copyCols, b.rows); err != nil {
		return err
	}
	b.rows = b.rows[:0]
	if b.merge == "" {
		return nil
	}
	if _, err := b.tx.ExecContext(ctx, b.merge); err != nil {
		return err
	}
	_, err := b.tx.ExecContext(ctx, "TRUNCATE "+b.copyTable)
	return err
}

func newBatch(tx *wtx, head, row, tail string, per, max int) *batch {
	return &batch{tx: tx, head: head, row: row, tail: tail, per: per, max: max}
}

func (b *batch) statement(rows int) string {
	return b.head + b.row + strings.Repeat(", "+b.row, rows-1) + b.tail
}

// add queues one row (per arguments); a full batch is executed.
func (b *batch) add(ctx context.Context, args ...any) error {
	if b.copyTable != "" {
		b.rows = append(b.rows, append([]any(nil), args...))
		if len(b.rows) < b.max {
			return nil
		}
		return b.flushCopy(ctx)
	}
	if b.args == nil { // allocated on first use: most history batches stay empty
		b.args = make([]any, 0, b.per*b.max)
	}
	b.args = append(b.args, args...)
	b.n++
	if b.n < b.max {
		return nil
	}
	if b.full == nil {
		st, err := b.tx.PrepareContext(ctx, b.statement(b.max))
		if err != nil {
			return err
		}
		b.full = st
	}
	_, err := b.full.ExecContext(ctx, b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

// flush executes the queued rows.
func (b *batch) flush(ctx context.Context) error {
	if b.copyTable != "" {
		return b.flushCopy(ctx)
	}
	if b.n == 0 {
		return nil
	}
	_, err := b.tx.ExecContext(ctx, b.statement(b.n), b.args...)
	b.args, b.n = b.args[:0], 0
	return err
}

func (b *batch) close() {
	if b.full != nil {
		b.full.Close()
	}
}
