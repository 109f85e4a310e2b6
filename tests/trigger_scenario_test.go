package tests

import (
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

const (
	childFlowID     = "0b9c6f2e-3d51-4a8e-9f64-2c7d1e5a8b10"
	recursiveFlowID = "7f3e2d1c-0b9a-4876-8543-21fedcba9876"
)

// childFlow is an operation-triggered flow that prices one line and returns
// it with who asked.
var childFlow = map[string]any{
	"id": childFlowID, "name": "price a line", "trigger": "operation",
	"options": map[string]any{"return": "price"},
	"operations": []any{
		map[string]any{"id": "price", "operation": "transform", "options": map[string]any{"json": map[string]any{
			"sku": "{{$trigger.sku}}", "total": "{{$trigger.qty}}", "user": "{{$accountability.user}}",
		}}},
	},
}

func TestTriggerAnotherFlow(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateFlow(t, childFlow)
	parent := func(payload any, mode string) string {
		return srv.CreateFlow(t, map[string]any{
			"trigger": "webhook",
			"operations": []any{map[string]any{"id": "run-child", "operation": "trigger", "options": map[string]any{
				"flow": childFlowID, "payload": payload, "iterationMode": mode, "batchSize": 2,
			}}},
		})
	}

	t.Run("one payload", func(t *testing.T) {
		id := parent("{{$trigger.items[0]}}", "serial")
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": []any{map[string]any{"sku": "a", "qty": 2}}})
		if resp.Status != 200 || toJSONText(resp.Data(t)) != `{"sku":"a","total":2,"user":"admin"}` {
			t.Fatalf("got %d %s", resp.Status, resp.Body)
		}
	})
	for _, mode := range []string{"serial", "batch", "parallel"} {
		t.Run("array payload, "+mode, func(t *testing.T) {
			id := parent("{{$trigger.items}}", mode)
			items := []any{}
			for _, sku := range []string{"a", "b", "c", "d", "e"} {
				items = append(items, map[string]any{"sku": sku, "qty": len(items) + 1})
			}
			resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": items})
			want := `[{"sku":"a","total":1,"user":"admin"},{"sku":"b","total":2,"user":"admin"},{"sku":"c","total":3,"user":"admin"},` +
				`{"sku":"d","total":4,"user":"admin"},{"sku":"e","total":5,"user":"admin"}]`
			if resp.Status != 200 || toJSONText(resp.Data(t)) != want {
				t.Fatalf("got %d %s", resp.Status, resp.Body)
			}
		})
	}
	t.Run("child runs are recorded", func(t *testing.T) {
		run, _ := srv.WaitRun(t, onlyRunID(t, srv, childFlowID))
		if run["status"] != "completed" {
			t.Fatalf("child run %v", run)
		}
	})
	t.Run("a webhook flow cannot be triggered", func(t *testing.T) {
		other := parent(map[string]any{}, "serial")
		id := srv.CreateFlow(t, map[string]any{
			"trigger":    "webhook",
			"operations": []any{map[string]any{"operation": "trigger", "options": map[string]any{"flow": other}}},
		})
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{})
		checkError(t, resp, 500, "FLOW_NOT_FOUND")
	})
}

func TestTriggerRecursionIsBounded(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateFlow(t, map[string]any{
		"id": recursiveFlowID, "name": "calls itself", "trigger": "operation",
		"operations": []any{map[string]any{"operation": "trigger", "options": map[string]any{
			"flow": recursiveFlowID, "payload": map[string]any{"depth": "{{$trigger.depth}}"},
		}}},
	})
	id := srv.CreateFlow(t, map[string]any{
		"trigger":    "webhook",
		"operations": []any{map[string]any{"operation": "trigger", "options": map[string]any{"flow": recursiveFlowID, "payload": map[string]any{"depth": 1}}}},
	})
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{})
	checkError(t, resp, 500, "FLOW_RECURSION_LIMIT")
}

func TestOperationTriggerOptionsAreChecked(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	resp := srv.Do(t, "POST", "/flows", map[string]any{
		"trigger": "operation", "options": map[string]any{"return": "$last", "method": "POST"},
		"operations": []any{map[string]any{"operation": "transform", "options": map[string]any{"json": 1}}},
	})
	checkError(t, resp, 400, "INVALID_PAYLOAD")
}
