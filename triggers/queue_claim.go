package triggers

import (
	"context"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// heldRun is a run this queue has claimed and not yet finished: waiting in
// jobs for a worker, or executing.
type heldRun struct {
	claim *storage.ClaimedRun
	// cancel stops the run while it executes; lost says its claim was
	// taken over (its lease expired), so its outcome must not be recorded;
	// ending says its outcome is being recorded, after which a renewal
	// finds its claim gone without its having been lost. All are guarded
	// by Queue.mu.
	cancel context.CancelFunc
	lost   bool
	ending bool
}

// claimLoop claims runs whenever workers are free: at once when told (a
// run was queued or finished here), else every PollInterval. It also
// reads the count behind Limit again every RecountInterval, starting right
// away, off the start path.
func (q *Queue) claimLoop() {
	defer close(q.claimerDone)
	poll := time.NewTicker(q.cfg.PollInterval)
	defer poll.Stop()
	recount := time.NewTicker(q.cfg.RecountInterval)
	defer recount.Stop()
	q.recount()
	for {
		q.claim()
		select {
		case <-q.stopping:
			return
		case <-q.wake:
		case <-poll.C:
		case <-recount.C:
			q.recount()
		}
	}
}

// claim claims runs until every worker is busy with one run waiting
// behind it per Prefetch, or no run is left to claim.
func (q *Queue) claim() {
	capacity := q.cfg.Workers + q.cfg.Prefetch
	for !q.isStopping() {
		q.mu.Lock()
		free := capacity - len(q.held)
		q.mu.Unlock()
		if free <= 0 {
			return
		}
		claimed, err := q.store.ClaimRuns(context.Background(), q.cfg.Owner, free, q.cfg.Now(), q.cfg.Lease)
		if err != nil {
			q.logger.Error("claiming queued runs failed", "error", err)
		}
		for _, c := range claimed {
			if c.TakenFrom != "" && c.TakenFrom != q.cfg.Owner {
				q.logger.Warn("took over a queued run whose lease expired", "run", c.ID, "attempt", c.Attempt,
					"previous", c.TakenFrom)
			}
			h := &heldRun{claim: c}
			q.mu.Lock()
			q.held[c.ID] = h
			q.mu.Unlock()
			q.jobs <- h
		}
		if err != nil || len(claimed) < free {
			return
		}
	}
}

// renewLoop renews the leases of the held runs every third of a lease,
// until Stop is done waiting for the workers.
func (q *Queue) renewLoop() {
	defer close(q.renewerDone)
	tick := time.NewTicker(q.cfg.Lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-q.renewerStop:
			return
		case <-tick.C:
			q.renew()
		}
	}
}

// renew extends the held leases. A run whose claim was lost is cancelled:
// another worker set runs it now.
func (q *Queue) renew() {
	q.mu.Lock()
	claims := make([]*storage.ClaimedRun, 0, len(q.held))
	for _, h := range q.held {
		if !h.lost {
			claims = append(claims, h.claim)
		}
	}
	q.mu.Unlock()
	lost, err := q.store.RenewRunLeases(context.Background(), q.cfg.Owner, claims, q.cfg.Now().Add(q.cfg.Lease))
	if err != nil {
		q.logger.Error("renewing the leases of queued runs failed", "error", err)
		return
	}
	for _, c := range lost {
		q.mu.Lock()
		h := q.held[c.ID]
		taken := h != nil && h.claim == c && !h.ending
		if taken {
			h.lost = true
			if h.cancel != nil {
				h.cancel()
			}
		}
		q.mu.Unlock()
		if taken {
			q.logger.Warn("a queued run's lease expired and it was claimed again; this attempt is stopped",
				"run", c.ID, "attempt", c.Attempt)
		}
	}
}

// isStopping reports whether StopClaiming was called.
func (q *Queue) isStopping() bool {
	select {
	case <-q.stopping:
		return true
	default:
		return false
	}
}

// StopClaiming makes the queue claim and start no more runs, at once: runs
// claimed but not started go back to the queue, runs executing go on.
// Enqueue still stores runs; they wait for the next start. Later calls do
// nothing.
func (q *Queue) StopClaiming() {
	q.stopOnce.Do(func() {
		close(q.stopping)
		q.mu.Lock()
		started := q.started
		q.mu.Unlock()
		if !started {
			return
		}
		<-q.claimerDone
		for {
			select {
			case h := <-q.jobs:
				q.release(h)
			default:
				return
			}
		}
	})
}

// Stop stops claiming (StopClaiming) and waits until the runs in progress
// finish or ctx is done. Runs still executing then are interrupted and
// record nothing: they keep their claim, and run again at the next start
// (or, with instances sharing the database, when their lease expires).
func (q *Queue) Stop(ctx context.Context) {
	q.StopClaiming()
	q.mu.Lock()
	started := q.started
	q.started = false
	q.mu.Unlock()
	if !started {
		return
	}
	done := make(chan struct{})
	go func() { q.workers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		q.mu.Lock()
		n := len(q.held)
		q.mu.Unlock()
		q.logger.Warn("stopping with queued runs in progress; they run again at the next start", "runs", n)
		q.interrupted.Store(true)
		q.interrupt()
	}
	close(q.renewerStop)
	<-q.renewerDone
}

// release hands a run that was claimed but not started back to the queue.
func (q *Queue) release(h *heldRun) {
	if _, err := q.store.ReleaseRun(context.Background(), h.claim); err != nil {
		// The lease expires instead.
		q.logger.Error("handing back a queued run failed", "run", h.claim.ID, "error", err)
	}
	q.forget(h)
}

// forget drops a run from the held set and lets the claimer fill its place.
func (q *Queue) forget(h *heldRun) {
	q.mu.Lock()
	if q.held[h.claim.ID] == h {
		delete(q.held, h.claim.ID)
	}
	q.mu.Unlock()
	q.poke()
}
