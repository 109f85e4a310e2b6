package tests

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	_ "github.com/mattn/go-sqlite3"
)

// TestDeletingAWebhookRemovesItsLog: once DELETE /webhooks/{id} answers,
// nothing more is delivered for the webhook and its log is gone from
// every listing; its delivery and attempt rows are removed from the
// database shortly after, in the background, while another webhook's log
// stays whole.
func TestDeletingAWebhookRemovesItsLog(t *testing.T) {
	t.Parallel()
	db := hookflowtest.NewDatabase(t)
	gone, other := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback, db.Use)
	hook := createWebhook(t, srv, map[string]any{"name": "gone", "actions": "create", "collections": "orders", "url": gone.URL})
	kept := createWebhook(t, srv, map[string]any{"name": "kept", "actions": "create", "collections": "orders", "url": other.URL})
	const writes = 30
	for i := range writes {
		check(t, srv.Do(t, "POST", "/items/orders", fmt.Sprintf(`{"n": %d}`, i)), 200, "")
	}
	gone.Wait(t, writes)
	other.Wait(t, writes)
	waitDeliveries(t, srv, hook, func(l []any) bool { return len(l) == writes })

	if r := srv.Do(t, "DELETE", webhookPath(hook, ""), nil); r.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.Status, r.Body)
	}
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	other.Wait(t, writes+1)
	gone.Quiet(t, writes)
	if r := srv.Do(t, "GET", webhookPath(hook, "/deliveries"), nil); r.Status != http.StatusNotFound {
		t.Fatalf("deliveries of a deleted webhook: %d %s", r.Status, r.Body)
	}
	calls := srv.Do(t, "GET", fmt.Sprintf("/webhook_calls?filter[fields][webhook_id][eq]=%v", hook["id"]), nil, "X-Api-Version", "2")
	check(t, calls, 200, `{"data": [], "meta": {"total_count": 0}}`)
	waitDeliveries(t, srv, kept, func(l []any) bool { return len(l) == writes+1 })

	conn := db.SQL(t)
	count := func(query string, args ...any) int {
		var n int
		if err := conn.QueryRow(query, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		deliveries := count(`SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = $1`, hook["id"])
		attempts := count(`SELECT COUNT(*) FROM webhook_attempts WHERE webhook_id = $1`, hook["id"])
		if deliveries == 0 && attempts == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries and %d attempts of the deleted webhook remain", deliveries, attempts)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := count(`SELECT COUNT(*) FROM webhook_attempts WHERE webhook_id = $1`, kept["id"]); n != writes+1 {
		t.Fatalf("the other webhook has %d attempts left, want %d", n, writes+1)
	}
}
