package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// testOp is an operation defined by a function, for run-loop tests.
type testOp func(ctx context.Context, in operations.Input) (any, error)

func (f testOp) Prepare(operations.Prepare) (operations.Step, error) { return f, nil }
func (f testOp) Run(ctx context.Context, in operations.Input) (any, error) {
	return f(ctx, in)
}

func testEngine(t *testing.T, maxSteps int) *Engine {
	t.Helper()
	r := operations.Builtins(operations.Dependencies{})
	r.MustRegister("panic", testOp(func(context.Context, operations.Input) (any, error) { panic("boom") }))
	r.MustRegister("wait", testOp(func(ctx context.Context, _ operations.Input) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}))
	r.MustRegister("echo-options", testOp(func(_ context.Context, in operations.Input) (any, error) { return in.Options, nil }))
	return New(r, Config{MaxSteps: maxSteps})
}

// decodeDoc decodes a flow document that must be valid.
func decodeDoc(t *testing.T, doc string) *flows.Flow {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	f, errs := flows.Decode(m)
	if len(errs) > 0 {
		t.Fatalf("decode: %v", errs)
	}
	return f
}

func compileDoc(t *testing.T, e *Engine, doc string) *Plan {
	t.Helper()
	f := decodeDoc(t, doc)
	p, err := e.Compile(f)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return p
}

func TestRunFollowsEdgesAndRecordsSteps(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[
		{"id":"check","operation":"condition","options":{"filter":{"type":{"_eq":"order"}}},"resolve":"ok","reject":"no"},
		{"id":"ok","operation":"transform","options":{"json":{"customer":"{{$trigger.customer}}","seen":"{{check.type}}"}}},
		{"id":"no","operation":"transform","options":{"json":{"ok":false}}}]}`)
	res := e.Run(context.Background(), p, RunInput{RunID: "r1", Trigger: map[string]any{"type": "order", "customer": "c"}, RecordSteps: true})
	if res.Err != nil || res.Status != StatusCompleted || res.Rejected {
		t.Fatalf("result: %+v", res)
	}
	if !jsonEqual(res.Last, map[string]any{"customer": "c", "seen": "order"}) {
		t.Fatalf("last = %#v", res.Last)
	}
	if len(res.Steps) != 2 || res.Steps[0].Key != "check" || res.Steps[0].Status != OutcomeResolve || res.Steps[1].Key != "ok" {
		t.Fatalf("steps = %+v", res.Steps)
	}
	if res.Steps[0].Options["filter"] == nil {
		t.Error("a step record keeps options the step rendered itself, as written")
	}

	res = e.Run(context.Background(), p, RunInput{Trigger: map[string]any{"type": "refund"}})
	if res.Err != nil || !res.Rejected || !jsonEqual(res.Last, map[string]any{"ok": false}) {
		t.Fatalf("reject branch: %+v", res)
	}
	if res.Steps != nil {
		t.Error("steps must not be recorded unless asked")
	}
}

func TestConditionWithoutRejectEdgeEndsNormally(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[{"operation":"condition","options":{"filter":{"n":{"_gt":5}}}},{"operation":"log","options":{"message":"never"}}]}`)
	res := e.Run(context.Background(), p, RunInput{Trigger: map[string]any{"n": 1.0}})
	if res.Err != nil || !res.Rejected {
		t.Fatalf("result: %+v", res)
	}
	errs, _ := res.Last.(map[string]any)["errors"].([]any)
	if len(errs) != 1 || errs[0].(map[string]any)["operator"] != "_gt" {
		t.Fatalf("last = %#v", res.Last)
	}
}

func TestFailureWithRejectEdgeContinuesAndWithoutOneEndsTheRun(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[
		{"id":"fail","operation":"throw-error","options":{"status":422,"code":"BAD_INPUT","message":"nope"},"reject":"handle"},
		{"id":"handle","operation":"transform","options":{"json":{"handled":"{{fail.code}}","status":"{{$last.status}}"}}}]}`)
	res := e.Run(context.Background(), p, RunInput{})
	if res.Err != nil || !jsonEqual(res.Last, map[string]any{"handled": "BAD_INPUT", "status": 422}) {
		t.Fatalf("handled failure: %+v / %#v", res.Err, res.Last)
	}

	p = compileDoc(t, e, `{"operations":[{"id":"fail","operation":"throw-error","options":{"status":422,"code":"BAD_INPUT","message":"nope"}}]}`)
	res = e.Run(context.Background(), p, RunInput{})
	var opErr *OperationError
	if !errors.As(res.Err, &opErr) || opErr.Key != "fail" || res.Status != StatusFailed || failureCode(res.Err) != "BAD_INPUT" {
		t.Fatalf("unhandled failure: %+v", res.Err)
	}
}

// TestEndedOnReject: a run ends on a reject path when its last step
// rejected or was reached over a reject edge; a reject branch that goes on
// over a resolve edge does not (Directus's lastOperationStatus).
func TestEndedOnReject(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	tests := []struct {
		name, doc string
		want      bool
	}{
		{"resolve path", `{"operations":[{"operation":"log"},{"operation":"log"}]}`, false},
		{"condition fails, no edge", `{"operations":[{"operation":"condition","options":{"filter":{"n":{"_gt":5}}}}]}`, true},
		{"reject edge to the last step", `{"operations":[
			{"id":"c","operation":"condition","options":{"filter":{"n":{"_gt":5}}},"reject":"why"},
			{"id":"why","operation":"log"}]}`, true},
		{"reject branch that goes on", `{"operations":[
			{"id":"c","operation":"condition","options":{"filter":{"n":{"_gt":5}}},"reject":"fix"},
			{"id":"fix","operation":"log","resolve":"after"},
			{"id":"after","operation":"log"}]}`, false},
		{"resolve, then a failure handled by the last step", `{"operations":[
			{"id":"a","operation":"log"},
			{"id":"fail","operation":"throw-error","options":{"status":422},"reject":"handle"},
			{"id":"handle","operation":"log"}]}`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := e.Run(context.Background(), compileDoc(t, e, tc.doc), RunInput{Trigger: map[string]any{"n": 1.0}})
			if res.Err != nil || res.EndedOnReject != tc.want {
				t.Fatalf("EndedOnReject = %v, want %v (err %v)", res.EndedOnReject, tc.want, res.Err)
			}
		})
	}
}

func TestStepLimitBoundsLoops(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 50)
	p := compileDoc(t, e, `{"operations":[{"id":"a","operation":"log","resolve":"b"},{"id":"b","operation":"log","resolve":"a"}]}`)
	res := e.Run(context.Background(), p, RunInput{})
	if !errors.Is(res.Err, ErrMaxSteps) || failureCode(res.Err) != "FLOW_MAX_STEPS" {
		t.Fatalf("err = %v", res.Err)
	}
}

func TestPanicIsAFailure(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 10)
	p := compileDoc(t, e, `{"operations":[{"id":"p","operation":"panic"}]}`)
	res := e.Run(context.Background(), p, RunInput{})
	var opErr *OperationError
	if !errors.As(res.Err, &opErr) || opErr.Key != "p" || failureCode(res.Err) != "OPERATION_PANIC" {
		t.Fatalf("err = %v", res.Err)
	}
	// The panic keeps its value and stack for the log; callers and run
	// records see the message only.
	var panicked *PanicError
	if !errors.As(res.Err, &panicked) || panicked.Value != "boom" || !strings.Contains(string(panicked.Stack), "engine.testEngine") {
		t.Fatalf("panic error %#v", panicked)
	}
	f, failed := DescribeFailure(res.Err)
	obj := toText(t, ErrorObject(res.Err))
	if !failed || f.Status != 500 || f.Message != "operation panicked: boom" || strings.Contains(obj, "goroutine") {
		t.Fatalf("failure %+v, record %s", f, obj)
	}
	step := toText(t, res.Last)
	if step != `{"code":"OPERATION_PANIC","message":"operation panicked: boom","status":500}` {
		t.Fatalf("the step's result %s", step)
	}
}

// toText is v as JSON.
func toText(t *testing.T, v any) string {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestDeadlineEndsTheRun(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 10)
	p := compileDoc(t, e, `{"operations":[{"id":"w","operation":"wait","reject":"after"},{"id":"after","operation":"log"}]}`)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	res := e.Run(ctx, p, RunInput{})
	if !errors.Is(res.Err, ErrTimeout) {
		t.Fatalf("err = %v, want timeout (the reject edge must not run out of time)", res.Err)
	}
}

func TestStaticOptionsAreNotRebuilt(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 10)
	p := compileDoc(t, e, `{"operations":[{"id":"x","operation":"echo-options","options":{"a":1,"b":[1,2]}}]}`)
	first := e.Run(context.Background(), p, RunInput{}).Last.(map[string]any)
	second := e.Run(context.Background(), p, RunInput{}).Last.(map[string]any)
	first["probe"] = true
	if second["probe"] != true {
		t.Fatal("constant options should be one shared map (compiled once)")
	}
	delete(first, "probe")
}

func TestCompileReportsEveryFinding(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 10)
	var m map[string]any
	_ = json.Unmarshal([]byte(`{"options":{"return":"{{ broken"},"operations":[
		{"operation":"no-such-type"},
		{"operation":"condition","options":{"filter":{"a":{"_nope":1}}}},
		{"operation":"transform","options":{"json":{"x":"{{}}"}}},
		{"operation":"throw-error","options":{"status":200,"mesage":"typo"}}]}`), &m)
	f, errs := flows.Decode(m)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	_, err := e.Compile(f)
	var verrs flows.ValidationErrors
	if !errors.As(err, &verrs) {
		t.Fatalf("err = %v", err)
	}
	want := map[string]bool{
		"operations[0].type": false, "operations[1].options.filter.a._nope": false, "operations[2].options.json.x": false,
		"operations[3].options.status": false, "operations[3].options.mesage": false, "options.return": false,
	}
	for _, e := range verrs {
		if _, ok := want[e.Path]; ok {
			want[e.Path] = true
		}
	}
	for path, found := range want {
		if !found {
			t.Errorf("no finding at %s; findings: %v", path, verrs)
		}
	}
}

func TestReturnForms(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 10)
	trigger := map[string]any{"body": map[string]any{"items": []any{1.0, 2.0}}, "name": "x"}
	tests := []struct {
		ret  any
		want any
	}{
		{"$last", map[string]any{"id": 7}},
		{"$trigger", trigger},
		{"$accountability", map[string]any{"user": "u", "role": "r", "ip": nil, "userAgent": nil}},
		{"read_orders", map[string]any{"id": 7}},
		{"read_orders.id", 7},
		{"$trigger.body.items", []any{1, 2}},
		{"$trigger.body.items.length", 2},
		{"Hello {{$trigger.name}}, order {{read_orders.id}}", "Hello x, order 7"},
		{"{{read_orders.id}}", 7},
		{"just text", "just text"},
		{42.0, 42},
		{map[string]any{"ok": true}, map[string]any{"ok": true}},
		{nil, nil},
	}
	for _, tc := range tests {
		doc, _ := json.Marshal(map[string]any{
			"options":    map[string]any{"return": tc.ret},
			"operations": []any{map[string]any{"id": "read_orders", "operation": "transform", "options": map[string]any{"json": map[string]any{"id": 7}}}},
		})
		p := compileDoc(t, e, string(doc))
		res := e.Run(context.Background(), p, RunInput{Trigger: trigger, Accountability: Accountability{User: "u", Role: "r"}})
		if got := p.ReturnValue(res); !jsonEqual(got, tc.want) {
			t.Errorf("return %#v = %#v, want %#v", tc.ret, got, tc.want)
		}
	}
	p := compileDoc(t, e, `{"options":{"return":"$all"},"operations":[{"id":"a","operation":"log"}]}`)
	res := e.Run(context.Background(), p, RunInput{Env: map[string]any{"SECRET": "s"}})
	all := p.ReturnValue(res).(map[string]any)
	if _, leaked := all["$env"]; leaked {
		t.Error("$all must not include $env")
	}
	for _, k := range []string{"$trigger", "$last", "$accountability", "$flow", "$run", "a"} {
		if _, ok := all[k]; !ok {
			t.Errorf("$all lacks %s", k)
		}
	}
}

// failureCode is the code DescribeFailure gives a run's failure.
func failureCode(err error) string {
	f, _ := DescribeFailure(err)
	return f.Code
}

// TestStepRecordsSayWhichOptionsArePlanned checks PlannedOptions: the
// options of a step without templates, and those a step renders itself,
// are the plan's own map in every run; rendered options are new each run.
func TestStepRecordsSayWhichOptionsArePlanned(t *testing.T) {
	t.Parallel()
	e := testEngine(t, 100)
	p := compileDoc(t, e, `{"operations":[
		{"id":"static","operation":"condition","options":{"filter":{"type":{"_eq":"order"}}}},
		{"id":"raw","operation":"transform","options":{"json":{"customer":"{{$trigger.customer}}"}}},
		{"id":"rendered","operation":"log","options":{"message":"{{$trigger.customer}}"}}]}`)
	var first []StepRecord
	for range 2 {
		res := e.Run(context.Background(), p, RunInput{Trigger: map[string]any{"type": "order", "customer": "c"}, RecordSteps: true})
		if res.Err != nil || len(res.Steps) != 3 {
			t.Fatalf("result: %+v", res)
		}
		for i, want := range []bool{true, true, false} {
			if s := res.Steps[i]; s.PlannedOptions != want {
				t.Fatalf("step %s: planned %v", s.Key, s.PlannedOptions)
			}
		}
		if first == nil {
			first = res.Steps
			continue
		}
		for i := range 2 {
			if !sameMap(first[i].Options, res.Steps[i].Options) {
				t.Fatalf("step %s: planned options are a new map", first[i].Key)
			}
		}
		if sameMap(first[2].Options, res.Steps[2].Options) {
			t.Fatal("rendered options are shared between runs")
		}
	}
}
