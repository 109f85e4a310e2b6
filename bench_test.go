package hookflow_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"syscall"
	"testing"

	"github.com/hookflow/hookflow"
)

// benchBody is the load workload's 307-byte order (../shared/bench/workload/body-pass.json).
const benchBody = `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`

// BenchmarkTriggerOrderWebhook measures the trigger path through the whole
// echo stack with the load workload's flow (flows/testdata/bench_order.json),
// run logging on ("all", the default). cpu-ns/op is the process's CPU time
// per call, run records included.
func BenchmarkTriggerOrderWebhook(b *testing.B) {
	benchmarkTrigger(b, "flows/testdata/bench_order.json", nil, 1)
}

// BenchmarkTriggerOrderWebhookNoLog is the same with accountability null.
func BenchmarkTriggerOrderWebhookNoLog(b *testing.B) {
	benchmarkTrigger(b, "flows/testdata/bench_order.json", noRunLog, 1)
}

// BenchmarkTriggerItemCreate stores the load workload's order as an item
// (flows/testdata/bench_item_create.json), run logging on, from about 50
// concurrent callers (wrk -c50): concurrent writes share commits.
func BenchmarkTriggerItemCreate(b *testing.B) {
	benchmarkTrigger(b, "flows/testdata/bench_item_create.json", nil, callers50())
}

// BenchmarkTriggerItemCreateNoLog is the same with accountability null.
func BenchmarkTriggerItemCreateNoLog(b *testing.B) {
	benchmarkTrigger(b, "flows/testdata/bench_item_create.json", noRunLog, callers50())
}

// BenchmarkTriggerItemCreateUnwatched is BenchmarkTriggerItemCreate with
// outgoing webhooks on other collections: writes to a collection no
// webhook watches must cost what they cost without webhooks.
func BenchmarkTriggerItemCreateUnwatched(b *testing.B) {
	benchmarkTrigger(b, "flows/testdata/bench_item_create.json", nil, callers50(), func(srv *hookflow.Server) {
		for _, doc := range []string{
			`{"name": "pages", "actions": "create,update,delete", "collections": "pages,articles", "url": "https://example.com/a"}`,
			`{"name": "reports", "events": ["report.*", "customers.created"], "url": "https://example.com/b", "actions": [], "collections": []}`,
		} {
			if rec := serveAdmin(srv, http.MethodPost, "/webhooks", []byte(doc)); rec.Code != http.StatusOK {
				b.Fatalf("create webhook: %d %s", rec.Code, rec.Body)
			}
		}
	})
}

// serveAdmin sends a JSON request with the benchmarks' admin token
// straight to the server's handler.
func serveAdmin(srv http.Handler, method, path string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer bench")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

// callers50 is the RunParallel factor that gives about 50 goroutines.
func callers50() int { return max(1, 50/runtime.GOMAXPROCS(0)) }

func noRunLog(flow map[string]any) { flow["accountability"] = nil }

// benchmarkTrigger measures calls of the flow in file (edited by edit)
// from parallelism×GOMAXPROCS callers; setup, when given, prepares the
// server first.
func benchmarkTrigger(b *testing.B, file string, edit func(map[string]any), parallelism int, setup ...func(*hookflow.Server)) {
	srv, err := hookflow.New(context.Background(), hookflow.Config{
		DBFilename: b.TempDir() + "/bench.db", AdminToken: "bench", Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, f := range setup {
		f(srv)
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		b.Fatal(err)
	}
	var flow map[string]any
	if err := json.Unmarshal(raw, &flow); err != nil {
		b.Fatal(err)
	}
	if edit != nil {
		edit(flow)
	}
	raw, _ = json.Marshal(flow)
	rec := serveAdmin(srv, http.MethodPost, "/flows", raw)
	var created struct{ Data struct{ ID string } }
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || created.Data.ID == "" {
		b.Fatalf("upload: %d %s", rec.Code, rec.Body)
	}
	url := "/flows/trigger/" + created.Data.ID
	body := []byte(benchBody)
	b.ReportAllocs()
	b.SetParallelism(parallelism)
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, url, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("trigger: %d %s", rec.Code, rec.Body)
			}
		}
	})
	b.StopTimer()
	// Run records are written in the background: wait for them, so their
	// cost is part of the figure.
	_ = srv.Close()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user + system) this process has used, in ns.
// Unlike wall time on a shared machine, other processes cannot inflate it.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
