package tests

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// runIDs lists the ids of a run listing's data, in order.
func runIDs(t *testing.T, resp *hookflowtest.Response) []string {
	t.Helper()
	if resp.Status != http.StatusOK {
		t.Fatalf("list runs: %d %s", resp.Status, resp.Body)
	}
	var ids []string
	for _, r := range resp.Data(t).([]any) {
		ids = append(ids, r.(map[string]any)["id"].(string))
	}
	return ids
}

func sameIDs(got, want []string) bool { return fmt.Sprint(got) == fmt.Sprint(want) }

func TestRunsAcrossFlows(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	okFlow := srv.CreateFlow(t, `{"name": "ok", "options": {"access": "public"},
		"operations": [{"id": "t", "operation": "transform", "options": {"json": {"n": "{{$trigger.n}}"}}}]}`)
	badFlow := srv.CreateFlow(t, `{"name": "bad", "options": {"access": "public"},
		"operations": [{"id": "e", "operation": "throw-error", "options": {"status": 422, "code": "NO", "message": "no"}}]}`)
	srv.CreateFlow(t, childFlow)
	parent := srv.CreateFlow(t, map[string]any{"name": "parent", "operations": []any{map[string]any{
		"id": "call", "operation": "trigger", "options": map[string]any{"flow": childFlowID, "payload": map[string]any{"sku": "a", "qty": 1}},
	}}})

	// Runs in time order: ok, bad, ok, parent (which runs the child), bad.
	var order []string
	trigger := func(flow string) string {
		resp := srv.Do(t, "POST", "/flows/trigger/"+flow, `{"n": 1}`)
		id := resp.Header.Get("X-Run-Id")
		if id == "" {
			t.Fatalf("trigger %s: no X-Run-Id: %d %s", flow, resp.Status, resp.Body)
		}
		order = append(order, id)
		time.Sleep(5 * time.Millisecond) // distinct creation times
		return id
	}
	trigger(okFlow)
	bad1 := trigger(badFlow)
	middle := time.Now().UTC()
	trigger(okFlow)
	trigger(parent)
	child := onlyRunID(t, srv, childFlowID)
	bad2 := trigger(badFlow)

	all := runIDs(t, srv.Do(t, "GET", "/flows/runs", nil))
	if len(all) != 6 || all[0] != bad2 || all[5] != order[0] {
		t.Fatalf("GET /flows/runs = %v, want the 6 runs newest first (run order %v, child %s)", all, order, child)
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"status=failed", []string{bad2, bad1}},
		{"flow=" + okFlow, []string{order[2], order[0]}},
		{"trigger=operation", []string{child}},
		{"trigger=webhook&status=completed", []string{order[3], order[2], order[0]}},
		{"since=" + url.QueryEscape(middle.Format(time.RFC3339Nano)), all[:4]},
		{"until=" + url.QueryEscape(middle.Format(time.RFC3339Nano)), all[4:]},
		{"since=" + url.QueryEscape(middle.Add(time.Hour).In(time.FixedZone("", 3600)).Format(time.RFC3339)), nil},
		{"limit=2", all[:2]},
		{"limit=2&page=2", all[2:4]},
		{"limit=4&offset=3", all[3:]},
	} {
		if got := runIDs(t, srv.Do(t, "GET", "/flows/runs?"+c.query, nil)); !sameIDs(got, c.want) {
			t.Errorf("?%s = %v, want %v", c.query, got, c.want)
		}
	}
	meta := srv.Do(t, "GET", "/flows/runs?status=failed&limit=1&meta=total_count,filter_count", nil).JSON(t)["meta"]
	if toJSONText(meta) != `{"filter_count":2,"limit":1,"page":1,"total_count":6}` {
		t.Errorf("meta = %s", toJSONText(meta))
	}
	meta = srv.Do(t, "GET", "/flows/"+badFlow+"/runs?meta=*", nil).JSON(t)["meta"]
	if toJSONText(meta) != `{"filter_count":2,"limit":100,"page":1,"total_count":2}` {
		t.Errorf("one flow's meta = %s", toJSONText(meta))
	}
	for _, query := range []string{
		"status=done", "trigger=cron", "since=yesterday", "until=2026-13-01T00:00:00Z",
		"since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z", "limit=1001", "limit=-1", "limit=x", "page=0x",
		"page=2&offset=1", "offset=-3", "meta=count", "stauts=failed", "status=failed&status=completed",
	} {
		resp := srv.Do(t, "GET", "/flows/runs?"+query, nil)
		if resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_QUERY" {
			t.Errorf("?%s: %d %s, want 400 INVALID_QUERY", query, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "GET", "/flows/"+badFlow+"/runs?flow="+okFlow, nil); resp.Status != http.StatusBadRequest {
		t.Errorf("a flow's runs with flow=: %d", resp.Status)
	}

	srv.CreateRole(t, "reader", map[string]any{"collection": "runs", "action": "read"})
	srv.CreateRole(t, "flows-only", map[string]any{"collection": "flows", "action": "read"})
	_, reader := srv.CreateUser(t, "reader")
	_, other := srv.CreateUser(t, "flows-only")
	if got := runIDs(t, srv.Do(t, "GET", "/flows/runs", nil, "Authorization", "Bearer "+reader)); len(got) != 6 {
		t.Errorf("a role with runs read lists %d runs", len(got))
	}
	if resp := srv.Do(t, "GET", "/flows/runs", nil, "Authorization", "Bearer "+other); resp.Status != http.StatusForbidden {
		t.Errorf("a role without runs read: %d", resp.Status)
	}
	if resp := srv.Do(t, "GET", "/flows/runs", nil, "Authorization", ""); resp.Status != http.StatusUnauthorized {
		t.Errorf("no token: %d", resp.Status)
	}
}

// replayFlow returns the request's secret-free parts and fails for
// {"fail": true}.
const replayFlow = `{"name": "echo", "options": {"access": "public"%s}, "operations": [
	{"id": "check", "operation": "condition", "options": {"filter": {"fail": {"_null": true}}}, "reject": "refuse"},
	{"id": "echo", "operation": "transform", "options": {"json": {"n": "{{$trigger.n}}", "password": "{{$trigger.body.password}}",
		"raw": "{{$trigger.raw}}", "user": "{{$accountability.user}}"}}},
	{"id": "refuse", "operation": "throw-error", "options": {"status": 422, "code": "REFUSED", "message": "n={{$trigger.n}}"}}]}`

func TestReplayARun(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, fmt.Sprintf(replayFlow, ""))

	first := srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 7, "fail": true}`, "Authorization", "")
	if first.Status != http.StatusUnprocessableEntity {
		t.Fatalf("trigger: %d %s", first.Status, first.Body)
	}
	failed := first.Header.Get("X-Run-Id")
	replay := srv.Do(t, "POST", "/flows/runs/"+failed+"/replay", nil)
	newID := replay.Header.Get("X-Run-Id")
	if replay.Status != http.StatusUnprocessableEntity || replay.ErrorCode(t) != "REFUSED" || newID == "" || newID == failed {
		t.Fatalf("replay of a failed run: %d %v %s, want its 422 with a new X-Run-Id", replay.Status, replay.Header, replay.Body)
	}
	rec, _ := srv.WaitRun(t, newID)
	if rec["replay_of"] != failed || rec["status"] != "failed" || rec["flow"] != id {
		t.Fatalf("the replay's record = %v", rec)
	}

	ok := srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 8, "password": "hunter22-secret"}`, "Authorization", "")
	replay = srv.Do(t, "POST", "/flows/runs/"+ok.Header.Get("X-Run-Id")+"/replay", nil)
	if replay.Status != http.StatusOK || replay.Header.Get("X-Run-Id") == "" {
		t.Fatalf("replay: %d %s", replay.Status, replay.Body)
	}
	want := `{"data":{"n":8,"password":"[REDACTED]","raw":"{\"n\":8,\"password\":\"[REDACTED]\"}","user":"admin"},` +
		`"meta":{"redacted":true,"replay_of":"` + ok.Header.Get("X-Run-Id") + `"}}`
	if got := toJSONText(replay.JSON(t)); got != want {
		t.Fatalf("replay answer\n got %s\nwant %s", got, want)
	}
	plain := srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 9}`, "Authorization", "")
	replay = srv.Do(t, "POST", "/flows/runs/"+plain.Header.Get("X-Run-Id")+"/replay", nil)
	if meta := toJSONText(replay.JSON(t)["meta"]); replay.Status != 200 || meta != `{"redacted":false,"replay_of":"`+plain.Header.Get("X-Run-Id")+`"}` {
		t.Fatalf("replay of a run without secrets: %d %s", replay.Status, replay.Body)
	}

	expectCode := func(resp *hookflowtest.Response, status int, code string) {
		t.Helper()
		if resp.Status != status || resp.ErrorCode(t) != code {
			t.Fatalf("want %d %s, got %d %s", status, code, resp.Status, resp.Body)
		}
	}
	expectCode(srv.Do(t, "POST", "/flows/runs/00000000-0000-4000-8000-000000000000/replay", nil), 404, "NOT_FOUND")
	srv.CreateRole(t, "reader", map[string]any{"collection": "runs", "action": "read"})
	_, reader := srv.CreateUser(t, "reader")
	private := srv.CreateFlow(t, `{"name": "private", "operations": [{"id": "t", "operation": "transform", "options": {"json": 1}}]}`)
	run := srv.Do(t, "POST", "/flows/trigger/"+private, `{}`).Header.Get("X-Run-Id")
	expectCode(srv.Do(t, "POST", "/flows/runs/"+run+"/replay", nil, "Authorization", "Bearer "+reader), 403, "FORBIDDEN")
	srv.Grant(t, "reader", map[string]any{"collection": "flows", "action": "trigger", "item": private})
	if resp := srv.Do(t, "POST", "/flows/runs/"+run+"/replay", nil, "Authorization", "Bearer "+reader); resp.Status != 200 {
		t.Fatalf("a role that may trigger the flow replays: %d %s", resp.Status, resp.Body)
	}
	check(t, srv.Do(t, "PATCH", "/flows/"+private, `{"status": "inactive"}`), 200, "")
	expectCode(srv.Do(t, "POST", "/flows/runs/"+run+"/replay", nil), 409, "FLOW_INACTIVE")
}

func TestReplayAnAsyncRun(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, fmt.Sprintf(replayFlow, `, "async": true`))
	first := srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 3}`)
	srv.WaitRun(t, first.Header.Get("X-Run-Id"))
	replay := srv.Do(t, "POST", "/flows/runs/"+first.Header.Get("X-Run-Id")+"/replay", nil)
	newID := replay.Header.Get("X-Run-Id")
	if replay.Status != http.StatusAccepted || newID == "" || replay.Header.Get("Location") != "/flows/runs/"+newID {
		t.Fatalf("replay of an async flow's run: %d %v %s", replay.Status, replay.Header, replay.Body)
	}
	rec, _ := srv.WaitRun(t, newID)
	if rec["replay_of"] != first.Header.Get("X-Run-Id") || rec["status"] != "completed" || toJSONText(rec["result"]) != `{"n":3,"password":null,"raw":"{\"n\":3}","user":"admin"}` {
		t.Fatalf("the replayed run's record = %v", toJSONText(rec))
	}
}

func TestReplayManyRuns(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.QueueLimit = 3 })
	id := srv.CreateFlow(t, fmt.Sprintf(replayFlow, ""))
	var failed []string
	for i := range 3 {
		resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"n": i, "fail": true})
		failed = append(failed, resp.Header.Get("X-Run-Id"))
		time.Sleep(5 * time.Millisecond)
	}
	srv.Do(t, "POST", "/flows/trigger/"+id, `{"n": 10}`)
	path := "/flows/" + id + "/runs/replay"

	dry := srv.Do(t, "POST", path, `{"status": "failed", "dry_run": true}`)
	if dry.Status != http.StatusOK || toJSONText(dry.Data(t)) != `{"count":3,"dry_run":true}` {
		t.Fatalf("dry run: %d %s", dry.Status, dry.Body)
	}
	if n := len(runIDs(t, srv.Do(t, "GET", "/flows/runs", nil))); n != 4 {
		t.Fatalf("a dry run started runs: %d runs", n)
	}
	if resp := srv.Do(t, "POST", path, `{"dry_run": false}`); resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "REPLAY_TOO_LARGE" {
		t.Fatalf("a replay of 4 runs with FLOWS_QUEUE_LIMIT 3: want 400 REPLAY_TOO_LARGE, got %d %s", resp.Status, resp.Body)
	}
	since := srv.Do(t, "GET", "/flows/runs/"+failed[1], nil).Data(t).(map[string]any)["created_at"].(string)
	resp := srv.Do(t, "POST", path, map[string]any{"status": "failed", "since": since})
	if resp.Status != http.StatusAccepted || toJSONText(resp.Data(t)) != `{"count":2,"matched":2}` {
		t.Fatalf("bulk replay: %d %s", resp.Status, resp.Body)
	}
	waitFor(t, func() bool {
		return len(runIDs(t, srv.Do(t, "GET", "/flows/runs?status=failed", nil))) == 5
	}, "the two replays to fail as their originals did")
	replayed := map[any]bool{}
	for _, r := range srv.Do(t, "GET", "/flows/runs?status=failed&limit=2", nil).Data(t).([]any) {
		rec := r.(map[string]any)
		if rec["async"] != true {
			t.Errorf("a bulk replay is not queued: %v", rec)
		}
		replayed[rec["replay_of"]] = true
	}
	if !replayed[failed[1]] || !replayed[failed[2]] {
		t.Fatalf("the replays link %v, want %s and %s", replayed, failed[1], failed[2])
	}

	for _, body := range []string{
		`{"stauts": "failed"}`, `{"status": "done"}`, `{"since": "yesterday"}`,
		`{"dry_run": "yes"}`, `{"since": "2026-12-02T00:00:00Z", "until": "2026-12-01T00:00:00Z"}`, `[]`,
	} {
		if resp := srv.Do(t, "POST", path, body); resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_PAYLOAD" {
			t.Errorf("%s: %d %s, want 400 INVALID_PAYLOAD", body, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "POST", "/flows/00000000-0000-4000-8000-000000000000/runs/replay", `{}`); resp.Status != 404 {
		t.Errorf("bulk replay of an unknown flow: %d %s", resp.Status, resp.Body)
	}
}
