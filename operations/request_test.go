package operations_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/outbound"
)

// allowTestServers lets requests reach httptest servers (127.0.0.1) and
// nothing else of the loopback range.
var allowTestServers = outbound.Policy{Allow: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}

func requestRegistry(policy outbound.Policy, maxResponse int64) *operations.Registry {
	reg := operations.NewRegistry()
	reg.MustRegister("request", operations.Request{
		Client: outbound.NewClient(policy, operations.RequestMaxRedirects), MaxResponseSize: maxResponse,
	})
	reg.MustRegister("transform", operations.Transform{})
	return reg
}

// seen is what an upstream received.
type seen struct {
	Method, Path, ContentType, Auth, Custom string
	Body                                    string
}

// upstream answers every request with handler and records what it got.
func upstream(t *testing.T, handler http.HandlerFunc) (*httptest.Server, chan seen) {
	t.Helper()
	got := make(chan seen, 16)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- seen{
			Method: r.Method, Path: r.URL.Path, ContentType: r.Header.Get("Content-Type"),
			Auth: r.Header.Get("Authorization"), Custom: r.Header.Get("X-Custom"), Body: string(body),
		}
		handler(w, r)
	}))
	t.Cleanup(ts.Close)
	return ts, got
}

func jsonAnswer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("X-Upstream", "yes")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func requestFlow(options map[string]any, more ...string) string {
	opts, _ := json.Marshal(options)
	ops := `{"id": "call", "operation": "request", "options": ` + string(opts) + `}`
	for _, m := range more {
		ops += ", " + m
	}
	return `{"trigger": "webhook", "operations": [` + ops + `]}`
}

func TestRequestJSONResponse(t *testing.T) {
	t.Parallel()
	ts, got := upstream(t, jsonAnswer(201, `{"id": 7, "ok": true}`))
	doc := requestFlow(map[string]any{
		"method":  "post",
		"url":     ts.URL + "/orders/{{$trigger.id}}",
		"headers": map[string]any{"Authorization": "Bearer {{$trigger.token}}", "X-Custom": "{{$trigger.n}}"},
		"body":    map[string]any{"order": "{{$trigger.id}}", "items": "{{$trigger.items}}"},
	})
	res := runFlow(t, requestRegistry(allowTestServers, 0), doc, map[string]any{
		"id": "o1", "token": "t0k", "n": 3.0, "items": []any{"a", "b"},
	})
	if res.Err != nil {
		t.Fatalf("run failed: %v", res.Err)
	}
	req := <-got
	if req.Method != "POST" || req.Path != "/orders/o1" || req.Auth != "Bearer t0k" || req.Custom != "3" {
		t.Errorf("upstream saw %+v", req)
	}
	if req.ContentType != "application/json" || req.Body != `{"items":["a","b"],"order":"o1"}` {
		t.Errorf("upstream body %q (%s)", req.Body, req.ContentType)
	}
	out := res.Last.(map[string]any)
	headers := out["headers"].(map[string]any)
	if out["status"] != 201.0 || out["statusText"] != "Created" || headers["x-upstream"] != "yes" {
		t.Errorf("result %s", toJSON(out))
	}
	if toJSON(out["data"]) != `{"id":7,"ok":true}` {
		t.Errorf("data %s", toJSON(out["data"]))
	}
}

func TestRequestTextResponseAndHeaderList(t *testing.T) {
	t.Parallel()
	ts, got := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "pong")
	})
	doc := requestFlow(map[string]any{
		"url":     ts.URL,
		"headers": []any{map[string]any{"header": "X-Custom", "value": "{{$trigger.v}}"}},
	})
	res := runFlow(t, requestRegistry(allowTestServers, 0), doc, map[string]any{"v": "from-list"})
	if res.Err != nil {
		t.Fatalf("run failed: %v", res.Err)
	}
	if req := <-got; req.Method != "GET" || req.Custom != "from-list" {
		t.Errorf("upstream saw %+v", req)
	}
	if data := res.Last.(map[string]any)["data"]; data != "pong" {
		t.Errorf("data = %#v", data)
	}
}

func TestRequestStringBodyIsRenderedJSONSafely(t *testing.T) {
	t.Parallel()
	ts, got := upstream(t, jsonAnswer(200, `{}`))
	doc := requestFlow(map[string]any{
		"method": "POST", "url": ts.URL,
		"body": `{"name": "{{$trigger.name}}", "tags": {{$trigger.tags}}, "n": {{$trigger.n}}}`,
	})
	name := "Ada \"the\" Countess\nof Lovelace\\"
	res := runFlow(t, requestRegistry(allowTestServers, 0), doc, map[string]any{
		"name": name, "tags": []any{"x", `y"z`}, "n": 1.5,
	})
	if res.Err != nil {
		t.Fatalf("run failed: %v", res.Err)
	}
	req := <-got
	var sent map[string]any
	if err := json.Unmarshal([]byte(req.Body), &sent); err != nil {
		t.Fatalf("upstream got invalid JSON %q: %v", req.Body, err)
	}
	if sent["name"] != name || toJSON(sent["tags"]) != `["x","y\"z"]` || sent["n"] != 1.5 {
		t.Errorf("upstream got %s", req.Body)
	}
	if req.ContentType != "application/json" {
		t.Errorf("content type %q", req.ContentType)
	}
}

func TestRequestBodyContentTypes(t *testing.T) {
	t.Parallel()
	ts, got := upstream(t, jsonAnswer(200, `{}`))
	tests := []struct {
		name     string
		body     any
		headers  map[string]any
		wantType string
		wantBody string
	}{
		{"plain text", "hello {{$trigger.who}}", nil, "text/plain; charset=utf-8", "hello you"},
		{"array", []any{1.0, "{{$trigger.who}}"}, nil, "application/json", `[1,"you"]`},
		{"header wins", map[string]any{"a": 1.0}, map[string]any{"Content-Type": "application/vnd.api+json"}, "application/vnd.api+json", `{"a":1}`},
		{"form text", "a=1&b={{$trigger.who}}", map[string]any{"content-type": "application/x-www-form-urlencoded"}, "application/x-www-form-urlencoded", "a=1&b=you"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := map[string]any{"method": "PUT", "url": ts.URL, "body": tc.body}
			if tc.headers != nil {
				opts["headers"] = tc.headers
			}
			res := runFlow(t, requestRegistry(allowTestServers, 0), requestFlow(opts), map[string]any{"who": "you"})
			if res.Err != nil {
				t.Fatalf("run failed: %v", res.Err)
			}
			req := <-got
			if req.ContentType != tc.wantType || req.Body != tc.wantBody {
				t.Errorf("upstream got %q (%s), want %q (%s)", req.Body, req.ContentType, tc.wantBody, tc.wantType)
			}
		})
	}
}

func TestRequestNon2xxTakesReject(t *testing.T) {
	t.Parallel()
	ts, _ := upstream(t, jsonAnswer(404, `{"error": "no such order"}`))
	doc := requestFlow(map[string]any{"url": ts.URL},
		`{"id": "explain", "operation": "transform", "options": {"json": {"upstream": "{{$last.status}}", "why": "{{$last.data.error}}", "code": "{{call.code}}"}}}`)
	doc = strings.Replace(doc, `"operation": "request",`, `"operation": "request", "reject": "explain",`, 1)
	res := runFlow(t, requestRegistry(allowTestServers, 0), doc, nil)
	if res.Err != nil {
		t.Fatalf("run failed: %v", res.Err)
	}
	if got := toJSON(res.Last); got != `{"code":"REQUEST_FAILED","upstream":404,"why":"no such order"}` {
		t.Errorf("reject branch saw %s", got)
	}
}

func TestRequestFailures(t *testing.T) {
	t.Parallel()
	slow, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	failing, _ := upstream(t, jsonAnswer(503, `{"retry": true}`))
	big := strings.Repeat("x", 2048)
	sized, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, big) })
	chunked, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < 4; i++ {
			_, _ = io.WriteString(w, big[:512])
			w.(http.Flusher).Flush()
		}
	})
	var hits atomic.Int32
	hidden, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	port := hidden.URL[strings.LastIndex(hidden.URL, ":"):]
	internal := loopbackServer(t, "127.0.0.2", &hits)
	redirector, _ := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, internal+"/admin", http.StatusFound)
	})

	tests := []struct {
		name       string
		policy     outbound.Policy
		options    map[string]any
		wantCode   string
		wantStatus int
	}{
		{"upstream 5xx", allowTestServers, map[string]any{"url": failing.URL}, "REQUEST_FAILED", 502},
		{"timeout", allowTestServers, map[string]any{"url": slow.URL, "timeout": 100.0}, "REQUEST_TIMEOUT", 504},
		{"oversized with length", allowTestServers, map[string]any{"url": sized.URL}, "RESPONSE_TOO_LARGE", 502},
		{"oversized chunked", allowTestServers, map[string]any{"url": chunked.URL}, "RESPONSE_TOO_LARGE", 502},
		{"loopback not allowed", outbound.Policy{AnyPort: true}, map[string]any{"url": hidden.URL}, "OUTBOUND_BLOCKED", 502},
		{"name resolving to loopback", outbound.Policy{AnyPort: true}, map[string]any{"url": "http://localhost" + port}, "OUTBOUND_BLOCKED", 502},
		{"redirect to a refused address", allowTestServers, map[string]any{"url": redirector.URL}, "OUTBOUND_BLOCKED", 502},
		{"nothing listening", allowTestServers, map[string]any{"url": closedURL(t)}, "REQUEST_UNREACHABLE", 502},
		{"templated url invalid at run time", allowTestServers, map[string]any{"url": "{{$trigger.nothing}}"}, "INVALID_REQUEST", 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := runFlow(t, requestRegistry(tc.policy, 1024), requestFlow(tc.options), nil)
			if code := errorCode(res); code != tc.wantCode {
				t.Fatalf("code %q, want %q (error %v)", code, tc.wantCode, res.Err)
			}
			var opErr *operations.Error
			if !errors.As(res.Err, &opErr) || opErr.Status != tc.wantStatus {
				t.Fatalf("error %#v, want status %d", res.Err, tc.wantStatus)
			}
		})
	}
	if hits.Load() != 0 {
		t.Fatalf("a refused upstream was reached %d times", hits.Load())
	}
}

func TestRequestFollowsRedirects(t *testing.T) {
	t.Parallel()
	var ts *httptest.Server
	ts, _ = upstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/old" {
			http.Redirect(w, r, ts.URL+"/new", http.StatusMovedPermanently)
			return
		}
		jsonAnswer(200, `{"at": "`+r.URL.Path+`"}`)(w, r)
	})
	res := runFlow(t, requestRegistry(allowTestServers, 0), requestFlow(map[string]any{"url": ts.URL + "/old"}), nil)
	if res.Err != nil || toJSON(res.Last.(map[string]any)["data"]) != `{"at":"/new"}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
}

func TestRequestValidation(t *testing.T) {
	t.Parallel()
	reg := requestRegistry(outbound.Policy{}, 0)
	expectFindings(t, reg, func(o map[string]any) string { return requestFlow(o) }, []findingCase{
		{"missing url", map[string]any{}, "url", "is required"},
		{"relative url", map[string]any{"url": "/orders"}, "url", "absolute"},
		{"ftp url", map[string]any{"url": "ftp://example.com/x"}, "url", "absolute"},
		{"bad method", map[string]any{"url": "https://example.com", "method": "TRACE"}, "method", "must be one of"},
		{"bad header name", map[string]any{"url": "https://example.com", "headers": map[string]any{"Bad Header": "x"}}, "headers.Bad Header", "header name"},
		{"header list without name", map[string]any{"url": "https://example.com", "headers": []any{map[string]any{"value": "x"}}}, "headers[0].header", "required"},
		{"headers not an object", map[string]any{"url": "https://example.com", "headers": 3.0}, "headers", "must be an object"},
		{"timeout too long", map[string]any{"url": "https://example.com", "timeout": "1h"}, "timeout", "between"},
		{"negative timeout", map[string]any{"url": "https://example.com", "timeout": -5.0}, "timeout", "between"},
		{"unknown option", map[string]any{"url": "https://example.com", "data": "x"}, "data", "unknown option"},
	})
	ok := map[string]any{
		"url": "https://{{$trigger.host}}/x", "method": "{{$trigger.m}}", "timeout": "30s",
		"headers": "{{$trigger.headers}}",
	}
	if _, err := compileFlow(t, reg, requestFlow(ok)); err != nil {
		t.Fatalf("templated options refused: %v", err)
	}
}

// loopbackServer starts a server on another loopback address (outside
// allowTestServers) and returns its URL.
func loopbackServer(t *testing.T, ip string, hits *atomic.Int32) string {
	t.Helper()
	ln, err := net.Listen("tcp", ip+":0")
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	ts.Listener.Close()
	ts.Listener = ln
	ts.Start()
	t.Cleanup(ts.Close)
	return ts.URL
}

// closedURL is the URL of a port nothing listens on any more.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return fmt.Sprintf("http://%s/", addr)
}
