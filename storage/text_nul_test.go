package storage

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestTextWithNUL: U+0000 is text SQLite stores as is and PostgreSQL
// cannot store at all. An item holding it is then refused as invalid (400,
// not a failed write of the whole batch), and a receiver's answer holding
// it is still logged, with U+FFFD in its place.
func TestTextWithNUL(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	ctx := context.Background()
	_, err := s.CreateItems(ctx, "c", []map[string]any{{"s": "a\x00b"}}, WriteOptions{})
	if s.Dialect() == DialectPostgres {
		if !errors.Is(err, ErrInvalidPayload) {
			t.Errorf("an item with U+0000 on PostgreSQL: %v, want ErrInvalidPayload", err)
		}
	} else if err != nil {
		t.Errorf("an item with U+0000 on SQLite: %v", err)
	}
	// The writer carries on with the next write.
	if _, err := s.CreateItems(ctx, "c", []map[string]any{{"s": "ab"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}

	name := "w"
	sub := &Subscription{Name: &name, URL: "https://example.com", Method: "POST", Status: "active", Secret: "s", Format: "generic"}
	if err := s.CreateSubscriptions(ctx, []*Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	d := &Delivery{WebhookID: sub.ID, MessageID: "m", Event: "e", Message: []byte(`{}`), CreatedAt: now, UpdatedAt: now}
	if err := s.InsertDeliveries(ctx, []*Delivery{d}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CompleteAttempts(ctx, []*AttemptOutcome{{Status: DeliveryFailed, Attempt: &Attempt{
		DeliveryID: d.ID, WebhookID: sub.ID,
		Number: 1, StartedAt: now, ResponseStatus: 500, ResponseBody: "bad\x00answer", ErrorClass: "status", Error: "500",
	}}})
	if err != nil {
		t.Fatalf("an answer with U+0000: %v", err)
	}
	attempts, err := s.ListAttempts(ctx, d.ID)
	want := "bad\x00answer"
	if s.Dialect() == DialectPostgres {
		want = "bad\uFFFDanswer"
	}
	if err != nil || len(attempts) != 1 || attempts[0].ResponseBody != want {
		t.Errorf("logged answer %+v, %v", attempts, err)
	}
}
