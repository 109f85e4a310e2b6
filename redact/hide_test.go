package redact_test

import (
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/redact"
)

func TestHide(t *testing.T) {
	t.Parallel()
	env := map[string]any{"KEY": "secret-key", "LONGER": "secret-key-2", "REGION": "eu", "N": 12345.0}
	tests := []struct {
		name    string
		in, out any
	}{
		{"whole string", "secret-key", "[REDACTED]"},
		{"inside text, longest first", `got "secret-key-2" and secret-key`, `got "[REDACTED]" and [REDACTED]`},
		{"short values stay", "eu-west", "eu-west"},
		{
			"nested",
			map[string]any{"a": []any{"x", map[string]any{"b": "k=secret-key"}}, "n": 1.0},
			map[string]any{"a": []any{"x", map[string]any{"b": "k=[REDACTED]"}}, "n": 1.0},
		},
		{"nothing to hide", map[string]any{"a": "b"}, map[string]any{"a": "b"}},
		{"not a string", 12345.0, 12345.0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := redact.EnvSecrets(env).Hide(tc.in); !reflect.DeepEqual(got, tc.out) {
				t.Fatalf("Hide(%v) = %v, want %v", tc.in, got, tc.out)
			}
		})
	}
	in := map[string]any{"a": []any{"secret-key"}}
	redact.EnvSecrets(env).Hide(in)
	if in["a"].([]any)[0] != "secret-key" {
		t.Fatal("Hide changed its input")
	}
	if got := redact.EnvSecrets(nil).Hide("secret-key"); got != "secret-key" {
		t.Fatalf("without $env: %v", got)
	}
}
