package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// runColumns are the columns of one run row, in the order runInserter
// binds them.
const runColumns = 8

// runChunk is how many runs one multi-row statement writes. SQLite runs
// one statement of many rows at a fraction of the cost of as many
// single-row statements (fewer calls into SQLite, one parse of the upsert
// per chunk); 32 rows bind 256 values, far below SQLite's limit.
const runChunk = 32

// upsertRunsSQL inserts n runs, or replaces the runs with the same ids; a
// replaced run is no longer claimed by anyone (run_claim.go).
func upsertRunsSQL(n int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", runColumns), ", ") + "), "
	rows := strings.TrimSuffix(strings.Repeat(row, n), ", ")
	return `INSERT INTO runs (id, flow_id, status, created_at, record, input, request_body, attempts) VALUES ` + rows + `
ON CONFLICT (id) DO UPDATE SET flow_id = excluded.flow_id, status = excluded.status,
created_at = excluded.created_at, record = excluded.record, input = excluded.input,
request_body = excluded.request_body, attempts = excluded.attempts, lease_owner = NULL, lease_until = NULL`
}

// runInserter writes batches of runs with prepared statements on the write
// connection: chunks of runChunk rows at once, the rest one by one. This is
// the hottest write of the server (a record per webhook call); see
// BenchmarkRecordRun. The runs table itself is defined and migrated by GORM
// from the Run model.
type runInserter struct {
	db *sql.DB
	// maxRecord bounds an encoded record (capRecord).
	maxRecord int
	one, many *sql.Stmt
	// arena holds the encoded records and inputs of one statement: SQLite
	// copies bound values, so it is reused for every statement.
	arena []byte
	spans []span
	argv  []any
}

// span is a value encoded into the arena: arena[start:end], or NULL when
// null is set.
type span struct {
	start, end int
	null       bool
}

// insert commits the batch in one transaction.
func (ri *runInserter) insert(ctx context.Context, rows []*Run) error {
	if err := ri.prepare(ctx); err != nil {
		return err
	}
	tx, err := ri.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	many, one := tx.StmtContext(ctx, ri.many), tx.StmtContext(ctx, ri.one)
	for len(rows) > 0 {
		n, stmt := 1, one
		if len(rows) >= runChunk {
			n, stmt = runChunk, many
		}
		args, err := ri.args(rows[:n])
		if err == nil {
			_, err = stmt.ExecContext(ctx, args...)
		}
		if err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("insert runs %s…: %w", rows[0].ID, err)
		}
		rows = rows[n:]
	}
	return tx.Commit()
}

// prepare prepares the two statements once.
func (ri *runInserter) prepare(ctx context.Context) error {
	if ri.one != nil {
		return nil
	}
	one, err := ri.db.PrepareContext(ctx, upsertRunsSQL(1))
	if err != nil {
		return fmt.Errorf("prepare run insert: %w", err)
	}
	many, err := ri.db.PrepareContext(ctx, upsertRunsSQL(runChunk))
	if err != nil {
		_ = one.Close()
		return fmt.Errorf("prepare run insert: %w", err)
	}
	ri.one, ri.many = one, many
	return nil
}

// args binds runs, encoding their documents and inputs into the arena.
func (ri *runInserter) args(rows []*Run) ([]any, error) {
	ri.arena, ri.spans = ri.arena[:0], ri.spans[:0]
	for _, r := range rows {
		record, err := ri.encode(r.Record, r.doc)
		if err != nil {
			return nil, err
		}
		if r.doc != nil {
			// Cap the record where it stands: it is the last thing encoded.
			capped := capRecord(ri.arena[record.start:record.end], ri.maxRecord)
			ri.arena = append(ri.arena[:record.start], capped...)
			record.end = len(ri.arena)
		}
		input, err := ri.encode(r.Input, r.input)
		if err != nil {
			return nil, err
		}
		ri.spans = append(ri.spans, record, input)
	}
	// Bind once the arena has stopped growing.
	ri.argv = ri.argv[:0]
	for i, r := range rows {
		ri.argv = append(ri.argv, r.ID, r.FlowID, r.Status, r.CreatedAt, ri.bytes(ri.spans[2*i]), ri.bytes(ri.spans[2*i+1]),
			nullBytes(r.RequestBody), r.Attempts)
	}
	return ri.argv, nil
}

// encode appends v as JSON to the arena, or raw when v is nil (a record
// read back, already encoded); nothing is NULL.
func (ri *runInserter) encode(raw []byte, v any) (span, error) {
	start := len(ri.arena)
	if v == nil {
		if len(raw) == 0 {
			return span{null: true}, nil
		}
		ri.arena = append(ri.arena, raw...)
		return span{start: start, end: len(ri.arena)}, nil
	}
	var err error
	if ri.arena, err = appendJSON(ri.arena, v); err != nil {
		return span{}, err
	}
	return span{start: start, end: len(ri.arena)}, nil
}

// bytes is the bound value of a span.
func (ri *runInserter) bytes(s span) any {
	if s.null {
		return nil
	}
	return ri.arena[s.start:s.end:s.end]
}

// nullBytes binds b, or NULL when there is none (the driver would store an
// empty blob).
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// close releases the prepared statements.
func (ri *runInserter) close() {
	if ri.one != nil {
		_ = ri.one.Close()
		_ = ri.many.Close()
	}
}
