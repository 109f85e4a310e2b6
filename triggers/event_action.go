package triggers

import (
	"context"
	"net/http"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// ItemRuns implements storage.RunOutbox: the runs of the action flows one
// item write's events start, which the store inserts in the write's own
// transaction. It runs on the item writer's goroutine: a write no action
// flow listens to costs two map reads per event and allocates nothing. A
// full queue (FLOWS_QUEUE_LIMIT) fails the write with a *QueueFullError.
func (t *EventTrigger) ItemRuns(ctx context.Context, evs []storage.ItemEvent) ([]*storage.Run, error) {
	idx, b := t.index()
	if len(idx.actions) == 0 {
		return nil, nil
	}
	var runs []*storage.Run
	for i := range evs {
		e := &evs[i]
		name := itemEventName(e.Action)
		named, all := match(idx.actions, name, e.Collection)
		if len(named)+len(all) == 0 {
			continue
		}
		more, err := t.queueRuns(ctx, b, name, e.Collection, e.Accountability,
			func() any { return eventTrigger(name, e.Collection, e.Keys, e.Payload) }, named, all)
		if err != nil {
			return nil, err
		}
		runs = append(runs, more...)
	}
	return runs, nil
}

// EventRuns implements storage.RunOutbox: the runs of the action flows an
// event other than an item write starts (a custom event a flow emitted, a
// collection's creation, change or deletion).
func (t *EventTrigger) EventRuns(ctx context.Context, e *events.Event) ([]*storage.Run, error) {
	idx, b := t.index()
	_, all := match(idx.actions, e.Name, "")
	if len(all) == 0 {
		return nil, nil
	}
	return t.queueRuns(ctx, b, e.Name, "", e.Accountability,
		func() any { return eventTrigger(e.Name, e.Collection, nil, e.Payload) }, all)
}

// queueRuns builds the queued runs of the flows in lists for one event, one
// level deeper than the write that raised it; none when that write's run is
// at the depth limit.
func (t *EventTrigger) queueRuns(ctx context.Context, b *eventBinding, name, collection string, acc map[string]any,
	trigger func() any, lists ...[]*engine.Plan,
) ([]*storage.Run, error) {
	depth, stopped := t.stopAtDepth(ctx, name, collection, lists...)
	if stopped {
		return nil, nil
	}
	if b.queue.Full() {
		return nil, writeQueueFull(b.queue.fullError())
	}
	value := trigger()
	stored, _ := storedTrigger(value, b.runner.scrub)
	accountability := accountabilityOfWriter(acc)
	now := t.cfg.Now().UTC()
	var runs []*storage.Run
	for _, list := range lists {
		for _, p := range list {
			runs = append(runs, queuedRun(Request{
				FlowID:         p.Flow.ID,
				Trigger:        value,
				Accountability: accountability,
				StartedBy:      StartedByEvent,
				Event:          name,
				EventDepth:     depth + 1,
			}, stored, now))
		}
	}
	return runs, nil
}

// RunsCommitting implements storage.RunOutbox: the queue counts the runs a
// transaction queues in the same critical section as their commit (see
// runCount).
func (t *EventTrigger) RunsCommitting() {
	if b := t.bound.Load(); b != nil {
		b.queue.unfinished.begin()
	}
}

// RunsCommitted implements storage.RunOutbox: committed runs are counted
// against FLOWS_QUEUE_LIMIT and the queue's claimer is woken for them.
func (t *EventTrigger) RunsCommitted(rows []*storage.Run) {
	b := t.bound.Load()
	if b == nil {
		return
	}
	b.queue.unfinished.added(int64(len(rows)))
	b.queue.unfinished.end()
	if len(rows) > 0 {
		b.queue.poke()
	}
}

// fullWrite is a write refused because the runs its events start would
// overfill the queue: a *QueueFullError (503 QUEUE_FULL with Retry-After
// to a caller of /items) that item operations report with the same status
// and code.
type fullWrite struct {
	full    error
	failure *operations.Error
}

// writeQueueFull is the refusal of a write whose runs would overfill the
// queue.
func writeQueueFull(full error) error {
	failure := &operations.Error{Status: http.StatusServiceUnavailable, Code: "QUEUE_FULL", Message: full.Error()}
	return &fullWrite{full: full, failure: failure}
}

// Error says what happened and what to do.
func (e *fullWrite) Error() string {
	return "the write's events would start flows, and " + e.full.Error()
}

// Unwrap returns the *QueueFullError and its operations.Error form.
func (e *fullWrite) Unwrap() []error { return []error{e.full, e.failure} }
