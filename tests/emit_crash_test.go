package tests

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestEmittedEventsSurviveKill9 starts the real binary, calls a flow whose
// emit step announces an event a webhook subscribes to from several
// clients at once, kills the process with SIGKILL while calls are still
// arriving, starts it again on the same database and checks that every
// event whose call was answered 200 before the kill is delivered, always
// under the same webhook-id.
func TestEmittedEventsSurviveKill9(t *testing.T) {
	receiver := newIDReceiver(t, 5*time.Millisecond, func(body []byte) string {
		var msg struct{ Data struct{ N any } }
		_ = json.Unmarshal(body, &msg)
		return fmt.Sprint(msg.Data.N)
	})

	dir := t.TempDir()
	server := runServer(t, buildServer(t, dir), "DB_FILENAME="+filepath.Join(dir, "data", "hookflow.db"), "OUTBOUND_ALLOW_CIDRS=127.0.0.0/8",
		"WEBHOOKS_CONCURRENCY=2")
	base := server.base

	var hook map[string]any
	if status := post(t, base+"/api/v1/webhooks", fmt.Sprintf(`{"url": %q, "events": ["order.received"]}`, receiver.URL), &hook); status != http.StatusCreated {
		t.Fatalf("create webhook: %d %v", status, hook)
	}
	var flow struct{ Data struct{ ID string } }
	if status := post(t, base+"/flows", `{"accountability": null, "options": {"access": "public"}, "operations": [
		{"id": "announce", "operation": "emit", "options": {"event": "order.received", "data": {"n": "{{$trigger.n}}"}}}]}`, &flow); status != http.StatusOK {
		t.Fatalf("upload flow: %d", status)
	}

	// Callers emit until the kill, which comes while calls are in flight.
	const callers, killAfter = 8, 600
	var (
		next, answered atomic.Int64
		ackMu          sync.Mutex
		acked          []string
		wg             sync.WaitGroup
		killed         = make(chan struct{})
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := fmt.Sprint(next.Add(1))
				resp, err := client.Post(base+"/flows/trigger/"+flow.Data.ID, "application/json", strings.NewReader(`{"n": `+n+`}`))
				if err != nil {
					return // the server is gone: this call was never answered
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("call %s: %d", n, resp.StatusCode)
					return
				}
				ackMu.Lock()
				acked = append(acked, n)
				ackMu.Unlock()
				if answered.Add(1) == killAfter {
					_ = server.Process.Signal(syscall.SIGKILL)
					close(killed)
				}
			}
		}()
	}
	select {
	case <-killed:
	case <-time.After(2 * time.Minute):
		t.Fatal("the calls did not reach the kill")
	}
	wg.Wait()
	_, _ = server.Process.Wait()
	before, _ := receiver.arrived()
	t.Logf("%d calls answered before the kill; %d events had been delivered", len(acked), before)
	if before >= len(acked) {
		t.Fatal("every event was delivered before the kill: the test did not exercise recovery (slow the receiver down)")
	}

	server.restart()
	deadline := time.Now().Add(time.Minute)
	for {
		missing := receiver.missing(acked)
		if len(missing) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged events never arrived (e.g. %v)", len(missing), len(acked), missing[:min(5, len(missing))])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
