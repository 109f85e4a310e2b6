package triggers

import (
	"context"
	"encoding/json"
	"runtime"
	"syscall"
	"testing"

	"github.com/hookflow/hookflow/storage"
)

// benchOrder is the load workload's 307-byte order (storage's benchmarks
// write the same).
const benchOrder = `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`

// BenchmarkItemWriteWithEventFlows creates one order per call through the
// store, as /items and item-create do: with no event flow, with an action
// flow listening (its run is queued in the write's transaction; no worker
// runs it here, so the figure is the write's own cost), with a filter flow
// (a one-step run on the caller's goroutine, recorded like any run), and
// with both; from one goroutine (every write its own commit) and from 50
// (writes that queue up share a commit, as under load). A flow on another
// collection is there every time: a write no flow listens to must cost
// what it costs without flows. cpu-ns/op is the process's CPU time per
// write, which other processes on a shared machine cannot inflate.
func BenchmarkItemWriteWithEventFlows(b *testing.B) {
	const (
		action = `{"trigger": "event", "options": {"scope": ["items.create"], "collections": ["orders"]},
		  "operations": [{"operation": "stamp"}]}`
		filter = `{"trigger": "event", "options": {"type": "filter", "scope": ["items.create"], "collections": ["orders"]},
		  "operations": [{"operation": "stamp", "options": {"name": "filter"}}]}`
	)
	cases := []struct {
		name string
		docs []string
	}{
		{"none", nil},
		{"action", []string{action}},
		{"filter", []string{filter}},
		{"action+filter", []string{action, filter}},
	}
	for _, writers := range []int{1, 50} {
		for _, bc := range cases {
			name := bc.name
			if writers > 1 {
				name += "/50-writers"
			}
			b.Run(name, func(b *testing.B) { benchItemWrite(b, bc.docs, writers) })
		}
	}
}

// benchItemWrite is one case of BenchmarkItemWriteWithEventFlows.
func benchItemWrite(b *testing.B, docs []string, writers int) {
	const elsewhere = `{"trigger": "event", "options": {"scope": ["items.create"], "collections": ["customers"]},
	  "operations": [{"operation": "stamp"}]}`
	// No worker runs the queued runs: the limit must not refuse writes.
	e := setupEvents(b, EventConfig{}, QueueConfig{Limit: 1 << 30})
	for _, doc := range append(docs, elsewhere) {
		e.save(b, doc)
	}
	var item map[string]any
	_ = json.Unmarshal([]byte(benchOrder), &item)
	write := func() error {
		_, err := e.store.CreateItems(context.Background(), "orders", []map[string]any{item}, storage.WriteOptions{})
		return err
	}
	b.ReportAllocs()
	cpu := processCPU()
	if writers == 1 {
		for b.Loop() {
			if err := write(); err != nil {
				b.Fatal(err)
			}
		}
	} else {
		b.SetParallelism(max(1, writers/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := write(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// processCPU is the CPU time (user + system) this process has used, in ns.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
