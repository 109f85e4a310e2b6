package storage

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/hookflow/hookflow/events"
)

// RunOutbox starts flow runs from events the way Outbox queues webhook
// deliveries: the runs an event starts are inserted as queued runs in the
// transaction of the write that raised it, so they commit with the write
// or not at all, and the run queue's workers execute them. An
// acknowledged write cannot lose its flows' runs to a crash, and a write
// that fails starts none.
//
// ItemRuns and RunsCommitting/RunsCommitted run on the item writer's
// goroutine, which every write waits on: with no flow interested in a
// write, ItemRuns should return nil without allocating.
type RunOutbox interface {
	// ItemRuns returns the runs one write's events start. ctx is the
	// context of the write's caller: it tells a write made by a flow run
	// (events.ChainFrom). An error fails the write.
	ItemRuns(ctx context.Context, events []ItemEvent) ([]*Run, error)
	// EventRuns returns the runs an event other than an item write starts
	// (an emitted event, a collection change). An error fails the event's
	// write.
	EventRuns(ctx context.Context, e *events.Event) ([]*Run, error)
	// RunsCommitting is called just before a transaction holding new runs
	// commits, and RunsCommitted right after: with the runs when the
	// commit succeeded, with nil when it failed.
	RunsCommitting()
	RunsCommitted(rows []*Run)
}

// owedRuns returns the runs a successful write starts: those of its item
// events and those it was given (writeTx.owedRuns).
func (w *itemWriter) owedRuns(tx *writeTx, evs []ItemEvent) ([]*Run, error) {
	rows := tx.owedRuns
	if w.runOutbox == nil || len(evs) == 0 {
		return rows, nil
	}
	ctx := tx.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	more, err := w.runOutbox.ItemRuns(ctx, evs)
	if err != nil {
		return nil, err
	}
	return append(rows, more...), nil
}

// oweEvent adds the runs an event raised inside a write (a collection
// change) starts to the write's own.
func (s *Store) oweEvent(w *writeTx, e events.Event) error {
	if s.runOutbox == nil {
		return nil
	}
	ctx := w.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	rows, err := s.runOutbox.EventRuns(ctx, &e)
	if err != nil {
		return err
	}
	w.owedRuns = append(w.owedRuns, rows...)
	return nil
}

// insertQueuedRuns stores runs that can start inside a write's transaction,
// with the statement the run writer uses for queued runs. The one-run
// statement, by far the most frequent, is prepared once on the write
// connection (the statement cache), which spares every write a parse of it.
func (w *itemWriter) insertQueuedRuns(tx *writeTx, rows []*Run) error {
	ctx := context.Background()
	sqlTx, _ := tx.tx.Statement.ConnPool.(*sql.Tx)
	for start := 0; start < len(rows); start += runChunk {
		chunk := rows[start:min(start+runChunk, len(rows))]
		args := make([]any, 0, 8*len(chunk))
		for _, r := range chunk {
			enc, err := r.encoded(w.maxRecord)
			if err != nil {
				return err
			}
			args = append(args, enc.ID, enc.FlowID, enc.Status, enc.CreatedAt, []byte(enc.Record), []byte(enc.Input),
				nullBytes(enc.RequestBody), enc.Attempts)
		}
		var err error
		if len(chunk) == 1 && sqlTx != nil {
			err = w.execCached(ctx, sqlTx, queuedRunSQL, args)
		} else {
			err = tx.tx.Exec(upsertRunsSQL(len(chunk), true), args...).Error
		}
		if err != nil {
			return fmt.Errorf("queue runs of events: %w", translate(err))
		}
	}
	return nil
}

// queuedRunSQL inserts one queued run; commit prepares it with the
// savepoints, before its transaction holds the write connection.
var queuedRunSQL = upsertRunsSQL(1, true)

// execCached runs a statement of the statement cache inside sqlTx (one
// not cached is prepared in the transaction).
func (w *itemWriter) execCached(ctx context.Context, sqlTx *sql.Tx, query string, args []any) error {
	stmt, err := w.stmts.in(ctx, sqlTx, query)
	if err == nil {
		_, err = stmt.ExecContext(ctx, args...)
	}
	return err
}
