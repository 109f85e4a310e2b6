package triggers

import (
	"errors"
	"slices"
	"testing"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

func TestPutFlowCreatesThenUpdatesThenKeeps(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f, created, _, err := b.catalog.PutFlow(b.ctx, "github-push", doc(t, twoSteps))
	if err != nil || !created || f.ID != "github-push" {
		t.Fatalf("first put: %v %v %+v", err, created, f)
	}
	if _, ok := b.catalog.Plan("GitHub-Push"); !ok {
		t.Fatal("the slug's plan is not found in another case")
	}
	again, created, _, err := b.catalog.PutFlow(b.ctx, "github-push", doc(t, twoSteps))
	if err != nil || created || again.DateUpdated != nil {
		t.Fatalf("the same document again saved something: %v %v %v", err, created, again.DateUpdated)
	}
	changed, created, _, err := b.catalog.PutFlow(b.ctx, "github-push", doc(t, `{"id": "github-push", "name": "changed"}`))
	if err != nil || created || changed.Name != "changed" || changed.DateUpdated == nil {
		t.Fatalf("a change: %v %v %+v", err, created, changed)
	}
	for _, tc := range []struct{ id, body, path string }{
		{"Not A Slug", `{}`, "id"},
		{"other", `{"id": "github-push"}`, "id"},
		{"fine", `{"operations": [{"operation": "nope"}]}`, "operations[0].type"},
	} {
		_, _, _, err := b.catalog.PutFlow(b.ctx, tc.id, doc(t, tc.body))
		if got := paths(t, err); !slices.Contains(got, tc.path) {
			t.Errorf("%s %s: findings at %v", tc.id, tc.body, got)
		}
	}
	if _, err := b.store.GetFlow(b.ctx, "fine"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatal("a refused put created a flow")
	}
}

func TestCheckFlowFilesNeedsUniqueIDs(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	_, _, findings := CheckFlowFiles(b.catalog.engine, []map[string]any{
		doc(t, `{"id": "a"}`), doc(t, `{"name": "no id"}`), doc(t, `{"id": "A"}`), doc(t, `{"id": "bad id!"}`),
	}, nil)
	want := []string{"[1].id", "[2].id", "[2].id", "[3].id"}
	got := make([]string, len(findings))
	for i, f := range findings {
		got[i] = f.Path
	}
	if !slices.Equal(got, want) {
		t.Fatalf("findings %v", findings)
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	other := b.create(t, `{"name": "made by hand"}`)
	files := []map[string]any{doc(t, `{"id": "one", "name": "one"}`), doc(t, `{"id": "two", "name": "two"}`)}

	dry, err := b.catalog.Apply(b.ctx, files, ApplyOptions{DryRun: true, Prune: true})
	if err != nil || !slices.Equal(dry.Created, []string{"one", "two"}) || !slices.Equal(dry.Deleted, []string{other.ID}) {
		t.Fatalf("dry run: %+v %v", dry, err)
	}
	if all, _ := b.store.ListFlows(b.ctx); len(all) != 1 {
		t.Fatalf("a dry run changed the store: %d flows", len(all))
	}

	res, err := b.catalog.Apply(b.ctx, files, ApplyOptions{})
	if err != nil || len(res.Created) != 2 || len(res.Deleted) != 0 {
		t.Fatalf("apply: %+v %v", res, err)
	}
	res, err = b.catalog.Apply(b.ctx, files, ApplyOptions{})
	if err != nil || !slices.Equal(res.Unchanged, []string{"one", "two"}) || len(res.Created)+len(res.Updated) != 0 {
		t.Fatalf("apply again: %+v %v", res, err)
	}
	files[1] = doc(t, `{"id": "two", "name": "two, renamed"}`)
	res, err = b.catalog.Apply(b.ctx, files, ApplyOptions{Prune: true})
	if err != nil || !slices.Equal(res.Updated, []string{"two"}) || !slices.Equal(res.Deleted, []string{other.ID}) {
		t.Fatalf("apply a change with prune: %+v %v", res, err)
	}
	if _, ok := b.catalog.Plan(other.ID); ok {
		t.Fatal("a pruned flow keeps its plan")
	}
	if p, _ := b.catalog.Plan("two"); p.Flow.Name != "two, renamed" {
		t.Fatal("the updated plan is not live")
	}
}

// TestApplyIsAllOrNothing: one invalid document changes nothing, not even
// the valid ones or the pruning.
func TestApplyIsAllOrNothing(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	kept := b.create(t, `{"name": "kept"}`)
	_, err := b.catalog.Apply(b.ctx, []map[string]any{
		doc(t, `{"id": "good"}`),
		doc(t, `{"id": "bad", "operations": [{"id": "x", "operation": "log", "options": {"message": "{{$triger.x}}"}}]}`),
	}, ApplyOptions{Prune: true})
	var findings flows.ValidationErrors
	if !errors.As(err, &findings) || findings[0].Path != "[1].operations[0].options.message" {
		t.Fatalf("apply: %v", err)
	}
	all, _ := b.store.ListFlows(b.ctx)
	if len(all) != 1 || all[0].ID != kept.ID {
		t.Fatalf("a refused apply changed the store: %d flows", len(all))
	}
}

// TestReload: a change another server made to the database becomes live
// through Reload, and a deletion drops the plan.
func TestReload(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	changed := f.Clone()
	changed.Name = "changed elsewhere"
	if err := b.store.SaveFlows(b.ctx, changed); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.catalog.Plan(f.ID); p.Flow.Name != "two" {
		t.Fatal("the plan changed before Reload")
	}
	if err := b.catalog.Reload(b.ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := b.catalog.Plan(f.ID); p.Flow.Name != "changed elsewhere" {
		t.Fatal("Reload did not compile the saved flow")
	}
	if err := b.store.DeleteFlow(b.ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.catalog.Reload(b.ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.catalog.Plan(f.ID); ok {
		t.Fatal("Reload kept the plan of a deleted flow")
	}
}
