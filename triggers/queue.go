package triggers

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
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
	// Limit bounds the runs queued or running (FLOWS_QUEUE_LIMIT,
	// DefaultQueueLimit when zero); past it Enqueue fails with a
	// *QueueFullError and stores nothing.
	Limit int
	// Prefetch is how many runs are claimed beyond the free workers
	// (DefaultPrefetch when zero), so that a worker that finishes finds its
	// next run waiting. Negative: none.
	Prefetch int
	// PollInterval is how often the queue looks for runs it was not told
	// about: queued by another instance, or whose lease expired (1 s when
	// zero). A run queued through this queue is claimed at once.
	PollInterval time.Duration
	// Lease is how long a claim holds without being renewed (30 s when
	// zero); leases are renewed every third of it while their runs wait or
	// execute, so only a dead process's leases expire.
	Lease time.Duration
	// RecountInterval is how often the number of unfinished runs, which
	// Limit is checked against, is read again from the database (10 s when
	// zero): the queue keeps it in step with its own writes, and the
	// re-read brings in other instances' and corrects drift.
	RecountInterval time.Duration
	// ReleaseAtStart says that no other process uses the database (SQLite,
	// whose file lock guarantees it): runs left running are a dead
	// process's and are queued again at Start instead of when their leases
	// expire. It must be false when instances share the database.
	ReleaseAtStart bool
	// Owner names this worker set in the leases it takes (a new UUID when
	// empty).
	Owner string
	// Now is the clock of leases (time.Now when nil).
	Now func() time.Time
}

// Defaults of QueueConfig.
const (
	// DefaultMaxAttempts is how many times a queued run may start.
	DefaultMaxAttempts = 3
	// DefaultQueueLimit is how many runs may be queued or running.
	DefaultQueueLimit = 10000
	// DefaultPrefetch is how many runs are claimed beyond the free workers.
	DefaultPrefetch = 2
)

// queueFullRetryAfter is the Retry-After of a QUEUE_FULL answer: long
// enough for workers to finish some runs, short enough for a sender's
// retry to find room.
const queueFullRetryAfter = 5 * time.Second

func (c QueueConfig) withDefaults() QueueConfig {
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.RunTimeout <= 0 {
		c.RunTimeout = 5 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.Limit <= 0 {
		c.Limit = DefaultQueueLimit
	}
	switch {
	case c.Prefetch == 0:
		c.Prefetch = DefaultPrefetch
	case c.Prefetch < 0:
		c.Prefetch = 0
	}
	if c.PollInterval <= 0 {
		c.PollInterval = time.Second
	}
	if c.Lease <= 0 {
		c.Lease = 30 * time.Second
	}
	if c.RecountInterval <= 0 {
		c.RecountInterval = 10 * time.Second
	}
	if c.Owner == "" {
		c.Owner = uuid.NewString()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Queue executes queued runs. The queue lives in the database: Enqueue
// stores a run as queued before it returns (so an acknowledged run
// survives a crash), and the workers claim a few runs at a time with a
// lease (storage.ClaimRuns) — at most as many as they can execute plus
// Prefetch — so memory holds only those, however long the backlog.
// Instances sharing a database claim from the same queue; a run whose
// worker died is claimed again when its lease expires.
type Queue struct {
	catalog *Catalog
	runner  *Runner
	store   *storage.Store
	logger  *slog.Logger
	cfg     QueueConfig

	// unfinished counts the runs queued or running, for Limit.
	unfinished *runCount
	// refused counts the runs refused because of Limit, for the log.
	refused refusals
	// wake asks the claimer to claim now (a run was queued or finished).
	wake chan struct{}
	// jobs hands claimed runs to the workers; it holds at most every run
	// held, so the claimer never blocks on it.
	jobs chan *heldRun

	mu   sync.Mutex
	held map[string]*heldRun // claimed and not finished

	// counting is set by Start, whose claimer reads the count behind Limit:
	// from then on Enqueue waits for that first read.
	counting atomic.Bool

	started     bool
	stopOnce    sync.Once
	stopping    chan struct{} // closed: claim and start no more runs
	claimerDone chan struct{}
	renewerStop chan struct{}
	renewerDone chan struct{}
	workers     sync.WaitGroup
	// runBase is the parent of every run's context; interrupt cancels it
	// when Stop stops waiting, and interrupted says so.
	runBase     context.Context
	interrupt   context.CancelFunc
	interrupted atomic.Bool
}

// NewQueue returns a stopped queue.
func NewQueue(c *Catalog, r *Runner, store *storage.Store, logger *slog.Logger, cfg QueueConfig) *Queue {
	cfg = cfg.withDefaults()
	capacity := cfg.Workers + cfg.Prefetch
	base, interrupt := context.WithCancel(context.Background())
	return &Queue{
		catalog:     c,
		runner:      r,
		store:       store,
		logger:      logger,
		cfg:         cfg,
		unfinished:  newRunCount(),
		wake:        make(chan struct{}, 1),
		jobs:        make(chan *heldRun, capacity),
		held:        make(map[string]*heldRun, capacity),
		stopping:    make(chan struct{}),
		claimerDone: make(chan struct{}),
		renewerStop: make(chan struct{}),
		renewerDone: make(chan struct{}),
		runBase:     base,
		interrupt:   interrupt,
	}
}

// Enqueue stores a run as queued, waits for the write to commit, and wakes
// the claimer. A webhook run (req.HTTP set) stores its request, body once,
// instead of its `$trigger`. When Limit runs are queued or running it
// fails with a *QueueFullError and stores nothing.
func (q *Queue) Enqueue(ctx context.Context, p *engine.Plan, req Request) (*storage.RunRecord, error) {
	if q.counting.Load() {
		if err := q.unfinished.await(ctx); err != nil {
			return nil, fmt.Errorf("queue run: %w", err)
		}
	}
	q.unfinished.begin()
	defer q.unfinished.end()
	if !q.unfinished.reserve(int64(q.cfg.Limit)) {
		return nil, q.fullError()
	}
	stored, _ := storedTrigger(req.Trigger, q.runner.scrub)
	doc := &storage.RunRecord{
		ID:             NewRunID(),
		Flow:           p.Flow.ID,
		Status:         storage.RunQueued,
		Async:          true,
		CreatedAt:      timeNow(),
		Trigger:        stored,
		Accountability: req.Accountability.Value(),
		ReplayOf:       req.ReplayOf,
	}
	req.describe(doc, nil)
	input := req
	var body []byte
	if req.HTTP != nil {
		input.Trigger, body = nil, req.HTTP.Body
	}
	run := storage.NewRun(doc, input)
	run.RequestBody = body
	if err := q.store.RecordRunDurably(ctx, run); err != nil {
		q.unfinished.unreserve()
		return nil, fmt.Errorf("queue run: %w", err)
	}
	q.poke()
	return doc, nil
}

// Full reports whether Enqueue would refuse a run now; the webhook asks
// before reading a request's body.
func (q *Queue) Full() bool { return q.unfinished.value() >= int64(q.cfg.Limit) }

// fullError is the refusal of an async trigger; it is counted and logged
// (refusals).
func (q *Queue) fullError() error {
	q.refused.note(q.logger, q.cfg.Limit, q.cfg.Now())
	return &QueueFullError{Limit: q.cfg.Limit, RetryAfter: queueFullRetryAfter}
}

// recount reads the number of unfinished runs from the database.
func (q *Queue) recount() {
	if err := q.unfinished.read(context.Background(), q.store.CountUnfinishedRuns); err != nil {
		q.logger.Error("counting queued runs failed", "error", err)
		q.unfinished.readFailed()
	}
}

// Start starts the claimer, the lease renewer and the workers. It reads
// nothing of the backlog: workers claim runs a few at a time, and the
// count behind Limit is read in the background. With ReleaseAtStart, runs
// a dead process left running are queued again first (one UPDATE over the
// running runs only).
func (q *Queue) Start(ctx context.Context) error {
	if q.cfg.ReleaseAtStart {
		n, err := q.store.ReleaseDeadRuns(ctx)
		if err != nil {
			return fmt.Errorf("resume queued runs: %w", err)
		}
		if n > 0 {
			q.logger.Info("runs interrupted by the last stop are queued again", "runs", n)
		}
	}
	q.mu.Lock()
	q.started = true
	q.mu.Unlock()
	q.counting.Store(true)
	go q.claimLoop()
	go q.renewLoop()
	for i := 0; i < q.cfg.Workers; i++ {
		q.workers.Add(1)
		go q.work()
	}
	return nil
}

// poke wakes the claimer without waiting.
func (q *Queue) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}
