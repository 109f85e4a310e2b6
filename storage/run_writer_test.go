package storage

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

// TestRunWriterUnderConcurrentSubmits submits from several goroutines more
// records than the writer's queue holds, with waiters (queued runs) and
// readers among them: every record is readable from its submission on,
// the queue never holds more than maxQueuedRuns, every waiter is answered
// and every record is committed.
func TestRunWriterUnderConcurrentSubmits(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	const submitters, each = 4, 1500
	now := time.Now().UTC()
	var wg sync.WaitGroup
	errs := make(chan error, submitters+1)
	for g := range submitters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				id := fmt.Sprintf("g%d-%04d", g, i)
				s.RecordRun(NewRun(&RunRecord{ID: id, Flow: "f", Status: RunCompleted, CreatedAt: now}, nil))
				if i%100 == 0 {
					if _, err := s.GetRun(ctx, id); err != nil {
						errs <- fmt.Errorf("%s just submitted: %w", id, err)
						return
					}
				}
				s.runs.mu.Lock()
				queued := len(s.runs.queue)
				s.runs.mu.Unlock()
				if queued > maxQueuedRuns {
					errs <- fmt.Errorf("%d records queued", queued)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 20 {
			queued := &RunRecord{ID: fmt.Sprintf("q%02d", i), Flow: "f", Status: RunQueued, Async: true, CreatedAt: now}
			if err := s.RecordRunDurably(ctx, NewRun(queued, map[string]any{"n": float64(i)})); err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	left, err := s.UnfinishedRuns(ctx)
	if err != nil || len(left) != 20 {
		t.Fatalf("%d queued runs committed, %v", len(left), err)
	}
	s.runs.flush()
	var n int64
	if err := s.read.Model(&Run{}).Count(&n).Error; err != nil || n != submitters*each+20 {
		t.Fatalf("%d runs stored, %v", n, err)
	}
	s.runs.mu.Lock()
	pending := len(s.runs.pending)
	s.runs.mu.Unlock()
	if pending != 0 {
		t.Fatalf("%d runs still pending after a flush", pending)
	}
}

// TestRunWriterKeepsANewerPendingVersion checks that committing a run
// does not forget a newer version of it submitted since.
func TestRunWriterKeepsANewerPendingVersion(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	older := NewRun(&RunRecord{ID: "r", Flow: "f", Status: RunRunning, CreatedAt: time.Now()}, nil)
	newer := NewRun(&RunRecord{ID: "r", Flow: "f", Status: RunCompleted, CreatedAt: time.Now()}, nil)
	s.runs.mu.Lock()
	s.runs.pending["r"] = newer
	s.runs.mu.Unlock()
	s.runs.dropPending([]runWrite{{run: older}})
	if got, ok := s.runs.pendingRun("r"); !ok || got.Status != RunCompleted {
		t.Fatalf("pending %+v, %v", got, ok)
	}
	s.runs.dropPending([]runWrite{{run: newer}})
	if _, ok := s.runs.pendingRun("r"); ok {
		t.Fatal("a committed run stays pending")
	}
}

// TestRunWriterCloseReleasesBlockedSubmitters fills the writer's queue
// while its write connection is held, so that a submitter waits for room,
// then closes the writer: the waiting submitter returns (its records are
// dropped, as after Close), and the writer commits what it had taken once
// the connection is free, and stops.
func TestRunWriterCloseReleasesBlockedSubmitters(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	if s.Dialect() != DialectSQLite {
		t.Skip("holds SQLite's single write connection")
	}
	ctx := context.Background()
	db, _ := s.write.DB()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	submitted := make(chan struct{})
	go func() {
		defer close(submitted)
		// The writer takes at most maxQueuedRuns before it blocks; the
		// queue then fills behind it.
		for i := range 2*maxQueuedRuns + 1 {
			s.RecordRun(NewRun(&RunRecord{ID: fmt.Sprintf("r%05d", i), Flow: "f", Status: RunCompleted, CreatedAt: now}, nil))
		}
	}()
	// The writer takes a batch and waits for the connection; the queue
	// fills behind it and the submitter waits for room.
	for deadline := time.Now().Add(30 * time.Second); ; {
		s.runs.mu.Lock()
		full := len(s.runs.queue) == maxQueuedRuns
		s.runs.mu.Unlock()
		if full {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the queue never filled")
		}
		time.Sleep(time.Millisecond)
	}
	closed := make(chan struct{})
	go func() {
		defer close(closed)
		s.runs.close()
	}()
	select {
	case <-submitted:
	case <-time.After(30 * time.Second):
		t.Fatal("a submitter waiting for room was not released by close")
	}
	_ = conn.Close() // the writer may write again
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("the writer did not stop")
	}
}
