package storage

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/internal/testdb"
)

// testConfig is a database of the test's own: a file in its temporary
// directory, or a fresh PostgreSQL schema under HOOKFLOW_TEST_DB
// (internal/testdb).
func testConfig(t testing.TB) Config {
	t.Helper()
	if testdb.Postgres() {
		return Config{Dialect: DialectPostgres, ConnectionString: testdb.NewSchema(t), PoolSize: testdb.PoolSize}
	}
	return Config{Filename: t.TempDir() + "/test.db"}
}

// openTestStore opens a store on the test's own database (testConfig).
func openTestStore(t testing.TB, cfg ...func(*Config)) *Store {
	t.Helper()
	c := testConfig(t)
	for _, f := range cfg {
		f(&c)
	}
	s, err := Open(context.Background(), c)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return s
}

func TestFlowRoundTrip(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	acc := "activity"
	entry := "a"
	f := &flows.Flow{
		ID: "00000000-0000-4000-8000-000000000001", Name: "n", Status: "active", Trigger: "webhook",
		Accountability: &acc, Options: map[string]any{"method": "GET"}, Operation: &entry, DateCreated: time.Now().UTC(),
	}
	for i := 0; i < 1200; i++ { // more rows than one INSERT may bind
		next := fmt.Sprintf("op%d", i+1)
		op := &flows.Operation{ID: fmt.Sprintf("op%d", i), Key: fmt.Sprintf("op%d", i), Type: "log", Options: map[string]any{"message": "m"}}
		if i < 1199 {
			op.Resolve = &next
		}
		f.Operations = append(f.Operations, op)
	}
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetFlow(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "n" || *got.Accountability != "activity" || got.Options["method"] != "GET" || len(got.Operations) != 1200 {
		t.Fatalf("got %+v", got)
	}
	if got.Operations[5].ID != "op5" || *got.Operations[5].Resolve != "op6" {
		t.Fatal("operations must keep their order and edges")
	}
	f.Operations = f.Operations[:1]
	if err := s.SaveFlows(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetFlow(ctx, f.ID); len(got.Operations) != 1 {
		t.Fatalf("saving replaces the operations: %d left", len(got.Operations))
	}
	if ids, _ := s.FlowIDsOfOperation(ctx, "op0"); len(ids) != 1 || ids[0] != f.ID {
		t.Fatalf("FlowIDsOfOperation = %v", ids)
	}
	if err := s.DeleteFlow(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetFlow(ctx, f.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.DeleteFlow(ctx, f.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestRunWriter(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	now := time.Now().UTC()
	s.RecordRun(NewRun(&RunRecord{
		ID: "r1", Flow: "f", Status: RunCompleted, CreatedAt: now,
		Result: map[string]any{"ok": true}, Trigger: map[string]any{"a": "<b>"},
	}, nil))
	got, err := s.GetRun(ctx, "r1")
	if err != nil {
		t.Fatalf("a submitted record is readable at once: %v", err)
	}
	doc, err := got.Doc()
	if err != nil || doc.Trigger.(map[string]any)["a"] != "<b>" || doc.Result.(map[string]any)["ok"] != true {
		t.Fatalf("doc %+v %v (record %s)", doc, err, got.Record)
	}

	// A queued run is committed before RecordRunDurably returns, and an
	// update replaces the record.
	queued := &RunRecord{ID: "q1", Flow: "f", Status: RunQueued, Async: true, CreatedAt: now}
	if err := s.RecordRunDurably(ctx, NewRun(queued, map[string]any{"trigger": 1.0})); err != nil {
		t.Fatal(err)
	}
	left, err := s.UnfinishedRuns(ctx)
	if err != nil || len(left) != 1 || left[0].ID != "q1" {
		t.Fatalf("unfinished = %v, %v", left, err)
	}
	var input map[string]any
	if err := left[0].DecodeInput(&input); err != nil || input["trigger"] != 1.0 {
		t.Fatalf("input %v %v", input, err)
	}
	done, err := left[0].Doc()
	if err != nil || !done.Async {
		t.Fatalf("stored doc %+v %v", done, err)
	}
	done.Status = RunCompleted
	if err := s.RecordRunDurably(ctx, NewRun(done, nil)); err != nil {
		t.Fatal(err)
	}
	if left, _ := s.UnfinishedRuns(ctx); len(left) != 0 {
		t.Fatalf("still unfinished: %v", left)
	}

	for i := 0; i < 50; i++ {
		s.RecordRun(NewRun(&RunRecord{
			ID: fmt.Sprintf("b%02d", i), Flow: "g", Status: RunFailed,
			CreatedAt: now.Add(time.Duration(i) * time.Millisecond),
		}, nil))
	}
	runs, err := s.ListRuns(ctx, RunFilter{FlowID: "g", Status: RunFailed, Limit: 10})
	if err != nil || len(runs) != 10 || runs[0].ID != "b49" {
		t.Fatalf("list: %d runs, first %v, %v", len(runs), runs, err)
	}
	if runs, _ := s.ListRuns(ctx, RunFilter{FlowID: "g", Since: now.Add(45 * time.Millisecond)}); len(runs) != 5 {
		t.Fatalf("since: %d runs", len(runs))
	}
}

func TestRunRecordsSurviveReopen(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t)
	s, err := Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		s.RecordRun(NewRun(&RunRecord{ID: fmt.Sprint(i), Flow: "f", Status: RunCompleted, CreatedAt: time.Now()}, nil))
	}
	if err := s.Close(); err != nil { // Close flushes what is pending.
		t.Fatal(err)
	}
	s, err = Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	runs, err := s.ListRuns(context.Background(), RunFilter{FlowID: "f"})
	if err != nil || len(runs) != 100 {
		t.Fatalf("%d runs after reopening, %v", len(runs), err)
	}
}

func TestSettings(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	if _, err := s.GetSetting(ctx, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing setting: %v", err)
	}
	for _, v := range []string{"one", "two"} {
		if err := s.PutSetting(ctx, "k", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := s.GetSetting(ctx, "k"); v != "two" {
		t.Fatalf("setting = %q", v)
	}
}

func TestMemoryDatabasesAreSeparate(t *testing.T) {
	t.Parallel()
	testdb.SkipOnPostgres(t, "in-memory databases are SQLite's")
	a, err := Open(context.Background(), Config{Filename: MemoryFilename})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(context.Background(), Config{Filename: MemoryFilename})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_ = a.PutSetting(context.Background(), "k", "a")
	if _, err := b.GetSetting(context.Background(), "k"); !errors.Is(err, ErrNotFound) {
		t.Fatal("two in-memory stores share data")
	}
}

// TestCloseReleasesTheDatabase: a closed store holds no connection, on a
// database read and written through one handle (PostgreSQL's pool, a
// SQLite memory database) as through two.
func TestCloseReleasesTheDatabase(t *testing.T) {
	t.Parallel()
	configs := []Config{testConfig(t)}
	if !testdb.Postgres() {
		configs = append(configs, Config{Filename: MemoryFilename})
	}
	for _, cfg := range configs {
		s, err := Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := s.Ping(context.Background()); err == nil {
			t.Errorf("%s %s: the database still answers after Close", s.Dialect(), cfg.Filename)
		}
	}
}
