package storage

import (
	"context"
	"errors"
	"testing"

	"github.com/hookflow/hookflow/events"
)

// TestStoreEventCommitsItsDeliveries: StoreEvent returns once the
// deliveries the outbox says an event owes are committed, and hands them
// over like an item write's; an event nothing is owed for writes nothing,
// and one whose caller has gone stores nothing.
func TestStoreEventCommitsItsDeliveries(t *testing.T) {
	t.Parallel()
	outbox := &testOutbox{}
	s := openTestStore(t, func(c *Config) { c.Outbox = outbox })
	ctx := context.Background()
	name := "reports"
	if err := s.CreateSubscriptions(ctx, []*Subscription{{
		Name: &name, URL: "https://example.com", Method: "POST",
		Status: "active", Secret: "s", Format: "generic",
	}}); err != nil {
		t.Fatal(err)
	}
	if err := s.StoreEvent(ctx, events.Event{Name: "report.generated"}); err != nil {
		t.Fatal(err)
	}
	// Read at once: the delivery is committed when StoreEvent returns.
	rows, total, err := s.ListDeliveries(ctx, DeliveryFilter{})
	if err != nil || total != 1 || rows[0].MessageID != "mreport.generated" {
		t.Fatalf("deliveries %v %d %v", rows, total, err)
	}
	if err := s.StoreEvent(ctx, events.Event{Name: "other.event"}); err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.StoreEvent(gone, events.Event{Name: "report.cancelled"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled caller: %v", err)
	}
	if _, total, _ := s.ListDeliveries(ctx, DeliveryFilter{}); total != 1 {
		t.Fatalf("%d deliveries, want 1", total)
	}
	outbox.mu.Lock()
	defer outbox.mu.Unlock()
	if outbox.committing != 1 || len(outbox.committed) != 1 || len(outbox.committed[0]) != 1 || outbox.committed[0][0].ID != rows[0].ID {
		t.Fatalf("told %d times before and %v after the commit", outbox.committing, outbox.committed)
	}
}
