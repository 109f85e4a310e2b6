package tests

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// guardFlow refuses orders with a negative total (throw-error 422) and
// stamps the ones it creates.
const guardFlow = `{"name": "guard", "trigger": "event",
  "options": {"type": "filter", "scope": ["items.create", "items.update"], "collections": ["orders"]},
  "operations": [
    {"id": "check", "operation": "exec", "options": {"expression": "($trigger.payload.total ?? 0) >= 0 ? true : reject(false)"},
     "resolve": "stamp", "reject": "refuse"},
    {"id": "stamp", "operation": "exec", "options": {"expression": "$trigger.event == \"items.create\" ? {\"id\": $trigger.payload.id, \"total\": $trigger.payload.total, \"checked\": true, \"by\": $accountability.role} : $trigger.payload"}, "resolve": null},
    {"id": "refuse", "operation": "throw-error", "options": {"status": 422, "code": "NEGATIVE_TOTAL", "message": "order total {{$trigger.payload.total}} is negative"}}]}`

// TestFilterFlowRejectsAndRewrites: a filter flow rewrites the payload of
// the writes it accepts and refuses the others with the status and
// envelope it throws; a refused write stores nothing and raises no event
// (an action flow on the same collection never runs for it).
func TestFilterFlowRejectsAndRewrites(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	srv.CreateFlow(t, guardFlow)
	audit := srv.CreateFlow(t, auditFlow)

	check(t, srv.Do(t, "POST", "/items/orders", `{"id": 1, "total": 5}`), 200,
		`{"data": {"id": 1, "total": 5, "checked": true, "by": "admin"}}`)
	check(t, srv.Do(t, "POST", "/items/orders", `{"id": 2, "total": -3}`), 422,
		`{"errors": [{"message": "order total -3 is negative", "extensions": {"code": "NEGATIVE_TOTAL", "operation": "refuse", "type": "throw-error"}}]}`)
	check(t, srv.Do(t, "PATCH", "/items/orders/1", `{"total": -1}`), 422,
		`{"errors": [{"message": "order total -1 is negative", "extensions": {"code": "NEGATIVE_TOTAL", "operation": "refuse", "type": "throw-error"}}]}`)
	// An array create is filtered item by item; one refusal refuses all.
	check(t, srv.Do(t, "POST", "/items/orders", `[{"id": 3, "total": 1}, {"id": 4, "total": -1}]`), 422,
		`{"errors": [{"message": "order total -1 is negative", "extensions": {"code": "NEGATIVE_TOTAL", "operation": "refuse", "type": "throw-error"}}]}`)
	// An update by query: the flow sees the keys the query selects.
	check(t, srv.Do(t, "PATCH", "/items/orders", `{"query": {"filter": {"total": {"_gt": 0}}}, "data": {"note": "x"}}`), 200,
		`{"data": [{"id": 1, "total": 5, "checked": true, "by": "admin", "note": "x"}]}`)

	check(t, srv.Do(t, "GET", "/items/orders", nil), 200,
		`{"data": [{"id": 1, "total": 5, "checked": true, "by": "admin", "note": "x"}]}`)
	// Two accepted writes (the create, the update by query) were audited;
	// the refused ones raised no event.
	items := waitItems(t, srv, "audit", 2)
	for _, it := range items {
		if p, _ := it["payload"].(map[string]any); p == nil || p["checked"] != true && p["note"] != "x" {
			t.Fatalf("audited payload is not the filtered one: %v", it)
		}
		if it["event"] == "items.update" && toJSONText(it["keys"]) != "[1]" {
			t.Fatalf("the update by query's keys: %v", it)
		}
	}
	waitRuns(t, srv, audit, 2)
}

// TestFilterFlowGuardsItemOperations: a write made by another flow's item
// operation is filtered too; the refusal fails that step with the filter's
// status and code, which the webhook answers.
func TestFilterFlowGuardsItemOperations(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	guard := srv.CreateFlow(t, guardFlow)
	hook := flow(t, srv, `{"access": "public"}`, `[{"operation": "item-create",
		"options": {"collection": "orders", "payload": "{{$trigger.body}}", "permissions": "$full"}}]`)

	check(t, srv.Do(t, "POST", hook, `{"total": 2}`), 200, `{"data": {"id": 1, "total": 2, "checked": true, "by": "admin"}}`)
	resp := srv.Do(t, "POST", hook, `{"total": -2}`)
	checkSubset(t, resp, 422, `{"errors": [{"extensions": {"code": "NEGATIVE_TOTAL"}}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?fields=id", nil), 200, `{"data": [{"id": 1}]}`)

	// The filter runs are recorded like any run: started by the event.
	runs := waitRuns(t, srv, guard, 2)
	if len(runs) != 2 || runs[1]["status"] != "failed" || runs[0]["started_by"] != "event" || runs[0]["event"] != "items.create" {
		t.Fatalf("filter runs: %v", runs)
	}
}

// TestFilterFlowTimeout: a filter flow slower than FLOWS_FILTER_TIMEOUT
// refuses the write with 504, and nothing is stored.
func TestFilterFlowTimeout(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.FilterTimeout = 200 * time.Millisecond })
	srv.CreateFlow(t, `{"trigger": "event", "options": {"type": "filter", "scope": ["items.create"]},
	  "operations": [{"operation": "sleep", "options": {"milliseconds": 5000}}]}`)
	began := time.Now()
	resp := srv.Do(t, "POST", "/items/slow", `{"a": 1}`)
	checkSubset(t, resp, 504, `{"errors": [{"extensions": {"code": "FLOW_TIMEOUT"}}]}`)
	if took := time.Since(began); took > 4*time.Second {
		t.Fatalf("the write waited %s for its filter", took)
	}
	if r := srv.Do(t, "GET", "/items/slow", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"data":[]`) {
		t.Fatalf("items after a timed-out filter: %d %s", r.Status, r.Body)
	}
}

// TestFilterFlowEndingOnRejectRefuses: as in Directus, a filter flow whose
// last step rejected (a condition that did not pass) refuses the write
// with 400 FLOW_REJECTED; a delete is filtered too.
func TestFilterFlowEndingOnRejectRefuses(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	if r := srv.Do(t, "POST", "/items/keep", `[{"id": 1, "locked": true}, {"id": 2}]`); r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	srv.CreateFlow(t, `{"trigger": "event", "options": {"type": "filter", "scope": ["items.delete"], "collections": ["keep"]},
	  "operations": [{"operation": "condition", "options": {"filter": {"$trigger": {"keys": {"_ncontains": "1"}}}}}]}`)
	checkSubset(t, srv.Do(t, "DELETE", "/items/keep/1", nil), http.StatusBadRequest,
		`{"errors": [{"extensions": {"code": "FLOW_REJECTED"}}]}`)
	if r := srv.Do(t, "DELETE", "/items/keep/2", nil); r.Status != 204 {
		t.Fatalf("delete 2: %d %s", r.Status, r.Body)
	}
	check(t, srv.Do(t, "GET", "/items/keep", nil), 200, `{"data": [{"id": 1, "locked": true}]}`)
}
