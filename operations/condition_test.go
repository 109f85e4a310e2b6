package operations_test

import (
	"errors"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

func webhookChain(body map[string]any, last any) map[string]any {
	trigger := map[string]any{
		"body":    body,
		"query":   map[string]any{"page": "2"},
		"headers": map[string]any{"x-api-key": "secret", "content-type": "application/json"},
	}
	for k, v := range body {
		trigger[k] = v
	}
	if last == nil {
		last = trigger
	}
	return map[string]any{
		"$trigger": trigger, "$last": last, "$env": map[string]any{"KEY": "secret"},
		"$accountability": map[string]any{"user": "u1", "role": "r1"},
		"read":            map[string]any{"count": 3.0},
	}
}

func TestConditionSubjects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		filter string
		chain  map[string]any
		pass   bool
	}{
		{"field of $last (the trigger)", `{"type":{"_eq":"order"}}`, webhookChain(map[string]any{"type": "order"}, nil), true},
		{"field of $last (an earlier result)", `{"count":{"_lte":100}}`, webhookChain(nil, map[string]any{"count": 12.0}), true},
		{"one-element array $last is unwrapped", `{"count":{"_lte":100}}`, webhookChain(nil, []any{map[string]any{"count": 101.0}}), false},
		{"falls back to the body", `{"type":{"_eq":"order"}}`, webhookChain(map[string]any{"type": "order"}, map[string]any{"other": 1.0}), true},
		{"falls back to the query", `{"page":{"_eq":2}}`, webhookChain(nil, map[string]any{}), true},
		{"falls back to headers, case-insensitively", `{"X-API-Key":{"_eq":"{{$env.KEY}}"}}`, webhookChain(nil, nil), true},
		{"a wrong header value fails", `{"x-api-key":{"_eq":"guess"}}`, webhookChain(nil, nil), false},
		{"Directus form on $trigger", `{"$trigger":{"body":{"type":{"_eq":"order"}}}}`, webhookChain(map[string]any{"type": "order"}, nil), true},
		{"an operation key addresses its result", `{"read":{"count":{"_eq":3}}}`, webhookChain(nil, nil), true},
		{"$accountability", `{"$accountability":{"role":{"_eq":"r1"}}}`, webhookChain(nil, nil), true},
		{"missing everywhere", `{"nothing":{"_nnull":true}}`, webhookChain(nil, nil), false},
		{"templates inside values", `{"type":{"_eq":"{{$trigger.query.page}}"}}`, webhookChain(map[string]any{"type": "2"}, nil), true},
		{"sibling keys are AND", `{"type":{"_eq":"order"},"total":{"_gt":10}}`, webhookChain(map[string]any{"type": "order", "total": 5.0}, nil), false},
		{"_or", `{"_or":[{"type":{"_eq":"refund"}},{"total":{"_gt":1}}]}`, webhookChain(map[string]any{"type": "order", "total": 5.0}, nil), true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := run(t, operations.Condition{}, `{"filter":`+tc.filter+`}`, tc.chain)
			if tc.pass {
				if err != nil {
					t.Fatalf("expected pass, got %v (%v)", err, out)
				}
				if !same(out, tc.chain["$last"]) {
					t.Fatalf("a passing condition must hand $last on: %v", out)
				}
				return
			}
			var rej *operations.RejectError
			if !errors.As(err, &rej) {
				t.Fatalf("expected reject, got %v", err)
			}
			list := rej.Data.(map[string]any)["errors"].([]any)
			if len(list) == 0 {
				t.Fatal("a rejection lists its mismatches")
			}
			first := list[0].(map[string]any)
			for _, k := range []string{"field", "operator", "expected", "actual", "message"} {
				if _, ok := first[k]; !ok {
					t.Fatalf("mismatch lacks %s: %v", k, first)
				}
			}
		})
	}
}

func TestConditionUploadErrors(t *testing.T) {
	t.Parallel()
	_, err := prepare(t, operations.Condition{}, `{"filter":{"a":{"_bogus":1},"b":{"_in":{"x":1}}},"extra":1}`)
	p := paths(err)
	for _, want := range []string{"filter.a._bogus", "filter.b._in", "extra"} {
		if !p[want] {
			t.Errorf("no finding at %s: %v", want, err)
		}
	}
	if _, err := prepare(t, operations.Condition{}, `{}`); !paths(err)["filter"] {
		t.Errorf("missing filter: %v", err)
	}
}

func same(a, b any) bool {
	ma, okA := a.(map[string]any)
	mb, okB := b.(map[string]any)
	if okA && okB {
		if len(ma) != len(mb) {
			return false
		}
		for k := range ma {
			if _, ok := mb[k]; !ok {
				return false
			}
		}
		return true
	}
	return a == nil && b == nil
}
