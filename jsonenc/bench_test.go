package jsonenc

import (
	"bytes"
	"encoding/json"
	"testing"

	gojson "github.com/goccy/go-json"
)

// benchValue is the part of a run record of the load workload's flow that
// is made of decoded values: the stored trigger (headers, query, the
// 307-byte order decoded), the two steps' options and results, the result.
func benchValue() any {
	var body any
	_ = json.Unmarshal([]byte(`{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`), &body)
	result := map[string]any{"ok": true, "customer": "c_123", "total": 99.99, "count": 3.0}
	return map[string]any{
		"trigger": map[string]any{
			"method": "POST", "path": "/flows/trigger/54d303f3-775c-4efb-914a-11450588f7eb", "query": map[string]any{},
			"headers": map[string]any{
				"accept": "*/*", "content-type": "application/json", "content-length": "307",
				"user-agent": "wrk", "host": "127.0.0.1:8055",
			},
			"body": body,
		},
		"result": result,
		"steps": []any{
			map[string]any{
				"key": "is_order", "type": "condition", "status": "resolve", "duration_ms": 0.005,
				"options": map[string]any{"filter": map[string]any{"type": map[string]any{"_eq": "order"}}},
				"result":  map[string]any{"$ref": "$trigger"},
			},
			map[string]any{
				"key": "ok", "type": "transform", "status": "resolve", "duration_ms": 0.004,
				"options": map[string]any{"json": map[string]any{
					"ok": true, "customer": "{{$trigger.customer_id}}", "total": "{{$trigger.total}}",
					"count": "{{$trigger.items.length}}",
				}},
				"result": result,
			},
		},
	}
}

// BenchmarkEncode compares the encoders for the record's values: this
// package, goccy/go-json (the encoder of run records before it) and
// encoding/json, each into a reused buffer without HTML escaping or sorted
// keys where the encoder allows.
func BenchmarkEncode(b *testing.B) {
	v := benchValue()
	b.Run("jsonenc", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for i := 0; i < b.N; i++ {
			buf, _ = Append(buf[:0], v)
		}
		b.SetBytes(int64(len(buf)))
	})
	b.Run("goccy", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for i := 0; i < b.N; i++ {
			buf.Reset()
			enc := gojson.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.EncodeWithOption(v, gojson.UnorderedMap())
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for i := 0; i < b.N; i++ {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(v)
		}
		b.SetBytes(int64(buf.Len()))
	})
}
