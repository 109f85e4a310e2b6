package operations_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

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
		out, err := compiled.Render(context.Background(), chain, 0)
		if err != nil {
			return nil, err
		}
		rendered[k] = out
	}
	return step.Run(context.Background(), operations.Input{Options: rendered, Chain: chain, Key: "node", Run: &operations.RunInfo{}})
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

// compileFlow decodes a flow document (seed form, JSON text) and compiles it
// against reg; upload findings come back as the error.
func compileFlow(t testing.TB, reg *operations.Registry, doc string) (*engine.Plan, error) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatalf("flow document: %v", err)
	}
	f, errs := flows.Decode(m)
	if len(errs) > 0 {
		return nil, errs
	}
	f.ID = "test-flow"
	return engine.New(reg, engine.Config{}).Compile(f)
}

// runFlow compiles doc and runs it once with trigger, recording steps.
func runFlow(t testing.TB, reg *operations.Registry, doc string, trigger any) *engine.Result {
	t.Helper()
	return runFlowWith(t, reg, doc, engine.RunInput{Trigger: trigger})
}

func runFlowWith(t testing.TB, reg *operations.Registry, doc string, in engine.RunInput) *engine.Result {
	t.Helper()
	plan, err := compileFlow(t, reg, doc)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	// A generous deadline: limits under test (step, iteration and memory
	// budgets) must trip by themselves, even under -race on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	in.RunID, in.RecordSteps = "test-run", true
	return engine.New(reg, engine.Config{}).Run(ctx, plan, in)
}

// findings returns the paths of a compile error's validation findings.
func findings(err error) []string {
	verrs, ok := err.(flows.ValidationErrors)
	if !ok {
		return nil
	}
	out := make([]string, len(verrs))
	for i, v := range verrs {
		out[i] = v.Path
	}
	return out
}

// hasFinding reports whether err has a finding whose path and message
// contain the given texts.
func hasFinding(err error, path, message string) bool {
	verrs, _ := err.(flows.ValidationErrors)
	for _, v := range verrs {
		if v.Path == path && strings.Contains(v.Message, message) {
			return true
		}
	}
	return false
}

// errorCode is the code of a failed run, or "".
func errorCode(res *engine.Result) string {
	if res.Err == nil {
		return ""
	}
	f, _ := engine.DescribeFailure(res.Err)
	return f.Code
}

// toJSON renders v as compact JSON for comparisons in messages.
func toJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// findingCase is an options object that must be refused on save with a
// finding at path (relative to the options) whose message contains message.
type findingCase struct {
	name    string
	options map[string]any
	path    string
	message string
}

// expectFindings compiles doc(options) for every case and checks the finding.
func expectFindings(t *testing.T, reg *operations.Registry, doc func(map[string]any) string, cases []findingCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := compileFlow(t, reg, doc(tc.options))
			if !hasFinding(err, "operations[0].options."+tc.path, tc.message) {
				t.Fatalf("findings %v (%v), want %s: %s", findings(err), err, tc.path, tc.message)
			}
		})
	}
}
