package triggers

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// EventConfig tunes the event trigger.
type EventConfig struct {
	// MaxDepth bounds chains of events (FLOWS_MAX_EVENT_DEPTH,
	// DefaultMaxEventDepth when zero): a run at this depth starts no flow.
	MaxDepth int
	// FilterTimeout bounds the filter flows of one write
	// (FLOWS_FILTER_TIMEOUT, DefaultFilterTimeout when zero).
	FilterTimeout time.Duration
	// Now stamps queued runs (time.Now when nil).
	Now func() time.Time
}

// Defaults of EventConfig.
const (
	DefaultMaxEventDepth = 5
	DefaultFilterTimeout = 5 * time.Second
)

// EventTrigger starts the flows whose trigger is "event". Action flows
// (event_action.go) are queued inside the transaction of the write that
// raised their event — it is the store's RunOutbox — and run by the
// queue's workers; filter flows (event_filter.go) run before an item
// write is made — it is the store's WriteFilter. Flows are found through
// the catalog's index, which the catalog keeps in step with saved flows.
//
// The store is opened before the catalog, runner and queue exist (they
// need it), so the trigger is created first, handed to the store, and
// bound once the server is wired; until then no flow can listen.
type EventTrigger struct {
	cfg    EventConfig
	logger *slog.Logger
	bound  atomic.Pointer[eventBinding]
	empty  *triggerIndex // the index until Bind
}

// eventBinding is what a bound trigger runs flows with.
type eventBinding struct {
	catalog *Catalog
	runner  *Runner
	queue   *Queue
}

// NewEventTrigger returns an unbound event trigger.
func NewEventTrigger(cfg EventConfig, logger *slog.Logger) *EventTrigger {
	if cfg.MaxDepth <= 0 {
		cfg.MaxDepth = DefaultMaxEventDepth
	}
	if cfg.FilterTimeout <= 0 {
		cfg.FilterTimeout = DefaultFilterTimeout
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &EventTrigger{cfg: cfg, logger: logger, empty: emptyIndex()}
}

// Bind connects the trigger to the flows it starts.
func (t *EventTrigger) Bind(c *Catalog, r *Runner, q *Queue) {
	t.bound.Store(&eventBinding{catalog: c, runner: r, queue: q})
}

// index is the bound catalog's index of flows that start on their own
// (empty until Bind).
func (t *EventTrigger) index() (*triggerIndex, *eventBinding) {
	b := t.bound.Load()
	if b == nil {
		return t.empty, nil
	}
	return b.catalog.triggers(), b
}

// EventTrigger is the store's outbox of event runs and its write filter.
var (
	_ storage.RunOutbox   = (*EventTrigger)(nil)
	_ storage.WriteFilter = (*EventTrigger)(nil)
)

// eventTrigger is `$trigger` of an event run, in Directus's shape:
// {event, collection, key | keys, payload}. An item create carries the
// one key it created; updates and deletes the keys they touched.
func eventTrigger(name, collection string, keys []any, payload any) map[string]any {
	t := map[string]any{"event": name, "payload": payload}
	if collection != "" {
		t["collection"] = collection
	}
	switch {
	case name == "items.create" && len(keys) == 1:
		t["key"] = keys[0]
	case name == "collections.create" || name == "collections.update" || name == "collections.delete":
		t["key"] = collection
	case keys != nil:
		t["keys"] = keys
	}
	return t
}

// stopAtDepth reports whether a write made at ctx's depth may start no
// more flows, and then records which event the flows in lists missed.
func (t *EventTrigger) stopAtDepth(ctx context.Context, event, collection string, lists ...[]*engine.Plan) (int, bool) {
	chain := events.ChainFrom(ctx)
	depth := chain.CurrentDepth()
	if depth < t.cfg.MaxDepth {
		return depth, false
	}
	var ids []string
	for _, list := range lists {
		for _, p := range list {
			ids = append(ids, p.Flow.ID)
		}
	}
	if chain.Stop(event, collection, ids) {
		t.logger.Warn("an event started no flow: the run that raised it is at FLOWS_MAX_EVENT_DEPTH",
			"event", event, "collection", collection, "depth", depth, "flows", ids)
	}
	return depth, true
}
