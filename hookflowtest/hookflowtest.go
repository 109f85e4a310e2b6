// Package hookflowtest starts a complete hookflow server for tests: a real
// HTTP server on 127.0.0.1 backed by a SQLite file in the test's temporary
// directory (or a PostgreSQL schema of its own when HOOKFLOW_TEST_DB is set,
// see Database), closed when the test ends. It is what hookflow's own scenario
// tests use, and what a program that embeds hookflow can use in its
// integration tests.
//
//	srv := hookflowtest.New(t)
//	id := srv.CreateFlow(t, `{"trigger": "webhook", "options": {"access": "public"}, "operations": […]}`)
//	resp := srv.Do(t, "POST", "/flows/trigger/"+id, `{"type": "order"}`)
package hookflowtest

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
)

// AdminToken is the admin token of servers started by New.
const AdminToken = "hookflowtest-admin-token"

// Server is a running hookflow behind httptest.
type Server struct {
	*httptest.Server
	Hookflow *hookflow.Server
}

// New starts a server; options adjust the configuration first. The server
// and its database are removed when the test ends.
func New(t testing.TB, options ...func(*hookflow.Config)) *Server {
	t.Helper()
	cfg := hookflow.Config{AdminToken: AdminToken, Logger: testLogger()}
	NewDatabase(t).Use(&cfg)
	for _, o := range options {
		o(&cfg)
	}
	hf, err := hookflow.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("start hookflow: %v", err)
	}
	ts := httptest.NewServer(validateOpenAPI(t, hf))
	t.Cleanup(func() {
		ts.Close()
		if err := hf.Close(); err != nil {
			t.Errorf("close hookflow: %v", err)
		}
	})
	return &Server{Server: ts, Hookflow: hf}
}

// testLogger discards the server's logs unless HOOKFLOW_TEST_LOG is set
// (then they go to stderr).
func testLogger() *slog.Logger {
	if os.Getenv("HOOKFLOW_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body, failing the test when it is not JSON.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("response is not a JSON object (%d): %s", r.Status, r.Body)
	}
	return v
}

// Data returns the `data` member of a JSON response.
func (r *Response) Data(t testing.TB) any {
	t.Helper()
	return r.JSON(t)["data"]
}

// ErrorCode returns extensions.code of the first error of an error envelope.
func (r *Response) ErrorCode(t testing.TB) string {
	t.Helper()
	errs, _ := r.JSON(t)["errors"].([]any)
	if len(errs) == 0 {
		t.Fatalf("response has no errors (%d): %s", r.Status, r.Body)
	}
	ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
	code, _ := ext["code"].(string)
	return code
}

// Do sends a request with the admin token. body is sent as is when it is a
// string or []byte and JSON-encoded otherwise; a non-empty body gets
// Content-Type: application/json unless headers set one. headers are
// name/value pairs; "Authorization", "" removes the admin token.
func (s *Server) Do(t testing.TB, method, path string, body any, headers ...string) *Response {
	t.Helper()
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		reader = strings.NewReader(b)
	case []byte:
		reader = strings.NewReader(string(b))
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatalf("encode request body: %v", err)
		}
		reader = strings.NewReader(string(raw))
	}
	req, err := http.NewRequest(method, s.URL+path, reader)
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+AdminToken)
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: raw}
}

// CreateFlow uploads one flow document and returns its id, failing the test
// when the upload is refused.
func (s *Server) CreateFlow(t testing.TB, doc any) string {
	t.Helper()
	resp := s.Do(t, http.MethodPost, "/flows", doc)
	if resp.Status != http.StatusOK {
		t.Fatalf("create flow: %d %s", resp.Status, resp.Body)
	}
	data, _ := resp.Data(t).(map[string]any)
	id, _ := data["id"].(string)
	if id == "" {
		t.Fatalf("create flow: no id in %s", resp.Body)
	}
	return id
}

// WaitRun polls GET /flows/runs/{id} until the run has finished and
// returns the record's body.
func (s *Server) WaitRun(t testing.TB, id string) (map[string]any, []byte) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := s.Do(t, "GET", "/flows/runs/"+id, nil)
		if resp.Status == 200 {
			run := resp.Data(t).(map[string]any)
			if run["status"] == "completed" || run["status"] == "failed" {
				return run, resp.Body
			}
		} else if resp.Status != 404 {
			t.Fatalf("GET run: %d %s", resp.Status, resp.Body)
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %s did not finish: %d %s", id, resp.Status, resp.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
