package operations_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/operations"
)

// Values operations render themselves (transform's json, a condition's
// operands) and build (exec results) are bounded like the options the
// engine renders.
func TestOperationsFailWhatRendersTooLarge(t *testing.T) {
	t.Parallel()
	reg := operations.Builtins(operations.Dependencies{})
	eng := engine.New(reg, engine.Config{MaxRenderSize: 100_000, Logger: slog.New(slog.DiscardHandler)})
	refs := map[string]any{}
	for i := range 20 {
		refs[strings.Repeat("k", i+1)] = "{{$trigger}}"
	}
	tests := []struct {
		name, operation string
		options         map[string]any
	}{
		{"transform text", "transform", map[string]any{"json": strings.Repeat("{{$trigger.a}}", 20)}},
		{"transform JSON text", "transform", map[string]any{"json": `{"a": "` + strings.Repeat("{{$trigger.a}}", 20) + `"}`}},
		{"transform references", "transform", map[string]any{"json": refs}},
		{"condition operand", "condition", map[string]any{"filter": map[string]any{"a": map[string]any{"_eq": strings.Repeat("{{$trigger.a}}", 20)}}}},
		{"condition operand list", "condition", map[string]any{"filter": map[string]any{"a": map[string]any{"_in": []any{"x", strings.Repeat("{{$trigger.a}}", 20)}}}}},
		{"exec result", "exec", map[string]any{"expression": "map(1..20, $trigger)"}},
		{"log message", "log", map[string]any{"message": strings.Repeat("{{$trigger.a}}", 20)}},
		{"emit data", "emit", map[string]any{"event": "x.y", "data": refs}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			doc := map[string]any{"trigger": "webhook", "operations": []any{
				map[string]any{"id": "step", "operation": tc.operation, "options": tc.options},
			}}
			plan, err := compileFlow(t, reg, toJSON(doc))
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			res := eng.Run(ctx, plan, engine.RunInput{Trigger: map[string]any{"a": strings.Repeat("x", 10_000)}})
			if code := errorCode(res); code != "RENDER_TOO_LARGE" {
				t.Fatalf("code %q (%v), want RENDER_TOO_LARGE", code, res.Err)
			}
			// A fifth of it fits (a condition's report repeats its operand).
			res = eng.Run(ctx, plan, engine.RunInput{Trigger: map[string]any{"a": strings.Repeat("x", 2_000)}})
			if code := errorCode(res); code == "RENDER_TOO_LARGE" {
				t.Fatalf("a value within the limit failed: %v", res.Err)
			}
		})
	}
}
