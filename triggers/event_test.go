package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// eventBundle is an event trigger wired as the server wires it: the store
// queues its action runs and passes item writes through its filters.
type eventBundle struct {
	store   *storage.Store
	catalog *Catalog
	runner  *Runner
	queue   *Queue
	trigger *EventTrigger
}

// stampOp is the "stamp" operation: it returns the trigger's payload with
// the option `name` appended to its `seen` list, so a test reads which
// filter flows saw a payload, in which order.
type stampOp struct{}

func (stampOp) Prepare(operations.Prepare) (operations.Step, error) { return stampOp{}, nil }

func (stampOp) Run(_ context.Context, in operations.Input) (any, error) {
	trigger, _ := in.Chain["$trigger"].(map[string]any)
	payload, _ := trigger["payload"].(map[string]any)
	out := map[string]any{}
	for k, v := range payload {
		out[k] = v
	}
	seen, _ := out["seen"].([]any)
	out["seen"] = append(append([]any(nil), seen...), in.Options["name"])
	return out, nil
}

func setupEvents(t testing.TB, cfg EventConfig, queue ...QueueConfig) *eventBundle {
	t.Helper()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	trigger := NewEventTrigger(cfg, logger)
	storeCfg := testStoreConfig(t, logger)
	storeCfg.RunOutbox, storeCfg.Filter = trigger, trigger
	store := openTestStore(t, storeCfg)
	registry := operations.NewRegistry()
	registry.MustRegister("stamp", stampOp{})
	eng := engine.New(registry, engine.Config{Logger: logger})
	catalog := NewCatalog(eng, store, logger)
	runner := NewRunner(eng, store, RunnerConfig{}, logger)
	queueCfg := QueueConfig{}
	if len(queue) > 0 {
		queueCfg = queue[0]
	}
	q := NewQueue(catalog, runner, store, logger, queueCfg)
	trigger.Bind(catalog, runner, q)
	return &eventBundle{store: store, catalog: catalog, runner: runner, queue: q, trigger: trigger}
}

// save stores a flow given as JSON text.
func (b *eventBundle) save(t testing.TB, doc string) *flows.Flow {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	f, errs := flows.Decode(m)
	if errs != nil {
		t.Fatal(errs)
	}
	f.ID, f.DateCreated = uuid.NewString(), time.Now()
	if err := b.catalog.Save(context.Background(), f); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFilterFlowsRunInTheOrderTheyWereCreated(t *testing.T) {
	t.Parallel()
	b := setupEvents(t, EventConfig{})
	for _, name := range []string{"first", "second", "third"} {
		b.save(t, `{"name": "`+name+`", "trigger": "event", "options": {"type": "filter", "scope": ["items.create"]},
		  "operations": [{"operation": "stamp", "options": {"name": "`+name+`"}}]}`)
		time.Sleep(time.Millisecond) // distinct creation times
	}
	created, err := b.store.CreateItems(context.Background(), "orders", []map[string]any{{"total": 1}}, storage.WriteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := json.Marshal(created[0]["seen"]); string(got) != `["first","second","third"]` {
		t.Fatalf("filters saw the payload in the order %s", got)
	}
	// A quiet write (emitEvents: false) passes no filter.
	quiet, err := b.store.CreateItems(context.Background(), "orders", []map[string]any{{"total": 2}}, storage.WriteOptions{Quiet: true})
	if err != nil || quiet[0]["seen"] != nil {
		t.Fatalf("quiet write: %v %v", quiet, err)
	}
}

func TestDepthLimitStopsEventsAndRefusesFilteredWrites(t *testing.T) {
	t.Parallel()
	b := setupEvents(t, EventConfig{MaxDepth: 2})
	action := b.save(t, `{"trigger": "event", "options": {"scope": ["items.create"], "collections": ["orders"]},
	  "operations": [{"operation": "stamp"}]}`)
	b.save(t, `{"trigger": "event", "options": {"type": "filter", "scope": ["items.delete"], "collections": ["orders"]},
	  "operations": [{"operation": "stamp"}]}`)
	evs := []storage.ItemEvent{{Action: "create", Collection: "orders", Keys: []any{1}, Payload: map[string]any{"id": 1}}}

	chain := &events.Chain{Depth: 1}
	runs, err := b.trigger.ItemRuns(events.WithChain(context.Background(), chain), evs)
	if err != nil || len(runs) != 1 {
		t.Fatalf("at depth 1: %d runs, %v", len(runs), err)
	}
	doc, _ := runs[0].Doc()
	if doc.EventDepth != 2 || doc.Event != "items.create" || doc.StartedBy != StartedByEvent || doc.Status != storage.RunQueued {
		t.Fatalf("queued run: %+v", doc)
	}

	chain = &events.Chain{Depth: 2}
	ctx := events.WithChain(context.Background(), chain)
	for range 3 {
		if runs, err := b.trigger.ItemRuns(ctx, evs); err != nil || len(runs) != 0 {
			t.Fatalf("at the limit: %d runs, %v", len(runs), err)
		}
	}
	stopped := chain.StoppedEvents()
	if len(stopped) != 1 || stopped[0].Count != 3 || stopped[0].Flows[0] != action.ID || stopped[0].Collection != "orders" {
		t.Fatalf("stopped events: %+v", stopped)
	}

	_, err = b.store.DeleteItems(ctx, "orders", storage.ItemSelection{Keys: []any{1}}, storage.WriteOptions{})
	var refused *FilterError
	var failure *operations.Error
	if !errors.As(err, &refused) || !errors.Is(err, ErrEventDepth) || !errors.As(err, &failure) || failure.Code != "EVENT_DEPTH_LIMIT" {
		t.Fatalf("a filtered delete at the limit: %v", err)
	}
}

func TestItemRunsCostNothingWithoutListeners(t *testing.T) {
	b := setupEvents(t, EventConfig{})
	b.save(t, `{"trigger": "event", "options": {"scope": ["items.create"], "collections": ["orders"]},
	  "operations": [{"operation": "stamp"}]}`)
	evs := []storage.ItemEvent{{Action: "update", Collection: "customers", Keys: []any{1}, Payload: map[string]any{}}}
	ctx := context.Background()
	allocs := testing.AllocsPerRun(100, func() {
		if runs, err := b.trigger.ItemRuns(ctx, evs); err != nil || runs != nil {
			t.Fatal(runs, err)
		}
		if b.trigger.Filters("update", "customers") {
			t.Fatal("no filter listens")
		}
	})
	if allocs != 0 {
		t.Fatalf("a write no flow listens to allocates %v times", allocs)
	}
}

func TestTriggerIndex(t *testing.T) {
	t.Parallel()
	flow := func(id string, created int, active bool, opts *flows.EventOptions) *engine.Plan {
		status := flows.StatusActive
		if !active {
			status = flows.StatusInactive
		}
		return &engine.Plan{Flow: &flows.Flow{
			ID:          id,
			Status:      status,
			Trigger:     flows.TriggerEvent,
			Event:       opts,
			DateCreated: time.Unix(int64(created), 0),
		}}
	}
	action := func(scope []string, collections ...string) *flows.EventOptions {
		return &flows.EventOptions{Type: flows.EventAction, Scope: scope, Collections: collections}
	}
	plans := map[string]*engine.Plan{
		"b": flow("b", 2, true, action([]string{"items.create", "items.create"}, "orders")),
		"a": flow("a", 1, true, action([]string{"items.create", "report.generated"})),
		"c": flow("c", 3, false, action([]string{"items.create"})),
		"d": flow("d", 0, true, &flows.EventOptions{Type: flows.EventFilter, Scope: []string{"items.update"}}),
		"e": flow("e", 4, true, action([]string{"collections.create"}, "orders")),
	}
	x := newTriggerIndex(plans)
	ids := func(lists ...[]*engine.Plan) []string {
		var out []string
		for _, l := range lists {
			for _, p := range l {
				out = append(out, p.Flow.ID)
			}
		}
		return out
	}
	cases := []struct {
		index             map[eventKey][]*engine.Plan
		event, collection string
		want              []string
	}{
		{x.actions, "items.create", "orders", []string{"b", "a"}},
		{x.actions, "items.create", "customers", []string{"a"}},
		{x.actions, "report.generated", "", []string{"a"}},
		{x.actions, "collections.create", "", []string{"e"}}, // collections narrows item events only
		{x.actions, "items.update", "orders", nil},
		{x.filters, "items.update", "orders", []string{"d"}},
		{x.filters, "items.create", "orders", nil},
	}
	for _, c := range cases {
		named, all := match(c.index, c.event, c.collection)
		if got := ids(named, all); !equalStrings(got, c.want) {
			t.Errorf("%s on %q: %v, want %v", c.event, c.collection, got, c.want)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestReloadedFlowsAreIndexed: a flow another server saved, which the
// catalog hears of through Reload, starts on its events at once, and
// stops when its deletion is reloaded.
func TestReloadedFlowsAreIndexed(t *testing.T) {
	t.Parallel()
	b := setupEvents(t, EventConfig{})
	var m map[string]any
	_ = json.Unmarshal([]byte(`{"trigger": "event", "options": {"scope": ["items.create"]}, "operations": [{"operation": "stamp"}]}`), &m)
	f, errs := flows.Decode(m)
	if errs != nil {
		t.Fatal(errs)
	}
	f.ID = uuid.NewString()
	ctx := context.Background()
	if err := b.store.SaveFlows(ctx, f); err != nil { // as another server would
		t.Fatal(err)
	}
	evs := []storage.ItemEvent{{Action: "create", Collection: "orders", Keys: []any{1}, Payload: map[string]any{}}}
	count := func() int {
		runs, err := b.trigger.ItemRuns(ctx, evs)
		if err != nil {
			t.Fatal(err)
		}
		return len(runs)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d runs before the reload", n)
	}
	if err := b.catalog.Reload(ctx, f.ID); err != nil || count() != 1 {
		t.Fatalf("after the reload: %d runs, %v", count(), err)
	}
	if err := b.store.DeleteFlow(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.catalog.Reload(ctx, f.ID); err != nil || count() != 0 {
		t.Fatalf("after the deletion's reload: %d runs, %v", count(), err)
	}
}
