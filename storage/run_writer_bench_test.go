package storage

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/jsonenc"
)

// benchRunRecord is a run record shaped like the load workload's: the
// stored trigger with the 307-byte order as raw JSON, two steps, a result.
func benchRunRecord(id string) *RunRecord {
	body := json.RawMessage(`{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`)
	result := map[string]any{"ok": true, "customer": "c_123", "total": 99.99, "count": 3}
	now := time.Now()
	ms := 0.02
	return &RunRecord{
		ID: id, Flow: "54d303f3-775c-4efb-914a-11450588f7eb", Status: RunCompleted,
		CreatedAt: now, StartedAt: &now, FinishedAt: &now, DurationMS: &ms, Attempts: 1,
		Trigger: map[string]any{
			"method": "POST", "path": "/flows/trigger/54d303f3-775c-4efb-914a-11450588f7eb", "query": map[string]any{},
			"headers": map[string]any{"content-type": "application/json", "content-length": "307", "host": "127.0.0.1:8055"},
			"body":    body,
		},
		Accountability: map[string]any{"user": nil, "role": nil, "ip": "127.0.0.1", "userAgent": nil},
		Result:         result,
		Steps: []map[string]any{
			{"key": "is_order", "type": "condition", "status": "resolve", "duration_ms": 0.008, "result": map[string]any{"$ref": "$trigger"}},
			{"key": "ok", "type": "transform", "status": "resolve", "duration_ms": 0.003, "result": result},
		},
	}
}

// BenchmarkRecordRun measures the batched run writer: encoding and storing
// one completed run record. cpu-ns/op is process CPU per record (of this
// process: PostgreSQL's server, under HOOKFLOW_TEST_DB, is not counted).
func BenchmarkRecordRun(b *testing.B) {
	s, err := Open(context.Background(), testConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	template := benchRunRecord("")
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		rec := *template
		rec.ID = fmt.Sprintf("01a20519-%012d", i)
		s.RecordRun(NewRun(&rec, nil))
	}
	s.runs.flush()
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// BenchmarkRecordRunPaced hands the run writer records as the runner does
// (their values already encoded, as jsonenc.Encoded) at the load test's
// rate, 12 000 a second, so that batches are as large as under load
// rather than as large as a tight loop makes them. cpu-ns/op is process
// CPU per record: the writer's encoding, SQLite, commits and checkpoints
// (under HOOKFLOW_TEST_DB, PostgreSQL's server process is not counted).
func BenchmarkRecordRunPaced(b *testing.B) {
	s, err := Open(context.Background(), testConfig(b))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	template := benchRunRecord("")
	for _, v := range []*any{&template.Trigger, &template.Accountability, &template.Result, &template.Steps} {
		raw, err := marshalJSON(*v)
		if err != nil {
			b.Fatal(err)
		}
		*v = jsonenc.Encoded(raw)
	}
	const rate, burst = 12000, 120
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if i%burst == 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / rate)))
		}
		rec := *template
		rec.ID = fmt.Sprintf("01a20519-%012d", i)
		s.RecordRun(NewRun(&rec, nil))
	}
	s.runs.flush()
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
