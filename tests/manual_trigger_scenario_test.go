package tests

import (
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestManualFlowOnTwoKeys: a manual flow started on two items of its
// collection by a caller with the trigger permission reads those items;
// another collection is 400, a caller without the permission 403, no
// token 401, and async answers 202 with a queued run.
func TestManualFlowOnTwoKeys(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	if r := srv.Do(t, "POST", "/items/orders", `[{"id": 1, "total": 5}, {"id": 2, "total": 7}, {"id": 3, "total": 9}]`); r.Status != 200 {
		t.Fatalf("seed: %d %s", r.Status, r.Body)
	}
	id := srv.CreateFlow(t, `{"name": "sum", "trigger": "manual", "options": {"collections": ["orders"]},
	  "operations": [{"id": "read", "operation": "item-read", "options": {"collection": "orders", "keys": "{{$trigger.body.keys}}",
	    "permissions": "$full"}},
	   {"id": "total", "operation": "exec", "options": {"expression": "{\"collection\": $trigger.body.collection, \"sum\": sum(map(read, .total))}"}}]}`)
	srv.CreateRole(t, "operator", map[string]any{"collection": "flows", "action": "trigger", "item": id})
	_, token := srv.CreateUser(t, "operator")
	_, other := srv.CreateUser(t, "")
	url := "/flows/trigger/" + id

	check(t, srv.Do(t, "POST", url, `{"collection": "orders", "keys": [1, 2]}`, "Authorization", "Bearer "+token), 200,
		`{"data": {"collection": "orders", "sum": 12}}`)
	checkSubset(t, srv.Do(t, "POST", url, `{"collection": "customers", "keys": [1]}`, "Authorization", "Bearer "+token),
		http.StatusBadRequest, `{"errors": [{"extensions": {"code": "INVALID_PAYLOAD"}}]}`)
	checkSubset(t, srv.Do(t, "POST", url, `{"collection": "orders", "keys": [{"a": 1}]}`, "Authorization", "Bearer "+token),
		http.StatusBadRequest, `{"errors": [{"extensions": {"code": "INVALID_PAYLOAD"}}]}`)
	checkSubset(t, srv.Do(t, "POST", url, `{"collection": "orders", "keys": [1]}`, "Authorization", "Bearer "+other),
		http.StatusForbidden, `{"errors": [{"extensions": {"code": "FORBIDDEN"}}]}`)
	checkSubset(t, srv.Do(t, "POST", url, `{"collection": "orders", "keys": [1]}`, "Authorization", ""),
		http.StatusUnauthorized, `{"errors": [{"extensions": {"code": "UNAUTHORIZED"}}]}`)
	checkSubset(t, srv.Do(t, "GET", url, nil), http.StatusMethodNotAllowed, `{"errors": [{"extensions": {"code": "METHOD_NOT_ALLOWED"}}]}`)

	runs := waitRuns(t, srv, id, 1)
	checkJSONSubset(t, runs[0], `{"started_by": "manual", "status": "completed",
	  "trigger": {"method": "POST", "body": {"collection": "orders", "keys": [1, 2]}}}`)

	async := srv.CreateFlow(t, `{"name": "later", "trigger": "manual", "options": {"collections": ["orders"], "async": true},
	  "operations": [{"operation": "item-update", "options": {"collection": "orders", "keys": "{{$trigger.body.keys}}",
	    "payload": {"done": true}, "permissions": "$full"}}]}`)
	resp := srv.Do(t, "POST", "/flows/trigger/"+async, `{"collection": "orders", "keys": [3]}`)
	checkSubset(t, resp, http.StatusAccepted, `{"data": {"status": "queued"}}`)
	run, _ := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	if run["status"] != "completed" || run["started_by"] != "manual" {
		t.Fatalf("async manual run: %v", run)
	}
	check(t, srv.Do(t, "GET", "/items/orders/3", nil), 200, `{"data": {"id": 3, "total": 9, "done": true}}`)
}
