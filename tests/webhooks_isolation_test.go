package tests

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestHangingEndpointDoesNotDelayOthers: an endpoint that never answers
// holds at most its concurrency cap of attempts, and another webhook of
// the same events is served at once.
func TestHangingEndpointDoesNotDelayOthers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	var open, most atomic.Int32
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := open.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		open.Add(-1)
	}))
	defer hanging.Close()
	defer close(release) // before Close: let the hanging requests end
	fast := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback, func(c *hookflow.Config) {
		c.Webhooks.Concurrency = 4
		c.Webhooks.Timeout = time.Minute
	})
	createWebhook(t, srv, map[string]any{"name": "hangs", "actions": "create", "collections": "orders", "url": hanging.URL})
	createWebhook(t, srv, map[string]any{"name": "fast", "actions": "create", "collections": "orders", "url": fast.URL})

	const items = 40
	start := time.Now()
	for i := 0; i < items; i++ {
		check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	}
	fast.Wait(t, items)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("the fast endpoint got its %d deliveries after %s", items, d)
	}
	time.Sleep(100 * time.Millisecond)
	if n := most.Load(); n != 4 {
		t.Fatalf("the hanging endpoint had %d requests open at once, want its cap of 4", n)
	}
}
