package triggers

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestScrub(t *testing.T) {
	t.Parallel()
	sc := newScrubber(map[string]any{"TOKEN": "s3cr3t-token", "LONGER": "s3cr3t-token-2", "SHORT": "eu", "NUM": 7.0}, 20)
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
			if got := sc.value(tc.in); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestScrubNeverChangesItsInput(t *testing.T) {
	t.Parallel()
	sc := newScrubber(map[string]any{"TOKEN": "s3cr3t-token"}, 0)
	inner := map[string]any{"note": "s3cr3t-token", "password": "p"}
	shared := map[string]any{"inner": inner, "list": []any{"s3cr3t-token"}}
	out := sc.value(shared).(map[string]any)
	if inner["note"] != "s3cr3t-token" || inner["password"] != "p" || shared["list"].([]any)[0] != "s3cr3t-token" {
		t.Fatal("the input was modified")
	}
	if o := out["inner"].(map[string]any); o["note"] != redacted || o["password"] != redacted {
		t.Fatalf("got %v", out)
	}
	clean := map[string]any{"a": "b", "list": []any{map[string]any{"c": 1.0}}}
	if got := sc.value(clean).(map[string]any); reflect.ValueOf(got).UnsafePointer() != reflect.ValueOf(clean).UnsafePointer() {
		t.Fatal("a value without secrets was copied")
	}
}

func TestNoEnvSecrets(t *testing.T) {
	t.Parallel()
	if newSecrets(map[string]any{"A": "ab"}) != nil || newSecrets(nil) != nil {
		t.Fatal("expected nil")
	}
	if got := newScrubber(nil, 0).value("ab s3cr3t"); got != "ab s3cr3t" {
		t.Fatalf("got %v", got)
	}
}

func TestStoredTrigger(t *testing.T) {
	t.Parallel()
	sc := newScrubber(nil, 32)
	raw := `{"user":"ada","password":"hunter2"}`
	trigger := map[string]any{
		"method": "POST", "path": "/flows/trigger/x", "raw": raw,
		"query":   map[string]any{"access_token": "tok", "page": "1"},
		"headers": map[string]any{"authorization": "Bearer tok", "cookie": "s=1", "x-api-key": "k", "content-type": "application/json", "x-signature": "sig"},
		"body":    map[string]any{"user": "ada", "password": "hunter2"},
		"user":    "ada", "password": "hunter2",
	}
	stored, rest := storedTrigger(trigger, sc)
	got := stored.(map[string]any)
	enc, _ := json.Marshal(got)
	for _, leak := range []string{"hunter2", `"tok"`, "Bearer", "s=1", `"k"`} {
		if strings.Contains(string(enc), leak) {
			t.Errorf("stored trigger leaks %s: %s", leak, enc)
		}
	}
	if got["query"].(map[string]any)["page"] != "1" || got["headers"].(map[string]any)["x-signature"] != "sig" ||
		got["body"].(map[string]any)["user"] != "ada" || got["raw"] != nil || got["user"] != nil {
		t.Fatalf("stored trigger %s", enc)
	}
	// The request's credentials are hidden wherever the run copies them.
	copied := rest.value(map[string]any{"note": "pw was hunter2", "auth": "Bearer tok", "key": "tok", "x": "k"})
	if want := map[string]any{"note": "pw was [REDACTED]", "auth": "[REDACTED]", "key": "tok", "x": "k"}; !reflect.DeepEqual(copied, want) {
		t.Fatalf("copied credentials: %v", copied)
	}
	if _, clean := storedTrigger(map[string]any{"headers": map[string]any{}}, sc); clean != sc {
		t.Fatal("a request without credentials keeps the runner's scrubber")
	}
	// A clean JSON body is stored as the sender's bytes.
	clean := map[string]any{
		"method": "POST", "headers": map[string]any{"content-type": "application/json"},
		"body": map[string]any{"a": 1.0}, "raw": `{"a": 1}`,
	}
	if b, ok := storedValue(clean, sc)["body"].(json.RawMessage); !ok || string(b) != `{"a": 1}` {
		t.Fatalf("clean body: %#v", storedValue(clean, sc))
	}
	// An unparsed body is kept as text, cut when long.
	text := map[string]any{"method": "POST", "headers": map[string]any{}, "body": nil, "raw": strings.Repeat("z", 40)}
	if r := storedValue(text, sc)["raw"].(string); !strings.HasSuffix(r, "…[truncated: 40 bytes]") {
		t.Fatalf("raw: %s", r)
	}
}

// storedValue is the stored form of a trigger.
func storedValue(trigger any, sc *scrubber) map[string]any {
	v, _ := storedTrigger(trigger, sc)
	return v.(map[string]any)
}

// BenchmarkStoredTrigger measures the scrubbing of the load workload's
// request, the cost every recorded webhook call pays.
func BenchmarkStoredTrigger(b *testing.B) {
	raw := `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`
	var body map[string]any
	_ = json.Unmarshal([]byte(raw), &body)
	trigger := map[string]any{
		"method": "POST", "path": "/flows/trigger/x", "raw": raw, "query": map[string]any{},
		"headers": map[string]any{"content-type": "application/json", "user-agent": "wrk", "host": "127.0.0.1:8055"}, "body": body,
	}
	sc := newScrubber(nil, 0)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		storedTrigger(trigger, sc)
	}
}
