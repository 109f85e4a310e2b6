package redact

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/jsondepth"
)

func TestScrub(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(EnvSecrets(map[string]any{"TOKEN": "s3cr3t-token", "LONGER": "s3cr3t-token-2", "SHORT": "eu", "NUM": 7.0}), 20, jsondepth.MaxDocument)
	tests := []struct {
		name string
		in   any
		want any
	}{
		{"env value in a string", "Bearer s3cr3t-token", "Bearer [REDACTED]"},
		{"longer secret wins", "x s3cr3t-token-2 y", "x [REDACTED] y"},
		{"short env values stay", "region eu", "region eu"},
		{"untouched", "nothing here", "nothing here"},
		{
			"nested env value",
			map[string]any{"headers": map[string]any{"X-Note": "Bearer s3cr3t-token"}, "n": 1.0},
			map[string]any{"headers": map[string]any{"X-Note": "Bearer [REDACTED]"}, "n": 1.0},
		},
		{"array", []any{"a", "s3cr3t-token", 2.0}, []any{"a", "[REDACTED]", 2.0}},
		{"raw JSON with an env value", json.RawMessage(`{"note":"s3cr3t-token","n":1}`), map[string]any{"note": "[REDACTED]", "n": 1.0}},
		{"raw JSON with a secret name", json.RawMessage(`{"api_key":"k1","n":1}`), map[string]any{"api_key": "[REDACTED]", "n": 1.0}},
		{"clean raw JSON stays raw", json.RawMessage(`{"n":1}`), json.RawMessage(`{"n":1}`)},
		{"typed value", []string{"s3cr3t-token"}, []any{"[REDACTED]"}},
		{"nil", nil, nil},
		{
			"secret names at any depth",
			map[string]any{"user": map[string]any{
				"name": "ada", "Password": "hunter2",
				"tokens": []any{"t1"}, "api-key": map[string]any{"v": 1.0},
			}},
			map[string]any{"user": map[string]any{"name": "ada", "Password": "[REDACTED]", "tokens": "[REDACTED]", "api-key": "[REDACTED]"}},
		},
		{
			"counts and flags under secret names stay",
			map[string]any{"total_tokens": 812.0, "remember_password": true, "secret": nil},
			map[string]any{"total_tokens": 812.0, "remember_password": true, "secret": nil},
		},
		{"long strings are cut", "0123456789abcdefghijKLMN", "0123456789abcdefghij…[truncated: 24 bytes]"},
		{"cut on a character boundary", "0123456789abcdefghié", "0123456789abcdefghi…[truncated: 21 bytes]"},
		{"long raw JSON is checked", json.RawMessage(`["0123456789abcdefghijKLMN"]`), []any{"0123456789abcdefghij…[truncated: 24 bytes]"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := sc.Value(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestScrubNeverChangesItsInput(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(EnvSecrets(map[string]any{"TOKEN": "s3cr3t-token"}), 8<<10, jsondepth.MaxDocument)
	inner := map[string]any{"note": "s3cr3t-token", "password": "p"}
	shared := map[string]any{"inner": inner, "list": []any{"s3cr3t-token"}}
	out := sc.Value(shared).(map[string]any)
	if inner["note"] != "s3cr3t-token" || inner["password"] != "p" || shared["list"].([]any)[0] != "s3cr3t-token" {
		t.Fatal("the input was modified")
	}
	if o := out["inner"].(map[string]any); o["note"] != Placeholder || o["password"] != Placeholder {
		t.Fatalf("got %v", out)
	}
	clean := map[string]any{"a": "b", "list": []any{map[string]any{"c": 1.0}}}
	if got := sc.Value(clean).(map[string]any); reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(clean).UnsafePointer() {
		t.Fatal("a value without secrets was copied")
	}
}

func TestNoEnvSecrets(t *testing.T) {
	t.Parallel()
	if EnvSecrets(map[string]any{"A": "ab"}) != nil || EnvSecrets(nil) != nil {
		t.Fatal("expected nil")
	}
	if got := NewScrubber(nil, 8<<10, jsondepth.MaxDocument).Value("ab s3cr3t"); got != "ab s3cr3t" {
		t.Fatalf("got %v", got)
	}
}
