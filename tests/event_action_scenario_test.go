package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// auditFlow is an action flow that writes what it was given into audit.
const auditFlow = `{"name": "audit", "trigger": "event",
  "options": {"type": "action", "scope": ["items.create", "items.update", "items.delete"], "collections": ["orders"]},
  "operations": [{"id": "record", "operation": "item-create", "options": {"collection": "audit", "permissions": "$full",
    "payload": {"event": "{{$trigger.event}}", "collection": "{{$trigger.collection}}", "key": "{{$trigger.key}}",
      "keys": "{{$trigger.keys}}", "payload": "{{$trigger.payload}}", "user": "{{$accountability.user}}",
      "role": "{{$accountability.role}}"}}}]}`

// waitItems polls a collection until it holds n items and returns them in
// id order.
func waitItems(t *testing.T, srv *hookflowtest.Server, collection string, n int) []map[string]any {
	t.Helper()
	var items []map[string]any
	waitFor(t, func() bool {
		resp := srv.Do(t, http.MethodGet, "/items/"+collection+"?limit=-1&sort=id", nil)
		list, _ := resp.Data(t).([]any)
		items = items[:0]
		for _, it := range list {
			items = append(items, it.(map[string]any))
		}
		return len(items) >= n
	}, fmt.Sprintf("%d items in %s", n, collection))
	if len(items) != n {
		t.Fatalf("%s holds %d items, want %d: %v", collection, len(items), n, items)
	}
	return items
}

// runsOf lists a flow's run records, oldest first.
func runsOf(t *testing.T, srv *hookflowtest.Server, flowID string) []map[string]any {
	t.Helper()
	resp := srv.Do(t, http.MethodGet, "/flows/"+flowID+"/runs?limit=1000", nil)
	if resp.Status != http.StatusOK {
		t.Fatalf("runs: %d %s", resp.Status, resp.Body)
	}
	list, _ := resp.Data(t).([]any)
	out := make([]map[string]any, len(list))
	for i, r := range list {
		out[len(list)-1-i] = r.(map[string]any)
	}
	return out
}

// waitRuns waits until a flow has n finished runs and returns its runs,
// oldest first.
func waitRuns(t *testing.T, srv *hookflowtest.Server, flowID string, n int) []map[string]any {
	t.Helper()
	var runs []map[string]any
	waitFor(t, func() bool {
		runs = runsOf(t, srv, flowID)
		finished := 0
		for _, r := range runs {
			if r["status"] == "completed" || r["status"] == "failed" {
				finished++
			}
		}
		return finished >= n
	}, fmt.Sprintf("%d finished runs of flow %s", n, flowID))
	if len(runs) != n {
		t.Fatalf("%d runs of flow %s, want %d: %v", len(runs), flowID, n, runs)
	}
	return runs
}

// TestActionFlowAuditsWrites: an action flow on orders records every
// create, update and delete made through /items and through item
// operations, with Directus's $trigger and the writer's accountability;
// writes to other collections start nothing.
func TestActionFlowAuditsWrites(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	flowID := srv.CreateFlow(t, auditFlow)
	srv.CreateRole(t, "clerk",
		map[string]any{"collection": "orders", "action": "create"},
		map[string]any{"collection": "orders", "action": "update"},
		map[string]any{"collection": "orders", "action": "delete"},
		map[string]any{"collection": "customers", "action": "create"})
	userID, token := srv.CreateUser(t, "clerk")
	as := []string{"Authorization", "Bearer " + token}

	check(t, srv.Do(t, "POST", "/items/orders", `{"id": 7, "total": 10}`, as...), 200, `{"data": {"id": 7, "total": 10}}`)
	check(t, srv.Do(t, "PATCH", "/items/orders/7", `{"total": 12}`, as...), 200, `{"data": {"id": 7, "total": 12}}`)
	if r := srv.Do(t, "POST", "/items/customers", `{"name": "c"}`, as...); r.Status != 200 {
		t.Fatalf("customers: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "DELETE", "/items/orders/7", nil, as...); r.Status != 204 {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	// An item operation's write is an event too (a webhook flow, admin).
	hook := flow(t, srv, `{"access": "public"}`, `[{"operation": "item-create",
		"options": {"collection": "orders", "payload": {"id": 8, "total": 3}, "permissions": "$full"}}]`)
	if r := srv.Do(t, "POST", hook, `{}`); r.Status != 200 {
		t.Fatalf("webhook: %d %s", r.Status, r.Body)
	}

	// The queue's workers run the four runs in any order: each audit item
	// is found by its event and key.
	audit := map[string]map[string]any{}
	for _, a := range waitItems(t, srv, "audit", 4) {
		audit[fmt.Sprint(a["event"], " ", a["key"], " ", toJSONText(a["keys"]))] = a
	}
	want := map[string]string{
		"items.create 7 null":    `{"collection": "orders", "payload": {"id": 7, "total": 10}, "user": "` + userID + `", "role": "clerk"}`,
		"items.update <nil> [7]": `{"collection": "orders", "payload": {"total": 12}, "user": "` + userID + `", "role": "clerk"}`,
		"items.delete <nil> [7]": `{"collection": "orders", "payload": [7], "user": "` + userID + `", "role": "clerk"}`,
		"items.create 8 null":    `{"collection": "orders", "payload": {"id": 8, "total": 3}, "user": "admin", "role": "admin"}`,
	}
	for key, doc := range want {
		if audit[key] == nil {
			t.Fatalf("no %s audited: %v", key, audit)
		}
		checkJSONSubset(t, audit[key], doc)
	}

	for _, r := range waitRuns(t, srv, flowID, 4) {
		if r["started_by"] != "event" || r["event_depth"] != float64(1) || r["status"] != "completed" {
			t.Fatalf("run record: %v", r)
		}
		trigger, _ := r["trigger"].(map[string]any)
		if r["event"] != trigger["event"] {
			t.Fatalf("run record's event %v, $trigger %v", r["event"], trigger)
		}
	}
}

// mustJSON decodes a JSON text or fails the test.
func mustJSON(t *testing.T, text string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(text), v); err != nil {
		t.Fatalf("%v: %s", err, text)
	}
}

// TestActionFlowsOnCustomAndCollectionEvents: an emitted event and a
// collection's creation start the flows listening to them.
func TestActionFlowsOnCustomAndCollectionEvents(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateFlow(t, `{"name": "on report", "trigger": "event", "options": {"scope": ["report.generated", "collections.create"]},
	  "operations": [{"operation": "item-create", "options": {"collection": "seen", "permissions": "$full",
	    "payload": {"event": "{{$trigger.event}}", "key": "{{$trigger.key}}", "payload": "{{$trigger.payload}}"}}}]}`)
	emit := flow(t, srv, `{"access": "public"}`, `[{"operation": "emit", "options": {"event": "report.generated", "data": {"n": "{{$trigger.n}}"}}}]`)
	if r := srv.Do(t, "POST", emit, `{"n": 3}`); r.Status != 200 {
		t.Fatalf("emit: %d %s", r.Status, r.Body)
	}
	if r := srv.Do(t, "POST", "/collections", `{"collection": "invoices"}`); r.Status != 200 {
		t.Fatalf("collection: %d %s", r.Status, r.Body)
	}
	// A collection created by its first write (seen) raises no event.
	seen := waitItems(t, srv, "seen", 2)
	got := map[string]any{}
	for _, s := range seen {
		key := fmt.Sprint(s["event"], " ", s["key"])
		got[key] = s["payload"]
	}
	if p, ok := got["report.generated <nil>"].(map[string]any); !ok || p["n"] != float64(3) {
		t.Fatalf("report.generated: %v", seen)
	}
	if p, ok := got["collections.create invoices"].(map[string]any); !ok || p["collection"] != "invoices" {
		t.Fatalf("collections.create: %v", seen)
	}
}
