package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
)

// waitRun polls a run until it leaves queued/running.
func waitRun(t *testing.T, srv *hookflowtest.Server, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		r := srv.Do(t, "GET", "/flows/runs/"+id, nil)
		if r.Status == 200 {
			run := r.Data(t).(map[string]any)
			if s := run["status"]; s != "queued" && s != "running" {
				return run
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("run %s did not finish", id)
	return nil
}

func TestAsyncRun(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"options":{"async":true},"operations":[
		{"id":"shape","operation":"transform","options":{"json":{"total":"{{$trigger.total}}"}}}]}`)
	r := srv.Do(t, "POST", "/flows/trigger/"+id, `{"total":5}`)
	expectStatus(t, r, http.StatusAccepted, "")
	data := r.Data(t).(map[string]any)
	runID, _ := data["id"].(string)
	if data["status"] != "queued" || runID == "" || r.Header.Get("Location") != "/flows/runs/"+runID {
		t.Fatalf("202 answer: %s %v", r.Body, r.Header)
	}
	run := waitRun(t, srv, runID)
	if run["status"] != "completed" || run["async"] != true || run["flow"] != id {
		t.Fatalf("run = %v", run)
	}
	if res := run["result"].(map[string]any); res["total"] != 5.0 {
		t.Fatalf("result = %v", run["result"])
	}
	steps := run["steps"].([]any)
	if len(steps) != 1 || steps[0].(map[string]any)["key"] != "shape" || steps[0].(map[string]any)["status"] != "resolve" {
		t.Fatalf("steps = %v", steps)
	}
}

func TestRunRecords(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	all := srv.CreateFlow(t, `{"name":"all","operations":[
		{"id":"check","operation":"condition","options":{"filter":{"ok":{"_eq":true}}},"reject":"no"},
		{"id":"no","operation":"throw-error","options":{"status":409,"code":"NOT_OK"}}]}`)
	activity := srv.CreateFlow(t, `{"accountability":"activity","operations":[{"operation":"log"}]}`)
	none := srv.CreateFlow(t, `{"accountability":null,"operations":[{"operation":"log"}]}`)

	ok := srv.Do(t, "POST", "/flows/trigger/"+all+"?access_token=visible", `{"ok":true}`,
		"Authorization", "Bearer "+hookflowtest.AdminToken, "Cookie", "session=abc", "X-Signature", "sig")
	expectStatus(t, ok, 200, "")
	run := srv.Do(t, "GET", "/flows/runs/"+ok.Header.Get("X-Run-Id"), nil)
	expectStatus(t, run, 200, "")
	body := string(run.Body)
	for _, secret := range []string{hookflowtest.AdminToken, "session=abc", "visible"} {
		if strings.Contains(body, secret) {
			t.Errorf("run record leaks %q: %s", secret, body)
		}
	}
	rec := run.Data(t).(map[string]any)
	trig := rec["trigger"].(map[string]any)
	if trig["headers"].(map[string]any)["x-signature"] != "sig" || trig["body"].(map[string]any)["ok"] != true {
		t.Fatalf("stored trigger = %v", trig)
	}
	steps := rec["steps"].([]any)
	if len(steps) != 1 {
		t.Fatalf("steps = %v", steps)
	}
	step := steps[0].(map[string]any)
	if step["result"].(map[string]any)["$ref"] != "$trigger" || step["options"] == nil {
		t.Fatalf("step = %v", step)
	}

	failed := srv.Do(t, "POST", "/flows/trigger/"+all, `{"ok":false}`)
	expectStatus(t, failed, 409, "NOT_OK")
	list := srv.Do(t, "GET", "/flows/"+all+"/runs?status=failed", nil)
	expectStatus(t, list, 200, "")
	runs := list.Data(t).([]any)
	if len(runs) != 1 {
		t.Fatalf("failed runs = %v", runs)
	}
	fr := runs[0].(map[string]any)
	if fr["status"] != "failed" || fr["rejected"] != true || fr["error"].(map[string]any)["code"] != "NOT_OK" || fr["error"].(map[string]any)["operation"] != "no" {
		t.Fatalf("failed run = %v", fr)
	}
	if n := len(srv.Do(t, "GET", "/flows/"+all+"/runs?limit=1", nil).Data(t).([]any)); n != 1 {
		t.Fatalf("limit ignored: %d", n)
	}
	expectStatus(t, srv.Do(t, "GET", "/flows/"+all+"/runs?limit=x", nil), 400, "INVALID_QUERY")
	expectStatus(t, srv.Do(t, "GET", "/flows/"+all+"/runs?since=yesterday", nil), 400, "INVALID_QUERY")
	expectStatus(t, srv.Do(t, "GET", "/flows/"+all+"/runs?status=error", nil), 400, "INVALID_QUERY")
	zero := srv.Do(t, "GET", "/flows/"+all+"/runs?limit=0", nil)
	if n, limit := len(zero.Data(t).([]any)), zero.JSON(t)["meta"].(map[string]any)["limit"]; n != 2 || limit != 100.0 {
		t.Fatalf("limit=0: %d runs, meta limit %v (want the default)", n, limit)
	}

	act := srv.Do(t, "POST", "/flows/trigger/"+activity, `{}`)
	actRun := srv.Do(t, "GET", "/flows/runs/"+act.Header.Get("X-Run-Id"), nil).Data(t).(map[string]any)
	if actRun["status"] != "completed" || actRun["steps"] != nil {
		t.Fatalf("activity run = %v", actRun)
	}
	quiet := srv.Do(t, "POST", "/flows/trigger/"+none, `{}`)
	expectStatus(t, srv.Do(t, "GET", "/flows/runs/"+quiet.Header.Get("X-Run-Id"), nil), 404, "NOT_FOUND")
	expectStatus(t, srv.Do(t, "GET", "/flows/runs/00000000-0000-4000-8000-000000000000", nil), 404, "NOT_FOUND")
}

func TestTwoServersInOneProcessAreIndependent(t *testing.T) {
	t.Parallel()
	a := hookflowtest.New(t)
	b := hookflowtest.New(t)
	id := a.CreateFlow(t, simpleFlow)
	expectStatus(t, b.Do(t, "POST", "/flows/trigger/"+id, `{}`), 404, "ROUTE_NOT_FOUND")
	if n := len(b.Do(t, "GET", "/flows", nil).Data(t).([]any)); n != 0 {
		t.Fatalf("server b sees %d flows of server a", n)
	}
}
