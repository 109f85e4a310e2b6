package tests

import (
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestSelfTriggeringFlowStopsAtDepth: an action flow whose item-create
// raises its own event runs once per level of the chain, down to
// FLOWS_MAX_EVENT_DEPTH; the deepest run starts nothing and its record
// says which event it stopped.
func TestSelfTriggeringFlowStopsAtDepth(t *testing.T) {
	t.Parallel()
	for _, depth := range []int{5, 2} {
		srv := hookflowtest.New(t, func(c *hookflow.Config) {
			if depth != 5 {
				c.MaxEventDepth = depth
			}
		})
		id := srv.CreateFlow(t, `{"name": "echo", "trigger": "event", "options": {"scope": ["items.create"], "collections": ["loop"]},
		  "operations": [{"operation": "item-create", "options": {"collection": "loop", "permissions": "$full",
		    "payload": {"level": "{{$trigger.payload.level}}"}}}]}`)
		if r := srv.Do(t, "POST", "/items/loop", `{"level": 0}`); r.Status != 200 {
			t.Fatalf("write: %d %s", r.Status, r.Body)
		}
		runs := waitRuns(t, srv, id, depth)
		waitItems(t, srv, "loop", depth+1)
		for i, r := range runs {
			if r["event_depth"] != float64(i+1) || r["status"] != "completed" {
				t.Fatalf("depth %d: run %d: %v", depth, i, r)
			}
			stopped, has := r["stopped_events"]
			if i < depth-1 && has {
				t.Fatalf("depth %d: run %d at depth %d stopped events: %v", depth, i, i+1, stopped)
			}
			if i == depth-1 {
				checkJSONSubset(t, stopped, `[{"event": "items.create", "collection": "loop", "flows": ["`+id+`"], "count": 1}]`)
			}
		}
	}
}

// checkJSONSubset fails the test when got does not hold want (JSON text).
func checkJSONSubset(t *testing.T, got any, want string) {
	t.Helper()
	var w any
	mustJSON(t, want, &w)
	if diff := subsetJSON(w, got, "$"); diff != "" {
		t.Fatalf("%s\n got: %s", diff, toJSONText(got))
	}
}
