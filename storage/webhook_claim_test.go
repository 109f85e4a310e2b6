package storage

import (
	"context"
	"testing"
	"time"
)

// TestDeliveryLeasesAndSlotsAcrossServers: on a shared PostgreSQL
// database a claim leases deliveries and a webhook's slots to one server:
// the other gets neither until they are given back or expire, and then
// says whose lease it took over.
func TestDeliveryLeasesAndSlotsAcrossServers(t *testing.T) {
	t.Parallel()
	a, b, _ := sharedStores(t, nil)
	ctx := context.Background()
	sub := testSubscription("w")
	if err := a.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	var rows []*Delivery
	for i := range 6 {
		rows = append(rows, &Delivery{
			WebhookID:     sub.ID,
			MessageID:     string(rune('a' + i)),
			Event:         "e",
			Message:       []byte(`{}`),
			NextAttemptAt: 100,
			CreatedAt:     now,
			UpdatedAt:     now,
		})
	}
	if err := a.InsertDeliveries(ctx, rows); err != nil {
		t.Fatal(err)
	}
	claim := func(s *Store, at int64, limit int) *ClaimedDeliveries {
		t.Helper()
		c, err := s.ClaimDue(ctx, DeliveryClaim{
			WebhookID:  sub.ID,
			Now:        at,
			Limit:      limit,
			Cap:        3,
			LeaseUntil: at + 1000,
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := claim(a, 200, 4)
	if len(first.Due) != 4 || first.Slots != 3 || first.Next != 100 {
		t.Fatalf("A's claim: %d deliveries, %d slots, next %d", len(first.Due), first.Slots, first.Next)
	}
	if c := claim(b, 300, 10); len(c.Due) != 0 || c.Slots != 0 || c.Next != 100 {
		t.Fatalf("B's claim while A holds every slot: %d deliveries, %d slots, next %d", len(c.Due), c.Slots, c.Next)
	}
	// A renews what it holds, records one attempt and has no more work.
	r, err := a.RenewDeliveryLeases(ctx, []int64{first.Due[0].ID, first.Due[1].ID}, []int64{sub.ID}, 2000)
	if err != nil || len(r.Lost) != 0 || r.Slots[sub.ID] != 3 {
		t.Fatalf("renewal: %+v %v", r, err)
	}
	done := &AttemptOutcome{Status: DeliverySucceeded, Succeeded: true, Attempt: testAttempt(first.Due[3], now)}
	if _, err := a.CompleteAttempts(ctx, []*AttemptOutcome{done}); err != nil {
		t.Fatal(err)
	}
	if err := a.ReleaseSlots(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	// B gets the slots and what nobody leases; at 1500 the leases of the
	// two deliveries A did not renew have expired, and B takes them over.
	c := claim(b, 1500, 10)
	if c.Slots != 3 || len(c.Due) != 3 {
		t.Fatalf("B's claim at 1500: %d deliveries, %d slots", len(c.Due), c.Slots)
	}
	taken := 0
	for _, d := range c.Due {
		if d.TakenFrom == a.Instance() {
			taken++
		} else if d.TakenFrom != "" {
			t.Errorf("delivery %d taken from %q", d.ID, d.TakenFrom)
		}
		if d.ID == first.Due[0].ID || d.ID == first.Due[1].ID {
			t.Errorf("B claimed delivery %d, whose lease A renewed", d.ID)
		}
	}
	if taken != 1 {
		t.Errorf("%d deliveries taken over from A, want 1 (the third it claimed)", taken)
	}
	// B renews; A's renewal of the one B took finds it lost.
	r, _ = a.RenewDeliveryLeases(ctx, []int64{first.Due[0].ID, first.Due[2].ID}, nil, 3000)
	if len(r.Lost) != 1 || r.Lost[0] != first.Due[2].ID {
		t.Fatalf("A's renewal after B took one over: %+v", r)
	}
	// An outcome A records for the delivery B took over leaves it alone.
	late := &AttemptOutcome{Status: DeliveryFailed, Attempt: testAttempt(first.Due[2], now)}
	if _, err := a.CompleteAttempts(ctx, []*AttemptOutcome{late}); err != nil {
		t.Fatal(err)
	}
	if d, _ := b.GetDelivery(ctx, first.Due[2].ID); d.Status != DeliveryPending {
		t.Fatalf("A's late outcome changed B's delivery: %s", d.Status)
	}
	// A stopping gives back what it holds.
	if err := a.ReleaseDeliveryLeases(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.ReleaseSlots(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if c := claim(b, 1600, 10); len(c.Due) != 2 || c.Due[0].ID != first.Due[0].ID || c.Due[1].ID != first.Due[1].ID {
		t.Fatalf("after A stopped, B's claim: %d deliveries", len(c.Due))
	}
}

// TestClaimSkipsWhatTheServerHolds: a claim leaves out the deliveries
// its server holds, also one whose failed attempt the server has just
// recorded (on PostgreSQL its lease ended with the record): it neither
// returns nor leases it, and counts it in no due time, so that the
// server takes it up again as soon as it has taken the record in.
func TestClaimSkipsWhatTheServerHolds(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	sub := testSubscription("w")
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	row := &Delivery{
		WebhookID:     sub.ID,
		MessageID:     "m",
		Event:         "e",
		Message:       []byte(`{}`),
		NextAttemptAt: 100,
		CreatedAt:     now,
		UpdatedAt:     now,
	}
	if err := s.InsertDeliveries(ctx, []*Delivery{row}); err != nil {
		t.Fatal(err)
	}
	claim := func(at int64, skip []int64) *ClaimedDeliveries {
		t.Helper()
		c, err := s.ClaimDue(ctx, DeliveryClaim{
			WebhookID:  sub.ID,
			Now:        at,
			Limit:      10,
			Skip:       skip,
			Cap:        2,
			LeaseUntil: at + 1000,
		})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := claim(200, nil); len(c.Due) != 1 {
		t.Fatalf("first claim: %d deliveries", len(c.Due))
	}
	failed := &AttemptOutcome{Status: DeliveryPending, NextAttemptAt: 300, Attempt: testAttempt(row, now)}
	if _, err := s.CompleteAttempts(ctx, []*AttemptOutcome{failed}); err != nil {
		t.Fatal(err)
	}
	if c := claim(400, []int64{row.ID}); len(c.Due) != 0 || c.Next != 0 {
		t.Fatalf("a claim skipping the delivery held: %d deliveries, next %d", len(c.Due), c.Next)
	}
	if c := claim(400, nil); len(c.Due) != 1 || c.Due[0].ID != row.ID || c.Due[0].TakenFrom != "" {
		t.Fatalf("the claim once the record is taken in: %+v", c.Due)
	}
}

// testSubscription is an active generic webhook named name.
func testSubscription(name string) *Subscription {
	return &Subscription{
		Name:   &name,
		URL:    "https://example.com",
		Method: "POST",
		Status: "active",
		Secret: "s",
		Format: "generic",
	}
}

// testAttempt is a first attempt of d, started at.
func testAttempt(d *Delivery, at time.Time) *Attempt {
	return &Attempt{
		DeliveryID: d.ID,
		WebhookID:  d.WebhookID,
		Number:     1,
		StartedAt:  at,
	}
}
