package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

func withRenderSize(n int64) func(*hookflow.Config) {
	return func(c *hookflow.Config) { c.MaxRenderSize = n }
}

// refs is an object of n members that all reference the same value.
func refs(n int, placeholder string) map[string]any {
	obj := make(map[string]any, n)
	for i := range n {
		obj[fmt.Sprintf("k%d", i)] = placeholder
	}
	return obj
}

// TestRenderTooLargeFailsTheRun: the reproduction (one option
// repeating a placeholder of the payload) and the other ways a flow can
// multiply its payload all stop at FLOWS_MAX_RENDER_SIZE (16 MiB by
// default) with 413 RENDER_TOO_LARGE, and the run is recorded as failed.
func TestRenderTooLargeFailsTheRun(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	payload := map[string]any{"a": strings.Repeat("a", 10_000)}
	transform := func(json any) []any {
		return []any{map[string]any{"id": "build", "operation": "transform", "options": map[string]any{"json": json}}}
	}
	for name, operations := range map[string][]any{
		"text":            transform(strings.Repeat("{{$trigger.a}}", 2_000)),
		"JSON text":       transform(`{"s": "` + strings.Repeat("{{$trigger.a}}", 2_000) + `"}`),
		"references":      transform(refs(2_000, "{{$trigger}}")),
		"exec result":     {map[string]any{"id": "build", "operation": "exec", "options": map[string]any{"expression": "map(1..2000, $trigger.a)"}}},
		"condition value": {map[string]any{"id": "build", "operation": "condition", "options": map[string]any{"filter": map[string]any{"a": map[string]any{"_eq": strings.Repeat("{{$trigger.a}}", 2_000)}}}}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "options": map[string]any{"access": "public"}, "operations": operations})
			resp := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, payload)
			if resp.Status != http.StatusRequestEntityTooLarge || resp.ErrorCode(t) != "RENDER_TOO_LARGE" || len(resp.Body) > 2000 {
				t.Fatalf("got %d %.300s", resp.Status, resp.Body)
			}
			run, _ := srv.WaitRun(t, onlyRunID(t, srv, id))
			runErr, _ := run["error"].(map[string]any)
			if run["status"] != "failed" || runErr["code"] != "RENDER_TOO_LARGE" || runErr["operation"] != "build" {
				t.Fatalf("run record: %v", run)
			}
		})
	}
}

// TestRenderLimitIsConfigured: FLOWS_MAX_RENDER_SIZE applies to every
// step and to the run's return value; below it, flows answer as before.
func TestRenderLimitIsConfigured(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, withRenderSize(1<<20))
	steps := `[{"id": "a", "operation": "transform", "options": {"json": ` + jsonText(refs(40, "{{$trigger.body}}")) + `}},
		{"id": "b", "operation": "transform", "options": {"json": ` + jsonText(refs(40, "{{$trigger.body}}")) + `}}]`
	payload := map[string]any{"s": strings.Repeat("s", 20_000)} // each step: 40 × 20 KB = 800 KB
	for _, tc := range []struct {
		ret    string
		status int
	}{
		{`"$last"`, http.StatusOK},
		{`"$all"`, http.StatusRequestEntityTooLarge}, // 2 × 800 KB, $last and the trigger
		{`"{{a}} {{b}}"`, http.StatusRequestEntityTooLarge},
	} {
		id := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public", "return": `+tc.ret+`}, "operations": `+steps+`}`)
		resp := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, payload)
		if resp.Status != tc.status {
			t.Fatalf("return %s: %d %.300s", tc.ret, resp.Status, resp.Body)
		}
		if tc.status != http.StatusOK && resp.ErrorCode(t) != "RENDER_TOO_LARGE" {
			t.Fatalf("return %s: %.300s", tc.ret, resp.Body)
		}
	}
	// The same steps with a payload twice as large fail in step a, which
	// a reject branch can handle.
	id := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public"}, "operations": [
		{"id": "a", "operation": "transform", "options": {"json": `+jsonText(refs(40, "{{$trigger.body}}"))+`}, "reject": "handle"},
		{"id": "handle", "operation": "transform", "options": {"json": {"failed": "{{a.code}}", "status": "{{a.status}}"}}}]}`)
	resp := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, map[string]any{"s": strings.Repeat("s", 40_000)})
	check(t, resp, http.StatusOK, `{"data": {"failed": "RENDER_TOO_LARGE", "status": 413}}`)
}

// TestFilterOperandTooLargeWritesNothing: an item-delete whose filter
// operand renders past the limit fails before it selects anything; the
// operand is never compared as null (which would select the items whose
// field is null).
func TestFilterOperandTooLargeWritesNothing(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, withRenderSize(100_000))
	check(t, srv.Do(t, "POST", "/items/notes", `[{"a": null}, {"a": "x"}]`), 200, "")
	url := flow(t, srv, `{"method": "POST"}`, `[{"id": "purge", "operation": "item-delete", "options": {"collection": "notes",
		"query": {"filter": {"a": {"_eq": "`+strings.Repeat("{{$trigger.a}}", 20)+`"}}}}}]`)
	resp := srv.Do(t, "POST", url, map[string]any{"a": strings.Repeat("z", 10_000)})
	if resp.Status != http.StatusRequestEntityTooLarge || resp.ErrorCode(t) != "RENDER_TOO_LARGE" {
		t.Fatalf("delete: %d %.300s", resp.Status, resp.Body)
	}
	check(t, srv.Do(t, "GET", "/items/notes?fields=id", nil), 200, `{"data": [{"id": 1}, {"id": 2}]}`)
	// Below the limit the same flow deletes what it names (twenty x).
	check(t, srv.Do(t, "POST", url, map[string]any{"a": "x"}), 200, "")
	check(t, srv.Do(t, "POST", "/items/notes", `{"a": "xxxxxxxxxxxxxxxxxxxx"}`), 200, "")
	check(t, srv.Do(t, "POST", url, map[string]any{"a": "x"}), 200, "")
	check(t, srv.Do(t, "GET", "/items/notes?fields=id", nil), 200, `{"data": [{"id": 1}, {"id": 2}]}`)
}
