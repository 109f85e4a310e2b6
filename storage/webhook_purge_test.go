package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestDeleteSubscriptionsLeavesTheLogToPurge: deleting subscriptions is
// one small write whatever their logs hold; their deliveries disappear
// from listings at once and PurgeDeliveries removes them with their
// attempts, one batch per statement, leaving other subscriptions' logs
// and those of subscriptions that still exist alone.
func TestDeleteSubscriptionsLeavesTheLogToPurge(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var subs []*Subscription
	for _, name := range []string{"deleted", "kept", "also deleted"} {
		n := name
		subs = append(subs, &Subscription{Name: &n, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"})
	}
	if err := s.CreateSubscriptions(ctx, subs); err != nil {
		t.Fatal(err)
	}
	deleted, kept, alsoDeleted := subs[0].ID, subs[1].ID, subs[2].ID
	perWebhook := map[int64]int{deleted: 2*pruneBatch + 3, kept: 5, alsoDeleted: 2}
	var rows []*Delivery
	for _, sub := range subs {
		for i := range perWebhook[sub.ID] {
			rows = append(rows, &Delivery{
				WebhookID: sub.ID, MessageID: fmt.Sprintf("m%d", i), Event: "e", Message: []byte(`{}`),
				Status: DeliveryPending, NextAttemptAt: 1, CreatedAt: now, UpdatedAt: now,
			})
		}
	}
	if err := s.InsertDeliveries(ctx, rows); err != nil {
		t.Fatal(err)
	}
	outcomes := make([]*AttemptOutcome, len(rows))
	for i, d := range rows {
		outcomes[i] = &AttemptOutcome{Status: DeliveryFailed, Attempt: &Attempt{DeliveryID: d.ID, WebhookID: d.WebhookID, Number: 1, StartedAt: now}}
	}
	if _, err := s.CompleteAttempts(ctx, outcomes); err != nil {
		t.Fatal(err)
	}

	var largest int64
	record := func(db *gorm.DB) { largest = max(largest, db.RowsAffected) }
	if err := s.write.Callback().Delete().After("gorm:delete").Register("test:largest_delete", record); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSubscriptions(ctx, []int64{deleted, alsoDeleted}); err != nil {
		t.Fatal(err)
	}
	if largest != 1 {
		t.Fatalf("deleting a webhook deleted %d rows in one statement, want just the webhook", largest)
	}
	count := func(model any, where string, args ...any) int64 {
		var n int64
		if err := s.read.Model(model).Where(where, args...).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(&Delivery{}, "webhook_id = ?", deleted); n != int64(perWebhook[deleted]) {
		t.Fatalf("%d deliveries of the deleted webhook before the purge", n)
	}
	if _, total, _ := s.ListDeliveries(ctx, DeliveryFilter{}); total != int64(perWebhook[kept]) {
		t.Fatalf("listings show %d deliveries, want only the %d of the kept webhook", total, perWebhook[kept])
	}
	if _, err := s.GetDelivery(ctx, rows[0].ID); err == nil {
		t.Fatal("a delivery of a deleted webhook is still found")
	}

	// A purge naming a webhook that still exists leaves its log alone.
	removed, err := s.PurgeDeliveries(ctx, []int64{deleted, kept, alsoDeleted})
	if largest > pruneBatch {
		t.Fatalf("one statement deleted %d rows, more than a batch (%d)", largest, pruneBatch)
	}
	if want := int64(perWebhook[deleted] + perWebhook[alsoDeleted]); err != nil || removed != want {
		t.Fatalf("purged %d deliveries (%v), want %d", removed, err, want)
	}
	if n := count(&Delivery{}, "1 = 1"); n != int64(perWebhook[kept]) {
		t.Fatalf("%d deliveries left, want the kept webhook's %d", n, perWebhook[kept])
	}
	if n := count(&Attempt{}, "1 = 1"); n != int64(perWebhook[kept]) {
		t.Fatalf("%d attempts left, want the kept webhook's %d", n, perWebhook[kept])
	}
	if again, err := s.PurgeDeliveries(ctx, []int64{deleted}); err != nil || again != 0 {
		t.Fatalf("second purge removed %d (%v)", again, err)
	}
}
