package redact

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/jsonenc"
)

// TestAppendJSONIsValueEncoded checks that writing a value scrubbed gives
// what encoding the scrubbed copy gives, credentials found included.
func TestAppendJSONIsValueEncoded(t *testing.T) {
	t.Parallel()
	env := EnvSecrets(map[string]any{"TOKEN": "s3cr3t-token", "LONGER": "s3cr3t-token-2", "SHORT": "eu", "QUOTE": `"q<>"`})
	deep := any("bottom")
	for range 6 {
		deep = []any{map[string]any{"d": deep}}
	}
	values := []any{
		nil, true, 3.5, json.Number("12345678901234567890"), 7, int64(8), "Bearer s3cr3t-token", "x s3cr3t-token-2 y",
		"0123456789abcdefghijKLMN", "0123456789abcdefghié", `say "q<>" twice "q<>"`,
		map[string]any{"headers": map[string]any{"authorization": "Bearer abcdef", "x-note": "s3cr3t-token"}, "n": 1.0},
		map[string]any{"user": map[string]any{"Password": "hunter22", "tokens": []any{"t1234"}, "api-key": map[string]any{"v": 1.0}}},
		map[string]any{"total_tokens": 812.0, "remember_password": true, "secret": nil, "pwd": "[REDACTED]"},
		json.RawMessage(`{"note":"s3cr3t-token","n":1}`), json.RawMessage(`{"api_key":"k1","n":1}`),
		json.RawMessage(`{ "n" : 1 }`), json.RawMessage(`["0123456789abcdefghijKLMN"]`), json.RawMessage(`{"token":`),
		[]string{"s3cr3t-token"},
		map[string]any{"typed": map[string]string{"secret": "abcd"}},
		deep,
		map[string]any{"a": deep},
		json.RawMessage(`[[[[[[[[1]]]]]]]]`),
	}
	for _, v := range values {
		for _, maxDepth := range []int{0, 4} {
			sc := NewScrubber(env, 20, maxDepth)
			var foundValue, foundJSON []string
			byValue := sc.Collecting(&foundValue)
			want, err := jsonenc.Marshal(byValue.Value(v))
			if err != nil {
				t.Fatalf("%#v: %v", v, err)
			}
			byJSON := sc.Collecting(&foundJSON)
			out, err := byJSON.AppendJSON([]byte("prefix "), v)
			if err != nil {
				t.Fatalf("%#v: %v", v, err)
			}
			got, ok := strings.CutPrefix(string(out), "prefix ")
			if !ok || !sameJSON(t, got, string(want)) {
				t.Errorf("%#v (depth %d):\n got %s\nwant %s", v, maxDepth, got, want)
			}
			slices.Sort(foundValue)
			slices.Sort(foundJSON)
			if !slices.Equal(foundValue, foundJSON) {
				t.Errorf("%#v: found %q, want %q", v, foundJSON, foundValue)
			}
		}
	}
}

func TestSecretsHideDoesNotHideNames(t *testing.T) {
	t.Parallel()
	in := map[string]any{"password": "visible", "note": "s3cr3t-token", "raw": json.RawMessage(`{"token":"s3cr3t-token"}`)}
	got := EnvSecrets(map[string]any{"T": "s3cr3t-token"}).Hide(in).(map[string]any)
	if got["password"] != "visible" || got["note"] != Placeholder ||
		!reflect.DeepEqual(got["raw"], map[string]any{"token": Placeholder}) {
		t.Fatalf("%#v", got)
	}
}

func TestAppendJSONRefusesNaN(t *testing.T) {
	t.Parallel()
	sc := NewScrubber(nil, 20, 4)
	if out, err := sc.AppendJSON([]byte("kept"), map[string]any{"n": nanValue()}); err == nil || string(out) != "kept" {
		t.Fatalf("%s %v", out, err)
	}
}

func nanValue() float64 {
	zero := 0.0
	return zero / zero
}

// sameJSON reports whether two encodings hold the same value.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
