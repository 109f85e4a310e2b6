package hookflow_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/hookflow/hookflow"
)

// Example shows hookflow embedded in a program's integration test: the whole
// server as an http.Handler over an in-memory database, a flow uploaded
// through the API, and a webhook call answered by it.
func Example() {
	srv, err := hookflow.New(context.Background(), hookflow.Config{
		DBFilename: ":memory:",
		AdminToken: "test-token",
		Logger:     slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv)
	defer ts.Close()

	call := func(method, path, body string) string {
		req, _ := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer test-token")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return strings.TrimSpace(string(out))
	}

	created := call("POST", "/flows", `{
		"id": "5f0c3a44-0b7e-4c3e-9a55-3f1d6f1f7a10",
		"name": "Greet",
		"options": {"access": "public"},
		"operations": [
			{"id": "check", "operation": "condition",
			 "options": {"filter": {"name": {"_nempty": true}}}, "reject": "anonymous"},
			{"id": "greet", "operation": "transform", "options": {"json": {"greeting": "Hello, {{$trigger.name}}!"}}},
			{"id": "anonymous", "operation": "transform", "options": {"json": {"greeting": "Hello, stranger!"}}}
		]}`)
	fmt.Println(strings.Contains(created, `"id":"5f0c3a44-0b7e-4c3e-9a55-3f1d6f1f7a10"`))
	fmt.Println(call("POST", "/flows/trigger/5f0c3a44-0b7e-4c3e-9a55-3f1d6f1f7a10", `{"name": "Ada"}`))
	fmt.Println(call("POST", "/flows/trigger/5f0c3a44-0b7e-4c3e-9a55-3f1d6f1f7a10", `{}`))
	// Output:
	// true
	// {"data":{"greeting":"Hello, Ada!"}}
	// {"data":{"greeting":"Hello, stranger!"}}
}
