package tests

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

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
	run, raw := srv.WaitRun(t, onlyRunID(t, srv, id))
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
