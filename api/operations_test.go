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

// TestListsTakeQueryParameters: the Directus SDK reads a flow's operations
// with filter[flow][_eq]=<id> (readOperations({filter})) and narrows flow
// lists with filter and fields; a filter must never be ignored.
func TestListsTakeQueryParameters(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	a := srv.CreateFlow(t, `{"name":"first","operations":[{"id":"a1","operation":"log"},{"id":"a2","operation":"log"}]}`)
	b := srv.CreateFlow(t, `{"name":"second","status":"inactive","operations":[{"id":"b1","operation":"log"}]}`)

	for _, path := range []string{
		"/operations?filter[flow][_eq]=" + a,
		`/operations?filter={"flow":{"_eq":"` + a + `"}}`,
		"/operations?flow=" + a,
	} {
		list := srv.Do(t, http.MethodGet, path, nil).Data(t).([]any)
		if len(list) != 2 {
			t.Fatalf("%s: %d operations, want the 2 of flow %s: %v", path, len(list), a, list)
		}
		for _, op := range list {
			if op.(map[string]any)["flow"] != a {
				t.Fatalf("%s: operation of another flow: %v", path, op)
			}
		}
	}
	if list := srv.Do(t, http.MethodGet, "/operations?filter[key][_eq]=b1&fields=id,flow", nil).Data(t).([]any); len(list) != 1 ||
		len(list[0].(map[string]any)) != 2 || list[0].(map[string]any)["flow"] != b {
		t.Fatalf("operations by key with fields = %v", list)
	}

	list := srv.Do(t, http.MethodGet, "/flows?filter[status][_eq]=inactive&fields=id,name", nil).Data(t).([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != b || len(list[0].(map[string]any)) != 2 {
		t.Fatalf("inactive flows = %v", list)
	}
	meta := srv.Do(t, http.MethodGet, "/flows?sort=-name&limit=1&meta=total_count", nil).JSON(t)
	if d := meta["data"].([]any); len(d) != 1 || d[0].(map[string]any)["name"] != "second" ||
		meta["meta"].(map[string]any)["total_count"] != float64(2) {
		t.Fatalf("sorted, limited flows = %v", meta)
	}
	expectStatus(t, srv.Do(t, http.MethodGet, "/flows?filter[name][_bogus]=x", nil), http.StatusBadRequest, "")
	expectStatus(t, srv.Do(t, http.MethodGet, "/operations?aggregate[count]=*", nil), http.StatusBadRequest, "")
}
