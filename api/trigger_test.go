package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/triggers"
)

// panicOp is a custom operation that panics, to show a panic is a failure.
type panicOp struct{}

func (panicOp) Prepare(operations.Prepare) (operations.Step, error) { return panicOp{}, nil }
func (panicOp) Run(context.Context, operations.Input) (any, error)  { panic("kaboom") }

// echoTrigger returns the whole $trigger, so tests can inspect it.
const echoTrigger = `{"options":{"method":"%s","return":"$trigger"},"operations":[{"operation":"log","options":{"message":"hi"}}]}`

func triggerFlow(method string) string { return strings.Replace(echoTrigger, "%s", method, 1) }

func TestTriggerResponses(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) {
		c.Operations = map[string]operations.Operation{"explode": panicOp{}}
		c.MaxSteps = 25
	})
	ids := map[string]string{
		"ok":       srv.CreateFlow(t, `{"operations":[{"operation":"transform","options":{"json":{"ok":true}}}]}`),
		"null":     srv.CreateFlow(t, `{"options":{"return":null},"operations":[{"operation":"log"}]}`),
		"inactive": srv.CreateFlow(t, `{"status":"inactive","operations":[{"operation":"log"}]}`),
		"event":    srv.CreateFlow(t, `{"trigger":"event","options":{"scope":["report.generated"]},"operations":[{"operation":"log"}]}`),
		"get":      srv.CreateFlow(t, `{"options":{"method":"GET"},"operations":[{"operation":"log"}]}`),
		"throw":    srv.CreateFlow(t, `{"operations":[{"id":"deny","operation":"throw-error","options":{"status":422,"code":"UNPROCESSABLE_ORDER","message":"order {{$trigger.id}} is unusable"}}]}`),
		"rejectOn": srv.CreateFlow(t, `{"options":{"error_on_reject":true},"operations":[
			{"id":"check","operation":"condition","options":{"filter":{"ok":{"_eq":true}}},"reject":"explain"},
			{"id":"explain","operation":"transform","options":{"json":{"why":"not ok"}}}]}`),
		"recovered": srv.CreateFlow(t, `{"options":{"error_on_reject":true},"operations":[
			{"id":"check","operation":"condition","options":{"filter":{"ok":{"_eq":true}}},"reject":"fallback"},
			{"id":"fallback","operation":"transform","options":{"json":{"ok":"fallback"}},"resolve":"done"},
			{"id":"done","operation":"transform","options":{"json":{"done":"{{$last.ok}}"}}}]}`),
		"rejectOff": srv.CreateFlow(t, `{"operations":[{"operation":"condition","options":{"filter":{"ok":{"_eq":true}}}}]}`),
		"loop":      srv.CreateFlow(t, `{"operations":[{"id":"a","operation":"log","resolve":"b"},{"id":"b","operation":"log","resolve":"a"}]}`),
		"panic":     srv.CreateFlow(t, `{"operations":[{"id":"boom","operation":"explode"}]}`),
	}
	tests := []struct {
		name, flow, method, body string
		status                   int
		code                     string
		check                    func(t *testing.T, r *hookflowtest.Response)
	}{
		{"sync run", "ok", "POST", `{}`, 200, "", func(t *testing.T, r *hookflowtest.Response) {
			if r.Data(t).(map[string]any)["ok"] != true || r.Header.Get("X-Run-Id") == "" {
				t.Fatalf("%s %v", r.Body, r.Header)
			}
		}},
		{"null return", "null", "POST", `{}`, 200, "", func(t *testing.T, r *hookflowtest.Response) {
			if string(r.Body) != "{\"data\":null}\n" {
				t.Fatalf("%q", r.Body)
			}
		}},
		{"unknown flow", "", "POST", `{}`, 404, "ROUTE_NOT_FOUND", nil},
		{"inactive flow", "inactive", "POST", `{}`, 404, "ROUTE_NOT_FOUND", nil},
		{"not a webhook flow", "event", "POST", `{}`, 404, "ROUTE_NOT_FOUND", nil},
		{"wrong method", "get", "POST", `{}`, 405, "METHOD_NOT_ALLOWED", func(t *testing.T, r *hookflowtest.Response) {
			if r.Header.Get("Allow") != "GET, HEAD" {
				t.Fatalf("Allow = %q", r.Header.Get("Allow"))
			}
		}},
		{"unsupported method", "get", "OPTIONS", ``, 405, "METHOD_NOT_ALLOWED", nil},
		{"operation failure", "throw", "POST", `{"id":"o-9"}`, 422, "UNPROCESSABLE_ORDER", func(t *testing.T, r *hookflowtest.Response) {
			e := r.JSON(t)["errors"].([]any)[0].(map[string]any)
			ext := e["extensions"].(map[string]any)
			if ext["operation"] != "deny" || !strings.Contains(e["message"].(string), "order o-9 is unusable") {
				t.Fatalf("%s", r.Body)
			}
		}},
		{"reject with error_on_reject", "rejectOn", "POST", `{"ok":false}`, 400, "FLOW_REJECTED", func(t *testing.T, r *hookflowtest.Response) {
			ext := r.JSON(t)["errors"].([]any)[0].(map[string]any)["extensions"].(map[string]any)
			if ext["data"].(map[string]any)["why"] != "not ok" {
				t.Fatalf("%s", r.Body)
			}
		}},
		{"pass with error_on_reject", "rejectOn", "POST", `{"ok":true}`, 200, "", nil},
		{"reject branch that goes on over a resolve edge", "recovered", "POST", `{"ok":false}`, 200, "", func(t *testing.T, r *hookflowtest.Response) {
			if r.Data(t).(map[string]any)["done"] != "fallback" {
				t.Fatalf("%s", r.Body)
			}
		}},
		{"reject without error_on_reject", "rejectOff", "POST", `{"ok":false}`, 200, "", func(t *testing.T, r *hookflowtest.Response) {
			if _, ok := r.Data(t).(map[string]any)["errors"]; !ok {
				t.Fatalf("the condition's result should be returned: %s", r.Body)
			}
		}},
		{"step limit", "loop", "POST", `{}`, 500, "FLOW_MAX_STEPS", nil},
		{"panicking operation", "panic", "POST", `{}`, 500, "OPERATION_PANIC", func(t *testing.T, r *hookflowtest.Response) {
			ext := r.JSON(t)["errors"].([]any)[0].(map[string]any)["extensions"].(map[string]any)
			if ext["operation"] != "boom" || strings.Contains(string(r.Body), "goroutine") {
				t.Fatalf("%s", r.Body)
			}
			// The run record has the message, never the stack.
			var runs *hookflowtest.Response
			for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
				if runs = srv.Do(t, "GET", "/flows/"+ids["panic"]+"/runs?status=failed", nil); strings.Contains(string(runs.Body), "OPERATION_PANIC") {
					break
				}
			}
			list, _ := runs.JSON(t)["data"].([]any)
			if len(list) != 1 || strings.Contains(string(runs.Body), "goroutine") {
				t.Fatalf("run records %d %s", runs.Status, runs.Body)
			}
			recorded, _ := list[0].(map[string]any)["error"].(map[string]any)
			if recorded["code"] != "OPERATION_PANIC" || recorded["message"] != "operation panicked: kaboom" {
				t.Fatalf("recorded error %v", recorded)
			}
		}},
		{"malformed JSON", "ok", "POST", `{"a":`, 400, "INVALID_PAYLOAD", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id := ids[tc.flow]
			if tc.flow == "" {
				id = "00000000-0000-4000-8000-000000000000"
			}
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := srv.Do(t, tc.method, "/flows/trigger/"+id, body)
			expectStatus(t, r, tc.status, tc.code)
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
	// The server survived the panic.
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+ids["ok"], `{}`), 200, "")
}

func TestSyncTimeout(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) {
		c.MaxSteps = 1 << 30
		c.SyncTimeout = 50 * time.Millisecond
	})
	id := srv.CreateFlow(t, `{"operations":[{"id":"a","operation":"log","resolve":"b"},{"id":"b","operation":"log","resolve":"a"}]}`)
	start := time.Now()
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{}`), http.StatusGatewayTimeout, "FLOW_TIMEOUT")
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("timeout answered after %s", took)
	}
}

func TestTriggerBodies(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, triggerFlow("POST"))
	url := "/flows/trigger/" + id
	tests := []struct {
		name, contentType, body string
		check                   func(t *testing.T, trig map[string]any)
	}{
		{"json object: fields at the top level too", "application/json", `{"customer_id":"c_1","total":9.5,"method":"evil","headers":"evil"}`, func(t *testing.T, trig map[string]any) {
			body := trig["body"].(map[string]any)
			if trig["customer_id"] != "c_1" || trig["total"] != 9.5 || body["method"] != "evil" {
				t.Fatalf("%v", trig)
			}
			if trig["method"] != "POST" || trig["headers"].(map[string]any)["content-type"] != "application/json" {
				t.Fatal("body fields must not shadow the request's own fields")
			}
			if trig["raw"] != `{"customer_id":"c_1","total":9.5,"method":"evil","headers":"evil"}` {
				t.Fatalf("raw = %v", trig["raw"])
			}
		}},
		{"json array", "application/json", `[1,2]`, func(t *testing.T, trig map[string]any) {
			if b, ok := trig["body"].([]any); !ok || len(b) != 2 {
				t.Fatalf("%v", trig)
			}
		}},
		{"json scalar", "application/json; charset=utf-8", `"hello"`, func(t *testing.T, trig map[string]any) {
			if trig["body"] != "hello" {
				t.Fatalf("%v", trig)
			}
		}},
		{"vendor +json type", "application/vnd.api+json", `{"a":1}`, func(t *testing.T, trig map[string]any) {
			if trig["a"] != 1.0 {
				t.Fatalf("%v", trig)
			}
		}},
		{"form", "application/x-www-form-urlencoded", `name=Ada&tag=x&tag=y`, func(t *testing.T, trig map[string]any) {
			body := trig["body"].(map[string]any)
			if body["name"] != "Ada" || trig["name"] != "Ada" || len(body["tag"].([]any)) != 2 {
				t.Fatalf("%v", trig)
			}
		}},
		{"text", "text/plain", "just words", func(t *testing.T, trig map[string]any) {
			if trig["body"] != "just words" || trig["raw"] != "just words" {
				t.Fatalf("%v", trig)
			}
		}},
		{"other types are raw only", "application/octet-stream", "\x01\x02binary", func(t *testing.T, trig map[string]any) {
			if trig["body"] != nil || trig["raw"] != "\x01\x02binary" {
				t.Fatalf("%v", trig)
			}
		}},
		{"empty body with a JSON content type", "application/json", "", func(t *testing.T, trig map[string]any) {
			if b, ok := trig["body"].(map[string]any); !ok || len(b) != 0 {
				t.Fatalf("%v", trig)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			r := srv.Do(t, "POST", url+"?status=active&id=1&id=2", body, "Content-Type", tc.contentType, "X-Custom", "v")
			expectStatus(t, r, 200, "")
			trig := r.Data(t).(map[string]any)
			q := trig["query"].(map[string]any)
			if q["status"] != "active" || len(q["id"].([]any)) != 2 {
				t.Fatalf("query = %v", q)
			}
			if trig["headers"].(map[string]any)["x-custom"] != "v" || trig["path"] != url {
				t.Fatalf("headers/path = %v", trig)
			}
			tc.check(t, trig)
		})
	}
}

func TestEveryMethodCanTrigger(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		id := srv.CreateFlow(t, triggerFlow(m))
		r := srv.Do(t, m, "/flows/trigger/"+id, nil)
		expectStatus(t, r, 200, "")
		if got := r.Data(t).(map[string]any)["method"]; got != m {
			t.Errorf("%s flow saw method %v", m, got)
		}
		other := "POST"
		if m == "POST" {
			other = "GET"
		}
		expectStatus(t, srv.Do(t, other, "/flows/trigger/"+id, nil), 405, "METHOD_NOT_ALLOWED")
	}
}

func TestOversizedTriggerBody(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.MaxPayloadSize = 1024 })
	id := srv.CreateFlow(t, triggerFlow("POST"))
	big := `{"pad":"` + strings.Repeat("x", 2048) + `"}`
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+id, big), 413, "REQUEST_TOO_LARGE")
	// Without Content-Length (chunked), the limit holds too.
	req, _ := http.NewRequest("POST", srv.URL+"/flows/trigger/"+id, strings.NewReader(big))
	req.ContentLength = -1
	req.Header.Set("Authorization", "Bearer "+hookflowtest.AdminToken)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 413 {
		t.Fatalf("chunked oversized body: %d", resp.StatusCode)
	}
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+id, `{"small":true}`), 200, "")
}

func TestDeeplyNestedPayload(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"operations":[{"operation":"condition","options":{"filter":{"a":{"_nnull":true}}}},
		{"operation":"transform","options":{"json":{"ok":true}}}]}`)
	deep := strings.Repeat(`{"a":`, triggers.MaxBodyDepth) + "1" + strings.Repeat("}", triggers.MaxBodyDepth)
	expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+id, deep), 200, "")
	for _, n := range []int{triggers.MaxBodyDepth + 1, 5000, 20000} {
		tooDeep := strings.Repeat(`[`, n) + strings.Repeat("]", n)
		expectStatus(t, srv.Do(t, "POST", "/flows/trigger/"+id, tooDeep), 400, "INVALID_PAYLOAD")
	}
}
