package webhooks_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
)

// messageIDs counts the requests per webhook-id, failing the test when a
// request carries none.
func messageIDs(t *testing.T, got []hookflowtest.Received) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for _, r := range got {
		id := r.Header.Get("webhook-id")
		if id == "" {
			t.Fatalf("a request without webhook-id: %v", r.Header)
		}
		ids[id]++
	}
	return ids
}

// TestEventsAreDeliveredOnceEach: deliveries committed by concurrent
// writers are handed to the dispatcher from memory and each is sent
// exactly once, to every subscription it is owed to.
func TestEventsAreDeliveredOnceEach(t *testing.T) {
	t.Parallel()
	b := setup(t)
	other := hookflowtest.NewReceiver(t)
	first := b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}})
	second := b.subscribe(t, &storage.Subscription{Events: []any{"*"}, URL: other.URL})

	const writers, each = 4, 25
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				b.emit(t, "report.generated", map[string]any{"writer": w, "n": i})
			}
		}()
	}
	wg.Wait()

	for _, rc := range []*hookflowtest.Receiver{b.rc, other} {
		got := rc.Wait(t, writers*each)
		rc.Quiet(t, writers*each)
		for id, n := range messageIDs(t, got) {
			if n != 1 {
				t.Fatalf("message %s sent %d times", id, n)
			}
		}
	}
	for _, sub := range []*storage.Subscription{first, second} {
		b.waitDeliveries(t, sub.ID, writers*each, storage.DeliverySucceeded, 1)
	}
}

// TestDeliveriesLeftInTheTableAreClaimed: deliveries the dispatcher was
// not handed (here inserted behind its back) are found by the periodic
// look at the table and claimed in batches, each sent once.
func TestDeliveriesLeftInTheTableAreClaimed(t *testing.T) {
	t.Parallel()
	b := setup(t)
	sub := b.subscribe(t, &storage.Subscription{Events: []any{"*"}})
	const n = 300 // several claims of at most 128
	rows := make([]*storage.Delivery, n)
	for i := range rows {
		id := fmt.Sprintf("evt_%03d", i)
		msg, err := json.Marshal(webhooks.Message{ID: id, Event: "report.generated", Payload: i, Time: epoch})
		if err != nil {
			t.Fatal(err)
		}
		rows[i] = &storage.Delivery{
			WebhookID:     sub.ID,
			MessageID:     id,
			Event:         "report.generated",
			Message:       msg,
			Status:        storage.DeliveryPending,
			NextAttemptAt: epoch.UnixMilli(),
			CreatedAt:     epoch,
			UpdatedAt:     epoch,
		}
	}
	if err := b.store.InsertDeliveries(b.ctx, rows); err != nil {
		t.Fatal(err)
	}

	// The dispatcher's periodic look, a minute after it last looked: the
	// clock moves until the first request arrives, since the dispatcher
	// may not have started waiting yet.
	for deadline := time.Now().Add(10 * time.Second); len(b.rc.Requests()) == 0 && time.Now().Before(deadline); {
		b.clock.Advance(time.Minute)
		time.Sleep(10 * time.Millisecond)
	}
	got := b.rc.Wait(t, n)
	b.rc.Quiet(t, n)
	ids := messageIDs(t, got)
	for _, row := range rows {
		if ids[row.MessageID] != 1 {
			t.Fatalf("message %s sent %d times", row.MessageID, ids[row.MessageID])
		}
	}
	b.waitDeliveries(t, sub.ID, n, storage.DeliverySucceeded, 1)
}

// TestConcurrencyIsPerWebhook: an endpoint that hangs holds at most
// Concurrency attempts, and other webhooks' deliveries go out meanwhile.
func TestConcurrencyIsPerWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *webhooks.Config) { c.Concurrency = 2 })
	g := newGate()
	b.rc.SetAnswer(func(_ int, r *http.Request) (int, http.Header) {
		g.hold(r)
		return http.StatusOK, nil
	})
	fast := hookflowtest.NewReceiver(t)
	slow := b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}})
	b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}, URL: fast.URL})

	const events = 6
	for i := range events {
		b.emit(t, "report.generated", i)
	}
	fast.Wait(t, events)
	b.rc.Wait(t, 2)
	b.rc.Quiet(t, 2)
	if g.most() != 2 {
		t.Fatalf("%d attempts held at once, want 2", g.most())
	}

	g.release()
	b.rc.Wait(t, events)
	b.waitDeliveries(t, slow.ID, events, storage.DeliverySucceeded, 1)
	if g.most() != 2 {
		t.Fatalf("%d attempts held at once, want 2", g.most())
	}
}

// TestClaimedDeliveriesSurviveACrash: attempts cut short by a crash are
// not recorded; after the restart those deliveries are attempted again
// with the same webhook-id, and a delivery waiting for its retry is
// attempted when it is due, not at the restart.
func TestClaimedDeliveriesSurviveACrash(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := newGate()
	b.rc.SetAnswer(func(n int, r *http.Request) (int, http.Header) {
		if n <= 3 {
			g.hold(r)
		}
		return http.StatusOK, nil
	})
	retrying := hookflowtest.NewReceiver(t)
	retrying.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n == 1 {
			return http.StatusInternalServerError, nil
		}
		return http.StatusOK, nil
	})
	held := b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}})
	later := b.subscribe(t, &storage.Subscription{Events: []any{"audit.*"}, URL: retrying.URL})
	for i := range 3 {
		b.emit(t, "report.generated", i)
	}
	b.emit(t, "audit.logged", nil)
	before := b.rc.Wait(t, 3)
	retrying.Wait(t, 1)
	b.waitDelivery(t, later.ID, storage.DeliveryPending, 1)

	b.crash(t)
	after := b.rc.Wait(t, 6)[3:]
	first, again := messageIDs(t, before), messageIDs(t, after)
	if len(first) != 3 || fmt.Sprint(first) != fmt.Sprint(again) {
		t.Fatalf("sent %v before the crash, %v after", first, again)
	}
	// Succeeded after one attempt: the attempts the crash cut are not
	// recorded.
	b.waitDeliveries(t, held.ID, 3, storage.DeliverySucceeded, 1)

	retrying.Quiet(t, 1)
	b.clock.Advance(5 * time.Second)
	retrying.Wait(t, 2)
	b.waitDelivery(t, later.ID, storage.DeliverySucceeded, 2)
}
