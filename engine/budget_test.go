package engine

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"runtime"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func quietLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

func isTooLarge(err error) bool {
	var opErr *operations.Error
	return errors.Is(err, operations.ErrRenderTooLarge) && errors.As(err, &opErr) &&
		opErr.Code == "RENDER_TOO_LARGE" && opErr.Status == 413
}

// The reproduction, scaled: 20 000 placeholders of a 50 KB value
// would render 1 GB. The rendering must stop at the limit, allocating
// about the limit, not the whole text.
func TestTextRenderingStopsAtTheLimit(t *testing.T) {
	const limit = 1 << 20
	scope := map[string]any{"$trigger": map[string]any{"a": strings.Repeat("x", 50_000)}}
	for name, src := range map[string]string{
		"text":           strings.Repeat("{{$trigger.a}}", 20_000),
		"json string":    `{"s": "` + strings.Repeat("{{$trigger.a}}", 20_000) + `"}`,
		"json values":    `[` + strings.Repeat("{{$trigger.a}},", 20_000) + `1]`,
		"embedded value": strings.Repeat("x {{$trigger}}", 20_000),
	} {
		tmpl, err := ParseTemplate(src)
		if err != nil {
			t.Fatal(err)
		}
		var rerr error
		bytes := allocated(func() { _, rerr = tmpl.Render(context.Background(), scope, limit) })
		if !isTooLarge(rerr) {
			t.Fatalf("%s: err = %v, want RENDER_TOO_LARGE", name, rerr)
		}
		if bytes > 8*limit {
			t.Errorf("%s: rendering allocated %d bytes for a limit of %d", name, bytes, limit)
		}
	}
}

func TestRenderingWithinTheLimit(t *testing.T) {
	t.Parallel()
	scope := map[string]any{"$trigger": map[string]any{"a": strings.Repeat("x", 1000)}}
	tmpl, _ := ParseTemplate(strings.Repeat("{{$trigger.a}}", 10))
	out, err := tmpl.Render(context.Background(), scope, 10_000)
	if err != nil || len(out.(string)) != 10_000 {
		t.Fatalf("exactly the limit: %v", err)
	}
	if _, err := tmpl.Render(context.Background(), scope, 9_999); !isTooLarge(err) {
		t.Fatalf("one byte over: %v", err)
	}
}

// Objects built from whole placeholders hold references, but encode to
// the sum of what they reference.
func TestSharedValuesAreChargedTheirEncodedSize(t *testing.T) {
	t.Parallel()
	payload := map[string]any{"s": strings.Repeat("x", 10_000)}
	scope := map[string]any{"$trigger": payload, "list": []any{payload, payload}}
	build := func(n int, src string) map[string]any {
		obj := map[string]any{}
		for i := range n {
			obj[strings.Repeat("k", i+1)] = src
		}
		return obj
	}
	tests := []struct {
		name  string
		raw   any
		limit int
		fails bool
	}{
		{"object of references", build(200, "{{$trigger}}"), 1 << 20, true},
		{"few references", build(20, "{{$trigger}}"), 1 << 20, false},
		{"array of references", []any{"{{list}}", "{{list}}", "{{list}}"}, 50_000, true},
		{"nested", map[string]any{"a": []any{build(50, "{{$trigger.s}}")}}, 400_000, true},
		{"constants count", map[string]any{"c": strings.Repeat("y", 1000), "t": "{{$trigger.s}}"}, 10_500, true},
		{"one reference alone is not copied", "{{list}}", 100, false},
	}
	for _, tc := range tests {
		v, errs := CompileValue(tc.raw)
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		_, err := v.Render(context.Background(), scope, tc.limit)
		if got := isTooLarge(err); got != tc.fails {
			t.Errorf("%s: err = %v, want too large: %v", tc.name, err, tc.fails)
		}
	}
}

func TestRenderingStopsWhenTheContextEnds(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	scope := map[string]any{"a": "x"}
	tmpl, _ := ParseTemplate(strings.Repeat("{{a}}", 1000))
	if _, err := tmpl.Render(ctx, scope, operations.DefaultMaxRenderSize); err == nil {
		t.Fatal("a cancelled text rendering completed")
	}
	obj := map[string]any{}
	for i := range 1000 {
		obj[strings.Repeat("k", i+1)] = "{{a}}"
	}
	v, _ := CompileValue(obj)
	if _, err := v.Render(ctx, scope, 0); err == nil {
		t.Fatal("a cancelled object rendering completed")
	}
}

func TestRunFailsAStepThatRendersTooMuch(t *testing.T) {
	t.Parallel()
	r := operations.Builtins(operations.Dependencies{})
	e := New(r, Config{MaxRenderSize: 100_000, Logger: quietLogger()})
	big := strings.Repeat("x", 10_000)
	p := compileDoc(t, e, `{"operations":[
		{"id":"build","operation":"transform","options":{"json":"`+strings.Repeat("{{$trigger.a}}", 20)+`"},"reject":"handle"},
		{"id":"handle","operation":"transform","options":{"json":{"code":"{{$last.code}}","status":"{{$last.status}}"}}}]}`)
	res := e.Run(context.Background(), p, RunInput{Trigger: map[string]any{"a": big}})
	if res.Err != nil || !jsonEqual(res.Last, map[string]any{"code": "RENDER_TOO_LARGE", "status": 413}) {
		t.Fatalf("reject branch got %v (%v)", res.Last, res.Err)
	}
	// Options the engine renders count together.
	r.MustRegister("echo-options", testOp(func(_ context.Context, in operations.Input) (any, error) { return in.Options, nil }))
	p = compileDoc(t, e, `{"operations":[{"id":"echo","operation":"echo-options","options":{
		"a":"x `+strings.Repeat("{{$trigger.a}}", 6)+`","b":"x `+strings.Repeat("{{$trigger.a}}", 6)+`"}}]}`)
	res = e.Run(context.Background(), p, RunInput{Trigger: map[string]any{"a": big}})
	if failureCode(res.Err) != "RENDER_TOO_LARGE" {
		t.Fatalf("two options of 60 KB against 100 KB: %v", res.Err)
	}
}

func TestReturnValueIsBounded(t *testing.T) {
	t.Parallel()
	r := operations.Builtins(operations.Dependencies{})
	e := New(r, Config{MaxRenderSize: 1 << 20, Logger: quietLogger()})
	refs := map[string]any{}
	for i := range 40 {
		refs[strings.Repeat("k", i+1)] = "{{$trigger}}"
	}
	step := func(id string) map[string]any {
		return map[string]any{"id": id, "operation": "transform", "options": map[string]any{"json": refs}}
	}
	trigger := map[string]any{"s": strings.Repeat("x", 20_000)}
	for _, tc := range []struct {
		ret   any
		fails bool
	}{
		{"$all", true},            // two steps of 800 KB, $last again, the trigger
		{"$last", false},          // 800 KB
		{"{{a}}", false},          // the same
		{"{{a}} and {{b}}", true}, // 1.6 MB of text
		{"b", false},
	} {
		doc, _ := json.Marshal(map[string]any{"options": map[string]any{"return": tc.ret}, "operations": []any{step("a"), step("b")}})
		p := compileDoc(t, e, string(doc))
		res := e.Run(context.Background(), p, RunInput{Trigger: trigger})
		if got := failureCode(res.Err) == "RENDER_TOO_LARGE"; got != tc.fails {
			t.Errorf("return %v: err = %v, want too large: %v", tc.ret, res.Err, tc.fails)
		}
		if tc.fails && (res.Status != StatusFailed || p.ReturnValue(res) != nil) {
			t.Errorf("return %v: a return too large must fail the run", tc.ret)
		}
	}
}
