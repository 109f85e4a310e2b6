package tests

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
)

// TestDeliveriesSurviveKill9 starts the real binary, acknowledges item
// writes whose webhook deliveries are still queued, kills the process with
// SIGKILL in the middle of delivering, starts it again on the same
// database and checks that every acknowledged write's delivery arrives at
// least once, always under the same webhook-id.
func TestDeliveriesSurviveKill9(t *testing.T) {
	receiver := newIDReceiver(t, 10*time.Millisecond, func(body []byte) string {
		var payload struct{ Key any }
		_ = json.Unmarshal(body, &payload)
		return fmt.Sprint(payload.Key)
	})

	db := hookflowtest.NewDatabase(t)
	server := runServer(t, buildServer(t, t.TempDir()), append(db.Env(), "OUTBOUND_ALLOW_CIDRS=127.0.0.0/8", "WEBHOOKS_CONCURRENCY=2")...)
	base := server.base

	var hook struct{ Data struct{ ID int } }
	if status := post(t, base+"/webhooks", fmt.Sprintf(`{"name": "crash", "actions": "create", "collections": "orders", "url": %q}`, receiver.URL), &hook); status != 200 {
		t.Fatalf("create webhook: %d", status)
	}
	const writes = 300
	postOrders(t, base, writes)
	server.kill9()
	before, _ := receiver.arrived()

	pending := readStopped(t, db.StoreConfig(), func(store *storage.Store, ctx context.Context) (int64, error) {
		_, pending, err := store.ListDeliveries(ctx, storage.DeliveryFilter{Status: storage.DeliveryPending})
		return pending, err
	})
	if pending == 0 {
		t.Fatal("every delivery was made before the kill: the test did not exercise recovery (slow the receiver down)")
	}
	t.Logf("at the kill, %d of %d deliveries had arrived and %d were pending", before, writes, pending)

	server.restart()
	deadline := time.Now().Add(time.Minute)
	for {
		got, total := receiver.arrived()
		if got == writes {
			t.Logf("after the restart all %d arrived (%d requests: %d sent twice)", writes, total, total-writes)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d deliveries arrived", got, writes)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for {
		var list struct{ Meta struct{ Total int } }
		get(t, fmt.Sprintf("%s/webhooks/%d/deliveries?status=pending", base, hook.Data.ID), &list)
		if list.Meta.Total == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries still pending", list.Meta.Total)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
