package triggers

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/storage"
)

// ScheduleConfig tunes the scheduler.
type ScheduleConfig struct {
	// Clock is the time of ticks (SystemClock when nil).
	Clock Clock
	// Leader says whether this server fires ticks (SoleServer when nil).
	Leader Leader
	// Recheck is the longest the scheduler sleeps: how soon a server that
	// becomes the leader starts firing, and how often the stored due
	// times are read again when no tick is near (1 minute when zero;
	// a server that is not the leader looks every second).
	Recheck time.Duration
}

// Scheduler fires the ticks of flows whose trigger is "schedule". Each
// flow's next due time is stored (storage.Schedule); at a due time the
// leading server claims the tick in the database and queues the run in the
// same transaction (storage.ClaimTick), so a tick fires once however many
// servers run, and a run once queued survives a crash. Ticks missed while
// no server ran fire once, at start: the claim moves the due time to the
// first tick after now. `$trigger` is {"timestamp": "<RFC 3339 of the
// tick>"} and `$accountability` null. A tick that finds the queue full
// (FLOWS_QUEUE_LIMIT) is skipped and logged.
type Scheduler struct {
	catalog *Catalog
	runner  *Runner
	queue   *Queue
	store   *storage.Store
	cfg     ScheduleConfig
	logger  *slog.Logger

	stop chan struct{}
	done chan struct{}
}

// notLeaderRecheck is how often a server that does not lead asks again.
const notLeaderRecheck = time.Second

// NewScheduler returns a stopped scheduler.
func NewScheduler(c *Catalog, r *Runner, q *Queue, store *storage.Store, cfg ScheduleConfig, logger *slog.Logger) *Scheduler {
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Leader == nil {
		cfg.Leader = SoleServer{}
	}
	if cfg.Recheck <= 0 {
		cfg.Recheck = time.Minute
	}
	return &Scheduler{
		catalog: c,
		runner:  r,
		queue:   q,
		store:   store,
		cfg:     cfg,
		logger:  logger,
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
}

// Start fires ticks in the background until Stop.
func (s *Scheduler) Start() { go s.loop() }

// Stop stops firing ticks and waits for a tick being claimed.
func (s *Scheduler) Stop() {
	select {
	case <-s.stop:
	default:
		close(s.stop)
	}
	<-s.done
}

// loop fires what is due, then sleeps until the next due time, a change
// of flows, a change of the election, or Recheck.
func (s *Scheduler) loop() {
	defer close(s.done)
	var elected <-chan bool
	if n, ok := s.cfg.Leader.(ElectionNotifier); ok {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		elected = n.Elected(ctx)
	}
	for {
		wake := s.fire()
		timer := s.cfg.Clock.TimerAt(wake)
		select {
		case <-s.stop:
			timer.Stop()
			return
		case <-s.catalog.Changed():
		case _, ok := <-elected:
			if !ok {
				elected = nil // the store closed: IsLeader says false from now on
			}
		case <-timer.C():
		}
		timer.Stop()
	}
}

// fire claims every tick that is due and returns when to look again.
func (s *Scheduler) fire() time.Time {
	now := s.cfg.Clock.Now()
	if !s.cfg.Leader.IsLeader() {
		return now.Add(notLeaderRecheck)
	}
	wake := now.Add(s.cfg.Recheck)
	plans := s.catalog.triggers().schedules
	if len(plans) == 0 {
		return wake
	}
	ctx := context.Background()
	rows, err := s.store.Schedules(ctx)
	if err != nil {
		s.logger.Error("reading schedules failed", "error", err)
		return now.Add(notLeaderRecheck)
	}
	stored := make(map[string]storage.Schedule, len(rows))
	for _, r := range rows {
		stored[r.FlowID] = r
	}
	for _, p := range plans {
		if next := s.fireFlow(ctx, p, stored, now); !next.IsZero() && next.Before(wake) {
			wake = next
		}
	}
	return wake
}

// fireFlow plans or fires one flow's tick and returns its next due time
// (zero when unknown).
func (s *Scheduler) fireFlow(ctx context.Context, p *engine.Plan, stored map[string]storage.Schedule, now time.Time) time.Time {
	opts := p.Flow.Schedule
	row, ok := stored[p.Flow.ID]
	switch {
	case ok && row.Cron != opts.Cron:
		// The flow was saved again and the catalog has not caught up (or
		// the other way round): the row and the plan agree next time.
		return time.Time{}
	case !ok || row.NextRun == nil:
		next := opts.Next(now)
		if _, err := s.store.PlanSchedule(ctx, p.Flow.ID, opts.Cron, next); err != nil {
			s.logger.Error("planning a schedule failed", "flow", p.Flow.ID, "error", err)
			return time.Time{}
		}
		return next
	case row.NextRun.After(now):
		return *row.NextRun
	}
	due, next := *row.NextRun, opts.Next(now)
	run := s.tickRun(p, due)
	if run == nil {
		s.logger.Warn("a schedule's tick is skipped: the queue is full (FLOWS_QUEUE_LIMIT)", "flow", p.Flow.ID, "tick", due)
	}
	claimed, err := s.store.ClaimTick(ctx, p.Flow.ID, opts.Cron, due, next, run)
	if err != nil {
		s.logger.Error("firing a schedule's tick failed", "flow", p.Flow.ID, "tick", due, "error", err)
		return now.Add(notLeaderRecheck)
	}
	if !claimed {
		// Another server fired it, or the flow changed: read again.
		return now
	}
	return next
}

// tickRun is the queued run of a tick, or nil when the queue is full.
func (s *Scheduler) tickRun(p *engine.Plan, due time.Time) *storage.Run {
	if s.queue.Full() {
		return nil
	}
	trigger := map[string]any{"timestamp": due.UTC().Format(time.RFC3339)}
	stored, _ := storedTrigger(trigger, s.runner.scrub)
	return queuedRun(Request{
		FlowID:         p.Flow.ID,
		Trigger:        trigger,
		Accountability: engine.Accountability{System: true},
		StartedBy:      StartedBySchedule,
	}, stored, timeNow())
}
