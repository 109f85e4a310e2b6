package tests

import (
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/hookflowtest"
)

func TestEmitAndSleepThroughServer(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	got := make(chan events.Event, 1)
	unsubscribe := srv.Hookflow.Events().Subscribe(func(n string) bool { return n == "report.generated" }, func(e events.Event) { got <- e })
	defer unsubscribe()
	id := srv.CreateFlow(t, map[string]any{
		"trigger": "webhook",
		"operations": []any{
			map[string]any{"id": "announce", "operation": "emit", "options": map[string]any{
				"event": "report.generated", "data": map[string]any{"report": "{{$trigger.report}}"},
			}},
			map[string]any{"id": "pause", "operation": "sleep", "options": map[string]any{"milliseconds": 10}},
		},
	})
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, map[string]any{"report": "daily"})
	if resp.Status != 200 || toJSONText(resp.Data(t)) != `{"data":{"report":"daily"},"event":"report.generated"}` {
		t.Fatalf("got %d %s", resp.Status, resp.Body)
	}
	select {
	case e := <-got:
		if toJSONText(e.Payload) != `{"report":"daily"}` || e.Accountability["user"] != "admin" {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event published")
	}
}

func TestSleepEndsAtTheSyncTimeout(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.SyncTimeout = 100 * time.Millisecond })
	id := srv.CreateFlow(t, map[string]any{
		"trigger":    "webhook",
		"operations": []any{map[string]any{"operation": "sleep", "options": map[string]any{"milliseconds": 60000}}},
	})
	start := time.Now()
	resp := srv.Do(t, "POST", "/flows/trigger/"+id, nil)
	if resp.Status != 504 || resp.ErrorCode(t) != "FLOW_TIMEOUT" || time.Since(start) > 10*time.Second {
		t.Fatalf("got %d %s after %s", resp.Status, resp.Body, time.Since(start))
	}
}
