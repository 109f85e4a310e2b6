package tests

import (
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestFlowIDsInAnyCase: a flow id is a UUID, and a UUID written in upper
// case names the same flow on every route, as it does on the trigger URL.
func TestFlowIDsInAnyCase(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, `{"name": "f", "options": {"access": "public"},
		"operations": [{"id": "one", "operation": "transform", "options": {"json": {"n": 1}}}]}`)
	upper := strings.ToUpper(id)
	field := func(resp *hookflowtest.Response, name string) any {
		t.Helper()
		data := resp.Data(t)
		if list, ok := data.([]any); ok && len(list) > 0 {
			data = list[0]
		}
		obj, _ := data.(map[string]any)
		if resp.Status != 200 {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		return obj[name]
	}
	if got := field(srv.Do(t, "GET", "/flows/"+upper, nil), "id"); got != id {
		t.Errorf("GET /flows/<upper>: id %v", got)
	}
	if got := field(srv.Do(t, "PATCH", "/flows/"+upper, `{"name": "g"}`), "name"); got != "g" {
		t.Errorf("PATCH /flows/<upper>: name %v", got)
	}
	check(t, srv.Do(t, "POST", "/flows/trigger/"+upper, `{}`), 200, `{"data": {"n": 1}}`)
	if got := field(srv.Do(t, "GET", "/flows/"+upper+"/runs", nil), "flow"); got != id {
		t.Errorf("GET /flows/<upper>/runs: the run's flow is %v", got)
	}
	created := srv.Do(t, "POST", "/operations", `{"flow": "`+upper+`", "key": "two", "type": "log", "options": {"message": "m"}}`)
	if got := field(created, "flow"); got != id {
		t.Errorf("POST /operations with the flow in upper case: flow %v", got)
	}
	resp := srv.Do(t, "GET", "/operations?flow="+upper, nil)
	if ops, _ := resp.Data(t).([]any); resp.Status != 200 || len(ops) != 2 {
		t.Errorf("operations of the flow by its upper-case id: %d %s", resp.Status, resp.Body)
	}
	check(t, srv.Do(t, "DELETE", "/flows/"+upper, nil), 204, "")
	check(t, srv.Do(t, "GET", "/flows/"+id, nil), 404, "")
}
