package storage

import (
	"context"
	"testing"
	"time"
)

// TestAttemptsOfRemovedDeliveriesAreNotLogged: an attempt whose delivery
// was removed meanwhile (its webhook deleted and purged while the attempt
// was in flight) is not logged, so that it cannot outlive the purge; the
// batch's other attempts are.
func TestAttemptsOfRemovedDeliveriesAreNotLogged(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	name := "w"
	sub := &Subscription{Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"}
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	kept := &Delivery{WebhookID: sub.ID, MessageID: "kept", Event: "e", Message: []byte(`{}`), CreatedAt: now, UpdatedAt: now}
	gone := &Delivery{WebhookID: sub.ID, MessageID: "gone", Event: "e", Message: []byte(`{}`), CreatedAt: now, UpdatedAt: now}
	if err := s.InsertDeliveries(ctx, []*Delivery{kept, gone}); err != nil {
		t.Fatal(err)
	}
	if err := s.write.Exec("DELETE FROM webhook_deliveries WHERE id = ?", gone.ID).Error; err != nil {
		t.Fatal(err)
	}
	outcome := func(d *Delivery) *AttemptOutcome {
		return &AttemptOutcome{
			Status: DeliverySucceeded, Succeeded: true,
			Attempt: &Attempt{DeliveryID: d.ID, WebhookID: sub.ID, Number: 1, StartedAt: now, ResponseStatus: 200},
		}
	}
	logged := outcome(kept)
	if _, err := s.CompleteAttempts(ctx, []*AttemptOutcome{outcome(gone), logged}); err != nil {
		t.Fatal(err)
	}
	var n int64
	if err := s.read.Raw("SELECT COUNT(*) FROM webhook_attempts WHERE delivery_id = ?", gone.ID).Row().Scan(&n); err != nil || n != 0 {
		t.Errorf("%d attempts logged for a removed delivery, %v", n, err)
	}
	attempts, err := s.ListAttempts(ctx, kept.ID)
	if err != nil || len(attempts) != 1 || attempts[0].ID != logged.Attempt.ID {
		t.Errorf("the other attempt: %+v (id %d), %v", attempts, logged.Attempt.ID, err)
	}
}
