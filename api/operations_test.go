package api_test

import (
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestDirectusSDKSequence creates a flow the way the Directus SDK does:
// createFlow without operations, createOperation for each node (the last
// one first, so edges can name it), then updateFlow with the root.
func TestDirectusSDKSequence(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	flowID := srv.CreateFlow(t, `{"name":"sdk","status":"active","trigger":"webhook","options":{"method":"POST"}}`)

	second := srv.Do(t, http.MethodPost, "/operations", `{"flow":"`+flowID+`","key":"respond","type":"transform",
		"options":{"json":{"hello":"{{$trigger.name}}","checked":"{{check.name}}"}},"position_x":20,"position_y":1}`)
	expectStatus(t, second, http.StatusOK, "")
	secondID := second.Data(t).(map[string]any)["id"].(string)
	if len(secondID) != 36 {
		t.Fatalf("operation id %q is not a UUID", secondID)
	}
	first := srv.Do(t, http.MethodPost, "/operations", `{"flow":"`+flowID+`","key":"check","type":"condition",
		"options":{"filter":{"name":{"_nempty":true}}},"resolve":"`+secondID+`"}`)
	expectStatus(t, first, http.StatusOK, "")
	firstID := first.Data(t).(map[string]any)["id"].(string)
	expectStatus(t, srv.Do(t, http.MethodPatch, "/flows/"+flowID, `{"operation":"`+firstID+`"}`), http.StatusOK, "")

	run := srv.Do(t, http.MethodPost, "/flows/trigger/"+flowID, `{"name":"Ada"}`)
	expectStatus(t, run, http.StatusOK, "")
	if d := run.Data(t).(map[string]any); d["hello"] != "Ada" || d["checked"] != "Ada" {
		t.Fatalf("run = %v", d)
	}

	// Operations are listed and read in the Directus shape.
	list := srv.Do(t, http.MethodGet, "/operations?flow="+flowID, nil).Data(t).([]any)
	if len(list) != 2 {
		t.Fatalf("operations = %v", list)
	}
	op := srv.Do(t, http.MethodGet, "/operations/"+firstID, nil).Data(t).(map[string]any)
	if op["key"] != "check" || op["type"] != "condition" || op["resolve"] != secondID || op["flow"] != flowID {
		t.Fatalf("operation = %v", op)
	}

	// PATCH changes one operation; the plan is recompiled.
	patched := srv.Do(t, http.MethodPatch, "/operations/"+secondID, `{"options":{"json":{"hello":"again {{$trigger.name}}"}}}`)
	expectStatus(t, patched, http.StatusOK, "")
	run = srv.Do(t, http.MethodPost, "/flows/trigger/"+flowID, `{"name":"Ada"}`)
	if d := run.Data(t).(map[string]any); d["hello"] != "again Ada" {
		t.Fatalf("after patch: %v", d)
	}

	// Invalid changes are refused with findings pointing into the flow.
	bad := srv.Do(t, http.MethodPatch, "/operations/"+firstID, `{"options":{"filter":{"name":{"_bogus":1}}}}`)
	expectStatus(t, bad, http.StatusBadRequest, "INVALID_PAYLOAD")
	if paths := errorPaths(t, bad); !hasPrefix(paths, "operations[1].options.filter") {
		t.Fatalf("paths = %v", paths)
	}
	expectStatus(t, srv.Do(t, http.MethodPatch, "/operations/"+firstID, `{"resolve":"ghost"}`), http.StatusBadRequest, "INVALID_PAYLOAD")
	expectStatus(t, srv.Do(t, http.MethodPost, "/operations", `{"type":"log"}`), http.StatusBadRequest, "INVALID_PAYLOAD")
	expectStatus(t, srv.Do(t, http.MethodPost, "/operations", `{"flow":"00000000-0000-4000-8000-000000000000","type":"log"}`), http.StatusBadRequest, "INVALID_PAYLOAD")

	// Deleting an operation clears edges pointing at it.
	expectStatus(t, srv.Do(t, http.MethodDelete, "/operations/"+secondID, nil), http.StatusNoContent, "")
	op = srv.Do(t, http.MethodGet, "/operations/"+firstID, nil).Data(t).(map[string]any)
	if op["resolve"] != nil {
		t.Fatalf("edge to a deleted operation kept: %v", op)
	}
	expectStatus(t, srv.Do(t, http.MethodGet, "/operations/"+secondID, nil), http.StatusNotFound, "NOT_FOUND")

	// Deleting the flow deletes its operations.
	expectStatus(t, srv.Do(t, http.MethodDelete, "/flows/"+flowID, nil), http.StatusNoContent, "")
	expectStatus(t, srv.Do(t, http.MethodGet, "/operations/"+firstID, nil), http.StatusNotFound, "NOT_FOUND")
}

func TestSeedOperationIDsRepeatAcrossFlows(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	a := srv.CreateFlow(t, `{"operations":[{"id":"validate","operation":"log"}]}`)
	srv.CreateFlow(t, `{"operations":[{"id":"validate","operation":"log"}]}`)
	expectStatus(t, srv.Do(t, http.MethodGet, "/operations/validate", nil), http.StatusConflict, "AMBIGUOUS_ID")
	got := srv.Do(t, http.MethodGet, "/operations/validate?flow="+a, nil)
	expectStatus(t, got, http.StatusOK, "")
	if got.Data(t).(map[string]any)["flow"] != a {
		t.Fatal("?flow= did not pick the flow")
	}
}
