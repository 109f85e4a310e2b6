package tests

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// countingUpstream answers JSON and counts its requests.
func countingUpstream(t *testing.T, status int, body string) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(ts.Close)
	return ts, &hits
}

func requestFlowDoc(url string, extra ...map[string]any) map[string]any {
	ops := []any{map[string]any{
		"id": "call", "operation": "request",
		"options": map[string]any{"method": "POST", "url": url, "body": map[string]any{"order": "{{$trigger.id}}"}},
	}}
	for _, e := range extra {
		ops = append(ops, e)
	}
	return map[string]any{"name": "call upstream", "trigger": "webhook", "options": map[string]any{"access": "public"}, "operations": ops}
}

func TestRequestThroughServer(t *testing.T) {
	t.Parallel()
	ok, _ := countingUpstream(t, 200, `{"accepted": true}`)
	failing, _ := countingUpstream(t, 422, `{"error": "bad order"}`)
	srv := hookflowtest.New(t, allowLoopback)

	t.Run("JSON answer", func(t *testing.T) {
		id := srv.CreateFlow(t, requestFlowDoc(ok.URL))
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"id": "o1"})
		if resp.Status != 200 {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		data := resp.Data(t).(map[string]any)
		if data["status"] != 200.0 || data["statusText"] != "OK" || toJSONText(data["data"]) != `{"accepted":true}` {
			t.Fatalf("data %s", resp.Body)
		}
	})
	t.Run("upstream error ends the run with 502", func(t *testing.T) {
		id := srv.CreateFlow(t, requestFlowDoc(failing.URL))
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"id": "o1"})
		checkError(t, resp, 502, "REQUEST_FAILED")
	})
	t.Run("upstream error on a reject edge", func(t *testing.T) {
		doc := requestFlowDoc(failing.URL, map[string]any{
			"id": "explain", "operation": "transform",
			"options": map[string]any{"json": map[string]any{"failed": true, "status": "{{$last.status}}", "reason": "{{$last.data.error}}"}},
		})
		doc["operations"].([]any)[0].(map[string]any)["reject"] = "explain"
		id := srv.CreateFlow(t, doc)
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"id": "o1"})
		if resp.Status != 200 || toJSONText(resp.Data(t)) != `{"failed":true,"reason":"bad order","status":422}` {
			t.Fatalf("got %d %s", resp.Status, resp.Body)
		}
	})
}

func TestRequestRefusesInternalAddressesByDefault(t *testing.T) {
	t.Parallel()
	upstream, hits := countingUpstream(t, 200, `{}`)
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Outbound.AnyPort = true })
	port := upstream.URL[strings.LastIndex(upstream.URL, ":"):]
	for _, url := range []string{upstream.URL, "http://localhost" + port + "/x"} {
		id := srv.CreateFlow(t, requestFlowDoc(url))
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"id": "o1"})
		if resp.Status != 502 || resp.ErrorCode(t) != "OUTBOUND_BLOCKED" {
			t.Errorf("%s: got %d %s", url, resp.Status, resp.Body)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the upstream was reached %d times", hits.Load())
	}
}
