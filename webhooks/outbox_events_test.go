package webhooks

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// TestEventDeliveries: an emitted event owes one delivery per active
// subscription it matches (one message, encoded once, however many forms
// of a subscription match), a collection event reaches DatoCMS item_type
// subscriptions too, and item events and unmatched names owe nothing.
func TestEventDeliveries(t *testing.T) {
	t.Parallel()
	itemTypes := map[string]any{
		"entity_type": "item_type", "event_types": []any{"create"},
		"filter": map[string]any{"entity_type": "item_type", "entity_ids": []any{"articles"}},
	}
	svc := serviceWith(
		&storage.Subscription{Events: []any{"report.*", "report.generated"}, Format: FormatGeneric},
		&storage.Subscription{Events: []any{"*"}, Format: FormatDirectus},
		&storage.Subscription{Events: []any{"report.*"}, Format: FormatGeneric, Status: StatusInactive},
		&storage.Subscription{Events: []any{itemTypes}, Format: FormatDatoCMS},
	)
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := svc.EventDeliveries(&events.Event{
		Name: "report.generated", Payload: map[string]any{"n": 1.0},
		Accountability: map[string]any{"user": "u1", "role": "r1"}, Time: at,
	})
	if len(rows) != 2 || rows[0].WebhookID != 1 || rows[1].WebhookID != 2 || rows[0].MessageID != rows[1].MessageID {
		t.Fatalf("rows %+v", rows)
	}
	var m Message
	if err := json.Unmarshal(rows[0].Message, &m); err != nil || m.Event != "report.generated" || !m.Time.Equal(at) ||
		m.Accountability["user"] != "u1" || rows[0].Status != storage.DeliveryPending || rows[0].Event != "report.generated" {
		t.Fatalf("message %+v (%v), row %+v", m, err, rows[0])
	}

	created := svc.EventDeliveries(&events.Event{Name: CollectionEventName("create"), Collection: "articles", Time: at})
	if len(created) != 2 || created[0].WebhookID != 2 || created[1].WebhookID != 4 {
		t.Fatalf("collection event rows %+v", created)
	}
	for _, name := range []string{"items.create", "billing.paid"} {
		if name == "billing.paid" {
			svc = serviceWith(&storage.Subscription{Events: []any{"report.*"}, Format: FormatGeneric})
		}
		if rows := svc.EventDeliveries(&events.Event{Name: name, Collection: "articles"}); rows != nil {
			t.Fatalf("%s owes %+v", name, rows)
		}
	}
}
