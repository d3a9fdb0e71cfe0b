package store

import (
	"context"
	"strings"
)

// batch accumulates the rows of a multi-row INSERT and executes them max
// rows per statement (the full-size statement is prepared once).
type batch struct {
	tx              *wtx
	head, row, tail string
	per, max, n     int
	args            []any
	full            *stmt
}

func newBatch(tx *wtx, head, row, tail string, per, max int) *batch {
	return &batch{tx: tx, head: head, row: row, tail: tail, per: per, max: max}
}

func (b *batch) statement(rows int) string {
	return b.head + b.row + strings.Repeat(", "+b.row, rows-1) + b.tail
}

// add queues one row (per arguments); a full batch is executed.
func (b *batch) add(ctx context.Context, args ...any) error {
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
