package triggers

import (
	"errors"
	"testing"

	"github.com/hookflow/hookflow/storage"
)

func TestAddOperationsAssignsIdentityAndEntry(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, `{"name": "empty"}`)
	added, _, err := b.catalog.AddOperations(b.ctx, []map[string]any{
		doc(t, `{"flow": "`+f.ID+`", "type": "log", "options": {"message": "one"}}`),
		doc(t, `{"flow": "`+f.ID+`", "type": "log", "options": {"message": "two"}}`),
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(added[0].ID) != 36 || added[0].Key != "log_1" || added[1].Key != "log_2" {
		t.Fatalf("added %+v %+v", added[0], added[1])
	}
	saved, _ := b.store.GetFlow(b.ctx, f.ID)
	if saved.Operation == nil || *saved.Operation != added[0].ID || saved.DateUpdated == nil {
		t.Fatalf("entry %v, updated %v", saved.Operation, saved.DateUpdated)
	}
	if saved.Operations[0].Resolve != nil {
		t.Fatal("operations added one by one were chained implicitly")
	}
}

func TestAddOperationsRefusals(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	_, _, err := b.catalog.AddOperations(b.ctx, []map[string]any{
		doc(t, `{"type": "log", "options": {"message": "x"}}`),
		doc(t, `{"flow": "00000000-0000-4000-8000-000000000000", "type": "log", "options": {"message": "x"}}`),
	}, true)
	if got := paths(t, err); len(got) != 2 || got[0] != "[0].flow" || got[1] != "[1].flow" {
		t.Fatalf("findings at %v", got)
	}
	_, _, err = b.catalog.AddOperations(b.ctx, []map[string]any{doc(t, `{"flow": "`+f.ID+`", "id": "a", "type": "log", "options": {"message": "x"}}`)}, false)
	var conflict *IDConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("a taken operation id: %v", err)
	}
	_, _, err = b.catalog.AddOperations(b.ctx, []map[string]any{doc(t, `{"flow": "`+f.ID+`", "type": "condition", "options": {}}`)}, false)
	if got := paths(t, err); len(got) == 0 {
		t.Fatal("invalid options were saved")
	}
	if saved, _ := b.store.GetFlow(b.ctx, f.ID); len(saved.Operations) != 2 {
		t.Fatalf("refused additions changed the flow: %d operations", len(saved.Operations))
	}
}

func TestPatchOperation(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	op, _, err := b.catalog.PatchOperation(b.ctx, "a", "", doc(t, `{"options": {"json": {"step": "A"}}}`))
	if err != nil || op.Options["json"].(map[string]any)["step"] != "A" || op.Flow != f.ID {
		t.Fatalf("patched %+v %v", op, err)
	}
	p, _ := b.catalog.Plan(f.ID)
	if p.Flow.OperationByID("a").Options["json"].(map[string]any)["step"] != "A" {
		t.Fatal("the plan was not recompiled")
	}
	for _, tc := range []struct{ patch, path string }{
		{`{"id": "z"}`, "id"},
		{`{"flow": "00000000-0000-4000-8000-000000000000"}`, "flow"},
	} {
		_, _, err := b.catalog.PatchOperation(b.ctx, "a", f.ID, doc(t, tc.patch))
		if got := paths(t, err); len(got) != 1 || got[0] != tc.path {
			t.Errorf("%s: findings at %v", tc.patch, got)
		}
	}
}

func TestDeleteOperationClearsEdgesAndEntry(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, twoSteps)
	if err := b.catalog.DeleteOperation(b.ctx, "b", f.ID); err != nil {
		t.Fatal(err)
	}
	saved, _ := b.store.GetFlow(b.ctx, f.ID)
	if len(saved.Operations) != 1 || saved.Operations[0].Resolve != nil {
		t.Fatalf("after deleting b: %+v", saved.Operations)
	}
	if err := b.catalog.DeleteOperation(b.ctx, "a", ""); err != nil {
		t.Fatal(err)
	}
	if saved, _ = b.store.GetFlow(b.ctx, f.ID); saved.Operation != nil {
		t.Fatalf("the entry names a deleted operation: %v", *saved.Operation)
	}
}

func TestFindOperation(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	one := b.create(t, twoSteps)
	b.create(t, twoSteps)
	var ambiguous *AmbiguousOperationError
	if _, _, err := b.catalog.FindOperation(b.ctx, "a", ""); !errors.As(err, &ambiguous) || ambiguous.Flows != 2 {
		t.Fatalf("an id two flows hold: %v", err)
	}
	f, op, err := b.catalog.FindOperation(b.ctx, "a", one.ID)
	if err != nil || f.ID != one.ID || op.ID != "a" {
		t.Fatalf("picked by flow: %v", err)
	}
	for _, tc := range [][2]string{{"ghost", ""}, {"a", "00000000-0000-4000-8000-000000000000"}} {
		_, _, err := b.catalog.FindOperation(b.ctx, tc[0], tc[1])
		var nf *NotFoundError
		if !errors.As(err, &nf) || !errors.Is(err, storage.ErrNotFound) || nf.Error() != `operation "`+tc[0]+`" does not exist` {
			t.Errorf("%v: %v", tc, err)
		}
	}
}

// TestOperationsNamingLaterOperationsAreWarnings: an editor creates
// operations one by one, the last first, so a template may name a key
// that does not exist yet: a warning then, not a refusal.
func TestOperationsNamingLaterOperationsAreWarnings(t *testing.T) {
	t.Parallel()
	b := setupCatalog(t)
	f := b.create(t, `{"name": "editor"}`)
	_, warnings, err := b.catalog.AddOperations(b.ctx, []map[string]any{
		doc(t, `{"flow": "`+f.ID+`", "key": "respond", "type": "transform", "options": {"json": {"checked": "{{check.name}}"}}}`),
	}, false)
	if err != nil || len(warnings) != 1 || warnings[0].Path != "operations[0].options.json.checked" {
		t.Fatalf("warnings %v, error %v", warnings, err)
	}
	_, warnings, err = b.catalog.AddOperations(b.ctx, []map[string]any{
		doc(t, `{"flow": "`+f.ID+`", "key": "check", "type": "condition", "options": {"filter": {"name": {"_nempty": true}}}}`),
	}, false)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("once the key exists: warnings %v, error %v", warnings, err)
	}
}
