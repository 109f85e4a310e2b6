package storage

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// TestCompleteAttemptsSetsIDs: every recorded attempt gets the id it was
// stored under, across the chunks a batch is written in (32 + 8 + 1 + 1).
func TestCompleteAttemptsSetsIDs(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	name := "ids"
	sub := &Subscription{Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"}
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for round := range 2 { // the second round starts after existing ids
		var rows []*Delivery
		for i := range 42 {
			rows = append(rows, &Delivery{
				WebhookID: sub.ID, MessageID: fmt.Sprintf("m%d-%d", round, i), Event: "e",
				Message: []byte(`{}`), Status: DeliveryPending, NextAttemptAt: 1, CreatedAt: now, UpdatedAt: now,
			})
		}
		if err := s.InsertDeliveries(ctx, rows); err != nil {
			t.Fatal(err)
		}
		outcomes := make([]*AttemptOutcome, len(rows))
		for i, d := range rows {
			outcomes[i] = &AttemptOutcome{
				Status: DeliverySucceeded, Succeeded: true,
				Attempt: &Attempt{DeliveryID: d.ID, WebhookID: sub.ID, Number: 1, StartedAt: now},
			}
		}
		if _, err := s.CompleteAttempts(ctx, outcomes); err != nil {
			t.Fatal(err)
		}
		for i, d := range rows {
			stored, err := s.ListAttempts(ctx, d.ID)
			if err != nil || len(stored) != 1 {
				t.Fatalf("attempts of delivery %d: %v %v", d.ID, stored, err)
			}
			if got := outcomes[i].Attempt.ID; got == 0 || got != stored[0].ID {
				t.Fatalf("round %d, attempt %d: id %d, stored as %d", round, i, got, stored[0].ID)
			}
		}
	}
}
