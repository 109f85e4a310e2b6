package operations_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/operations"
)

const childID = "5b0c7c1e-7d4a-4f53-9d1c-6f1f3a2b9e01"

// fakeFlows answers RunFlow by doubling numeric payloads, records calls and
// the highest number of calls in flight.
type fakeFlows struct {
	mu       sync.Mutex
	calls    []operations.FlowCall
	inFlight int
	peak     int
	failOn   any
	delay    time.Duration
}

func (f *fakeFlows) RunFlow(ctx context.Context, call operations.FlowCall) (any, error) {
	f.mu.Lock()
	f.calls = append(f.calls, call)
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	f.mu.Unlock()
	defer func() { f.mu.Lock(); f.inFlight--; f.mu.Unlock() }()
	time.Sleep(f.delay)
	if f.failOn != nil && call.Payload == f.failOn {
		return nil, &operations.Error{Status: 502, Code: "REQUEST_FAILED", Message: "child failed"}
	}
	if n, ok := call.Payload.(float64); ok {
		return n * 2, nil
	}
	return map[string]any{"got": call.Payload}, nil
}

func triggerRegistry(f operations.FlowRunner) *operations.Registry {
	reg := operations.NewRegistry()
	reg.MustRegister("trigger", operations.TriggerFlow{Flows: f})
	return reg
}

func triggerFlowDoc(options map[string]any) string {
	if _, ok := options["flow"]; !ok {
		options["flow"] = childID
	}
	raw, _ := json.Marshal(options)
	return `{"trigger": "webhook", "operations": [{"id": "call", "operation": "trigger", "options": ` + string(raw) + `}]}`
}

func numbers(n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = float64(i)
	}
	return out
}

func TestTriggerFlowSinglePayload(t *testing.T) {
	t.Parallel()
	f := &fakeFlows{}
	res := runFlowWith(t, triggerRegistry(f), triggerFlowDoc(map[string]any{"payload": `{"order": {{$trigger.id}}}`}),
		engine.RunInput{Trigger: map[string]any{"id": "o\"1"}, Accountability: engine.Accountability{User: "u1", Role: "r1"}, Depth: 2})
	if res.Err != nil || toJSON(res.Last) != `{"got":{"order":"o\"1"}}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
	call := f.calls[0]
	if call.FlowID != childID || call.Depth != 3 || call.Accountability["user"] != "u1" || call.Accountability["role"] != "r1" {
		t.Fatalf("call %+v", call)
	}
}

func TestTriggerFlowIterationModes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		options  map[string]any
		items    int
		wantPeak int
	}{
		{"serial by default", map[string]any{}, 6, 1},
		{"serial", map[string]any{"iterationMode": "serial"}, 6, 1},
		{"batch", map[string]any{"iterationMode": "batch", "batchSize": 3.0}, 7, 3},
		{"parallel", map[string]any{"iterationMode": "parallel"}, 6, 6},
		{"parallel is capped", map[string]any{"iterationMode": "parallel"}, operations.MaxParallelFlows + 8, operations.MaxParallelFlows},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := &fakeFlows{delay: 20 * time.Millisecond}
			tc.options["payload"] = "{{$trigger.items}}"
			res := runFlow(t, triggerRegistry(f), triggerFlowDoc(tc.options), map[string]any{"items": numbers(tc.items)})
			if res.Err != nil {
				t.Fatalf("run failed: %v", res.Err)
			}
			want := make([]any, tc.items)
			for i := range want {
				want[i] = float64(2 * i)
			}
			if toJSON(res.Last) != toJSON(want) {
				t.Fatalf("results %s, want %s (input order)", toJSON(res.Last), toJSON(want))
			}
			if f.peak != tc.wantPeak {
				t.Fatalf("%d runs at once, want %d", f.peak, tc.wantPeak)
			}
		})
	}
}

func TestTriggerFlowEmptyArray(t *testing.T) {
	t.Parallel()
	f := &fakeFlows{}
	res := runFlow(t, triggerRegistry(f), triggerFlowDoc(map[string]any{"payload": []any{}}), nil)
	if res.Err != nil || toJSON(res.Last) != `[]` || len(f.calls) != 0 {
		t.Fatalf("got %v %s after %d calls", res.Err, toJSON(res.Last), len(f.calls))
	}
}

func TestTriggerFlowFailureStopsIteration(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"serial", "batch", "parallel"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			f := &fakeFlows{failOn: 2.0}
			opts := map[string]any{"payload": numbers(40), "iterationMode": mode, "batchSize": 2.0}
			res := runFlow(t, triggerRegistry(f), triggerFlowDoc(opts), nil)
			var opErr *operations.Error
			if !errors.As(res.Err, &opErr) || opErr.Code != "REQUEST_FAILED" || opErr.Status != 502 || opErr.Details["index"] != 2.0 {
				t.Fatalf("got %#v", res.Err)
			}
			if !strings.Contains(opErr.Message, "element 2") {
				t.Fatalf("message %q", opErr.Message)
			}
			if mode != "parallel" && len(f.calls) > 4 {
				t.Fatalf("%d runs started after the failure", len(f.calls)-3)
			}
		})
	}
}

func TestTriggerFlowDepthLimit(t *testing.T) {
	t.Parallel()
	f := &fakeFlows{}
	doc := triggerFlowDoc(map[string]any{"payload": 1.0})
	res := runFlowWith(t, triggerRegistry(f), doc, engine.RunInput{Depth: operations.MaxFlowDepth - 1})
	if res.Err != nil || f.calls[0].Depth != operations.MaxFlowDepth {
		t.Fatalf("the deepest allowed level failed: %v", res.Err)
	}
	res = runFlowWith(t, triggerRegistry(f), doc, engine.RunInput{Depth: operations.MaxFlowDepth})
	if code := errorCode(res); code != "FLOW_RECURSION_LIMIT" || len(f.calls) != 1 {
		t.Fatalf("code %q after %d calls", code, len(f.calls))
	}
}

func TestTriggerFlowValidation(t *testing.T) {
	t.Parallel()
	reg := triggerRegistry(&fakeFlows{})
	expectFindings(t, reg, triggerFlowDoc, []findingCase{
		{"missing flow", map[string]any{"flow": nil}, "flow", "is required"},
		{"flow not a UUID", map[string]any{"flow": "orders"}, "flow", "UUID"},
		{"bad mode", map[string]any{"iterationMode": "random"}, "iterationMode", "must be"},
		{"bad batch size", map[string]any{"batchSize": 0.0}, "batchSize", "from 1"},
		{"invalid JSON text", map[string]any{"payload": `{"a": }`}, "payload", "not valid JSON"},
		{"unknown option", map[string]any{"mode": "serial"}, "mode", "unknown option"},
	})
	if _, err := compileFlow(t, reg, triggerFlowDoc(map[string]any{"flow": "{{$trigger.target}}"})); err != nil {
		t.Fatalf("templated flow refused: %v", err)
	}
}

func TestTriggerFlowWithoutRunner(t *testing.T) {
	t.Parallel()
	res := runFlow(t, triggerRegistry(nil), triggerFlowDoc(map[string]any{}), nil)
	if code := errorCode(res); code != "FLOW_NOT_FOUND" {
		t.Fatalf("code %q (%v)", code, res.Err)
	}
}
