package tests

import (
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestReplayOfAnEventRun: replaying an action flow's run queues a run that
// says it replays it and was started by the same event.
func TestReplayOfAnEventRun(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	id := srv.CreateFlow(t, auditFlow)
	if r := srv.Do(t, "POST", "/items/orders", `{"id": 1, "total": 3}`); r.Status != http.StatusOK {
		t.Fatalf("write: %d %s", r.Status, r.Body)
	}
	first := waitRuns(t, srv, id, 1)[0]
	resp := srv.Do(t, "POST", "/flows/runs/"+first["id"].(string)+"/replay", nil)
	if resp.Status != http.StatusAccepted {
		t.Fatalf("replay: %d %s", resp.Status, resp.Body)
	}
	run, _ := srv.WaitRun(t, resp.Header.Get("X-Run-Id"))
	checkJSONSubset(t, run, `{"status": "completed", "started_by": "event", "event": "items.create", "event_depth": 1,
	  "replay_of": "`+first["id"].(string)+`", "trigger": {"event": "items.create", "key": 1}}`)
	waitItems(t, srv, "audit", 2)
}
