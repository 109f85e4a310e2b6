package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// queueBundle is a queue's surroundings for a test: a real SQLite file, a
// catalog holding one async flow whose only step waits at the gate, and a
// runner. Queues are made with newQueue, several on one database to play
// several instances.
type queueBundle struct {
	store   *storage.Store
	catalog *Catalog
	runner  *Runner
	gate    *gate
	plan    *engine.Plan
	logger  *slog.Logger
}

// gate holds runs of the bundle's flow until opened; each start is
// announced on started (run ids).
type gate struct {
	open     chan struct{}
	openOnce sync.Once
	started  chan string
	starts   atomic.Int64
}

func (g *gate) Open() { g.openOnce.Do(func() { close(g.open) }) }

// gateOp is the "gate" operation: it waits until the gate opens or its run
// is cancelled, then returns the request's n and raw body.
type gateOp struct{ g *gate }

func (o gateOp) Prepare(operations.Prepare) (operations.Step, error) { return o, nil }

func (o gateOp) Run(ctx context.Context, in operations.Input) (any, error) {
	o.g.starts.Add(1)
	o.g.started <- in.Run.RunID
	select {
	case <-o.g.open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	trigger, _ := in.Chain["$trigger"].(map[string]any)
	return map[string]any{"n": trigger["n"], "raw": trigger["raw"]}, nil
}

func setup(t *testing.T) *queueBundle {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := openTestStore(t, testStoreConfig(t, logger))
	g := &gate{open: make(chan struct{}), started: make(chan string, 1000)}
	registry := operations.NewRegistry()
	registry.MustRegister("gate", gateOp{g: g})
	eng := engine.New(registry, engine.Config{Logger: logger})
	catalog := NewCatalog(eng, store, logger)
	f, errs := flows.Decode(map[string]any{
		"id": uuid.NewString(), "name": "queued", "accountability": "all",
		"options":    map[string]any{"async": true, "access": "public"},
		"operations": []any{map[string]any{"id": "wait", "operation": "gate"}},
	})
	if errs != nil {
		t.Fatal(errs)
	}
	if err := catalog.Save(ctx, f); err != nil {
		t.Fatal(err)
	}
	plan, _ := catalog.Plan(f.ID)
	return &queueBundle{
		store:   store,
		catalog: catalog,
		runner:  NewRunner(eng, store, RunnerConfig{}, logger),
		gate:    g,
		plan:    plan,
		logger:  logger,
	}
}

// newQueue starts a queue (a worker set) on the bundle's database and stops
// it when the test ends.
func (b *queueBundle) newQueue(t *testing.T, cfg QueueConfig) *Queue {
	t.Helper()
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 10 * time.Millisecond
	}
	q := NewQueue(b.catalog, b.runner, b.store, b.logger, cfg)
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		b.gate.Open()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		q.Stop(ctx)
	})
	return q
}

// enqueue queues a run of the bundle's flow as a webhook call with body
// {"n": n}.
func (b *queueBundle) enqueue(t *testing.T, q *Queue, n int) (string, error) {
	t.Helper()
	body := fmt.Sprintf(`{"n": %d}`, n)
	r := httptest.NewRequest("POST", "/flows/trigger/"+b.plan.Flow.ID+"?q=1", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	call := NewHTTPRequest(r, []byte(body))
	trigger, err := call.Trigger()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := q.Enqueue(context.Background(), b.plan, Request{FlowID: b.plan.Flow.ID, Trigger: trigger, HTTP: &call})
	if err != nil {
		return "", err
	}
	return doc.ID, nil
}

// enqueueN queues n runs (bodies {"n": 0} to {"n": n-1}), each of which
// must be accepted, and returns their ids.
func (b *queueBundle) enqueueN(t *testing.T, q *Queue, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		var err error
		if ids[i], err = b.enqueue(t, q, i); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// record reads a run's record as GET /flows/runs/{id} shows it.
func (b *queueBundle) record(t *testing.T, id string) map[string]any {
	t.Helper()
	run, err := b.store.GetRun(context.Background(), id)
	if err != nil {
		t.Fatalf("run %s: %v", id, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(run.Record, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// statuses counts the stored runs of the bundle's flow by status.
func (b *queueBundle) statuses(t *testing.T) map[string]int {
	t.Helper()
	runs, err := b.store.ListRuns(context.Background(), storage.RunFilter{FlowID: b.plan.Flow.ID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range runs {
		out[r.Status]++
	}
	return out
}

// waitFor polls cond for up to 10 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (q *Queue) heldCount() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.held)
}

func TestQueueHoldsOnlyWhatItCanRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	q := b.newQueue(t, QueueConfig{Workers: 2, Prefetch: 1})
	ids := b.enqueueN(t, q, 10)
	waitFor(t, "two runs at the gate", func() bool { return b.gate.starts.Load() == 2 })
	waitFor(t, "three runs claimed", func() bool { return b.statuses(t)[storage.RunRunning] == 3 && q.heldCount() == 3 })
	if got := b.statuses(t); got[storage.RunQueued] != 7 || q.heldCount() != 3 {
		t.Fatalf("2 workers + 1 prefetched should hold 3 runs and leave 7 queued: %v, %d held", got, q.heldCount())
	}
	// A queued run reads as queued, with its `$trigger` scrubbed as stored.
	queued := b.record(t, ids[9])
	trigger, _ := queued["trigger"].(map[string]any)
	if queued["status"] != storage.RunQueued || trigger["method"] != "POST" || fmt.Sprint(trigger["body"]) != "map[n:9]" {
		t.Fatalf("queued record %v", queued)
	}
	b.gate.Open()
	waitFor(t, "every run completed", func() bool { return b.statuses(t)[storage.RunCompleted] == 10 && q.heldCount() == 0 })
	for i, id := range ids {
		rec := b.record(t, id)
		result, _ := rec["result"].(map[string]any)
		if rec["attempts"] != 1.0 || result["n"] != float64(i) || result["raw"] != fmt.Sprintf(`{"n": %d}`, i) {
			t.Fatalf("run %d: `$trigger` is rebuilt from the stored request: %v", i, rec)
		}
		run, _ := b.store.GetRun(context.Background(), id)
		if run.Input != nil {
			t.Fatalf("a finished run keeps no input: %s", run.Input)
		}
	}
	if q.heldCount() != 0 || q.unfinished.value() != 0 {
		t.Fatalf("%d held, %d counted unfinished after every run finished", q.heldCount(), q.unfinished.value())
	}
}

func TestQueueExpiredLeaseIsClaimedByAnotherWorkerSet(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Now()
	// Two instances: B's clock is an hour ahead, so every lease A takes
	// has expired for B; A renews every 20 ms.
	a := b.newQueue(t, QueueConfig{
		Workers: 1, Prefetch: -1, Owner: "A", Lease: 60 * time.Millisecond,
		Now: func() time.Time { return start },
	})
	id, err := b.enqueue(t, a, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := <-b.gate.started; got != id {
		t.Fatalf("A started %s", got)
	}
	bq := b.newQueue(t, QueueConfig{
		Workers: 1, Prefetch: -1, Owner: "B", Lease: 60 * time.Millisecond,
		Now: func() time.Time { return start.Add(time.Hour) },
	})
	if got := <-b.gate.started; got != id {
		t.Fatalf("B started %s", got)
	}
	if rec := b.record(t, id); rec["attempts"] != 2.0 || rec["status"] != storage.RunRunning {
		t.Fatalf("B's claim is the second attempt: %v", rec)
	}
	// A learns at its next renewal that it lost the run, and stops it.
	waitFor(t, "A to drop the run", func() bool { return a.heldCount() == 0 })
	if rec := b.record(t, id); rec["status"] != storage.RunRunning {
		t.Fatalf("A recorded the run it lost: %v", rec)
	}
	b.gate.Open()
	waitFor(t, "B to finish", func() bool { return bq.heldCount() == 0 })
	rec := b.record(t, id)
	if rec["status"] != storage.RunCompleted || rec["attempts"] != 2.0 || b.gate.starts.Load() != 2 {
		t.Fatalf("the run completes once, on B's attempt: %v (%d starts)", rec, b.gate.starts.Load())
	}
}

func TestQueueAbandonsRunsOutOfAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	// Queue two runs without workers, then let dead worker sets claim them
	// (leases that expire): one as often as a run may start, one once less.
	idle := NewQueue(b.catalog, b.runner, b.store, b.logger, QueueConfig{})
	spent, err := b.enqueue(t, idle, 1)
	if err != nil {
		t.Fatal(err)
	}
	var left string
	at := time.Now()
	for i := 1; i <= DefaultMaxAttempts; i++ {
		if i == 2 { // claimed from here on: DefaultMaxAttempts-1 times
			if left, err = b.enqueue(t, idle, 2); err != nil {
				t.Fatal(err)
			}
		}
		at = at.Add(time.Hour)
		claimed, err := b.store.ClaimRuns(ctx, fmt.Sprint("dead-", i), 10, at, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range claimed {
			if ok, err := b.store.StartRun(ctx, c, at); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
	}
	b.gate.Open()
	b.newQueue(t, QueueConfig{Now: func() time.Time { return at.Add(time.Hour) }})
	waitFor(t, "both runs to end", func() bool { return b.statuses(t)[storage.RunRunning] == 0 })
	rec := b.record(t, spent)
	runErr, _ := rec["error"].(map[string]any)
	if rec["status"] != storage.RunFailed || runErr["code"] != runAbandoned || rec["steps"] != nil ||
		rec["attempts"] != float64(DefaultMaxAttempts) {
		t.Fatalf("a run out of attempts fails with RUN_ABANDONED without running: %v", rec)
	}
	if rec := b.record(t, left); rec["status"] != storage.RunCompleted || rec["attempts"] != float64(DefaultMaxAttempts) {
		t.Fatalf("a run with an attempt left completes on its last attempt: %v", rec)
	}
	if b.gate.starts.Load() != 1 {
		t.Fatalf("%d runs started, want 1", b.gate.starts.Load())
	}
}

func TestQueueFull(t *testing.T) {
	t.Parallel()
	b := setup(t)
	q := b.newQueue(t, QueueConfig{Workers: 1, Limit: 3, RecountInterval: 10 * time.Millisecond})
	b.enqueueN(t, q, 3)
	_, err := b.enqueue(t, q, 3)
	var full *QueueFullError
	if !errors.As(err, &full) || !errors.Is(err, ErrQueueFull) || full.Limit != 3 || full.RetryAfter <= 0 || !q.Full() {
		t.Fatalf("the fourth run should be refused with a QueueFullError: %v", err)
	}
	if n, _ := b.store.CountUnfinishedRuns(context.Background()); n != 3 {
		t.Fatalf("a refused run is not stored: %d unfinished", n)
	}
	// Another instance learns of the runs from the database.
	other := b.newQueue(t, QueueConfig{Workers: 1, Limit: 3, RecountInterval: 10 * time.Millisecond})
	waitFor(t, "the other instance to count the runs", other.Full)
	if _, err := b.enqueue(t, other, 4); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("the other instance should refuse too: %v", err)
	}
	b.gate.Open()
	waitFor(t, "room in the queue", func() bool { return !q.Full() && !other.Full() })
	if _, err := b.enqueue(t, q, 5); err != nil {
		t.Fatalf("a run is accepted again once others finished: %v", err)
	}
}

func TestQueueStopClaimsNothingMore(t *testing.T) {
	t.Parallel()
	b := setup(t)
	q := b.newQueue(t, QueueConfig{Workers: 1, Prefetch: 2})
	ids := b.enqueueN(t, q, 5)
	first := <-b.gate.started
	waitFor(t, "a worker and two prefetched runs", func() bool { return b.statuses(t)[storage.RunRunning] == 3 })
	q.StopClaiming()
	if got := b.statuses(t); got[storage.RunRunning] != 1 || got[storage.RunQueued] != 4 {
		t.Fatalf("prefetched runs go back to the queue at once: %v", got)
	}
	for _, id := range ids {
		if rec := b.record(t, id); id != first && (rec["status"] != storage.RunQueued || rec["attempts"] != 0.0) {
			t.Fatalf("a released run reads as queued, its claim uncounted: %v", rec)
		}
	}
	// Runs queued while stopping wait for the next start.
	late, err := b.enqueue(t, q, 9)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	q.Stop(ctx) // the run at the gate outlives the wait: it is interrupted
	if rec := b.record(t, first); rec["status"] != storage.RunRunning {
		t.Fatalf("an interrupted run keeps its claim and records nothing: %v", rec)
	}
	if b.gate.starts.Load() != 1 {
		t.Fatalf("%d runs started after the stop", b.gate.starts.Load()-1)
	}
	b.gate.Open()
	b.newQueue(t, QueueConfig{ReleaseAtStart: true})
	waitFor(t, "every run to complete after a restart", func() bool { return b.statuses(t)[storage.RunCompleted] == 6 })
	for _, id := range append(ids, late) {
		want := 1.0
		if id == first {
			want = 2
		}
		if rec := b.record(t, id); rec["attempts"] != want {
			t.Fatalf("run %s: attempts %v, want %v", id, rec["attempts"], want)
		}
	}
}
