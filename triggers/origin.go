package triggers

import (
	"context"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// What starts a run, as run records say (RunRecord.StartedBy).
const (
	StartedByWebhook   = "webhook"
	StartedByEvent     = "event"
	StartedBySchedule  = "schedule"
	StartedByManual    = "manual"
	StartedByOperation = "operation"
)

// startedBy is what started the run; runs queued before requests said so
// were all webhook calls.
func (r Request) startedBy() string {
	if r.StartedBy == "" {
		return StartedByWebhook
	}
	return r.StartedBy
}

// describe writes what started the run into its record, and the events
// its writes raised that started no flow because of the depth limit.
func (r Request) describe(doc *storage.RunRecord, chain *events.Chain) {
	doc.StartedBy = r.startedBy()
	doc.Event = r.Event
	doc.EventDepth = r.EventDepth
	doc.StoppedEvents = chain.StoppedEvents()
}

// replays makes the request a replay of rec's run: started as that run
// was (an event run keeps its event, and its depth, so that a replayed
// chain is bounded as the original was).
func (r *Request) replays(rec *storage.RunRecord) {
	r.StartedBy, r.Event, r.EventDepth = rec.StartedBy, rec.Event, rec.EventDepth
}

// runChain is the chain of events a run belongs to: its own depth for an
// event run, else the depth of the run that called it (a flow started by
// a trigger step continues its caller's chain, so that a loop through
// another flow is bounded too), 0 for a run a request started.
func runChain(ctx context.Context, req Request) *events.Chain {
	return &events.Chain{Depth: max(req.EventDepth, events.DepthFrom(ctx))}
}

// accountabilityOfWriter is the `$accountability` of a run an event
// starts: the writer's {user, role}, or none (a system run) for a write
// made by a run no caller started.
func accountabilityOfWriter(m map[string]any) engine.Accountability {
	if m == nil {
		return engine.Accountability{System: true}
	}
	return engine.Accountability{User: m["user"], Role: m["role"]}
}

// queuedRun is a run to insert as queued in another write's transaction
// (an event's, a schedule's tick): req is its input, stored its
// `$trigger` as the record keeps it (storedTrigger).
func queuedRun(req Request, stored any, now time.Time) *storage.Run {
	doc := &storage.RunRecord{
		ID:             NewRunID(),
		Flow:           req.FlowID,
		Status:         storage.RunQueued,
		Async:          true,
		CreatedAt:      now,
		Trigger:        stored,
		Accountability: req.Accountability.Value(),
	}
	req.describe(doc, nil)
	return storage.NewRun(doc, req)
}
