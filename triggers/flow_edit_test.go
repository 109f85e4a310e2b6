package triggers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// catalogBundle is a catalog over a real database (a SQLite file, or a
// PostgreSQL schema under HOOKFLOW_TEST_DB) and the built-in operations
// that need no store.
type catalogBundle struct {
	ctx     context.Context
	store   *storage.Store
	catalog *Catalog
}

func setupCatalog(t *testing.T) *catalogBundle {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	store := openTestStore(t, testStoreConfig(t, logger))
	eng := engine.New(operations.Builtins(operations.Dependencies{Logger: logger}), engine.Config{Logger: logger})
	return &catalogBundle{ctx: ctx, store: store, catalog: NewCatalog(eng, store, logger)}
}

// doc decodes a JSON object literal.
func doc(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("bad test JSON: %v\n%s", err, s)
	}
	return m
}

// create saves one flow document and returns it.
func (b *catalogBundle) create(t *testing.T, s string) *flows.Flow {
	t.Helper()
	created, _, err := b.catalog.CreateFlows(b.ctx, []map[string]any{doc(t, s)}, false)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	return created[0]
}

// paths lists the paths of validation findings.
func paths(t *testing.T, err error) []string {
	t.Helper()
	var verrs flows.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("want validation findings, got %v", err)
	}
	out := make([]string, len(verrs))
	for i, v := range verrs {
		out[i] = v.Path
	}
	return out
}

const twoSteps = `{"name": "two", "operations": [
	{"id": "a", "operation": "transform", "options": {"json": {"step": "a"}}},
	{"id": "b", "operation": "transform", "options": {"json": {"prev": "{{a.step}}"}}}]}`

func TestCreateFlowsAssignsIDsAndCompiles(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	if len(f.ID) != 36 || f.DateCreated.IsZero() || f.Operations[0].Flow != f.ID {
		t.Fatalf("created %+v", f)
	}
	if p, ok := b.catalog.Plan(f.ID); !ok || p.Flow.Name != "two" {
		t.Fatal("the new flow has no live plan")
	}
	if _, err := b.store.GetFlow(b.ctx, f.ID); err != nil {
		t.Fatalf("not stored: %v", err)
	}
}

func TestCreateFlowsIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	docs := []map[string]any{doc(t, twoSteps), doc(t, `{"operations": [{"operation": "nope"}]}`)}
	_, _, err := b.catalog.CreateFlows(b.ctx, docs, true)
	if got := paths(t, err); len(got) != 1 || got[0] != "[1].operations[0].type" {
		t.Fatalf("findings at %v", got)
	}
	if all, _ := b.store.ListFlows(b.ctx); len(all) != 0 {
		t.Fatalf("a refused batch stored %d flows", len(all))
	}
}

func TestCreateFlowsWithTakenIDs(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	first := b.create(t, `{"name": "first"}`)
	const fresh = "6d1f0c2e-9b8a-4c7d-8e6f-5a4b3c2d1e0f"
	for _, tc := range []struct {
		name string
		docs []string
		path string
	}{
		{"saved", []string{`{"id": "` + first.ID + `"}`}, "[0].id"},
		{"twice in one request", []string{`{"id": "` + fresh + `"}`, `{"id": "` + fresh + `"}`}, "[1].id"},
	} {
		docs := make([]map[string]any, len(tc.docs))
		for i, s := range tc.docs {
			docs[i] = doc(t, s)
		}
		_, _, err := b.catalog.CreateFlows(b.ctx, docs, true)
		var conflict *IDConflictError
		if !errors.As(err, &conflict) || conflict.Path != tc.path || !errors.Is(err, storage.ErrConflict) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// Findings of a document come first: they are what to fix.
	_, _, err := b.catalog.CreateFlows(b.ctx, []map[string]any{doc(t, `{"id": "`+first.ID+`", "trigger": "nope"}`)}, false)
	if got := paths(t, err); len(got) != 1 || got[0] != "trigger" {
		t.Fatalf("findings at %v", got)
	}
}

func TestReplaceFlow(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	before, _ := b.store.GetFlow(b.ctx, f.ID) // as stored: PostgreSQL keeps microseconds
	replaced, _, err := b.catalog.ReplaceFlow(b.ctx, f.ID, doc(t, `{"name": "one", "operations": [{"id": "only", "operation": "log", "options": {"message": "hi"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if replaced.ID != f.ID || replaced.DateUpdated == nil || !replaced.DateCreated.Equal(before.DateCreated) || len(replaced.Operations) != 1 {
		t.Fatalf("replaced %+v", replaced)
	}
	if p, _ := b.catalog.Plan(f.ID); p.Flow.Name != "one" {
		t.Fatal("the plan was not replaced")
	}
	_, _, err = b.catalog.ReplaceFlow(b.ctx, f.ID, doc(t, `{"id": "00000000-0000-4000-8000-000000000000"}`))
	if got := paths(t, err); len(got) != 1 || got[0] != "id" {
		t.Fatalf("changing the id: %v", got)
	}
	if _, _, err := b.catalog.ReplaceFlow(b.ctx, "00000000-0000-4000-8000-000000000000", doc(t, `{}`)); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("replacing an unknown flow: %v", err)
	}
}

func TestPatchFlowKeepsOrMovesTheEntry(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, `{"name": "p", "operation": "b", "operations": [
		{"id": "a", "operation": "log", "options": {"message": "a"}},
		{"id": "b", "operation": "log", "options": {"message": "b"}}]}`)
	renamed, _, err := b.catalog.PatchFlow(b.ctx, f.ID, doc(t, `{"name": "renamed"}`))
	if err != nil || renamed.Name != "renamed" || *renamed.Operation != "b" || len(renamed.Operations) != 2 {
		t.Fatalf("rename: %+v %v", renamed, err)
	}
	kept, _, err := b.catalog.PatchFlow(b.ctx, f.ID, doc(t, `{"operations": [
		{"id": "c", "operation": "log", "options": {"message": "c"}},
		{"id": "b", "operation": "log", "options": {"message": "b"}}]}`))
	if err != nil || *kept.Operation != "b" {
		t.Fatalf("the entry is in the new graph: %+v %v", kept, err)
	}
	moved, _, err := b.catalog.PatchFlow(b.ctx, f.ID, doc(t, `{"operations": [{"id": "d", "operation": "log", "options": {"message": "d"}}]}`))
	if err != nil || *moved.Operation != "d" {
		t.Fatalf("the entry left the graph: %+v %v", moved, err)
	}
	if _, _, err := b.catalog.PatchFlow(b.ctx, f.ID, doc(t, `{"operation": "ghost"}`)); err == nil {
		t.Fatal("an entry naming no operation was saved")
	}
}

func TestDeleteFlow(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	if err := b.catalog.DeleteFlow(b.ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.catalog.Plan(f.ID); ok {
		t.Fatal("a deleted flow keeps its plan")
	}
	if err := b.catalog.DeleteFlow(b.ctx, f.ID); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("deleting twice: %v", err)
	}
}

func TestConcurrentEditsOfOneFlowAreAllKept(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, `{"name": "busy"}`)
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			op := doc(t, fmt.Sprintf(`{"flow": %q, "key": "k%d", "type": "log", "options": {"message": "%d"}}`, f.ID, i, i))
			_, _, errs[i] = b.catalog.AddOperations(b.ctx, []map[string]any{op}, false)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("add %d: %v", i, err)
		}
	}
	saved, _ := b.store.GetFlow(b.ctx, f.ID)
	if len(saved.Operations) != n {
		t.Fatalf("%d operations saved, %d acknowledged", len(saved.Operations), n)
	}
}
