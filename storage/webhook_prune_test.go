package storage

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestPruneDeliveriesInBatches: a sweep removing more than one batch
// removes exactly what retention says — old finished deliveries with
// their attempts, everything of a deleted webhook, attempts left without
// a delivery — and keeps pending and recent deliveries.
func TestPruneDeliveriesInBatches(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	old, recent, cutoff := now.Add(-48*time.Hour), now.Add(-time.Hour), now.Add(-24*time.Hour)
	name := "kept"
	sub := &Subscription{Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"}
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	row := func(webhook int64, status string, at time.Time, i int) *Delivery {
		return &Delivery{
			WebhookID: webhook, MessageID: fmt.Sprintf("m%d", i), Event: "e", Message: []byte(`{}`),
			Status: status, NextAttemptAt: 1, CreatedAt: at, UpdatedAt: at,
		}
	}
	var rows []*Delivery
	const oldFinished = 2*pruneBatch + 7
	for i := range oldFinished {
		status := DeliverySucceeded
		if i%2 == 1 {
			status = DeliveryFailed
		}
		rows = append(rows, row(sub.ID, status, old, i))
	}
	rows = append(rows,
		row(sub.ID, DeliveryPending, old, -1),      // kept: still owed
		row(sub.ID, DeliverySucceeded, recent, -2), // kept: too recent
		row(sub.ID+1, DeliveryPending, recent, -3)) // removed: its webhook is gone
	if err := s.InsertDeliveries(ctx, rows); err != nil {
		t.Fatal(err)
	}
	var outcomes []*AttemptOutcome
	for _, d := range rows {
		outcomes = append(outcomes, &AttemptOutcome{
			Status: d.Status, Succeeded: d.Status == DeliverySucceeded,
			NextAttemptAt: 1, Attempt: &Attempt{DeliveryID: d.ID, WebhookID: d.WebhookID, Number: 1, StartedAt: d.UpdatedAt},
		})
	}
	// An attempt recorded after its delivery was deleted.
	outcomes = append(outcomes, &AttemptOutcome{
		Status:  DeliveryFailed,
		Attempt: &Attempt{DeliveryID: 1 << 40, WebhookID: sub.ID, Number: 1, StartedAt: old},
	})
	if _, err := s.CompleteAttempts(ctx, outcomes); err != nil {
		t.Fatal(err)
	}
	// CompleteAttempts stamps the deliveries; age them again.
	for _, d := range rows {
		if err := s.write.Model(&Delivery{}).Where("id = ?", d.ID).Updates(map[string]any{"status": d.Status, "updated_at": d.UpdatedAt}).Error; err != nil {
			t.Fatal(err)
		}
	}

	// No statement of the sweep holds the write connection for more than
	// one batch of rows.
	var largest int64
	record := func(db *gorm.DB) { largest = max(largest, db.RowsAffected) }
	if err := s.write.Callback().Delete().After("gorm:delete").Register("test:largest_delete", record); err != nil {
		t.Fatal(err)
	}
	if err := s.write.Callback().Raw().After("gorm:raw").Register("test:largest_raw", record); err != nil {
		t.Fatal(err)
	}
	removed, err := s.PruneDeliveries(ctx, cutoff)
	if largest > pruneBatch {
		t.Fatalf("one statement deleted %d rows, more than a batch (%d)", largest, pruneBatch)
	}
	if err != nil || removed != oldFinished+1 {
		t.Fatalf("removed %d deliveries (%v), want %d", removed, err, oldFinished+1)
	}
	left, total, err := s.ListDeliveries(ctx, DeliveryFilter{Limit: 10})
	if err != nil || total != 2 {
		t.Fatalf("%d deliveries left (%v), want the pending and the recent one", total, err)
	}
	var attempts int64
	if err := s.read.Model(&Attempt{}).Count(&attempts).Error; err != nil || attempts != 2 {
		t.Fatalf("%d attempts left (%v), want those of the 2 kept deliveries", attempts, err)
	}
	for _, d := range left {
		if a, _ := s.ListAttempts(ctx, d.ID); len(a) != 1 {
			t.Fatalf("kept delivery %d has %d attempts", d.ID, len(a))
		}
	}
	if again, err := s.PruneDeliveries(ctx, cutoff); err != nil || again != 0 {
		t.Fatalf("second sweep removed %d (%v)", again, err)
	}
}
