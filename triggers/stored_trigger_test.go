package triggers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/redact"
)

func TestStoredTrigger(t *testing.T) {
	t.Parallel()
	sc := recordScrubber(nil, 32)
	raw := `{"user":"ada","password":"hunter2"}`
	trigger := map[string]any{
		"method": "POST", "path": "/flows/trigger/x", "raw": raw,
		"query":   map[string]any{"access_token": "tok", "page": "1"},
		"headers": map[string]any{"authorization": "Bearer tok", "cookie": "s=1", "x-api-key": "k", "content-type": "application/json", "x-signature": "sig"},
		"body":    map[string]any{"user": "ada", "password": "hunter2"},
		"user":    "ada", "password": "hunter2",
	}
	stored, rest := decodedStoredTrigger(trigger, sc)
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
	copied := rest.Value(map[string]any{"note": "pw was hunter2", "auth": "Bearer tok", "key": "tok", "x": "k"})
	if want := map[string]any{"note": "pw was [REDACTED]", "auth": "[REDACTED]", "key": "tok", "x": "k"}; !reflect.DeepEqual(copied, want) {
		t.Fatalf("copied credentials: %v", copied)
	}
	if _, clean := decodedStoredTrigger(map[string]any{"headers": map[string]any{}}, sc); clean != sc {
		t.Fatal("a request without credentials keeps the runner's scrubber")
	}
	// A clean JSON body is stored as the sender's bytes (in their order,
	// without the spaces between tokens).
	clean := map[string]any{
		"method": "POST", "headers": map[string]any{"content-type": "application/json"},
		"body": map[string]any{"a": 1.0, "b": 2.0}, "raw": `{"b": 2, "a": 1}`,
	}
	if enc, _, _ := appendStoredTrigger(nil, clean, sc); !strings.Contains(string(enc), `"body":{"b":2,"a":1}`) {
		t.Fatalf("clean body: %s", enc)
	}
	// An unparsed body is kept as text, cut when long.
	text := map[string]any{"method": "POST", "headers": map[string]any{}, "body": nil, "raw": strings.Repeat("z", 40)}
	if r := storedValue(text, sc)["raw"].(string); !strings.HasSuffix(r, "…[truncated: 40 bytes]") {
		t.Fatalf("raw: %s", r)
	}
}

// decodedStoredTrigger is the stored form of a trigger decoded, and the
// scrubber for the rest of its run.
func decodedStoredTrigger(trigger any, sc *redact.Scrubber) (any, *redact.Scrubber) {
	enc, rest, err := appendStoredTrigger(nil, trigger, sc)
	if err != nil {
		panic(err)
	}
	var v any
	if err := json.Unmarshal(enc, &v); err != nil {
		panic(fmt.Sprintf("%s: %v", enc, err))
	}
	return v, rest
}

// storedValue is the stored form of a trigger.
func storedValue(trigger any, sc *redact.Scrubber) map[string]any {
	v, _ := decodedStoredTrigger(trigger, sc)
	return v.(map[string]any)
}

// BenchmarkStoredTrigger measures writing the load workload's request
// scrubbed, the cost every recorded webhook call pays.
func BenchmarkStoredTrigger(b *testing.B) {
	raw := `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`
	var body map[string]any
	_ = json.Unmarshal([]byte(raw), &body)
	trigger := map[string]any{
		"method": "POST", "path": "/flows/trigger/x", "raw": raw, "query": map[string]any{},
		"headers": map[string]any{"content-type": "application/json", "user-agent": "wrk", "host": "127.0.0.1:8055"}, "body": body,
	}
	sc := recordScrubber(nil, 0)
	b.ReportAllocs()
	var buf []byte
	for i := 0; i < b.N; i++ {
		buf, _, _ = appendStoredTrigger(buf[:0], trigger, sc)
	}
}
