package operations_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/engine"
)

// BenchmarkRequest measures a flow of one request step (templated URL,
// header and JSON body) against a local upstream answering a small JSON
// document: rendering, the guarded dial (kept-alive connections are
// reused), the round trip and the response parsing. The "bare" case sends
// the same request with a plain http.Client, for comparison: the
// difference is what the operation adds.
func BenchmarkRequest(b *testing.B) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"id": "job_1", "state": "accepted", "items": [1, 2, 3]}`)
	}))
	defer upstream.Close()
	reg := requestRegistry(allowTestServers, 0)
	plan, err := compileFlow(b, reg, requestFlow(map[string]any{
		"method":  "POST",
		"url":     upstream.URL + "/orders/{{$trigger.id}}",
		"headers": map[string]any{"Authorization": "Bearer {{$trigger.token}}"},
		"body":    `{"order": "{{$trigger.id}}", "total": {{$trigger.total}}}`,
	}))
	if err != nil {
		b.Fatal(err)
	}
	eng := engine.New(reg, engine.Config{})
	in := engine.RunInput{Trigger: map[string]any{"id": "o1", "token": "t", "total": 99.5}}
	ctx := context.Background()
	b.Run("flow", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if res := eng.Run(ctx, plan, in); res.Err != nil {
				b.Fatal(res.Err)
			}
		}
	})
	b.Run("bare", func(b *testing.B) {
		client := &http.Client{}
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, "POST", upstream.URL+"/orders/o1", strings.NewReader(`{"order": "o1", "total": 99.5}`))
			req.Header.Set("Authorization", "Bearer t")
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
