package storage

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
)

// upsertRunSQL inserts one run, or replaces the run with the same id (a
// queued run becoming running, then finished).
const upsertRunSQL = `INSERT INTO runs (id, flow_id, status, created_at, record, input) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET flow_id = excluded.flow_id, status = excluded.status,
created_at = excluded.created_at, record = excluded.record, input = excluded.input`

// runInserter writes batches of runs with one prepared statement on the
// write connection. This is the hottest write of the server (a record per
// webhook call); a cached prepared single-row statement costs about 60% of
// GORM's batched Create on the load workload's records (BenchmarkRecordRun).
// The runs table itself is defined and migrated by GORM from the Run model.
type runInserter struct {
	db *sql.DB
	// maxRecord bounds an encoded record (capRecord).
	maxRecord int
	stmt      *sql.Stmt
	record    bytes.Buffer // scratch buffers, reused for every row: SQLite
	input     bytes.Buffer // copies bound values, so nothing is allocated per record
	argv      []any
}

// insert commits the batch in one transaction.
func (ri *runInserter) insert(ctx context.Context, rows []*Run) error {
	if ri.stmt == nil {
		stmt, err := ri.db.PrepareContext(ctx, upsertRunSQL)
		if err != nil {
			return fmt.Errorf("prepare run insert: %w", err)
		}
		ri.stmt = stmt
	}
	tx, err := ri.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	stmt := tx.StmtContext(ctx, ri.stmt)
	for _, r := range rows {
		args, err := ri.args(r)
		if err == nil {
			_, err = stmt.ExecContext(ctx, args...)
		}
		if err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("insert run %s: %w", r.ID, err)
		}
	}
	return tx.Commit()
}

// args binds a run, encoding its document and input into the scratch
// buffers.
func (ri *runInserter) args(r *Run) ([]any, error) {
	record, input := nullable(r.Record), nullable(r.Input)
	if r.doc != nil {
		ri.record.Reset()
		if err := encodeJSON(&ri.record, r.doc); err != nil {
			return nil, err
		}
		record = capRecord(ri.record.Bytes(), ri.maxRecord)
	}
	if r.input != nil {
		ri.input.Reset()
		if err := encodeJSON(&ri.input, r.input); err != nil {
			return nil, err
		}
		input = ri.input.Bytes()
	}
	return append(ri.argv[:0], r.ID, r.FlowID, r.Status, r.CreatedAt, record, input), nil
}

// close releases the prepared statement.
func (ri *runInserter) close() {
	if ri.stmt != nil {
		_ = ri.stmt.Close()
	}
}

// nullable stores an empty JSON column as NULL.
func nullable(raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	return raw
}
