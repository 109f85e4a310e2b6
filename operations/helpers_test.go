package operations_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// prepare prepares one node of an operation type with the engine's
// template compiler, as a saved flow would.
func prepare(t *testing.T, op operations.Operation, options string, keys ...string) (operations.Step, error) {
	t.Helper()
	var opts map[string]any
	if err := json.Unmarshal([]byte(options), &opts); err != nil {
		t.Fatalf("bad options: %v", err)
	}
	known := map[string]bool{}
	for _, k := range keys {
		known[k] = true
	}
	return op.Prepare(operations.Prepare{
		Key: "node", Options: opts, OperationKeys: known,
		Compile: func(raw any) (operations.Value, flows.ValidationErrors) { return engine.CompileValue(raw) },
	})
}

// run prepares and runs a node once, rendering its options as the engine
// does; chain entries without a `$` are the flow's operation keys.
func run(t *testing.T, op operations.Operation, options string, chain map[string]any) (any, error) {
	t.Helper()
	var keys []string
	for k := range chain {
		if k != "" && k[0] != '$' {
			keys = append(keys, k)
		}
	}
	step, err := prepare(t, op, options, keys...)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	var opts map[string]any
	_ = json.Unmarshal([]byte(options), &opts)
	rendered := map[string]any{}
	for k, v := range opts {
		compiled, _ := engine.CompileValue(v)
		rendered[k] = compiled.Resolve(chain)
	}
	return step.Run(context.Background(), operations.Input{Options: rendered, Chain: chain, Run: &operations.RunInfo{Key: "node"}})
}

func paths(err error) map[string]bool {
	out := map[string]bool{}
	if verrs, ok := err.(flows.ValidationErrors); ok {
		for _, e := range verrs {
			out[e.Path] = true
		}
	}
	return out
}
