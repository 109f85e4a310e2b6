package webhooks

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// serviceWith is a service (without a store) whose snapshot holds subs,
// with ids from 1.
func serviceWith(subs ...*storage.Subscription) *Service {
	svc := New(Config{Clock: fixedClock{time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}})
	for i, s := range subs {
		s.ID = int64(i + 1)
		if s.Status == "" {
			s.Status = StatusActive
		}
		if s.Method == "" {
			s.Method, s.Data = "POST", true
		}
	}
	svc.snap.Store(newSnapshot(subs, DefaultSchedule))
	return svc
}

func itemCreate(collection string, id float64) storage.ItemEvent {
	item := map[string]any{"id": id, "total": 5.0}
	return storage.ItemEvent{
		Action: "create", Collection: collection, Keys: []any{id}, Payload: item,
		Accountability: map[string]any{"user": "u1", "role": "r1"},
	}
}

func TestItemDeliveriesCostNothingWithoutSubscriptions(t *testing.T) {
	svc := serviceWith(&storage.Subscription{Actions: []string{"create"}, Collections: []string{"orders"}, Format: FormatDirectus},
		&storage.Subscription{Events: []any{"report.*"}, Format: FormatGeneric})
	events := []storage.ItemEvent{itemCreate("pages", 1)}
	allocs := testing.AllocsPerRun(100, func() {
		if rows := svc.ItemDeliveries(events); rows != nil {
			t.Fatal("deliveries for a collection nobody subscribes to")
		}
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per unsubscribed write", allocs)
	}
	if rows := New(Config{}).ItemDeliveries(events); rows != nil {
		t.Fatal("deliveries without subscriptions")
	}
}

func TestItemDeliveries(t *testing.T) {
	t.Parallel()
	svc := serviceWith(
		&storage.Subscription{Actions: []string{"update"}, Collections: []string{"orders"}, Format: FormatDirectus},
		&storage.Subscription{Events: []any{"orders.*"}, Format: FormatGeneric},
		&storage.Subscription{Events: []any{map[string]any{
			"entity_type": "item", "event_types": []any{"update"},
			"filter": map[string]any{"entity_type": "item", "entity_ids": []any{"2"}},
		}}, Format: FormatDatoCMS},
		&storage.Subscription{Events: []any{"*"}, Format: FormatGeneric, Status: StatusInactive},
	)
	update := storage.ItemEvent{
		Action: "update", Collection: "orders", Keys: []any{1.0, 2.0}, Payload: map[string]any{"paid": true},
		Items: []map[string]any{{"id": 1.0, "paid": true}, {"id": 2.0, "paid": true}},
	}
	rows := svc.ItemDeliveries([]storage.ItemEvent{update, itemCreate("orders", 3)})
	var got []string
	messages := map[string]bool{}
	for _, d := range rows {
		var m Message
		if err := json.Unmarshal(d.Message, &m); err != nil {
			t.Fatal(err)
		}
		messages[m.ID] = true
		got = append(got, d.Event+" to "+string(rune('0'+d.WebhookID))+" keys "+toText(m.Keys)+" item "+toText(m.Item))
		if d.Status != storage.DeliveryPending || d.MessageID != m.ID || d.NextAttemptAt != svc.cfg.Clock.Now().UnixMilli() {
			t.Fatalf("delivery %+v", d)
		}
	}
	want := []string{
		"orders.updated to 1 keys [1,2] item null",
		"orders.updated to 2 keys [1] item {\"id\":1,\"paid\":true}",
		"orders.updated to 2 keys [2] item {\"id\":2,\"paid\":true}",
		"orders.updated to 3 keys [2] item {\"id\":2,\"paid\":true}",
		"orders.created to 2 keys [3] item null",
	}
	if len(got) != len(want) {
		t.Fatalf("deliveries:\n%v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("delivery %d: %s, want %s", i, got[i], want[i])
		}
	}
	// The per-item message of key 2 is shared by webhooks 2 and 3.
	if len(messages) != 4 {
		t.Fatalf("%d distinct messages, want 4", len(messages))
	}
}

func toText(v any) string {
	raw, _ := json.Marshal(v)
	return string(raw)
}
