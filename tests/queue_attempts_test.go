package tests

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
)

// TestQueuedRunAttemptsAreBounded leaves two runs "running" in the
// database, as a server that crashed while running them would: one that has
// started as often as a run may (it is failed with RUN_ABANDONED, not run
// again) and one with an attempt left (it runs to completion).
func TestQueuedRunAttemptsAreBounded(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	useFile := db.Use

	first := hookflowtest.New(t, useFile)
	flowID := first.CreateFlow(t, `{"options": {"async": true, "access": "public"},
		"operations": [{"id": "echo", "operation": "transform", "options": {"json": {"n": "{{$trigger.body.n}}"}}}]}`)
	first.Close()
	if err := first.Hookflow.Close(); err != nil {
		t.Fatal(err)
	}

	// What a crash leaves: runs marked running, their input still stored.
	ctx := context.Background()
	store, err := storage.Open(ctx, db.StoreConfig())
	if err != nil {
		t.Fatal(err)
	}
	crashed := func(id string, attempts int) {
		now := time.Now().UTC()
		doc := &storage.RunRecord{
			ID: id, Flow: flowID, Status: storage.RunRunning, Async: true,
			CreatedAt: now, StartedAt: &now, Attempts: attempts,
		}
		req := triggers.Request{FlowID: flowID, Trigger: map[string]any{"body": map[string]any{"n": attempts}}}
		if err := store.RecordRunDurably(ctx, storage.NewRun(doc, req)); err != nil {
			t.Fatal(err)
		}
	}
	abandoned, retried := triggers.NewRunID(), triggers.NewRunID()
	crashed(abandoned, triggers.DefaultMaxAttempts)
	crashed(retried, triggers.DefaultMaxAttempts-1)
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}

	second := hookflowtest.New(t, useFile)
	finished := func(id string) map[string]any {
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp := second.Do(t, http.MethodGet, "/flows/runs/"+id, nil)
			run, _ := resp.Data(t).(map[string]any)
			if s := run["status"]; s == storage.RunCompleted || s == storage.RunFailed {
				return run
			}
			if time.Now().After(deadline) {
				t.Fatalf("run %s did not finish: %s", id, resp.Body)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	run := finished(abandoned)
	runErr, _ := run["error"].(map[string]any)
	if run["status"] != storage.RunFailed || runErr["code"] != "RUN_ABANDONED" || run["steps"] != nil {
		t.Errorf("run out of attempts: want failed RUN_ABANDONED without steps, got %v", run)
	}
	run = finished(retried)
	result, _ := run["result"].(map[string]any)
	if run["status"] != storage.RunCompleted || result["n"] != float64(triggers.DefaultMaxAttempts-1) ||
		run["attempts"] != float64(triggers.DefaultMaxAttempts) {
		t.Errorf("run with an attempt left: want completed with n=%d on attempt %d, got %v",
			triggers.DefaultMaxAttempts-1, triggers.DefaultMaxAttempts, run)
	}
}
