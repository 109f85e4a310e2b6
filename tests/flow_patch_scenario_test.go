package tests

import (
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestPatchFlowOperationsAlone: PATCH /flows/{id} with only `operations`
// replaces the graph. The entry stays the operation `operation` named
// when the new graph still has it, else it is the first of the new list,
// as for a flow created without `operation`.
func TestPatchFlowOperationsAlone(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"name": "f", "trigger": "webhook", "options": {"access": "public"}, "operations": [
		{"id": "a", "operation": "transform", "options": {"json": {"step": "a"}}},
		{"id": "b", "operation": "transform", "options": {"json": {"step": "b"}}}]}`)
	check(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), 200, `{"data": {"step": "b"}}`)

	// A whole new graph: the old entry is gone, the first new operation leads.
	patched := srv.Do(t, "PATCH", "/flows/"+id, `{"operations": [
		{"id": "x", "operation": "transform", "options": {"json": {"step": "x"}}},
		{"id": "y", "operation": "transform", "options": {"json": {"seen": "{{x.step}}"}}}]}`)
	checkWith(t, patched, 200, `{"data": {"name": "f", "operation": "x", "operations": [{"id": "x", "resolve": "y"}, {"id": "y"}]}}`, subsetJSON)
	check(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), 200, `{"data": {"seen": "x"}}`)

	// Operations without ids get generated ones, the first still leads.
	patched = srv.Do(t, "PATCH", "/flows/"+id, `{"operations": [
		{"operation": "transform", "options": {"json": {"step": "first"}}}]}`)
	check(t, patched, 200, "")
	check(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), 200, `{"data": {"step": "first"}}`)

	// A new graph that keeps the entry keeps it, wherever it stands.
	check(t, srv.Do(t, "PATCH", "/flows/"+id, `{"operation": "m", "operations": [
		{"id": "n", "operation": "transform", "options": {"json": {"step": "n"}}, "resolve": null},
		{"id": "m", "operation": "transform", "options": {"json": {"step": "m"}}, "resolve": null}]}`), 200, "")
	check(t, srv.Do(t, "PATCH", "/flows/"+id, `{"operations": [
		{"id": "n", "operation": "transform", "options": {"json": {"step": "n2"}}, "resolve": null},
		{"id": "m", "operation": "transform", "options": {"json": {"step": "m2"}}, "resolve": null}]}`), 200, "")
	check(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), 200, `{"data": {"step": "m2"}}`)

	// Bad operations are still refused with their paths, and change nothing.
	bad := srv.Do(t, "PATCH", "/flows/"+id, `{"operations": [{"id": "z", "operation": "nope"}]}`)
	if bad.Status != 400 || bad.ErrorCode(t) != "INVALID_PAYLOAD" {
		t.Fatalf("unknown operation type: %d %s", bad.Status, bad.Body)
	}
	check(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), 200, `{"data": {"step": "m2"}}`)
}
