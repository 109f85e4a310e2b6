package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
)

// TestQueuedRunsSurviveKill9 starts the real binary, queues async runs,
// kills the process with SIGKILL while runs are still waiting, starts it
// again on the same database and checks that every acknowledged run
// completes.
func TestQueuedRunsSurviveKill9(t *testing.T) {
	db := hookflowtest.NewDatabase(t)
	server := runServer(t, buildServer(t, t.TempDir()), append(db.Env(), "FLOWS_WORKERS=1", "FLOWS_MAX_STEPS=100000")...)
	base := server.base

	// A flow slow enough (a few ms per run, one worker) that runs queue up.
	ops := make([]string, 3000)
	for i := range ops {
		ops[i] = fmt.Sprintf(`{"id":"s%d","operation":"transform","options":{"json":{"i":%d,"n":"{{$trigger.n}}"}}}`, i, i)
	}
	flow := `{"accountability":"activity","options":{"async":true,"access":"public"},"operations":[` + strings.Join(ops, ",") + `]}`
	var created struct{ Data struct{ ID string } }
	if status := post(t, base+"/flows", flow, &created); status != http.StatusOK {
		t.Fatalf("upload: %d", status)
	}

	const runs = 400
	ids := make([]string, 0, runs)
	for i := 0; i < runs; i++ {
		var queued struct{ Data struct{ ID, Status string } }
		status := post(t, base+"/flows/trigger/"+created.Data.ID, fmt.Sprintf(`{"n":%d}`, i), &queued)
		if status != http.StatusAccepted || queued.Data.Status != "queued" {
			t.Fatalf("run %d: %d %+v", i, status, queued)
		}
		ids = append(ids, queued.Data.ID)
	}
	server.kill9()

	// The database, read directly while the server is down.
	left := readStopped(t, db.StoreConfig(), (*storage.Store).UnfinishedRuns)
	if len(left) == 0 {
		t.Fatal("every run finished before the kill: the test did not exercise recovery (make the flow slower)")
	}
	t.Logf("%d of %d acknowledged runs were unfinished at the kill", len(left), runs)

	server.restart()
	deadline := time.Now().Add(2 * time.Minute)
	for _, id := range ids {
		for {
			var run struct{ Data struct{ Status string } }
			get(t, base+"/flows/runs/"+id, &run)
			if run.Data.Status == "completed" {
				break
			}
			if run.Data.Status == "failed" || time.Now().After(deadline) {
				t.Fatalf("run %s: status %q after restart", id, run.Data.Status)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}
