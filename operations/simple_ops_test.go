package operations_test

import (
	"errors"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

func TestTransform(t *testing.T) {
	t.Parallel()
	chain := map[string]any{"$trigger": map[string]any{"name": "Ada", "quote": `"hi"`, "n": 2.0}}
	tests := []struct {
		options string
		want    string
	}{
		{`{"json":{"hello":"{{$trigger.name}}","n":"{{$trigger.n}}"}}`, `{"hello":"Ada","n":2}`},
		{`{"json":"{\"hello\": \"{{$trigger.quote}}\", \"n\": {{$trigger.n}}}"}`, `{"hello":"\"hi\"","n":2}`},
		{`{"json":"{\"static\": true}"}`, `{"static":true}`},
		{`{"json":"{{$trigger.n}}"}`, `2`},
		{`{"json":"Hello {{$trigger.name}}"}`, `"Hello Ada"`},
		{`{"json":[1,"{{$trigger.name}}"]}`, `[1,"Ada"]`},
	}
	for _, tc := range tests {
		out, err := run(t, operations.Transform{}, tc.options, chain)
		if err != nil {
			t.Errorf("%s: %v", tc.options, err)
			continue
		}
		if got := mustJSON(out); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.options, got, tc.want)
		}
	}
	if _, err := prepare(t, operations.Transform{}, `{"json":"{\"broken\": "}`); !paths(err)["json"] {
		t.Errorf("invalid constant JSON must be an upload finding: %v", err)
	}
	if _, err := prepare(t, operations.Transform{}, `{}`); !paths(err)["json"] {
		t.Errorf("missing json: %v", err)
	}
}

func TestLogReturnsItsMessage(t *testing.T) {
	t.Parallel()
	out, err := run(t, operations.Log{}, `{"message":"got {{$trigger.n}}"}`, map[string]any{"$trigger": map[string]any{"n": 3.0}})
	if err != nil || out != "got 3" {
		t.Fatalf("%v %v", out, err)
	}
	if _, err := prepare(t, operations.Log{}, `{"mesage":"x"}`); !paths(err)["mesage"] {
		t.Errorf("typo not reported: %v", err)
	}
}

func TestThrowError(t *testing.T) {
	t.Parallel()
	_, err := run(t, operations.ThrowError{}, `{"status":"{{$trigger.s}}","code":"OUT_OF_STOCK","message":"sku {{$trigger.sku}}"}`,
		map[string]any{"$trigger": map[string]any{"s": 409.0, "sku": "a1"}})
	var e *operations.Error
	if !errors.As(err, &e) || e.Status != 409 || e.Code != "OUT_OF_STOCK" || e.Message != "sku a1" {
		t.Fatalf("%#v", err)
	}
	_, err = run(t, operations.ThrowError{}, `{}`, nil)
	if !errors.As(err, &e) || e.Status != 500 || e.Code != "FLOW_ERROR" || e.Message == "" {
		t.Fatalf("defaults: %#v", err)
	}
	_, err = prepare(t, operations.ThrowError{}, `{"status":200,"code":"lower case"}`)
	if p := paths(err); !p["status"] || !p["code"] {
		t.Fatalf("findings: %v", err)
	}
}

func TestRegistry(t *testing.T) {
	t.Parallel()
	r := operations.NewRegistry()
	if err := r.Register("Bad_Name", operations.Log{}); err == nil {
		t.Error("non-kebab-case names must be refused")
	}
	if err := r.Register("my-op", operations.Log{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Register("my-op", operations.Log{}); err == nil {
		t.Error("duplicates must be refused")
	}
	if _, ok := r.Lookup("my-op"); !ok {
		t.Error("lookup failed")
	}
}

func mustJSON(v any) string {
	b, _ := jsonMarshal(v)
	return string(b)
}
