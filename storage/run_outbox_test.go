package storage

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/flows"
)

// testRunOutbox starts one run per event of collection "orders" and per
// custom event "report.*"; a write to "full" fails.
type testRunOutbox struct {
	mu         sync.Mutex
	committing int
	committed  [][]*Run
}

var errTestFull = errors.New("full")

func testRun(name string) *Run {
	return NewRun(&RunRecord{ID: uuid.NewString(), Flow: "f", Status: RunQueued, CreatedAt: time.Now()}, map[string]any{"event": name})
}

func (o *testRunOutbox) ItemRuns(_ context.Context, evs []ItemEvent) ([]*Run, error) {
	var runs []*Run
	for _, e := range evs {
		switch e.Collection {
		case "orders":
			runs = append(runs, testRun(e.Action))
		case "full":
			return nil, errTestFull
		}
	}
	return runs, nil
}

func (o *testRunOutbox) EventRuns(_ context.Context, e *events.Event) ([]*Run, error) {
	if e.Name == "report.generated" || e.Name == "collections.create" {
		return []*Run{testRun(e.Name)}, nil
	}
	return nil, nil
}

func (o *testRunOutbox) RunsCommitting() {
	o.mu.Lock()
	o.committing++
	o.mu.Unlock()
}

func (o *testRunOutbox) RunsCommitted(rows []*Run) {
	o.mu.Lock()
	o.committed = append(o.committed, rows)
	o.mu.Unlock()
}

func (o *testRunOutbox) count() (committing, committed int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, rows := range o.committed {
		committed += len(rows)
	}
	return o.committing, committed
}

// TestRunsCommitWithTheirWrite: the runs a write's events start are stored
// as queued runs in the write's transaction; a write that fails, or whose
// run outbox refuses it, stores neither items nor runs.
func TestRunsCommitWithTheirWrite(t *testing.T) {
	t.Parallel()
	outbox := &testRunOutbox{}
	s := openTestStore(t, func(c *Config) { c.RunOutbox = outbox })
	ctx := context.Background()
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 1}, {"id": 2}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A duplicate id fails the write: its runs are rolled back with it.
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 3}, {"id": 1}}, WriteOptions{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate: %v", err)
	}
	if _, err := s.CreateItems(ctx, "full", []map[string]any{{"id": 1}}, WriteOptions{}); !errors.Is(err, errTestFull) {
		t.Fatalf("refused by the outbox: %v", err)
	}
	if _, err := s.GetItem(ctx, "full", "1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("an item of a refused write was stored: %v", err)
	}
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 4}}, WriteOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.StoreEvent(ctx, events.Event{Name: "report.generated"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCollection(ctx, Collection{Name: "invoices"}); err != nil {
		t.Fatal(err)
	}
	n, err := s.CountUnfinishedRuns(ctx)
	if err != nil || n != 4 {
		t.Fatalf("%d queued runs, want 4 (two creates, the event, the collection): %v", n, err)
	}
	if committing, committed := outbox.count(); committing != 3 || committed != 4 {
		t.Fatalf("told %d times before and of %d runs after the commits", committing, committed)
	}
	claimed, err := s.ClaimRuns(ctx, "test", 10, time.Now(), time.Minute)
	if err != nil || len(claimed) != 4 {
		t.Fatalf("claimed %d: %v", len(claimed), err)
	}
}

// TestTicksAreClaimedOnce: a schedule row follows its flow (kept while the
// expression stays, reset when it changes, gone when the flow is
// deactivated or deleted), and a tick is claimed once, with its run.
func TestTicksAreClaimedOnce(t *testing.T) {
	t.Parallel()
	outbox := &testRunOutbox{}
	s := openTestStore(t, func(c *Config) { c.RunOutbox = outbox })
	ctx := context.Background()
	f := &flows.Flow{
		ID: "sched", Status: flows.StatusActive, Trigger: flows.TriggerSchedule,
		Options: map[string]any{"cron": "@hourly"},
	}
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	due := time.Date(2030, 1, 2, 4, 0, 0, 0, time.UTC)
	if ok, err := s.PlanSchedule(ctx, "sched", "@hourly", due); !ok || err != nil {
		t.Fatalf("plan: %v %v", ok, err)
	}
	if ok, _ := s.PlanSchedule(ctx, "sched", "@hourly", due.Add(time.Hour)); ok {
		t.Fatal("a planned schedule was planned again")
	}
	f.Name = "renamed" // saved again with the same expression: the due time stays
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	next := due.Add(time.Hour)
	for i, want := range []bool{true, false} {
		ok, err := s.ClaimTick(ctx, "sched", "@hourly", due, next, testRun("tick"))
		if err != nil || ok != want {
			t.Fatalf("claim %d: %v %v, want %v", i, ok, err, want)
		}
	}
	if n, _ := s.CountUnfinishedRuns(ctx); n != 1 {
		t.Fatalf("%d runs for one tick", n)
	}
	rows, err := s.Schedules(ctx)
	if err != nil || len(rows) != 1 || !rows[0].NextRun.Equal(next) {
		t.Fatalf("schedules %+v %v", rows, err)
	}

	f.Options = map[string]any{"cron": "*/5 * * * *"}
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.ClaimTick(ctx, "sched", "@hourly", next, next.Add(time.Hour), testRun("tick")); ok {
		t.Fatal("a tick of the old expression was claimed")
	}
	if rows, _ := s.Schedules(ctx); len(rows) != 1 || rows[0].NextRun != nil || rows[0].Cron != "*/5 * * * *" {
		t.Fatalf("after the edit: %+v", rows)
	}
	f.Status = flows.StatusInactive
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.Schedules(ctx); len(rows) != 0 {
		t.Fatalf("an inactive flow keeps its schedule: %+v", rows)
	}
	// A server whose catalog still holds the flow as active plans nothing.
	if ok, err := s.PlanSchedule(ctx, "sched", "*/5 * * * *", next); ok || err != nil {
		t.Fatalf("an inactive flow was planned: %v %v", ok, err)
	}
	if rows, _ := s.Schedules(ctx); len(rows) != 0 {
		t.Fatalf("planning an inactive flow made its schedule: %+v", rows)
	}
	f.Status = flows.StatusActive
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFlow(ctx, "sched"); err != nil {
		t.Fatal(err)
	}
	if rows, _ := s.Schedules(ctx); len(rows) != 0 {
		t.Fatalf("a deleted flow keeps its schedule: %+v", rows)
	}
}
