package triggers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/storage"
)

// QueueConfig tunes the async run queue.
type QueueConfig struct {
	// Workers is the number of runs executed at once.
	Workers int
	// RunTimeout bounds one queued run.
	RunTimeout time.Duration
	// MaxAttempts is how many times a run may start (DefaultMaxAttempts
	// when zero). A run is started again when the server stopped or crashed
	// while it ran; one that keeps bringing the server down is failed with
	// RUN_ABANDONED instead of crashing every start.
	MaxAttempts int
}

// DefaultMaxAttempts is how many times a queued run may start.
const DefaultMaxAttempts = 3

// Queue executes queued runs on a worker pool. A run is stored as queued
// before Enqueue returns, so an acknowledged run survives a crash: Start
// picks up every run left queued or running.
type Queue struct {
	catalog *Catalog
	runner  *Runner
	store   *storage.Store
	logger  *slog.Logger
	cfg     QueueConfig

	mu      sync.Mutex
	pending []queuedRun
	wake    chan struct{}
	stop    chan struct{}
	wg      sync.WaitGroup
	started bool
}

// queuedRun is a run waiting for a worker: its stored form and, when it
// was queued by this process, its document and request (recovered runs
// decode theirs from the stored form).
type queuedRun struct {
	run *storage.Run
	doc *storage.RunRecord
	req *Request
}

// NewQueue returns a stopped queue.
func NewQueue(c *Catalog, r *Runner, store *storage.Store, logger *slog.Logger, cfg QueueConfig) *Queue {
	if cfg.Workers <= 0 {
		cfg.Workers = 4
	}
	if cfg.RunTimeout <= 0 {
		cfg.RunTimeout = 5 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = DefaultMaxAttempts
	}
	return &Queue{
		catalog: c, runner: r, store: store, logger: logger, cfg: cfg,
		wake: make(chan struct{}, 1), stop: make(chan struct{}),
	}
}

// Enqueue stores a run as queued, waits for the write to commit, and hands
// it to the workers.
func (q *Queue) Enqueue(ctx context.Context, p *engine.Plan, req Request) (*storage.RunRecord, error) {
	stored, _ := storedTrigger(req.Trigger, q.runner.scrub)
	doc := &storage.RunRecord{
		ID: NewRunID(), Flow: p.Flow.ID, Status: storage.RunQueued, Async: true, CreatedAt: timeNow(),
		Trigger: stored, Accountability: req.Accountability,
	}
	run := storage.NewRun(doc, req)
	if err := q.store.RecordRunDurably(ctx, run); err != nil {
		return nil, fmt.Errorf("queue run: %w", err)
	}
	q.push(queuedRun{run: run, doc: doc, req: &req})
	return doc, nil
}

// Start re-queues the runs a previous process left unfinished and starts
// the workers.
func (q *Queue) Start(ctx context.Context) error {
	left, err := q.store.UnfinishedRuns(ctx)
	if err != nil {
		return fmt.Errorf("recover queued runs: %w", err)
	}
	for _, run := range left {
		q.logger.Info("resuming unfinished run", "run", run.ID, "flow", run.FlowID, "status", run.Status)
		q.push(queuedRun{run: run})
	}
	q.mu.Lock()
	q.started = true
	q.mu.Unlock()
	for i := 0; i < q.cfg.Workers; i++ {
		q.wg.Add(1)
		go q.work()
	}
	return nil
}

// Stop lets the workers finish their current runs, waiting at most until
// ctx is done; runs still executing are resumed at the next start.
func (q *Queue) Stop(ctx context.Context) {
	q.mu.Lock()
	if !q.started {
		q.mu.Unlock()
		return
	}
	q.started = false
	close(q.stop)
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		q.logger.Warn("stopping with runs in progress; they resume at the next start")
	}
}

// Len is the number of runs waiting for a worker.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

func (q *Queue) push(item queuedRun) {
	q.mu.Lock()
	q.pending = append(q.pending, item)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *Queue) pop() (queuedRun, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return queuedRun{}, false
	}
	item := q.pending[0]
	q.pending[0] = queuedRun{}
	q.pending = q.pending[1:]
	if len(q.pending) > 0 {
		// More work: make sure another worker wakes up too.
		select {
		case q.wake <- struct{}{}:
		default:
		}
	}
	return item, true
}

func (q *Queue) work() {
	defer q.wg.Done()
	for {
		if item, ok := q.pop(); ok {
			q.execute(item)
			continue
		}
		select {
		case <-q.stop:
			return
		case <-q.wake:
		}
	}
}

// execute runs one queued run and stores its outcome durably (so a finished
// run is not run again after a crash).
func (q *Queue) execute(item queuedRun) {
	ctx := context.Background()
	doc, req := item.doc, item.req
	if doc == nil || req == nil {
		var err error
		if doc, err = item.run.Doc(); err != nil {
			doc = &storage.RunRecord{ID: item.run.ID, Flow: item.run.FlowID, Async: true, CreatedAt: item.run.CreatedAt}
			q.fail(ctx, doc, runNotStarted, fmt.Errorf("unreadable queued run: %w", err))
			return
		}
		req = &Request{}
		if err := item.run.DecodeInput(req); err != nil {
			q.fail(ctx, doc, runNotStarted, fmt.Errorf("unreadable queued input: %w", err))
			return
		}
	}
	if doc.Attempts >= q.cfg.MaxAttempts {
		q.fail(ctx, doc, runAbandoned, fmt.Errorf(
			"the run was started %d times and the server stopped or crashed while it ran each time", doc.Attempts))
		return
	}
	plan, ok := q.catalog.Plan(doc.Flow)
	if !ok {
		q.fail(ctx, doc, runNotStarted, errors.New("the flow no longer exists"))
		return
	}
	running := *doc
	started := timeNow()
	running.Status, running.StartedAt, running.Attempts = storage.RunRunning, &started, doc.Attempts+1
	// The input stays stored while the run executes: a crash now means the
	// run starts again at the next start. The attempt is counted on disk
	// before the run starts, so a run that crashes the server is not
	// started for ever.
	if err := q.store.RecordRunDurably(ctx, storage.NewRun(&running, *req)); err != nil {
		q.logger.Error("recording started run failed", "run", doc.ID, "error", err)
	}

	runCtx, cancel := context.WithTimeout(ctx, q.cfg.RunTimeout)
	res := q.runner.run(runCtx, plan, *req, doc.ID)
	cancel()
	if !plan.Flow.RecordsRuns() {
		if err := q.store.DeleteRun(ctx, doc.ID); err != nil {
			q.logger.Error("removing finished run failed", "run", doc.ID, "error", err)
		}
		return
	}
	rec := completedRecord(&running, plan, *req, res, q.runner.scrub)
	if err := q.store.RecordRunDurably(ctx, storage.NewRun(rec, nil)); err != nil {
		q.logger.Error("recording finished run failed", "run", doc.ID, "error", err)
	}
}

// Error codes of queued runs that were not run.
const (
	runNotStarted = "RUN_NOT_STARTED" // its flow or its stored input is gone
	runAbandoned  = "RUN_ABANDONED"   // it used up its attempts
)

// fail records a queued run that is not run, with the code that says why.
func (q *Queue) fail(ctx context.Context, doc *storage.RunRecord, code string, cause error) {
	q.logger.Error("queued run not run", "run", doc.ID, "flow", doc.Flow, "code", code, "error", cause)
	rec := *doc
	now := timeNow()
	rec.Status, rec.FinishedAt = storage.RunFailed, &now
	rec.Error = map[string]any{"message": cause.Error(), "code": code}
	if err := q.store.RecordRunDurably(ctx, storage.NewRun(&rec, nil)); err != nil {
		q.logger.Error("recording failed run failed", "run", doc.ID, "error", err)
	}
}
