package storage

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/events"
)

// testOutbox queues one delivery per item event of "orders", and one per
// other event whose name starts with "report.", for webhook 1.
type testOutbox struct {
	mu         sync.Mutex
	committing int
	committed  [][]*Delivery
}

func (o *testOutbox) ItemDeliveries(events []ItemEvent) []*Delivery {
	var rows []*Delivery
	for _, e := range events {
		if e.Collection == "orders" {
			rows = append(rows, &Delivery{
				WebhookID: 1, MessageID: "m" + e.Action + itemKeyText(e.Keys), Event: e.Action,
				Message: []byte(`{}`), NextAttemptAt: 1, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC(),
			})
		}
	}
	return rows
}

func (o *testOutbox) EventDeliveries(e *events.Event) []*Delivery {
	if !strings.HasPrefix(e.Name, "report.") {
		return nil
	}
	now := time.Now().UTC()
	return []*Delivery{{
		WebhookID: 1, MessageID: "m" + e.Name, Event: e.Name, Message: []byte(`{}`), NextAttemptAt: 1,
		CreatedAt: now, UpdatedAt: now,
	}}
}

func itemKeyText(keys []any) string {
	k, _ := itemKey(keys[0])
	return k
}

func (o *testOutbox) DeliveriesCommitting() {
	o.mu.Lock()
	o.committing++
	o.mu.Unlock()
}

func (o *testOutbox) DeliveriesCommitted(rows []*Delivery) {
	o.mu.Lock()
	o.committed = append(o.committed, rows)
	o.mu.Unlock()
}

func TestOutboxQueuesDeliveriesInTheWriteTransaction(t *testing.T) {
	t.Parallel()
	outbox := &testOutbox{}
	s := openTestStore(t, func(c *Config) { c.Outbox = outbox })
	ctx := context.Background()
	// Webhook 1, which the outbox queues for (listings leave out the
	// deliveries of webhooks that do not exist).
	name := "orders"
	if err := s.CreateSubscriptions(ctx, []*Subscription{{
		Name: &name, URL: "https://example.com", Method: "POST",
		Status: "active", Secret: "s", Format: "generic",
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 1}, {"id": 2}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	// A failing write (an id in use) queues nothing; a quiet one neither.
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 3}, {"id": 1}}, WriteOptions{}); !errors.Is(err, ErrConflict) {
		t.Fatalf("duplicate id: %v", err)
	}
	if _, err := s.CreateItems(ctx, "orders", []map[string]any{{"id": 4}}, WriteOptions{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateItems(ctx, "pages", []map[string]any{{"id": 1}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	rows, total, err := s.ListDeliveries(ctx, DeliveryFilter{})
	if err != nil || total != 2 || rows[0].MessageID != "mcreate1" || rows[1].MessageID != "mcreate2" {
		t.Fatalf("deliveries %v %d %v", rows, total, err)
	}
	outbox.mu.Lock()
	defer outbox.mu.Unlock()
	if outbox.committing != 1 || len(outbox.committed) != 1 || len(outbox.committed[0]) != 2 {
		t.Fatalf("told %d times before and %v after the commit", outbox.committing, outbox.committed)
	}
	for i, d := range outbox.committed[0] {
		if d.ID != rows[i].ID || d.ID == 0 {
			t.Fatalf("handed over delivery %d has id %d, stored %d", i, d.ID, rows[i].ID)
		}
	}
}

func TestDeliveryQueue(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	name := "w"
	sub := &Subscription{Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"}
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []*Delivery
	for i, due := range []int64{100, 100, 300, 200} {
		rows = append(rows, &Delivery{
			WebhookID: sub.ID, MessageID: string(rune('a' + i)), Event: "e", Message: []byte(`{}`),
			NextAttemptAt: due, CreatedAt: now, UpdatedAt: now,
		})
	}
	if err := s.InsertDeliveries(ctx, rows); err != nil {
		t.Fatal(err)
	}
	due, err := s.PendingDue(ctx)
	if err != nil || due[sub.ID] != 100 {
		t.Fatalf("pending due %v %v", due, err)
	}
	claim := func(now int64, limit int, skip ...int64) (*ClaimedDeliveries, error) {
		return s.ClaimDue(ctx, DeliveryClaim{
			WebhookID:  sub.ID,
			Now:        now,
			Limit:      limit,
			Skip:       skip,
			Cap:        8,
			LeaseUntil: 10_000,
		})
	}
	c, err := claim(150, 10)
	if err != nil || len(c.Due) != 2 || c.Next != 200 || c.Due[0].MessageID != "a" || c.Slots != 8 {
		t.Fatalf("claim at 150: %+v %v", c, err)
	}
	c, _ = claim(250, 1, rows[0].ID)
	if s.Dialect() == DialectSQLite {
		// The server holds what it claimed in memory and says so.
		if len(c.Due) != 1 || c.Due[0].MessageID != "b" || c.Next != 250 {
			t.Fatalf("claim with a skip and a limit: %+v", c)
		}
	} else if len(c.Due) != 1 || c.Due[0].MessageID != "d" || c.Next != 300 {
		// The first claim's leases keep a and b out.
		t.Fatalf("claim with a limit while a and b are leased: %+v", c)
	}

	// One success, one failure with a retry, one giving up.
	started := now.Add(time.Second)
	outcome := func(d *Delivery, status string, ok bool, next int64) *AttemptOutcome {
		return &AttemptOutcome{Status: status, Succeeded: ok, NextAttemptAt: next, Attempt: &Attempt{
			DeliveryID: d.ID, WebhookID: sub.ID,
			Number: 1, StartedAt: started, RequestHeaders: map[string]string{"A": "b"}, ResponseStatus: 500, ErrorClass: "status",
		}}
	}
	failing, err := s.CompleteAttempts(ctx, []*AttemptOutcome{
		outcome(rows[0], DeliverySucceeded, true, 0), outcome(rows[1], DeliveryPending, false, 5000),
		outcome(rows[2], DeliveryFailed, false, 0),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !failing[sub.ID].Equal(started) {
		t.Fatalf("failing since %v", failing)
	}
	got, _ := s.GetDelivery(ctx, rows[1].ID)
	if got.Status != DeliveryPending || got.Attempts != 1 || got.NextAttemptAt != 5000 || got.LastStatus != 500 {
		t.Fatalf("retried delivery %+v", got)
	}
	attempts, err := s.ListAttempts(ctx, rows[1].ID)
	if err != nil || len(attempts) != 1 || attempts[0].RequestHeaders["A"] != "b" || attempts[0].ErrorClass != "status" {
		t.Fatalf("attempts %+v %v", attempts, err)
	}
	last, _ := s.LastAttempts(ctx, []int64{rows[0].ID, rows[3].ID})
	if len(last) != 1 || last[rows[0].ID] == nil {
		t.Fatalf("last attempts %v", last)
	}
	stored, _ := s.GetSubscription(ctx, sub.ID)
	if stored.LastTriggered == nil || stored.FailingSince == nil {
		t.Fatalf("subscription %+v", stored)
	}

	// A success clears the failure record.
	failing, _ = s.CompleteAttempts(ctx, []*AttemptOutcome{outcome(rows[1], DeliverySucceeded, true, 0)})
	stored, _ = s.GetSubscription(ctx, sub.ID)
	if len(failing) != 0 || stored.FailingSince != nil {
		t.Fatalf("after a success: %v %+v", failing, stored)
	}

	// Disabling fails what is pending; a resend makes a delivery due again.
	n, err := s.DisableSubscription(ctx, sub.ID, "gone", now)
	if err != nil || n != 1 {
		t.Fatalf("disable: %d %v", n, err)
	}
	if _, total, _ := s.ListDeliveries(ctx, DeliveryFilter{Status: DeliveryPending}); total != 0 {
		t.Fatalf("%d still pending", total)
	}
	requeued, err := s.RequeueDelivery(ctx, rows[2].ID, now)
	if err != nil || requeued.Status != DeliveryPending || requeued.NextAttemptAt != now.UnixMilli() {
		t.Fatalf("requeued %+v %v", requeued, err)
	}
	attempted := true
	if _, total, _ := s.ListDeliveries(ctx, DeliveryFilter{WebhookID: sub.ID, Attempted: &attempted}); total != 3 {
		t.Fatalf("%d attempted deliveries, want 3", total)
	}

	// Retention removes finished deliveries with their attempts; deleting
	// the subscription removes the rest.
	removed, err := s.PruneDeliveries(ctx, now.Add(24*time.Hour))
	if err != nil || removed != 3 {
		t.Fatalf("pruned %d %v", removed, err)
	}
	if attempts, _ := s.ListAttempts(ctx, rows[0].ID); len(attempts) != 0 {
		t.Fatal("attempts of a pruned delivery remain")
	}
	if err := s.DeleteSubscriptions(ctx, []int64{sub.ID, 99}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("deleting an unknown id: %v", err)
	}
	if err := s.DeleteSubscriptions(ctx, []int64{sub.ID}); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.ListDeliveries(ctx, DeliveryFilter{}); total != 0 {
		t.Fatalf("%d deliveries left", total)
	}
}
