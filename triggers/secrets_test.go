package triggers

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSecretsRedact(t *testing.T) {
	t.Parallel()
	sec := newSecrets(map[string]any{"TOKEN": "s3cr3t-token", "LONGER": "s3cr3t-token-2", "SHORT": "eu", "NUM": 7.0})
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"plain string", "Bearer s3cr3t-token", "Bearer [REDACTED]"},
		{"longer secret wins", "x s3cr3t-token-2 y", "x [REDACTED] y"},
		{"short values stay", "region eu", "region eu"},
		{"untouched", "nothing here", "nothing here"},
		{"nested", map[string]any{"headers": map[string]any{"Authorization": "Bearer s3cr3t-token"}, "n": 1.0},
			map[string]any{"headers": map[string]any{"Authorization": "Bearer [REDACTED]"}, "n": 1.0}},
		{"array", []any{"a", "s3cr3t-token", 2.0}, []any{"a", "[REDACTED]", 2.0}},
		{"raw JSON", json.RawMessage(`{"token":"s3cr3t-token","n":1}`), map[string]any{"token": "[REDACTED]", "n": 1.0}},
		{"typed value", []string{"s3cr3t-token"}, []any{"[REDACTED]"}},
		{"nil", nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sec.redact(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestSecretsNeverChangeTheirInput(t *testing.T) {
	t.Parallel()
	sec := newSecrets(map[string]any{"TOKEN": "s3cr3t-token"})
	inner := map[string]any{"auth": "s3cr3t-token"}
	shared := map[string]any{"inner": inner, "list": []any{"s3cr3t-token"}}
	out := sec.redact(shared).(map[string]any)
	if inner["auth"] != "s3cr3t-token" || shared["list"].([]any)[0] != "s3cr3t-token" {
		t.Fatal("the input was modified")
	}
	if out["inner"].(map[string]any)["auth"] != redacted {
		t.Fatalf("got %v", out)
	}
	clean := map[string]any{"a": "b"}
	if got := sec.redact(clean).(map[string]any); reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(clean).UnsafePointer() {
		t.Fatal("a value without secrets was copied")
	}
}

func TestNoSecretsMeansNoRedactor(t *testing.T) {
	t.Parallel()
	if newSecrets(map[string]any{"A": "ab"}) != nil || newSecrets(nil) != nil {
		t.Fatal("expected nil")
	}
	var none *secrets
	if none.redact("x") != "x" {
		t.Fatal("nil redactor changed a value")
	}
}
