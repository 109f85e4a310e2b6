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
	// maxLinger is how long a record nobody waits for may wait for others
	// to share its transaction. A commit rewrites the pages it touched (the
	// tables' last leaves, the indexes' inner pages) whatever the number of
	// rows, so fuller batches write fewer pages per record.
	maxLinger = 20 * time.Millisecond
)

// errWriterClosed is returned for records submitted after Close.
var errWriterClosed = errors.New("run writer is closed")

// runWriter is a single goroutine that writes run records in batches: it
// takes whatever has queued up while the previous batch was being written
// and commits it as one transaction (group commit). Under load, batches
// grow and the cost per record falls; at rest, each record is written at
// once.
type runWriter struct {
	inserter *runInserter
	logger   *slog.Logger
	ch       chan runWrite
	pending  sync.Map // run id → *Run not yet committed
	mu       sync.RWMutex
	closed   bool
	done     chan struct{}
}

type runWrite struct {
	run   *Run
	ack   chan error    // closed over by waiters; nil for fire-and-forget
	flush chan struct{} // a flush marker instead of a run
}

func newRunWriter(db *gorm.DB, e engine, logger *slog.Logger, maxRecord int) *runWriter {
	sqlDB, _ := db.DB()
	w := &runWriter{
		inserter: &runInserter{db: sqlDB, rebind: e.rebind, setup: e.runBatchSetup, maxRecord: maxRecord},
		logger:   logger,
		ch:       make(chan runWrite, 4096),
		done:     make(chan struct{}),
	}
	go w.loop()
	return w
}

// submit hands a record to the writer; the caller must not change it after.
func (w *runWriter) submit(r *Run) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	if w.closed {
		w.logger.Error("run record dropped: store closed", "run", r.ID)
		return
	}
	w.pending.Store(r.ID, r)
	w.ch <- runWrite{run: r}
}

// submitWait hands a record over and waits until it is committed.
func (w *runWriter) submitWait(ctx context.Context, r *Run) error {
	ack := make(chan error, 1)
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errWriterClosed
	}
	w.pending.Store(r.ID, r)
	w.ch <- runWrite{run: r, ack: ack}
	w.mu.RUnlock()
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
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return
	}
	w.ch <- runWrite{flush: marker}
	w.mu.RUnlock()
	<-marker
}

// pendingRun returns an encoded copy of a record that is submitted but not
// yet committed.
func (w *runWriter) pendingRun(id string) (*Run, bool) {
	v, ok := w.pending.Load(id)
	if !ok {
		return nil, false
	}
	c, err := v.(*Run).encoded(w.inserter.maxRecord)
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
		return
	}
	w.closed = true
	close(w.ch)
	w.mu.Unlock()
	<-w.done
}

func (w *runWriter) loop() {
	defer close(w.done)
	defer w.inserter.close()
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for first := range w.ch {
		batch := []runWrite{first}
		urgent := first.ack != nil || first.flush != nil
		// Records nobody waits for linger a moment so that a burst becomes
		// one transaction; a waiter (a queued run's 202, a flush) ends the
		// wait at once.
		linger.Reset(maxLinger)
	collect:
		for len(batch) < maxRunBatch {
			if urgent {
				select {
				case next, ok := <-w.ch:
					if !ok {
						break collect
					}
					batch = append(batch, next)
					continue
				default:
					break collect
				}
			}
			select {
			case next, ok := <-w.ch:
				if !ok {
					break collect
				}
				batch = append(batch, next)
				urgent = next.ack != nil || next.flush != nil
			case <-linger.C:
				break collect
			}
		}
		linger.Stop()
		w.write(batch)
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
	for _, b := range batch {
		if b.flush != nil {
			close(b.flush)
			continue
		}
		w.pending.CompareAndDelete(b.run.ID, b.run)
		if b.ack != nil {
			b.ack <- translate(err)
		}
	}
}
