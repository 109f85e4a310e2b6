package tests

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/hookflowtest"
)

func TestItemWriteFailureTakesRejectEdge(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/collections", `{"collection": "subscribers", "schema": {"required": ["email"]}}`), 200, "")
	url := flow(t, srv, `{"method": "POST"}`, `[
		{"id": "save", "operation": "item-create", "options": {"collection": "subscribers", "payload": "{{$trigger}}"},
		 "resolve": "ok", "reject": "failed"},
		{"id": "ok", "operation": "transform", "options": {"json": {"saved": "{{$last.id}}"}}},
		{"id": "failed", "operation": "transform", "options": {"json": {"code": "{{save.code}}", "status": "{{save.status}}",
		 "fields": "{{save.errors}}"}}}
	]`)
	check(t, srv.Do(t, "POST", url, `{"name": "no email"}`), 200,
		`{"data": {"code": "FAILED_VALIDATION", "status": 400, "fields": [{"field": "email", "message": "is required"}]}}`)
	check(t, srv.Do(t, "POST", url, `{"email": "a@example.com"}`), 200, `{"data": {"saved": 1}}`)
}

func TestItemWriteFailureEndsRunWithItsStatus(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	url := flow(t, srv, `{"method": "POST"}`, `[
		{"operation": "item-create", "options": {"collection": "things", "payload": "{{$trigger.body}}"}}
	]`)
	// A failed multi-item write stores nothing.
	check(t, srv.Do(t, "POST", url, `[{"id": "a"}, {"id": "b"}, {"id": "a"}]`), 409,
		`{"errors": [{"message": "<any>", "extensions": {"code": "RECORD_NOT_UNIQUE", "operation": "item-create_1", "type": "item-create"}}]}`)
	check(t, srv.Do(t, "GET", "/items/things", nil), 200, `{"data": []}`)
	check(t, srv.Do(t, "POST", url, `"just text"`, "Content-Type", "text/plain"), 400,
		`{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "operation": "item-create_1", "type": "item-create"}}]}`)
	check(t, srv.Do(t, "POST", url, `[{"id": "a"}, {"id": "b"}]`), 200, `{"data": [{"id": "a"}, {"id": "b"}]}`)
}

func TestItemPermissions(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	ops := func(perm string) string {
		return `[{"operation": "item-create", "options": {"collection": "notes", "payload": {"n": 1}` + perm + `}}]`
	}
	public := flow(t, srv, `{"method": "POST", "access": "public"}`, ops(""))
	publicFull := flow(t, srv, `{"method": "POST", "access": "public"}`, ops(`, "permissions": "$full"`))
	asPublic := flow(t, srv, `{"method": "POST", "access": "public"}`, ops(`, "permissions": "$public"`))
	anonymous := []string{"Authorization", ""}
	check(t, srv.Do(t, "POST", public, `{}`, anonymous...), 403,
		`{"errors": [{"message": "<any>", "extensions": {"code": "FORBIDDEN", "operation": "<any>", "type": "item-create"}}]}`)
	check(t, srv.Do(t, "POST", asPublic, `{}`, anonymous...), 403, "")
	check(t, srv.Do(t, "POST", publicFull, `{}`, anonymous...), 200, `{"data": {"id": 1, "n": 1}}`)
	check(t, srv.Do(t, "POST", public, `{}`), 200, `{"data": {"id": 2, "n": 1}}`) // the admin may
	resp := srv.Do(t, "POST", "/flows", `{"trigger": "webhook", "operations": [{"operation": "item-read",
		"options": {"collection": "notes", "permissions": "$everyone"}}]}`)
	if resp.Status != 400 || !strings.Contains(string(resp.Body), "permissions") {
		t.Errorf("an unknown permissions mode: %d %s", resp.Status, resp.Body)
	}
}

func TestItemReadQueryOption(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/articles", `[
		{"title": "a", "status": "published"}, {"title": "b", "status": "draft"},
		{"title": "c", "status": "published"}, {"title": "d", "status": "published"}]`), 200, "")
	// The seed's "Query Parameters" example: filter and limit from the URL.
	url := flow(t, srv, `{"method": "GET"}`, `[{"operation": "item-read", "options": {"collection": "articles",
		"query": {"filter": {"status": {"_eq": "{{$trigger.query.status}}"}}, "limit": "{{$trigger.query.limit}}", "fields": "title"}}}]`)
	check(t, srv.Do(t, "GET", url+"?status=published&limit=2", nil), 200, `{"data": [{"title": "a"}, {"title": "c"}]}`)
	check(t, srv.Do(t, "GET", url+"?status=draft", nil), 200, `{"data": [{"title": "b"}]}`)
	check(t, srv.Do(t, "GET", url+"?status=draft&limit=many", nil), 400,
		`{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_QUERY", "operation": "<any>", "type": "item-read"}}]}`)
	// key returns one object; keys and $CURRENT_USER work.
	one := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-read", "options": {"collection": "articles", "key": "{{$trigger.id}}",
		"query": {"fields": ["title"]}}}]`)
	check(t, srv.Do(t, "POST", one, `{"id": 3}`), 200, `{"data": {"title": "c"}}`)
	check(t, srv.Do(t, "POST", one, `{"id": 30}`), 404, "")
	// A static query is checked when the flow is saved.
	resp := srv.Do(t, "POST", "/flows", `{"trigger": "webhook", "operations": [{"operation": "item-read",
		"options": {"collection": "articles", "query": {"filter": {"status": {"_like": "x"}}, "limt": 5}}}]}`)
	check(t, resp, 400, "")
	for _, want := range []string{"operations[0].options.query.filter.status._like", "operations[0].options.query.limt"} {
		if !strings.Contains(string(resp.Body), want) {
			t.Errorf("upload errors do not name %s: %s", want, resp.Body)
		}
	}
}

func TestItemUpdateAndDeleteOperations(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	// The shape of the seed's External API Integration, without the request.
	url := flow(t, srv, `{"method": "POST"}`, `[
		{"id": "save-webhook", "operation": "item-create", "options": {"collection": "webhook_logs",
		 "payload": {"data": "{{$trigger.body}}", "received_at": "{{$NOW}}"}}},
		{"id": "update-status", "operation": "item-update", "options": {"collection": "webhook_logs", "key": "{{$last.id}}",
		 "payload": {"status": "processed", "result": "{{$last.data}}"}}}
	]`)
	check(t, srv.Do(t, "POST", url, `{"n": 1}`), 200,
		`{"data": {"id": 1, "data": {"n": 1}, "received_at": "<any>", "status": "processed", "result": {"n": 1}}}`)
	bulk := flow(t, srv, `{"method": "POST"}`, `[
		{"operation": "item-update", "options": {"collection": "webhook_logs", "query": {"filter": {"status": {"_eq": "processed"}}},
		 "payload": "{\"status\": \"{{$trigger.status}}\"}"}},
		{"operation": "item-delete", "options": {"collection": "webhook_logs", "keys": "{{$trigger.delete}}"}}
	]`)
	check(t, srv.Do(t, "POST", url, `{"n": 2}`), 200, "")
	check(t, srv.Do(t, "POST", bulk, `{"status": "archived \"old\"", "delete": [2]}`), 200, `{"data": [2]}`)
	check(t, srv.Do(t, "GET", "/items/webhook_logs?fields=id,status", nil), 200, `{"data": [{"id": 1, "status": "archived \"old\""}]}`)
	del := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-delete", "options": {"collection": "webhook_logs", "key": 1}}]`)
	check(t, srv.Do(t, "POST", del, `{}`), 200, `{"data": 1}`)
	check(t, srv.Do(t, "POST", del, `{}`), 404, "")
	resp := srv.Do(t, "POST", "/flows", `{"trigger": "webhook", "operations": [{"operation": "item-delete", "options": {"collection": "x"}}]}`)
	if resp.Status != 400 || !strings.Contains(string(resp.Body), "key, keys or query") {
		t.Errorf("a delete without a selection was accepted: %d %s", resp.Status, resp.Body)
	}
}

func TestItemEvents(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	var mu sync.Mutex
	var got []string
	unsubscribe := srv.Hookflow.Events().Subscribe(func(name string) bool { return strings.HasPrefix(name, "items.") },
		func(e events.Event) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, e.Name+" "+e.Collection+" "+jsonText(e.Keys)+" "+jsonText(e.Accountability))
		})
	defer unsubscribe()
	check(t, srv.Do(t, "POST", "/items/notes", `[{"a": 1}, {"a": 2}]`), 200, "")
	check(t, srv.Do(t, "PATCH", "/items/notes/1", `{"a": 3}`), 200, "")
	loud := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-create", "options": {"collection": "notes", "payload": {"b": 1}}}]`)
	quiet := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-create", "options": {"collection": "notes", "payload": {"b": 2},
		"emitEvents": false}}]`)
	check(t, srv.Do(t, "POST", quiet, `{}`), 200, "")
	check(t, srv.Do(t, "POST", loud, `{}`), 200, "")
	check(t, srv.Do(t, "DELETE", "/items/notes", `[1, 2]`), 204, "")
	want := []string{
		`items.create notes [1] {"role":"admin","user":"admin"}`,
		`items.create notes [2] {"role":"admin","user":"admin"}`,
		`items.update notes [1] {"role":"admin","user":"admin"}`,
		`items.create notes [4] {"role":"admin","user":"admin"}`,
		`items.delete notes [1,2] {"role":"admin","user":"admin"}`,
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("events\n got %q\nwant %q", got, want)
	}
}
