package tests

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
)

// BenchmarkTriggerEmit measures a synchronous flow whose one step emits an
// event that an active webhook subscribes to, through the whole echo
// stack, run logging off: the step answers only once the event's delivery
// is stored. "serial" calls one at a time (ns/op is the latency of a
// call), "callers50" from about 50 goroutines (concurrent emits share
// commits). cpu-ns/op is the process's CPU time per call, the deliveries
// to a receiver on 127.0.0.1 included (the benchmark waits for them).
func BenchmarkTriggerEmit(b *testing.B) {
	for _, tc := range []struct {
		name        string
		parallelism int
	}{{"serial", 1}, {"callers50", callers50()}} {
		b.Run(tc.name, func(b *testing.B) {
			ts, received := benchReceiver(b)
			benchmarkTrigger(b, benchCase{
				file: "../flows/testdata/bench_order.json", parallelism: tc.parallelism,
				config: func(c *hookflow.Config) {
					c.Outbound = loopbackPolicy
					c.Logger = slog.New(slog.DiscardHandler)
				},
				edit: func(flow map[string]any) {
					flow["accountability"] = nil
					flow["operations"] = []any{map[string]any{"id": "announce", "operation": "emit", "options": map[string]any{
						"event": "order.received", "data": map[string]any{"customer": "{{$trigger.customer_id}}", "total": "{{$trigger.total}}"},
					}}}
				},
				setup: func(srv *hookflow.Server) {
					hook, _ := json.Marshal(map[string]any{"name": "orders", "events": []any{"order.received"}, "actions": []any{}, "collections": []any{}, "url": ts.URL})
					if rec := serveAdmin(srv, http.MethodPost, "/webhooks", hook); rec.Code != http.StatusOK {
						b.Fatalf("create webhook: %d %s", rec.Code, rec.Body)
					}
				},
				beforeClose: func() {
					deadline := time.Now().Add(time.Minute)
					for received.Load() < int64(b.N) && time.Now().Before(deadline) {
						time.Sleep(time.Millisecond)
					}
				},
			})
		})
	}
}
