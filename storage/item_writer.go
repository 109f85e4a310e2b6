package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"gorm.io/gorm"
)

// maxItemBatch bounds the writes committed in one transaction.
const maxItemBatch = 128

// errItemWriterClosed is returned for writes submitted after Close.
var errItemWriterClosed = errors.New("item writer is closed")

// itemWriter applies every item and collection write on one goroutine, in
// group commits: whatever writes queued up while the previous transaction
// was committing go into the next one. Each write runs inside its own
// savepoint, so a failing write (a validation error, a duplicate id) is
// rolled back alone and the others of its batch still commit; a write is
// never half-applied. The waiting caller gets its result once the batch has
// committed; then the write's events are handed to notify, in commit order,
// and the collection it changed to changed (quiet writes included).
//
// Under load a batch holds many writes and the commit (the fsync) is shared;
// at rest each write commits at once, so a lone request is not delayed.
type itemWriter struct {
	db      *gorm.DB
	logger  *slog.Logger
	notify  func(ItemEvent)
	changed func(collection string)
	outbox  Outbox
	stmts   *stmtCache
	engine  engine
	jobs    chan *itemJob
	cache   *collectionCache // used by the writer goroutine only
	// announce tells other servers sharing the database which collections
	// a batch wrote, inside its transaction (nil: none share it).
	announce func(tx *gorm.DB, collections []string) error
	mu       sync.RWMutex
	closed   bool
	done     chan struct{}

	// runOutbox starts the flows events trigger; maxRecord bounds the
	// records of the runs it queues.
	runOutbox RunOutbox
	maxRecord int
}

// itemJob is one write: apply runs it inside the batch transaction.
type itemJob struct {
	ctx context.Context
	// collection is the collection whose items the write changes; "" for
	// writes that change none (a collection's schema or indexes).
	collection string
	// lock is the collection the write changes, items or not, which a
	// batch on a shared database locks first (lockCollections).
	lock   string
	apply  func(w *writeTx) (any, []ItemEvent, error)
	result any
	events []ItemEvent
	err    error
	done   chan struct{}
}

func newItemWriter(db *gorm.DB, stmts *stmtCache, e engine, logger *slog.Logger, notify func(ItemEvent), changed func(string),
	outbox Outbox, runs RunOutbox, maxRecord int,
) *itemWriter {
	w := &itemWriter{
		db:        db,
		stmts:     stmts,
		engine:    e,
		logger:    logger,
		notify:    notify,
		changed:   changed,
		outbox:    outbox,
		jobs:      make(chan *itemJob, 1024),
		cache:     newCollectionCache(),
		done:      make(chan struct{}),
		runOutbox: runs,
		maxRecord: maxRecord,
	}
	go w.loop()
	return w
}

// do submits a write that changes the items of collection ("" for none)
// and waits until its batch has committed. When ctx ends first the caller
// stops waiting; a write already picked up still completes, one not yet
// started is skipped.
func (w *itemWriter) do(ctx context.Context, collection string, apply func(w *writeTx) (any, []ItemEvent, error)) (any, error) {
	return w.submit(&itemJob{
		ctx:        ctx,
		collection: collection,
		lock:       collection,
		apply:      apply,
		done:       make(chan struct{}),
	})
}

// doOn submits a write that changes collection itself (its schema or
// indexes) but none of its items, and waits like do.
func (w *itemWriter) doOn(ctx context.Context, collection string, apply func(w *writeTx) (any, []ItemEvent, error)) (any, error) {
	return w.submit(&itemJob{
		ctx:   ctx,
		lock:  collection,
		apply: apply,
		done:  make(chan struct{}),
	})
}

// submit queues a write and waits for its batch.
func (w *itemWriter) submit(j *itemJob) (any, error) {
	ctx := j.ctx
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return nil, errItemWriterClosed
	}
	w.jobs <- j
	w.mu.RUnlock()
	select {
	case <-j.done:
		return j.result, j.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// close commits what is queued and stops the writer.
func (w *itemWriter) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	close(w.jobs)
	w.mu.Unlock()
	<-w.done
}

func (w *itemWriter) loop() {
	defer close(w.done)
	batch := make([]*itemJob, 0, maxItemBatch)
	for first := range w.jobs {
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxItemBatch {
			select {
			case next, ok := <-w.jobs:
				if !ok {
					break drain
				}
				batch = append(batch, next)
			default:
				break drain
			}
		}
		w.commit(batch)
	}
}

// The statements around each write of a batch.
const (
	savepointSQL  = "SAVEPOINT w"
	releaseSQL    = "RELEASE w"
	rollbackToSQL = "ROLLBACK TO w"
)

// maxBatchTries bounds how often a batch that PostgreSQL aborted to break
// a deadlock, or as a serialization failure, is run again.
const maxBatchTries = 3

// commit runs a batch in one transaction and answers its callers. Each
// write runs in a savepoint that is released when it succeeds (so they
// never nest) and rolled back when it fails. The webhook deliveries and
// flow runs a write owes are stored inside its savepoint. A batch aborted
// by PostgreSQL as a deadlock or serialization failure (servers writing
// the same rows at once) is run again whole, a few times.
func (w *itemWriter) commit(batch []*itemJob) {
	var err error
	for try := 1; ; try++ {
		err = w.attempt(batch)
		if err == nil || try == maxBatchTries || !retryable(err) {
			break
		}
		w.logger.Warn("item write batch conflicted with another server's; running it again",
			"writes", len(batch), "try", try, "error", err)
	}
	if err != nil {
		w.logger.Error("item write batch failed", "writes", len(batch), "error", err)
	}
	for _, j := range batch {
		if err != nil && j.err == nil {
			j.result, j.events, j.err = nil, nil, fmt.Errorf("commit items: %w", translate(err))
		}
		if j.err == nil && w.notify != nil {
			for _, e := range j.events {
				w.notify(e)
			}
		}
		if j.err == nil && w.changed != nil && j.collection != "" {
			w.changed(j.collection)
		}
		close(j.done)
	}
}

// runInSavepoint runs one job of a batch inside a savepoint: a job that
// fails is rolled back alone (its cached rows and queued work with it),
// the batch goes on. It reports whether the job wrote a collection; an
// error means the transaction itself failed.
func (w *itemWriter) runInSavepoint(tx *gorm.DB, j *itemJob, exec func(string) error, owed *owedWork) (bool, error) {
	j.result, j.events, j.err = nil, nil, nil
	if err := j.ctx.Err(); err != nil {
		j.err = err
		return false, nil
	}
	if err := exec(savepointSQL); err != nil {
		return false, fmt.Errorf("savepoint: %w", err)
	}
	wt := &writeTx{
		tx:      tx,
		ctx:     j.ctx,
		cache:   w.cache,
		lockRow: w.engine.lockRow,
		before:  map[string]cacheEntry{},
	}
	mark := owed.mark()
	j.result, j.events, j.err = w.run(wt, j, owed)
	if j.err != nil {
		wt.undo()
		owed.rollback(mark)
		if err := exec(rollbackToSQL); err != nil {
			return false, fmt.Errorf("roll back savepoint: %w", err)
		}
	}
	if err := exec(releaseSQL); err != nil {
		return false, fmt.Errorf("end savepoint: %w", err)
	}
	return j.err == nil && j.collection != "", nil
}

// attempt runs a batch in one transaction and hands the outboxes what it
// queued once it committed (nothing when it failed).
func (w *itemWriter) attempt(batch []*itemJob) error {
	var owed owedWork // what this batch queues
	committing, committingRuns := false, false
	ctx := context.Background()
	// The savepoint statements run twice per write: prepared once, they
	// skip a parse each time.
	if err := w.stmts.prepare(ctx, savepointSQL, releaseSQL, rollbackToSQL, queuedRunSQL); err != nil {
		w.logger.Error("preparing savepoints failed", "error", err)
	}
	err := w.db.Transaction(func(tx *gorm.DB) error {
		sqlTx, _ := tx.Statement.ConnPool.(*sql.Tx)
		exec := func(query string) error {
			if sqlTx == nil {
				return tx.Exec(query).Error
			}
			stmt, err := w.stmts.in(ctx, sqlTx, query)
			if err == nil {
				_, err = stmt.ExecContext(ctx)
			}
			return err
		}
		if err := w.lockCollections(tx, batch); err != nil {
			return err
		}
		var written []string
		for _, j := range batch {
			wrote, err := w.runInSavepoint(tx, j, exec, &owed)
			if err != nil {
				return err
			}
			if wrote {
				written = append(written, j.collection)
			}
		}
		if err := w.cache.flush(tx); err != nil {
			return err
		}
		if w.announce != nil && len(written) > 0 {
			slices.Sort(written)
			if err := w.announce(tx, slices.Compact(written)); err != nil {
				return err
			}
		}
		if len(owed.deliveries) > 0 {
			committing = true
			w.outbox.DeliveriesCommitting()
		}
		if len(owed.runs) > 0 && w.runOutbox != nil {
			committingRuns = true
			w.runOutbox.RunsCommitting()
		}
		return nil
	})
	// On a database other servers write too, a collection's id counter is
	// read again (and locked) by every transaction.
	if err != nil || w.engine.shared || len(w.cache.rows) > maxCachedCollections {
		w.cache.reset()
	}
	if err != nil {
		owed = owedWork{}
	}
	if committing {
		w.outbox.DeliveriesCommitted(owed.deliveries)
	}
	if committingRuns {
		w.runOutbox.RunsCommitted(owed.runs)
	}
	return err
}

// lockCollections takes, on a database other servers write too, a lock
// per collection the batch writes, in the order of their names, before
// any write reads one: two servers' batches writing the same collections
// then wait for each other instead of each holding one the other needs.
// The locks are transaction-level advisory locks keyed by the name, so
// that they also order the creation of a collection that does not exist
// yet (two batches each creating one and then writing the other's).
func (w *itemWriter) lockCollections(tx *gorm.DB, batch []*itemJob) error {
	if !w.engine.shared {
		return nil
	}
	names := make([]string, 0, len(batch))
	for _, j := range batch {
		if j.lock != "" {
			names = append(names, j.lock)
		}
	}
	if len(names) == 0 {
		return nil
	}
	slices.Sort(names)
	names = slices.Compact(names)
	args := make([]any, len(names))
	for i, n := range names {
		args[i] = n
	}
	// The rows of an ordered sub-select reach the outer select list, which
	// takes the locks, in that order.
	query := collectionLocksSQL + strings.TrimSuffix(strings.Repeat("(?), ", len(names)), ", ") + ") AS v(n) ORDER BY n) AS o"
	if err := tx.Exec(query, args...).Error; err != nil {
		return fmt.Errorf("lock collections: %w", err)
	}
	return nil
}

// collectionLocksSQL begins the statement of lockCollections; the names
// follow as a VALUES list.
const collectionLocksSQL = "SELECT pg_advisory_xact_lock(hashtext('hookflow collections:' || current_schema()), hashtext(o.n)) " +
	"FROM (SELECT n FROM (VALUES "

// run applies one write and queues what it owes, turning a panic into its
// error so that one bad write cannot stop the writer every other write
// waits on.
func (w *itemWriter) run(tx *writeTx, j *itemJob, owed *owedWork) (result any, events []ItemEvent, err error) {
	defer func() {
		if r := recover(); r != nil {
			w.logger.Error("item write panicked", "panic", r)
			result, events, err = nil, nil, fmt.Errorf("item write panicked: %v", r)
		}
	}()
	result, events, err = j.apply(tx)
	if err == nil {
		err = w.queueOwed(tx, events, owed)
	}
	if err != nil {
		return nil, nil, err
	}
	return result, events, nil
}
