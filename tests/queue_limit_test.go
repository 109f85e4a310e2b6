package tests

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/operations"
	_ "github.com/mattn/go-sqlite3"
)

// holdOp is the "hold" operation: it waits until its channel is closed (or
// the run is cancelled), so that runs stay queued behind it.
type holdOp struct{ release chan struct{} }

func (o holdOp) Prepare(operations.Prepare) (operations.Step, error) { return o, nil }

func (o holdOp) Run(ctx context.Context, in operations.Input) (any, error) {
	select {
	case <-o.release:
		return "released", nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// heldServer is a server whose async flow "hold" keeps its runs until
// release is closed.
func heldServer(t *testing.T, options ...func(*hookflow.Config)) (*hookflowtest.Server, string, chan struct{}) {
	t.Helper()
	release := make(chan struct{})
	options = append(options, func(c *hookflow.Config) {
		c.Operations = map[string]operations.Operation{"hold": holdOp{release}}
	})
	srv := hookflowtest.New(t, options...)
	// Cleanups run last first: the held runs end before the server closes.
	t.Cleanup(func() {
		select {
		case <-release:
		default:
			close(release)
		}
	})
	id := srv.CreateFlow(t, `{"name": "held", "options": {"async": true, "access": "public"},
		"operations": [{"id": "hold", "operation": "hold"}]}`)
	return srv, "/flows/trigger/" + id, release
}

func TestAsyncTriggerAnswersQueueFull(t *testing.T) {
	t.Parallel()
	srv, url, release := heldServer(t, func(c *hookflow.Config) { c.QueueLimit, c.Workers = 2, 1 })
	for i := 0; i < 2; i++ {
		if resp := srv.Do(t, "POST", url, map[string]any{"n": i}); resp.Status != http.StatusAccepted {
			t.Fatalf("run %d: %d %s", i, resp.Status, resp.Body)
		}
	}
	resp := srv.Do(t, "POST", url, map[string]any{"n": 2})
	if resp.Status != http.StatusServiceUnavailable || resp.ErrorCode(t) != "QUEUE_FULL" || resp.Header.Get("Retry-After") != "5" {
		t.Fatalf("a run past FLOWS_QUEUE_LIMIT: want 503 QUEUE_FULL with Retry-After, got %d %v %s",
			resp.Status, resp.Header, resp.Body)
	}
	flowID := strings.TrimPrefix(url, "/flows/trigger/")
	if list := srv.Do(t, "GET", "/flows/"+flowID+"/runs", nil).Data(t).([]any); len(list) != 2 {
		t.Fatalf("the refused run is not stored: %d runs", len(list))
	}
	close(release)
	waitFor(t, func() bool {
		list := srv.Do(t, "GET", "/flows/"+flowID+"/runs?status=completed", nil).Data(t).([]any)
		return len(list) == 2
	}, "the queued runs to finish")
	if resp := srv.Do(t, "POST", url, map[string]any{"n": 3}); resp.Status != http.StatusAccepted {
		t.Fatalf("once runs finished the queue takes runs again: %d %s", resp.Status, resp.Body)
	}
}

// TestQueuedRunStoresItsBodyOnce queues a 1 MB request and measures what
// its run takes in the database: the body once, as sent, and little else.
func TestQueuedRunStoresItsBodyOnce(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	srv, url, _ := heldServer(t, func(c *hookflow.Config) { db.Use(c); c.Workers = 1 })
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; sb.Len() < 1_000_000-200; i++ {
		if i > 0 {
			sb.WriteString(",")
		}
		fmt.Fprintf(&sb, `"k%05d": "%s"`, i, strings.Repeat("v", 110))
	}
	body := sb.String() + "}"
	// The first run holds the only worker; the second stays queued.
	srv.Do(t, "POST", url, `{"first": true}`)
	resp := srv.Do(t, "POST", url, body)
	if resp.Status != http.StatusAccepted {
		t.Fatalf("queue: %d %.200s", resp.Status, resp.Body)
	}
	id := resp.Data(t).(map[string]any)["id"].(string)

	// Read the row as it is stored (the server holds a SQLite file's lock,
	// not SQLite's).
	var status string
	var record, input, stored int
	var sent []byte
	err := db.SQL(t).QueryRow(`SELECT status, length(record), length(input), length(request_body), request_body FROM runs WHERE id = $1`, id).
		Scan(&status, &record, &input, &stored, &sent)
	if err != nil {
		t.Fatal(err)
	}
	total := record + input + stored
	t.Logf("%d-byte request: %d bytes stored (record %d, input %d, body %d)", len(body), total, record, input, stored)
	// The row may already be claimed into the worker's prefetch (running,
	// with a lease); it reads as queued until its worker starts it.
	if (status != "queued" && status != "running") || string(sent) != body || total > len(body)+len(body)/10 {
		t.Fatalf("a queued run should keep its body once, as sent: status %s, %d bytes stored for a %d-byte body",
			status, total, len(body))
	}
	// The record still reads as a queued run's.
	run := srv.Do(t, "GET", "/flows/runs/"+id, nil).Data(t).(map[string]any)
	if run["status"] != "queued" || run["trigger"].(map[string]any)["method"] != "POST" {
		t.Fatalf("queued record %.300v", run)
	}
}
