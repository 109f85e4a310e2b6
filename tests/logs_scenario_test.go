package tests

import (
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// failingFlow answers 422 from a throw-error step whose message repeats a
// secret-named field of the request.
const failingFlow = `{"name": "Refunds", "options": {"access": "public"%s}, "operations": [
	{"id": "refuse", "operation": "throw-error",
	 "options": {"status": 422, "code": "NOT_AN_ORDER", "message": "no refunds for {{$trigger.body.password}}"}}]}`

// refundRequest is the body callers send failingFlow: its password must
// never reach the log.
const refundRequest = `{"password": "hunter22-secret"}`

// loggedServer is a server whose log records, from level up, the test
// reads.
func loggedServer(t *testing.T, level slog.Level) (*hookflowtest.Server, *hookflowtest.Logs) {
	t.Helper()
	logs := hookflowtest.NewLogs(level)
	return hookflowtest.New(t, logs.Configure), logs
}

// checkPasswordHidden fails the test when the log shows refundRequest's
// password.
func checkPasswordHidden(t *testing.T, logs *hookflowtest.Logs) {
	t.Helper()
	if strings.Contains(logs.String(), "hunter22-secret") {
		t.Fatalf("the log shows the request's password:\n%s", logs.String())
	}
}

func TestFailedSyncRunIsLoggedWithItsRunID(t *testing.T) {
	t.Parallel()
	srv, logs := loggedServer(t, slog.LevelDebug)
	id := srv.CreateFlow(t, strings.Replace(failingFlow, "%s", "", 1))

	resp := srv.Do(t, "POST", "/flows/trigger/"+id, refundRequest, "X-Request-Id", "req-42")
	if resp.Status != http.StatusUnprocessableEntity || resp.ErrorCode(t) != "NOT_AN_ORDER" {
		t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
	}
	runID := resp.Header.Get("X-Run-Id")
	if runID == "" {
		t.Fatalf("a failed sync run answers without X-Run-Id: %v", resp.Header)
	}
	if got := resp.Header.Get("X-Request-Id"); got != "req-42" {
		t.Fatalf("X-Request-Id = %q, want the one sent", got)
	}
	rec := logs.Wait(t, "run failed", "run_id", runID)
	want := map[string]any{
		"level": "WARN", "flow_id": id, "flow_name": "Refunds", "trigger": "webhook",
		"operation": "refuse", "operation_type": "throw-error", "code": "NOT_AN_ORDER",
		"message": "no refunds for [REDACTED]",
	}
	for k, v := range want {
		if rec[k] != v {
			t.Errorf("run failed record: %s = %v, want %v (%v)", k, rec[k], v, rec)
		}
	}
	line := logs.Wait(t, "request", "run_id", runID)
	if line["level"] != "DEBUG" || line["method"] != "POST" || line["route"] != "/flows/trigger/:id" ||
		line["status"] != 422.0 || line["request_id"] != "req-42" || line["bytes"] != float64(len(resp.Body)) {
		t.Errorf("request record = %v", line)
	}
	if _, ok := line["duration_ms"].(float64); !ok {
		t.Errorf("request record has no duration: %v", line)
	}
	checkPasswordHidden(t, logs)
}

func TestFailedAsyncRunIsLoggedWithItsRunID(t *testing.T) {
	t.Parallel()
	srv, logs := loggedServer(t, slog.LevelInfo)
	id := srv.CreateFlow(t, strings.Replace(failingFlow, "%s", `, "async": true`, 1))

	resp := srv.Do(t, "POST", "/flows/trigger/"+id, refundRequest)
	runID := resp.Header.Get("X-Run-Id")
	if resp.Status != http.StatusAccepted || runID == "" || runID != resp.Data(t).(map[string]any)["id"] {
		t.Fatalf("async trigger: %d %v %s", resp.Status, resp.Header, resp.Body)
	}
	srv.WaitRun(t, runID)
	rec := logs.Wait(t, "run failed", "run_id", runID)
	if rec["level"] != "WARN" || rec["flow_id"] != id || rec["code"] != "NOT_AN_ORDER" ||
		rec["operation"] != "refuse" || rec["message"] != "no refunds for [REDACTED]" {
		t.Fatalf("run failed record = %v", rec)
	}
	checkPasswordHidden(t, logs)
}

func TestRequestsAreNotLoggedAtInfo(t *testing.T) {
	t.Parallel()
	srv, logs := loggedServer(t, slog.LevelInfo)
	url := flow(t, srv, `{"access": "public"}`, `[{"id": "ok", "operation": "transform", "options": {"json": {"ok": true}}}]`)
	for range 20 {
		if resp := srv.Do(t, "POST", url, `{}`); resp.Status != http.StatusOK {
			t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
		}
	}
	srv.Do(t, "GET", "/no/such/route", nil)
	if found := logs.Find(t, "request"); len(found) > 0 {
		t.Fatalf("requests logged at info: %v", found)
	}
}

func TestServerErrorsAreLoggedAtError(t *testing.T) {
	t.Parallel()
	srv, logs := loggedServer(t, slog.LevelWarn)
	url := flow(t, srv, `{"access": "public"}`, `[{"id": "boom", "operation": "throw-error",
		"options": {"status": 500, "code": "BOOM", "message": "it broke"}}]`)
	resp := srv.Do(t, "POST", url, `{}`)
	if resp.Status != http.StatusInternalServerError {
		t.Fatalf("trigger: %d %s", resp.Status, resp.Body)
	}
	runID := resp.Header.Get("X-Run-Id")
	line := logs.Wait(t, "request", "run_id", runID)
	if line["level"] != "ERROR" || line["status"] != 500.0 || line["error_code"] != "BOOM" ||
		line["request_id"] != resp.Header.Get("X-Request-Id") {
		t.Fatalf("request record of a 500 = %v", line)
	}
	logs.Wait(t, "run failed", "run_id", runID, "level", "WARN")
}

func TestEveryAnswerCarriesARequestID(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	seen := map[string]bool{}
	for _, path := range []string{"/server/ping", "/no/such/route", "/flows", "/server/ping"} {
		resp := srv.Do(t, "GET", path, nil)
		id := resp.Header.Get("X-Request-Id")
		if id == "" || seen[id] {
			t.Fatalf("GET %s: X-Request-Id %q (seen before: %v)", path, id, seen[id])
		}
		seen[id] = true
	}
	for _, sent := range []string{strings.Repeat("a", 129), "two words", "quote\"d", "ünïcode"} {
		resp := srv.Do(t, "GET", "/server/ping", nil, "X-Request-Id", sent)
		if got := resp.Header.Get("X-Request-Id"); got == "" || got == sent {
			t.Fatalf("X-Request-Id %q was kept (got %q): it must be replaced", sent, got)
		}
	}
	kept := "0f9c2d1e-5b6a-4c3d-8e7f-a1b2c3d4e5f6"
	if got := srv.Do(t, "GET", "/server/ping", nil, "X-Request-Id", kept).Header.Get("X-Request-Id"); got != kept {
		t.Fatalf("X-Request-Id = %q, want %q", got, kept)
	}
}

func TestQueueFullIsLoggedAtWarn(t *testing.T) {
	t.Parallel()
	logs := hookflowtest.NewLogs(slog.LevelWarn)
	srv, url, _ := heldServer(t, logs.Configure, func(c *hookflow.Config) { c.QueueLimit, c.Workers = 1, 1 })
	if resp := srv.Do(t, "POST", url, `{}`); resp.Status != http.StatusAccepted {
		t.Fatalf("first run: %d %s", resp.Status, resp.Body)
	}
	for range 5 {
		if resp := srv.Do(t, "POST", url, `{}`); resp.Status != http.StatusServiceUnavailable {
			t.Fatalf("run past the limit: %d %s", resp.Status, resp.Body)
		}
	}
	logs.Wait(t, "async run refused: the queue is full", "level", "WARN", "limit", 1)
	if n := len(logs.Find(t, "async run refused: the queue is full")); n != 1 {
		t.Fatalf("%d warnings for 5 refusals within seconds, want 1", n)
	}
	if found := logs.Find(t, "request"); len(found) > 0 {
		t.Fatalf("a full queue's 503 is logged as a server error: %v", found)
	}
}
