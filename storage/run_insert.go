package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// runChunk is how many runs one multi-row statement writes. SQLite runs
// one statement of many rows at a fraction of the cost of as many
// single-row statements (fewer calls into SQLite, one parse of the upsert
// per chunk); 32 rows bind at most 256 values, far below SQLite's limit.
const runChunk = 32

// Run rows come in two shapes. A finished run — the record of nearly every
// webhook call — binds the five columns of its record; a run that can
// still start (a queued run, with its input and request body) binds the
// queue's columns too. Keeping them apart keeps the hot statement as small
// as it can be.
const (
	finishedColumns  = "id, flow_id, status, created_at, record"
	resumableColumns = finishedColumns + ", input, request_body, attempts"
)

// upsertRunsSQL inserts n runs of one shape, or replaces the runs with the
// same ids; a replaced run is no longer claimed by anyone (run_claim.go).
func upsertRunsSQL(n int, resumable bool) string {
	columns, width, queue := finishedColumns, 5, "input = NULL, request_body = NULL, attempts = 0"
	if resumable {
		columns, width, queue = resumableColumns, 8,
			"input = excluded.input, request_body = excluded.request_body, attempts = excluded.attempts"
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + "), "
	rows := strings.TrimSuffix(strings.Repeat(row, n), ", ")
	return `INSERT INTO runs (` + columns + `) VALUES ` + rows + `
ON CONFLICT (id) DO UPDATE SET flow_id = excluded.flow_id, status = excluded.status,
created_at = excluded.created_at, record = excluded.record, ` + queue + `, lease_owner = NULL, lease_until = NULL`
}

// resumable reports whether a run row holds what a run needs to start.
func (r *Run) resumable() bool { return r.input != nil || len(r.Input) > 0 || r.RequestBody != nil }

// runStatements write one shape of run rows: one at a time, or runChunk.
type runStatements struct {
	one, many *sql.Stmt
}

// runInserter writes batches of runs with prepared statements on the write
// connection: chunks of runChunk rows at once, the rest one by one. This is
// the hottest write of the server (a record per webhook call); see
// BenchmarkRecordRun. The runs table is created by the migrations.
type runInserter struct {
	db *sql.DB
	// rebind numbers placeholders for the database.
	rebind func(string) string
	// setup runs before each batch (setUp); "" for nothing.
	setup string
	// maxRecord bounds an encoded record (capRecord).
	maxRecord int
	// finished and resumable write the two shapes of rows; shapes holds a
	// batch split by shape.
	finished, resumable runStatements
	shapes              [2][]*Run
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
	// A batch holds each run once (runWriter.write), so the shapes may be
	// written in any order.
	finished, resumable := ri.shapes[0][:0], ri.shapes[1][:0]
	for _, r := range rows {
		if r.resumable() {
			resumable = append(resumable, r)
		} else {
			finished = append(finished, r)
		}
	}
	ri.shapes = [2][]*Run{finished, resumable}
	defer clear(ri.shapes[0])
	defer clear(ri.shapes[1])
	if err := ri.setUp(ctx); err != nil {
		return err
	}
	tx, err := ri.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for shape, rows := range ri.shapes {
		if err := ri.insertShape(ctx, tx, rows, shape == 1); err != nil {
			_ = tx.Rollback()
			return err
		}
	}
	return tx.Commit()
}

// insertShape writes rows of one shape inside tx.
func (ri *runInserter) insertShape(ctx context.Context, tx *sql.Tx, rows []*Run, resumable bool) error {
	if len(rows) == 0 {
		return nil
	}
	stmts := ri.finished
	if resumable {
		stmts = ri.resumable
	}
	var one, many *sql.Stmt
	for len(rows) > 0 {
		n := 1
		if len(rows) >= runChunk {
			n = runChunk
			if many == nil {
				many = tx.StmtContext(ctx, stmts.many)
			}
		} else if one == nil {
			one = tx.StmtContext(ctx, stmts.one)
		}
		stmt := one
		if n == runChunk {
			stmt = many
		}
		args, err := ri.args(rows[:n], resumable)
		if err == nil {
			err = execBound(ctx, stmt, args)
		}
		if err != nil {
			return fmt.Errorf("insert runs %s…: %w", rows[0].ID, err)
		}
		rows = rows[n:]
	}
	return nil
}

// setUp prepares the write connection for a batch. On SQLite it keeps the
// connection's statement journals in memory: a statement that writes many
// rows and may fail half-way (the upsert of a chunk) saves the pages it
// changes that the transaction had already changed, so that it can be
// undone alone, and SQLite writes that journal to a temporary file, which
// doubled the bytes the server wrote per run record (8 KiB of writes for a
// 1.5 KiB record). The setting belongs to the connection and is lost with
// it, so it is made again before every batch, at the cost of one
// statement; it also serves the other writes on the connection.
func (ri *runInserter) setUp(ctx context.Context) error {
	if ri.setup == "" {
		return nil
	}
	if _, err := ri.db.ExecContext(ctx, ri.setup); err != nil {
		return fmt.Errorf("prepare the connection for run records: %w", err)
	}
	return nil
}

// execBound runs an INSERT through Query rather than Exec: SQLite's driver
// (mattn/go-sqlite3) binds a query's arguments and takes its first step in
// one call into C, where Exec crosses into C once per argument (five per
// row). An INSERT has no rows to read; its first step writes everything.
// PostgreSQL's driver runs both alike.
func execBound(ctx context.Context, stmt *sql.Stmt, args []any) error {
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return err
	}
	return rows.Close()
}

// prepare prepares the four statements once.
func (ri *runInserter) prepare(ctx context.Context) error {
	if ri.finished.one != nil {
		return nil
	}
	var stmts [4]*sql.Stmt
	for i := range stmts {
		n := 1
		if i%2 == 1 {
			n = runChunk
		}
		stmt, err := ri.db.PrepareContext(ctx, ri.rebind(upsertRunsSQL(n, i >= 2)))
		if err != nil {
			for _, s := range stmts[:i] {
				_ = s.Close()
			}
			return fmt.Errorf("prepare run insert: %w", err)
		}
		stmts[i] = stmt
	}
	ri.finished = runStatements{one: stmts[0], many: stmts[1]}
	ri.resumable = runStatements{one: stmts[2], many: stmts[3]}
	return nil
}

// args binds runs of one shape, encoding their documents and inputs into
// the arena.
func (ri *runInserter) args(rows []*Run, resumable bool) ([]any, error) {
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
		input := span{null: true}
		if resumable {
			if input, err = ri.encode(r.Input, r.input); err != nil {
				return nil, err
			}
		}
		ri.spans = append(ri.spans, record, input)
	}
	// Bind once the arena has stopped growing.
	ri.argv = ri.argv[:0]
	for i, r := range rows {
		ri.argv = append(ri.argv, r.ID, r.FlowID, r.Status, r.CreatedAt, ri.bytes(ri.spans[2*i]))
		if resumable {
			ri.argv = append(ri.argv, ri.bytes(ri.spans[2*i+1]), nullBytes(r.RequestBody), r.Attempts)
		}
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
	for _, stmts := range []runStatements{ri.finished, ri.resumable} {
		if stmts.one != nil {
			_ = stmts.one.Close()
			_ = stmts.many.Close()
		}
	}
}
