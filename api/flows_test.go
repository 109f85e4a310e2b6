package api_test

import (
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

const simpleFlow = `{"name":"echo","options":{"return":"$last"},"operations":[
	{"id":"shape","operation":"transform","options":{"json":{"got":"{{$trigger.value}}"}}}]}`

func TestFlowsCRUD(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)

	created := srv.Do(t, http.MethodPost, "/flows", simpleFlow)
	expectStatus(t, created, http.StatusOK, "")
	flow := created.Data(t).(map[string]any)
	id := flow["id"].(string)
	if len(id) != 36 || flow["status"] != "active" || flow["trigger"] != "webhook" || flow["accountability"] != "all" {
		t.Fatalf("created flow = %v", flow)
	}
	ops := flow["operations"].([]any)
	if op := ops[0].(map[string]any); op["id"] != "shape" || op["key"] != "shape" || op["type"] != "transform" || op["flow"] != id {
		t.Fatalf("operation = %v", op)
	}

	got := srv.Do(t, http.MethodGet, "/flows/"+id, nil)
	expectStatus(t, got, http.StatusOK, "")
	list := srv.Do(t, http.MethodGet, "/flows", nil)
	if n := len(list.Data(t).([]any)); n != 1 {
		t.Fatalf("list has %d flows", n)
	}

	patched := srv.Do(t, http.MethodPatch, "/flows/"+id, `{"name":"renamed","status":"inactive"}`)
	expectStatus(t, patched, http.StatusOK, "")
	if p := patched.Data(t).(map[string]any); p["name"] != "renamed" || p["status"] != "inactive" || len(p["operations"].([]any)) != 1 || p["date_updated"] == nil {
		t.Fatalf("patched = %v", p)
	}
	expectStatus(t, srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{}`), http.StatusNotFound, "ROUTE_NOT_FOUND")

	replaced := srv.Do(t, http.MethodPut, "/flows/"+id, `{"name":"replaced","operations":[
		{"id":"a","operation":"transform","options":{"json":{"step":"a"}}},
		{"id":"b","operation":"transform","options":{"json":{"step":"b","prev":"{{a.step}}"}}}]}`)
	expectStatus(t, replaced, http.StatusOK, "")
	run := srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{}`)
	expectStatus(t, run, http.StatusOK, "")
	if d := run.Data(t).(map[string]any); d["step"] != "b" || d["prev"] != "a" {
		t.Fatalf("replaced flow ran %v", d)
	}

	expectStatus(t, srv.Do(t, http.MethodDelete, "/flows/"+id, nil), http.StatusNoContent, "")
	expectStatus(t, srv.Do(t, http.MethodGet, "/flows/"+id, nil), http.StatusNotFound, "NOT_FOUND")
	expectStatus(t, srv.Do(t, http.MethodPost, "/flows/trigger/"+id, `{}`), http.StatusNotFound, "ROUTE_NOT_FOUND")
	expectStatus(t, srv.Do(t, http.MethodDelete, "/flows/"+id, nil), http.StatusNotFound, "NOT_FOUND")
}

func TestCreateSeveralFlowsAtOnce(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	resp := srv.Do(t, http.MethodPost, "/flows", `[`+simpleFlow+`,`+simpleFlow+`]`)
	expectStatus(t, resp, http.StatusOK, "")
	if n := len(resp.Data(t).([]any)); n != 2 {
		t.Fatalf("created %d flows", n)
	}
	// One bad flow in an array stores none of them.
	bad := srv.Do(t, http.MethodPost, "/flows", `[`+simpleFlow+`,{"operations":[{"operation":"nope"}]}]`)
	expectStatus(t, bad, http.StatusBadRequest, "INVALID_PAYLOAD")
	if paths := errorPaths(t, bad); !contains(paths, "[1].operations[0].type") {
		t.Fatalf("paths = %v", paths)
	}
	if n := len(srv.Do(t, http.MethodGet, "/flows", nil).Data(t).([]any)); n != 2 {
		t.Fatalf("a rejected array stored flows: %d", n)
	}
}

func TestInvalidFlowReportsEveryFinding(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	resp := srv.Do(t, http.MethodPost, "/flows", `{
		"status": "paused",
		"options": {"method": "FETCH"},
		"operations": [
			{"id": "a", "operation": "teleport"},
			{"id": "a", "operation": "log", "resolve": "ghost"},
			{"id": "c", "operation": "condition", "options": {"filter": {"type": {"_equals": "x"}}}},
			{"id": "d", "operation": "transform", "options": {"json": {"x": "{{ $trigger.a "}}}
		]}`)
	expectStatus(t, resp, http.StatusBadRequest, "INVALID_PAYLOAD")
	paths := errorPaths(t, resp)
	for _, want := range []string{
		"status", "options.method", "operations[0].type", "operations[1].id", "operations[1].resolve",
		"operations[2].options.filter.type._equals", "operations[3].options.json.x",
	} {
		if !contains(paths, want) {
			t.Errorf("no finding at %s; got %v", want, paths)
		}
	}
	if n := len(srv.Do(t, http.MethodGet, "/flows", nil).Data(t).([]any)); n != 0 {
		t.Fatal("an invalid flow was stored")
	}
}

func TestFlowsAPIBadInput(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, simpleFlow)
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"malformed JSON", http.MethodPost, "/flows", `{"name":`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"empty body", http.MethodPost, "/flows", ``, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"not an object", http.MethodPost, "/flows", `"flow"`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"empty array", http.MethodPost, "/flows", `[]`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"neither a UUID nor a slug", http.MethodPost, "/flows", `{"id":"not a slug!"}`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"existing id", http.MethodPost, "/flows", `{"id":"` + id + `"}`, http.StatusConflict, "RECORD_NOT_UNIQUE"},
		{"changing the id", http.MethodPatch, "/flows/" + id, `{"id":"00000000-0000-4000-8000-000000000000"}`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"patch with an invalid graph", http.MethodPatch, "/flows/" + id, `{"operation":"ghost"}`, http.StatusBadRequest, "INVALID_PAYLOAD"},
		{"unknown flow", http.MethodGet, "/flows/00000000-0000-4000-8000-000000000000", ``, http.StatusNotFound, "NOT_FOUND"},
		{"patch unknown flow", http.MethodPatch, "/flows/00000000-0000-4000-8000-000000000000", `{}`, http.StatusNotFound, "NOT_FOUND"},
		{"wrong method", http.MethodPut, "/flows", `{}`, http.StatusMethodNotAllowed, "METHOD_NOT_ALLOWED"},
		{"unknown route", http.MethodGet, "/nowhere", ``, http.StatusNotFound, "ROUTE_NOT_FOUND"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body any
			if tc.body != "" {
				body = tc.body
			}
			expectStatus(t, srv.Do(t, tc.method, tc.path, body), tc.status, tc.code)
		})
	}
	// A rejected change leaves the flow as it was.
	if got := srv.Do(t, http.MethodGet, "/flows/"+id, nil).Data(t).(map[string]any); got["operation"] != "shape" {
		t.Fatalf("flow changed by a rejected patch: %v", got)
	}
}

func TestOversizedManagementBody(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	big := `{"name":"` + string(make([]byte, 0)) + repeat("x", 2<<20) + `"}`
	expectStatus(t, srv.Do(t, http.MethodPost, "/flows", big), http.StatusRequestEntityTooLarge, "REQUEST_TOO_LARGE")
}

func repeat(s string, n int) string {
	b := make([]byte, 0, n*len(s))
	for i := 0; i < n; i++ {
		b = append(b, s...)
	}
	return string(b)
}
