package hookflow_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// withEnv makes vars visible to flows as `$env` (FLOWS_ENV_ALLOW_LIST).
func withEnv(vars map[string]string) func(*hookflow.Config) {
	return func(c *hookflow.Config) {
		for k := range vars {
			c.EnvAllowList = append(c.EnvAllowList, k)
		}
		c.LookupEnv = func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	}
}

// waitRun polls GET /flows/runs/{id} until the run has finished and
// returns the record's body.
func waitRun(t *testing.T, srv *hookflowtest.Server, id string) (map[string]any, []byte) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := srv.Do(t, "GET", "/flows/runs/"+id, nil)
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

// onlyRunID waits for the one run of a flow to be recorded and returns its
// id (failed runs answer without an X-Run-Id header).
func onlyRunID(t *testing.T, srv *hookflowtest.Server, flowID string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp := srv.Do(t, "GET", "/flows/"+flowID+"/runs", nil)
		if list, _ := resp.Data(t).([]any); len(list) > 0 {
			id, _ := list[0].(map[string]any)["id"].(string)
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no run recorded for flow %s: %s", flowID, resp.Body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestEnvSecretsNeverReachRunRecords(t *testing.T) {
	t.Parallel()
	const secret = "tok_9f8e7d6c5b4a"
	// The upstream echoes the credential back, so it would show up in the
	// step's result as well as in its options.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"you_sent": "`+r.Header.Get("Authorization")+`"}`)
	}))
	t.Cleanup(echo.Close)
	srv := hookflowtest.New(t, allowLoopback, withEnv(map[string]string{"API_TOKEN": secret}))
	id := srv.CreateFlow(t, map[string]any{
		"trigger": "webhook", "options": map[string]any{"access": "public"},
		"operations": []any{
			map[string]any{"id": "call", "operation": "request", "options": map[string]any{
				"url":     echo.URL + "/?key={{$env.API_TOKEN}}",
				"headers": []any{map[string]any{"header": "Authorization", "value": "Bearer {{$env.API_TOKEN}}"}},
			}},
			map[string]any{"id": "fail", "operation": "throw-error", "options": map[string]any{
				"status": 409, "code": "ECHOED", "message": "upstream said {{$last.data.you_sent}}",
			}},
		},
	})
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"note": "the sender quotes " + secret})
	if resp.Status != 409 {
		t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
	}
	run, raw := waitRun(t, srv, onlyRunID(t, srv, id))
	if strings.Contains(string(raw), secret) {
		t.Fatalf("the secret appears in the run record: %s", raw)
	}
	if !strings.Contains(string(raw), "Bearer [REDACTED]") || !strings.Contains(string(raw), "upstream said Bearer [REDACTED]") {
		t.Fatalf("expected redaction markers in %s", raw)
	}
	if run["status"] != "failed" {
		t.Fatalf("run status %v", run["status"])
	}
}
