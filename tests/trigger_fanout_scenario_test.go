package tests

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/operations"
)

const (
	leafFlowID   = "3c1f8e2a-6b4d-4f7e-9a21-5d8c0b7e4f11"
	middleFlowID = "9e2d4c6b-1a3f-4b8e-8c57-0f6a2d9e3b22"
)

// countingOp is an operation type that counts the steps it ran: the leaf
// flow of these tests runs it once per run.
type countingOp struct{ n *atomic.Int64 }

func (o countingOp) Prepare(operations.Prepare) (operations.Step, error) { return o, nil }

func (o countingOp) Run(context.Context, operations.Input) (any, error) {
	return float64(o.n.Add(1)), nil
}

// fanOutServer starts a server whose leaf flow counts its runs, and a
// middle flow that triggers the leaf once per element of `$trigger.items`.
func fanOutServer(t *testing.T, options ...func(*hookflow.Config)) (*hookflowtest.Server, *atomic.Int64) {
	t.Helper()
	runs := &atomic.Int64{}
	options = append(options, func(c *hookflow.Config) {
		c.Operations = map[string]operations.Operation{"count-run": countingOp{runs}}
	})
	srv := hookflowtest.New(t, options...)
	srv.CreateFlow(t, map[string]any{
		"id": leafFlowID, "trigger": "operation", "accountability": nil,
		"operations": []any{map[string]any{"operation": "count-run"}},
	})
	srv.CreateFlow(t, map[string]any{
		"id": middleFlowID, "trigger": "operation", "accountability": nil,
		"operations": []any{map[string]any{"operation": "trigger", "options": map[string]any{
			"flow": leafFlowID, "payload": "{{$trigger.items}}", "iterationMode": "parallel",
		}}},
	})
	return srv, runs
}

// triggerStep is a trigger operation node of a webhook flow.
func triggerStep(id, flow, payload string, reject string) map[string]any {
	step := map[string]any{"id": id, "operation": "trigger", "options": map[string]any{"flow": flow, "payload": payload}}
	if reject != "" {
		step["reject"] = reject
	}
	return step
}

func elements(n int, each any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = each
	}
	return out
}

func TestTriggerStepRefusesTooManyElements(t *testing.T) {
	t.Parallel()
	srv, runs := fanOutServer(t)
	id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{
		triggerStep("fan-out", leafFlowID, "{{$trigger.items}}", ""),
	}})

	resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(operations.DefaultTriggerMaxItems, 1)})
	if resp.Status != 200 || runs.Load() != operations.DefaultTriggerMaxItems {
		t.Fatalf("%d elements: %d after %d runs", operations.DefaultTriggerMaxItems, resp.Status, runs.Load())
	}
	runs.Store(0)
	resp = srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(operations.DefaultTriggerMaxItems+1, 1)})
	if resp.Status != 500 || resp.ErrorCode(t) != "FLOW_ITEMS_LIMIT" || !strings.Contains(string(resp.Body), "FLOWS_TRIGGER_MAX_ITEMS") {
		t.Fatalf("one element too many: %d %.300s", resp.Status, resp.Body)
	}
	if n := runs.Load(); n != 0 {
		t.Fatalf("the refused step started %d runs", n)
	}
}

func TestTriggerItemsLimitTakesTheRejectEdge(t *testing.T) {
	t.Parallel()
	srv, runs := fanOutServer(t, func(c *hookflow.Config) { c.TriggerMaxItems = 3 })
	id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{
		triggerStep("fan-out", leafFlowID, "{{$trigger.items}}", "too-many"),
		map[string]any{"id": "too-many", "operation": "transform", "options": map[string]any{
			"json": map[string]any{"refused": "{{fan-out.code}}", "limit": "{{fan-out.limit}}"},
		}},
	}})
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(4, 1)})
	if resp.Status != 200 || toJSONText(resp.Data(t)) != `{"limit":3,"refused":"FLOW_ITEMS_LIMIT"}` || runs.Load() != 0 {
		t.Fatalf("got %d %s after %d runs", resp.Status, resp.Body, runs.Load())
	}
}

func TestTriggerRunsOfOneRootRunShareABudget(t *testing.T) {
	t.Parallel()
	srv, runs := fanOutServer(t, func(c *hookflow.Config) { c.TriggerMaxRuns = 10 })

	t.Run("nested fan-out", func(t *testing.T) {
		id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{
			triggerStep("outer", middleFlowID, "{{$trigger.groups}}", ""),
		}})
		// 2 middle runs of 3 leaf runs each: 8 runs.
		runs.Store(0)
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"groups": elements(2, map[string]any{"items": elements(3, 1)})})
		if resp.Status != 200 || runs.Load() != 6 {
			t.Fatalf("8 runs: %d %s after %d leaf runs", resp.Status, resp.Body, runs.Load())
		}
		// 3 middle runs of 3 leaf runs each: 12 runs; the third middle run
		// has 1 left and starts none.
		runs.Store(0)
		resp = srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"groups": elements(3, map[string]any{"items": elements(3, 1)})})
		if resp.Status != 500 || resp.ErrorCode(t) != "FLOW_RUNS_LIMIT" || !strings.Contains(string(resp.Body), "FLOWS_TRIGGER_MAX_RUNS") {
			t.Fatalf("12 runs: %d %s", resp.Status, resp.Body)
		}
		if n := runs.Load(); n != 6 {
			t.Fatalf("%d leaf runs, want the 6 within the budget", n)
		}
	})
	t.Run("steps of the root run", func(t *testing.T) {
		id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{
			triggerStep("first", leafFlowID, "{{$trigger.items}}", ""),
			triggerStep("second", leafFlowID, "{{$trigger.items}}", ""),
		}})
		runs.Store(0)
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(5, 1)})
		if resp.Status != 200 || runs.Load() != 10 {
			t.Fatalf("5 + 5 runs: %d %s after %d", resp.Status, resp.Body, runs.Load())
		}
		runs.Store(0)
		resp = srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(6, 1)})
		if resp.Status != 500 || resp.ErrorCode(t) != "FLOW_RUNS_LIMIT" || runs.Load() != 6 {
			t.Fatalf("6 + 6 runs: %d %s after %d", resp.Status, resp.Body, runs.Load())
		}
	})
	t.Run("each root run has its own budget", func(t *testing.T) {
		id := srv.CreateFlow(t, map[string]any{"trigger": "webhook", "operations": []any{
			triggerStep("only", leafFlowID, "{{$trigger.items}}", ""),
		}})
		for i := range 3 {
			if resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"items": elements(10, 1)}); resp.Status != 200 {
				t.Fatalf("call %d: %d %s", i, resp.Status, resp.Body)
			}
		}
	})
}
