package triggers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// ErrFlowInactive is returned for a replay of a flow that is inactive:
// inactive flows never run.
var ErrFlowInactive = errors.New("the flow is inactive")

// ReplayTooLargeError refuses a bulk replay that selects more runs than
// the queue can ever hold (FLOWS_QUEUE_LIMIT).
type ReplayTooLargeError struct {
	Matched, Limit int64
}

// Error says what to do.
func (e *ReplayTooLargeError) Error() string {
	return fmt.Sprintf("%d runs match, more than the queue holds (FLOWS_QUEUE_LIMIT %d): narrow since and until", e.Matched, e.Limit)
}

// replayWorkers is how many replayed runs a bulk replay queues at once: the
// run writer commits concurrent enqueues together.
const replayWorkers = 8

// Replayer starts runs again from their records: a new run of the same
// flow with the recorded `$trigger`, whose record names the run it
// replays (replay_of). The new run acts for whoever asked for the replay:
// its `$accountability` is theirs, not the recorded caller's, so a replay
// never borrows another caller's permissions.
type Replayer struct {
	catalog     *Catalog
	runner      *Runner
	queue       *Queue
	store       *storage.Store
	policy      TriggerPolicy
	syncTimeout time.Duration
}

// NewReplayer wires replays to the webhook trigger's catalog, runner,
// queue, access policy and sync timeout.
func NewReplayer(w *Webhook, store *storage.Store) *Replayer {
	return &Replayer{
		catalog:     w.catalog,
		runner:      w.runner,
		queue:       w.queue,
		store:       store,
		policy:      w.policy,
		syncTimeout: w.cfg.SyncTimeout,
	}
}

// Replayed is the answer of a replay: the new run's answer as its flow's
// trigger gives it, and whether the recorded `$trigger` held values the
// record had redacted or cut (they stay so in the new run).
type Replayed struct {
	Response
	Redacted bool
}

// Replay starts a new run from a run's record. A webhook flow that answers
// synchronously, and a flow run by other flows, run now and answer with
// their result (the run's failure is the error, as for a trigger); the
// others are queued and answer 202. The new run's id goes into h as
// X-Run-Id, whether it succeeds or fails.
func (r *Replayer) Replay(ctx context.Context, rec *storage.RunRecord, caller access.Caller, h http.Header) (*Replayed, error) {
	plan, err := r.replayable(rec.Flow, caller)
	if err != nil {
		return nil, err
	}
	trigger, redacted := replayTrigger(rec.Trigger)
	req := Request{
		FlowID:         plan.Flow.ID,
		Trigger:        trigger,
		Accountability: accountabilityOf(caller),
		ReplayOf:       rec.ID,
	}
	req.replays(rec)
	if !answersNow(plan.Flow) {
		run, err := r.queue.Enqueue(ctx, plan, req)
		if err != nil {
			return nil, err
		}
		h.Set(RunIDHeader, run.ID)
		return &Replayed{Redacted: redacted, Response: Response{
			Status:   http.StatusAccepted,
			RunID:    run.ID,
			Location: "/flows/runs/" + run.ID,
			Data:     map[string]any{"id": run.ID, "status": run.Status},
		}}, nil
	}
	runCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.syncTimeout)
	defer cancel()
	res := r.runner.RunNow(runCtx, plan, req)
	h.Set(RunIDHeader, res.RunID)
	if res.Err != nil {
		return nil, res.Err
	}
	if wh := plan.Flow.Webhook; wh != nil && wh.ErrorOnReject && res.EndedOnReject {
		return nil, &RejectedError{Data: res.Last}
	}
	return &Replayed{Redacted: redacted, Response: Response{
		Status: http.StatusOK,
		Data:   plan.ReturnValue(res),
		RunID:  res.RunID,
	}}, nil
}

// answersNow reports whether a flow's trigger waits for its runs: a
// webhook or manual flow without async, or a flow run by other flows.
func answersNow(f *flows.Flow) bool {
	switch f.Trigger {
	case flows.TriggerWebhook:
		return f.Webhook != nil && !f.Webhook.Async
	case flows.TriggerOperation:
		return true
	case flows.TriggerManual:
		return f.Manual != nil && !f.Manual.Async
	default:
		return false
	}
}

// replayable returns the plan of a flow whose runs the caller may replay:
// the flow exists, is active, and the caller may trigger it.
func (r *Replayer) replayable(flowID string, caller access.Caller) (*engine.Plan, error) {
	plan, ok := r.catalog.Plan(flowID)
	switch {
	case !ok:
		return nil, fmt.Errorf("flow %s no longer exists: %w", flowID, storage.ErrNotFound)
	case !plan.Flow.IsActive():
		return nil, ErrFlowInactive
	case !r.mayTrigger(plan.Flow, caller):
		return nil, ErrForbidden
	}
	return plan, nil
}

// mayTrigger reports whether the caller may start runs of the flow: an
// admin, a role with the trigger permission on it, or anyone when the
// flow is public.
func (r *Replayer) mayTrigger(f *flows.Flow, caller access.Caller) bool {
	switch {
	case caller.Admin:
		return true
	case f.Webhook != nil && f.Webhook.Access == flows.AccessPublic:
		return true
	case r.policy == nil:
		return false
	default:
		return r.policy.PublicMayTrigger(f.ID) || caller.Authenticated() && r.policy.MayTrigger(caller, f.ID)
	}
}

// BulkReplay is the outcome of ReplayMany.
type BulkReplay struct {
	// Matched is how many runs the query selected.
	Matched int64
	// Queued is how many were queued again (none for a dry run); fewer
	// than Matched when the queue filled up meanwhile, or runs were
	// removed by retention.
	Queued int64
}

// ReplayMany replays every run of a flow that q selects (q.FlowID must be
// set) through the queue, oldest first. A dry run only counts them. A
// selection larger than the queue's limit is refused with a
// *ReplayTooLargeError, one larger than the room left in the queue with a
// *QueueFullError; either way nothing is queued.
func (r *Replayer) ReplayMany(ctx context.Context, q storage.RunQuery, caller access.Caller, dryRun bool) (*BulkReplay, error) {
	plan, err := r.replayable(q.FlowID, caller)
	if err != nil {
		return nil, err
	}
	q.FlowID = plan.Flow.ID
	matched, err := r.store.CountRuns(ctx, q)
	if err != nil {
		return nil, err
	}
	out := &BulkReplay{Matched: matched}
	if dryRun || matched == 0 {
		return out, nil
	}
	limit := int64(r.queue.cfg.Limit)
	if matched > limit {
		return nil, &ReplayTooLargeError{Matched: matched, Limit: limit}
	}
	if matched > limit-r.queue.unfinished.value() {
		return nil, r.queue.fullError()
	}
	q.Limit, q.Offset = int(matched), 0
	ids, err := r.store.RunIDs(ctx, q)
	if err != nil {
		return nil, err
	}
	// The replays are queued even if the caller hangs up: the answer
	// would not say which were.
	queued, err := r.enqueueAll(context.WithoutCancel(ctx), plan, ids, accountabilityOf(caller))
	out.Queued = queued
	return out, err
}

// enqueueAll queues a replay of each run, replayWorkers at a time, and
// stops at the first failure; a run removed meanwhile is skipped.
func (r *Replayer) enqueueAll(ctx context.Context, plan *engine.Plan, ids []string, who engine.Accountability) (int64, error) {
	var (
		mu       sync.Mutex
		queued   int64
		firstErr error
		wg       sync.WaitGroup
	)
	work := make(chan string)
	failed := func() bool { mu.Lock(); defer mu.Unlock(); return firstErr != nil }
	for range replayWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range work {
				err := r.enqueueReplay(ctx, plan, id, who)
				mu.Lock()
				switch {
				case err == nil:
					queued++
				case errors.Is(err, storage.ErrNotFound):
				case firstErr == nil:
					firstErr = err
				}
				mu.Unlock()
			}
		}()
	}
	for _, id := range ids {
		if failed() {
			break
		}
		work <- id
	}
	close(work)
	wg.Wait()
	return queued, firstErr
}

// enqueueReplay queues a replay of one run.
func (r *Replayer) enqueueReplay(ctx context.Context, plan *engine.Plan, id string, who engine.Accountability) error {
	run, err := r.store.GetRun(ctx, id)
	if err != nil {
		return err
	}
	rec, err := run.Doc()
	if err != nil {
		return err
	}
	trigger, _ := replayTrigger(rec.Trigger)
	req := Request{
		FlowID:         plan.Flow.ID,
		Trigger:        trigger,
		Accountability: who,
		ReplayOf:       id,
	}
	req.replays(rec)
	_, err = r.queue.Enqueue(ctx, plan, req)
	return err
}
