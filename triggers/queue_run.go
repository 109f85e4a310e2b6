package triggers

import (
	"context"
	"errors"
	"fmt"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/storage"
)

// Error codes of queued runs that were not run.
const (
	runNotStarted = "RUN_NOT_STARTED" // its flow or its stored input is gone
	runAbandoned  = "RUN_ABANDONED"   // it used up its attempts
)

// work executes claimed runs until the queue stops claiming.
func (q *Queue) work() {
	defer q.workers.Done()
	for {
		select {
		case <-q.stopping:
			return
		case h := <-q.jobs:
			if q.isStopping() {
				q.release(h)
				continue
			}
			q.execute(h)
			q.forget(h)
		}
	}
}

// execute runs one claimed run and ends its claim with the outcome, so a
// finished run is not run again after a crash.
func (q *Queue) execute(h *heldRun) {
	c := h.claim
	if c.Attempt > q.cfg.MaxAttempts {
		q.fail(h, runAbandoned, fmt.Errorf(
			"the run was started %d times and the server stopped or crashed while it ran each time", c.Attempt-1))
		return
	}
	plan, ok := q.catalog.Plan(c.FlowID)
	if !ok {
		q.fail(h, runNotStarted, errors.New("the flow no longer exists"))
		return
	}
	req, err := claimedRequest(c)
	if err != nil {
		q.fail(h, runNotStarted, fmt.Errorf("unreadable queued input: %w", err))
		return
	}
	started, err := q.store.StartRun(context.Background(), c, timeNow())
	switch {
	case err != nil:
		// The run goes on; its outcome is recorded as usual.
		q.logger.Error("marking a queued run started failed", "run", c.ID, "error", err)
	case !started:
		q.logger.Warn("a queued run's lease expired before it started; another worker runs it", "run", c.ID)
		return
	}
	runCtx, cancel := context.WithTimeout(q.runBase, q.cfg.RunTimeout)
	q.mu.Lock()
	h.cancel = cancel
	lost := h.lost
	q.mu.Unlock()
	if lost {
		cancel()
		return
	}
	res, chain := q.runner.run(runCtx, plan, req, c.ID)
	cancel()
	q.mu.Lock()
	lost = h.lost
	q.mu.Unlock()
	switch {
	case q.interrupted.Load():
		// Stop gave up waiting: the run was cut short by the shutdown,
		// not by its flow, and runs again at the next start.
		return
	case lost:
		return
	}
	q.runner.finished(plan, req, res)
	var rec *storage.RunRecord
	if plan.Flow.RecordsRuns() {
		doc := &storage.RunRecord{
			ID:        c.ID,
			Flow:      c.FlowID,
			Async:     true,
			CreatedAt: c.CreatedAt,
			Attempts:  c.Attempt,
		}
		req.describe(doc, chain)
		rec = q.runner.completedRecord(doc, plan, req, res)
	}
	q.finish(h, func(ctx context.Context) (bool, error) { return q.store.FinishRun(ctx, c, rec) })
}

// claimedRequest decodes a claimed run's input and builds its `$trigger`
// from the stored request. Runs queued before requests were stored this
// way hold their `$trigger` itself.
func claimedRequest(c *storage.ClaimedRun) (Request, error) {
	var req Request
	if len(c.Input) == 0 {
		return req, errors.New("the run has no stored input")
	}
	// Numbers keep their digits (runs queued before requests were stored
	// whole hold them in their `$trigger`).
	if err := jsonnum.Unmarshal(c.Input, &req); err != nil {
		return req, err
	}
	if req.HTTP != nil {
		req.HTTP.Body = c.RequestBody
		trigger, err := req.HTTP.Trigger()
		if err != nil {
			return req, err
		}
		req.Trigger = trigger
	}
	return req, nil
}

// fail records a claimed run that is not run, with the code that says why.
func (q *Queue) fail(h *heldRun, code string, cause error) {
	c := h.claim
	q.logger.Error("queued run not run", "run", c.ID, "flow", c.FlowID, "code", code, "error", cause)
	errObj := map[string]any{"message": cause.Error(), "code": code}
	q.finish(h, func(ctx context.Context) (bool, error) { return q.store.FailRun(ctx, c, errObj, timeNow()) })
}

// finish ends a claim with end and keeps the count of unfinished runs in
// step with it.
func (q *Queue) finish(h *heldRun, end func(context.Context) (bool, error)) {
	c := h.claim
	q.mu.Lock()
	h.ending = true
	q.mu.Unlock()
	q.unfinished.begin()
	defer q.unfinished.end()
	ended, err := end(context.Background())
	switch {
	case err != nil:
		// The claim stays; the run starts again when its lease expires or
		// at the next start.
		q.logger.Error("recording the outcome of a queued run failed", "run", c.ID, "error", err)
	case !ended:
		q.logger.Warn("a queued run finished after its claim was lost; its outcome is not recorded", "run", c.ID,
			"attempt", c.Attempt)
	default:
		q.unfinished.finished()
	}
}
