package triggers

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// BenchmarkRecordedRun runs the load workload's flow
// (flows/testdata/bench_order.json) through the runner, one op per run:
// "all" records the run and its steps (the default), "null" records
// nothing; their difference is what recording a run costs: building the
// record on the run's path and encoding and storing it (SQLite in a temp
// dir, or a PostgreSQL schema under HOOKFLOW_TEST_DB) in the run writer.
// cpu-ns/op is the process's CPU per run, the writer's included
// (PostgreSQL's own server process is not counted).
func BenchmarkRecordedRun(b *testing.B) {
	for _, accountability := range []any{"all", nil} {
		name, _ := accountability.(string)
		if name == "" {
			name = "null"
		}
		b.Run(name, func(b *testing.B) { benchmarkRecordedRun(b, accountability) })
	}
}

func benchmarkRecordedRun(b *testing.B, accountability any) {
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := storage.Open(ctx, testStoreConfig(b, logger))
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(operations.Builtins(operations.Dependencies{Logger: logger}), engine.Config{Logger: logger})
	raw, err := os.ReadFile("../flows/testdata/bench_order.json")
	if err != nil {
		b.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		b.Fatal(err)
	}
	doc["id"], doc["accountability"] = "54d303f3-775c-4efb-914a-11450588f7eb", accountability
	f, errs := flows.Decode(doc)
	if errs != nil {
		b.Fatal(errs)
	}
	plan, err := eng.Compile(f)
	if err != nil {
		b.Fatal(err)
	}
	runner := NewRunner(eng, store, RunnerConfig{}, logger)
	r := httptest.NewRequest("POST", "/flows/trigger/"+f.ID, bytes.NewReader([]byte(benchOrder)))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "wrk")
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		// Each request builds its own `$trigger`, as webhook calls do.
		trigger, err := BuildTrigger(r, []byte(benchOrder))
		if err != nil {
			b.Fatal(err)
		}
		res := runner.RunNow(ctx, plan, Request{FlowID: f.ID, Trigger: trigger})
		if res.Err != nil {
			b.Fatal(res.Err)
		}
	}
	// Close writes what is left: the writer's work is part of the figure.
	if err := store.Close(); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}
