package storage

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"gorm.io/gorm"
)

const (
	// maxRunBatch bounds one write transaction.
	maxRunBatch = 1024
	// maxQueuedRuns bounds the records waiting for the writer: past it,
	// submitting waits (the writer is behind; callers slow down rather
	// than memory growing).
	maxQueuedRuns = 4096
	// maxLinger is how long a record nobody waits for may wait for others
	// to share its transaction (a full batch of maxRunBatch ends the wait
	// sooner). A commit rewrites the pages it touched (the tables' last
	// leaves, the indexes' inner pages) whatever the number of rows, and
	// each checkpoint syncs the files, so fuller batches write fewer pages
	// per record: at 12 000 records a second, 100 ms instead of 20 cut the
	// writer's CPU per record by a tenth (BenchmarkRecordRunPaced).
	maxLinger = 100 * time.Millisecond
)

// errWriterClosed is returned for records submitted after Close.
var errWriterClosed = errors.New("run writer is closed")

// runWriter is a single goroutine that writes run records in batches: it
// takes whatever has queued up while the previous batch was being written
// and commits it as one transaction (group commit). Under load, batches
// grow and the cost per record falls; at rest, each record is written at
// once.
//
// Records are queued in a slice under a mutex, and the writer is woken
// only when the queue stops being empty or a caller waits: a record
// costs a lock and an append, not a wake-up of the writer each.
type runWriter struct {
	inserter *runInserter
	logger   *slog.Logger

	mu    sync.Mutex
	queue []runWrite // submitted, not yet taken by the writer
	// urgent is set when the queue holds a waiter (a queued run's 202, a
	// flush): the writer does not linger.
	urgent bool
	// pending holds the runs submitted and not yet committed, by id, for
	// GetRun.
	pending map[string]*Run
	closed  bool
	room    *sync.Cond    // broadcast when the writer takes the queue
	wake    chan struct{} // capacity 1: the writer has something to do
	done    chan struct{}
}

type runWrite struct {
	run   *Run
	ack   chan error    // closed over by waiters; nil for fire-and-forget
	flush chan struct{} // a flush marker instead of a run
}

func newRunWriter(db *gorm.DB, e engine, logger *slog.Logger, maxRecord int) *runWriter {
	sqlDB, _ := db.DB()
	w := &runWriter{
		inserter: &runInserter{
			db:        sqlDB,
			rebind:    e.rebind,
			setup:     e.runBatchSetup,
			maxRecord: maxRecord,
		},
		logger:  logger,
		pending: make(map[string]*Run),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
	w.room = sync.NewCond(&w.mu)
	go w.loop()
	return w
}

// submit hands a record to the writer; the caller must not change it after.
func (w *runWriter) submit(r *Run) {
	if !w.enqueue(runWrite{run: r}) {
		w.logger.Error("run record dropped: store closed", "run", r.ID)
	}
}

// submitWait hands a record over and waits until it is committed.
func (w *runWriter) submitWait(ctx context.Context, r *Run) error {
	ack := make(chan error, 1)
	if !w.enqueue(runWrite{run: r, ack: ack}) {
		return errWriterClosed
	}
	select {
	case err := <-ack:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// flush waits until everything submitted so far is committed.
func (w *runWriter) flush() {
	marker := make(chan struct{})
	if w.enqueue(runWrite{flush: marker}) {
		<-marker
	}
}

// enqueue queues a record or flush marker, waiting while the queue is
// full; false when the writer is closed.
func (w *runWriter) enqueue(item runWrite) bool {
	waiter := item.ack != nil || item.flush != nil
	w.mu.Lock()
	for len(w.queue) >= maxQueuedRuns && !w.closed {
		w.room.Wait()
	}
	if w.closed {
		w.mu.Unlock()
		return false
	}
	if item.run != nil {
		w.pending[item.run.ID] = item.run
	}
	w.queue = append(w.queue, item)
	signal := len(w.queue) == 1 || len(w.queue) == maxRunBatch || waiter && !w.urgent
	w.urgent = w.urgent || waiter
	w.mu.Unlock()
	if signal {
		w.signal()
	}
	return true
}

// signal wakes the writer, or leaves it a wake-up when it is busy.
func (w *runWriter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// pendingRun returns an encoded copy of a record that is submitted but not
// yet committed.
func (w *runWriter) pendingRun(id string) (*Run, bool) {
	w.mu.Lock()
	r, ok := w.pending[id]
	w.mu.Unlock()
	if !ok {
		return nil, false
	}
	c, err := r.encoded(w.inserter.maxRecord)
	if err != nil {
		return nil, false
	}
	return c, true
}

// close writes what is queued and stops the writer.
func (w *runWriter) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		<-w.done
		return
	}
	w.closed = true
	w.room.Broadcast()
	w.mu.Unlock()
	w.signal()
	<-w.done
}

func (w *runWriter) loop() {
	defer close(w.done)
	defer w.inserter.close()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	var spare []runWrite
	for {
		<-w.wake
		w.mu.Lock()
		wait := !w.urgent && !w.closed && len(w.queue) < maxRunBatch
		w.mu.Unlock()
		if wait {
			// Records nobody waits for linger a moment so that a burst
			// becomes one transaction; a waiter, a full batch or Close
			// ends the wait.
			linger.Reset(maxLinger)
			select {
			case <-linger.C:
			case <-w.wake:
			}
			linger.Stop()
		}
		w.mu.Lock()
		batch, closed := w.queue, w.closed
		w.queue, w.urgent = spare, false
		w.room.Broadcast()
		w.mu.Unlock()
		for start := 0; start < len(batch); start += maxRunBatch {
			w.write(batch[start:min(start+maxRunBatch, len(batch))])
		}
		clear(batch)
		spare = batch[:0]
		if closed {
			return
		}
	}
}

// write commits one batch and answers its waiters.
func (w *runWriter) write(batch []runWrite) {
	latest := make(map[string]*Run, len(batch))
	order := make([]*Run, 0, len(batch))
	for _, b := range batch {
		if b.run == nil {
			continue
		}
		if _, seen := latest[b.run.ID]; !seen {
			order = append(order, b.run)
		}
		latest[b.run.ID] = b.run
	}
	rows := make([]*Run, 0, len(order))
	for _, r := range order {
		rows = append(rows, latest[r.ID])
	}
	var err error
	if len(rows) > 0 {
		if err = w.inserter.insert(context.Background(), rows); err != nil {
			w.logger.Error("writing run records failed", "count", len(rows), "error", err)
		}
	}
	w.dropPending(batch)
	for _, b := range batch {
		if b.flush != nil {
			close(b.flush)
			continue
		}
		if b.ack != nil {
			b.ack <- translate(err)
		}
	}
}

// dropPending forgets the committed runs of a batch; a run submitted again
// since (a newer version with the same id) stays.
func (w *runWriter) dropPending(batch []runWrite) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, b := range batch {
		if b.run != nil && w.pending[b.run.ID] == b.run {
			delete(w.pending, b.run.ID)
		}
	}
}
