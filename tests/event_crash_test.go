package tests

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
)

// TestEventRunsSurviveKill9 starts the real binary, acknowledges item
// writes whose action flow's runs are still queued, kills the process
// with SIGKILL, starts it again on the same database and checks that the
// flow ran for every acknowledged write.
func TestEventRunsSurviveKill9(t *testing.T) {
	db := hookflowtest.NewDatabase(t)
	server := runServer(t, buildServer(t, t.TempDir()), append(db.Env(), "FLOWS_WORKERS=2")...)
	base := server.base

	var created struct{ Data struct{ ID string } }
	status := post(t, base+"/flows", `{"name": "audit", "trigger": "event",
	  "options": {"type": "action", "scope": ["items.create"], "collections": ["orders"]},
	  "operations": [{"operation": "sleep", "options": {"milliseconds": 20}},
	    {"operation": "item-create", "options": {"collection": "audit", "permissions": "$full",
	      "payload": {"order": "{{$trigger.key}}"}}}]}`, &created)
	if status != 200 {
		t.Fatalf("create flow: %d", status)
	}
	const writes = 200
	postOrders(t, base, writes)
	server.kill9()

	pending := readStopped(t, db.StoreConfig(), (*storage.Store).CountUnfinishedRuns)
	if pending == 0 {
		t.Fatal("every event run finished before the kill: the test did not exercise recovery (slow the flow down)")
	}
	t.Logf("at the kill, %d of %d event runs were queued or running", pending, writes)

	server.restart()
	// On PostgreSQL the runs the killed server held are claimed again when
	// their 30 s leases expire; on SQLite at once.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var audit struct{ Data []struct{ Order any } }
		get(t, base+"/items/audit?limit=-1&fields=order", &audit)
		orders := map[string]bool{}
		for _, a := range audit.Data {
			orders[fmt.Sprint(a.Order)] = true
		}
		if len(orders) == writes {
			t.Logf("after the restart the flow had run for all %d writes (%d audit items: %d runs repeated after the kill)",
				writes, len(audit.Data), len(audit.Data)-writes)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the flow ran for %d of %d writes", len(orders), writes)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
