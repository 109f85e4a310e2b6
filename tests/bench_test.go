package tests

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// benchBody is the load workload's 307-byte order (../shared/bench/workload/body-pass.json).
const benchBody = `{"type":"order","customer_id":"c_123","items":[{"sku":"a","qty":2},{"sku":"b","qty":1},{"sku":"c","qty":5}],"total":99.99,"email":"x@example.com","currency":"EUR","created_at":"2025-01-15T10:30:00Z","shipping":{"name":"Ada Lovelace","street":"12 Example Road","city":"London","zip":"N1 9GU","country":"GB"}}`

// BenchmarkTriggerOrderWebhook measures the trigger path through the whole
// echo stack with the load workload's flow (flows/testdata/bench_order.json),
// run logging on ("all", the default). cpu-ns/op is the process's CPU time
// per call, run records included.
func BenchmarkTriggerOrderWebhook(b *testing.B) {
	benchmarkTrigger(b, benchCase{file: "../flows/testdata/bench_order.json", parallelism: 1})
}

// BenchmarkTriggerOrderWebhookNoMetrics is BenchmarkTriggerOrderWebhook
// with METRICS_ENABLED=false: the difference is what the metrics cost the
// trigger path (HTTP middleware, run and operation observations).
func BenchmarkTriggerOrderWebhookNoMetrics(b *testing.B) {
	benchmarkTrigger(b, benchCase{
		file:        "../flows/testdata/bench_order.json",
		parallelism: 1,
		config:      func(c *hookflow.Config) { c.MetricsDisabled = true },
	})
}

// BenchmarkTriggerOrderWebhookNoLog is the same with accountability null.
func BenchmarkTriggerOrderWebhookNoLog(b *testing.B) {
	benchmarkTrigger(b, benchCase{file: "../flows/testdata/bench_order.json", edit: noRunLog, parallelism: 1})
}

// BenchmarkTriggerItemCreate stores the load workload's order as an item
// (flows/testdata/bench_item_create.json), run logging on, from about 50
// concurrent callers (wrk -c50): concurrent writes share commits.
func BenchmarkTriggerItemCreate(b *testing.B) {
	benchmarkTrigger(b, benchCase{file: "../flows/testdata/bench_item_create.json", parallelism: callers50()})
}

// BenchmarkTriggerItemCreateNoLog is the same with accountability null.
func BenchmarkTriggerItemCreateNoLog(b *testing.B) {
	benchmarkTrigger(b, benchCase{file: "../flows/testdata/bench_item_create.json", edit: noRunLog, parallelism: callers50()})
}

// BenchmarkTriggerOrderWebhookAccess is BenchmarkTriggerOrderWebhook with
// every access check on: the flow is private and called with a user's
// token (looked up, then cached), whose role holds the trigger permission;
// the server-wide rate limit and the flow's own limit by token count every
// call (with limits no call reaches); the run record hides the token.
func BenchmarkTriggerOrderWebhookAccess(b *testing.B) {
	benchmarkTrigger(b, benchCase{
		file: "../flows/testdata/bench_order.json", parallelism: 1, userToken: true,
		config: func(c *hookflow.Config) {
			c.RateLimiter = hookflow.RateLimiterConfig{Enabled: true, Points: 1 << 30, Duration: time.Second}
		},
		edit: func(flow map[string]any) {
			opts := flow["options"].(map[string]any)
			delete(opts, "access")
			opts["rate_limit"] = map[string]any{"points": 1 << 29, "duration": "1s", "by": "token"}
		},
	})
}

// BenchmarkTriggerCachedGet calls a GET flow with cacheEnabled: "hit"
// repeats one query, "miss" sends a new query every time (each call runs
// the flow and stores its answer), "off" is the same flow without the cache.
func BenchmarkTriggerCachedGet(b *testing.B) {
	get := func(cache bool) func(map[string]any) {
		return func(flow map[string]any) {
			flow["options"] = map[string]any{"method": "GET", "access": "public", "cacheEnabled": cache}
			flow["operations"] = []any{map[string]any{"id": "ok", "operation": "transform", "options": map[string]any{
				"json": map[string]any{"ok": true, "customer": "{{$trigger.query.customer}}", "n": "{{$trigger.query.n}}"},
			}}}
		}
	}
	for _, tc := range []struct {
		name   string
		cache  bool
		unique bool
	}{{"hit", true, false}, {"miss", true, true}, {"off", false, false}} {
		b.Run(tc.name, func(b *testing.B) {
			benchmarkTrigger(b, benchCase{
				file: "../flows/testdata/bench_order.json", parallelism: 1, edit: get(tc.cache),
				method: http.MethodGet, query: "?customer=c_123&n=", uniqueQuery: tc.unique,
			})
		})
	}
}

// BenchmarkTriggerItemCreateUnwatched is BenchmarkTriggerItemCreate with
// outgoing webhooks on other collections: writes to a collection no
// webhook watches must cost what they cost without webhooks.
func BenchmarkTriggerItemCreateUnwatched(b *testing.B) {
	benchmarkTrigger(b, benchCase{
		file: "../flows/testdata/bench_item_create.json", parallelism: callers50(),
		setup: func(srv *hookflow.Server) {
			for _, doc := range []string{
				`{"name": "pages", "actions": "create,update,delete", "collections": "pages,articles", "url": "https://example.com/a"}`,
				`{"name": "reports", "events": ["report.*", "customers.created"], "url": "https://example.com/b", "actions": [], "collections": []}`,
			} {
				benchAdmin(b, srv, "/webhooks", json.RawMessage(doc), nil)
			}
		},
	})
}

// callers50 is the RunParallel factor that gives about 50 goroutines.
func callers50() int { return max(1, 50/runtime.GOMAXPROCS(0)) }

func noRunLog(flow map[string]any) { flow["accountability"] = nil }

// benchCase is one trigger benchmark.
type benchCase struct {
	file        string
	edit        func(flow map[string]any)
	config      func(*hookflow.Config)
	parallelism int
	method      string // POST (with the order body) unless set
	query       string
	uniqueQuery bool // append a call number to the query
	userToken   bool // call as a user whose role may trigger the flow
	setup       func(srv *hookflow.Server)
	// beforeClose waits for background work whose CPU time cpu-ns/op
	// should include.
	beforeClose func()
}

func benchmarkTrigger(b *testing.B, bc benchCase) {
	cfg := hookflow.Config{AdminToken: "bench", Logger: slog.New(slog.DiscardHandler)}
	hookflowtest.NewDatabase(b).Use(&cfg)
	if bc.config != nil {
		bc.config(&cfg)
	}
	srv, err := hookflow.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	if bc.setup != nil {
		bc.setup(srv)
	}
	raw, err := os.ReadFile(bc.file)
	if err != nil {
		b.Fatal(err)
	}
	var flow map[string]any
	if err := json.Unmarshal(raw, &flow); err != nil {
		b.Fatal(err)
	}
	if bc.edit != nil {
		bc.edit(flow)
	}
	var created struct{ Data struct{ ID, Token string } }
	benchAdmin(b, srv, "/flows", flow, &created)
	url := "/flows/trigger/" + created.Data.ID + bc.query
	auth := ""
	if bc.userToken {
		benchAdmin(b, srv, "/roles", map[string]any{"id": "caller", "name": "caller"}, nil)
		benchAdmin(b, srv, "/permissions", map[string]any{"role": "caller", "collection": "flows", "action": "trigger"}, nil)
		var user struct{ Data struct{ Token string } }
		benchAdmin(b, srv, "/users", map[string]any{"role": "caller"}, &user)
		auth = "Bearer " + user.Data.Token
	}
	method, body := http.MethodPost, []byte(benchBody)
	if bc.method != "" {
		method, body = bc.method, nil
	}
	var calls atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(bc.parallelism)
	b.ResetTimer()
	cpu := processCPU()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			target := url
			if bc.uniqueQuery {
				target += strconv.FormatInt(calls.Add(1), 10)
			}
			req := httptest.NewRequest(method, target, bytes.NewReader(body))
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("trigger: %d %s", rec.Code, rec.Body)
			}
		}
	})
	b.StopTimer()
	if bc.beforeClose != nil {
		bc.beforeClose()
	}
	// Run records are written in the background: wait for them, so their
	// cost is part of the figure.
	_ = srv.Close()
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
}

// benchAdmin sends a document to the API with the admin token and decodes
// the answer into out.
func benchAdmin(b *testing.B, srv http.Handler, path string, doc any, out any) {
	b.Helper()
	raw, _ := json.Marshal(doc)
	rec := serveAdmin(srv, http.MethodPost, path, raw)
	if rec.Code != http.StatusOK {
		b.Fatalf("POST %s: %d %s", path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			b.Fatal(err)
		}
	}
}
