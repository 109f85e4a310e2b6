package webhooks

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/hookflow/hookflow/storage"
)

func TestBody(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	create := Message{
		ID: "evt_1", Event: "orders.created", Action: "create", Collection: "orders", Keys: []any{7.0},
		Payload: map[string]any{"id": 7.0, "big": json.Number("12345678901234567890"), "note": "<b>"}, Time: at,
		Accountability: map[string]any{"user": "u1", "role": nil},
	}
	update := Message{
		ID: "evt_2", Event: "orders.updated", Action: "update", Collection: "orders", Keys: []any{7.0, "x"},
		Payload: map[string]any{"paid": true}, Time: at,
	}
	perItem := Message{
		ID: "evt_3", Event: "orders.deleted", Action: "delete", Collection: "orders", Keys: []any{"x"},
		Payload: []any{"x"}, Item: map[string]any{"id": "x", "total": 1.5}, Time: at,
	}
	custom := Message{ID: "evt_4", Event: "report.generated", Payload: map[string]any{"rows": 3.0}, Time: at}
	tests := []struct {
		name   string
		format string
		msg    Message
		want   string
	}{
		{
			"directus create", FormatDirectus, create,
			`{"event":"items.create","accountability":{"user":"u1","role":null},"payload":{"big":12345678901234567890,"id":7,"note":"<b>"},"key":7,"collection":"orders"}`,
		},
		{
			"directus update", FormatDirectus, update,
			`{"event":"items.update","accountability":{"user":null,"role":null},"payload":{"paid":true},"keys":[7,"x"],"collection":"orders"}`,
		},
		{
			"directus custom", FormatDirectus, custom,
			`{"event":"report.generated","accountability":{"user":null,"role":null},"payload":{"rows":3}}`,
		},
		{
			"generic create", FormatGeneric, create,
			`{"id":"evt_1","type":"orders.created","created":"2030-01-02T03:04:05Z","data":{"big":12345678901234567890,"id":7,"note":"<b>"}}`,
		},
		{
			"generic delete", FormatGeneric, perItem,
			`{"id":"evt_3","type":"orders.deleted","created":"2030-01-02T03:04:05Z","data":{"id":"x","total":1.5}}`,
		},
		{
			"generic custom", FormatGeneric, custom,
			`{"id":"evt_4","type":"report.generated","created":"2030-01-02T03:04:05Z","data":{"rows":3}}`,
		},
		{
			"datocms delete", FormatDatoCMS, perItem,
			`{"webhook_call_id":"9","event_triggered_at":"2030-01-02T03:04:05Z","webhook_id":"4","environment":"main","entity_type":"item","event_type":"delete","entity":{"attributes":{"total":1.5},"id":"x","relationships":{"item_type":{"data":{"id":"orders","type":"item_type"}}},"type":"item"},"related_entities":[]}`,
		},
		{
			"datocms custom", FormatDatoCMS, custom,
			`{"webhook_call_id":"9","event_triggered_at":"2030-01-02T03:04:05Z","webhook_id":"4","environment":"main","entity_type":"event","event_type":"report.generated","entity":{"rows":3},"related_entities":[]}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := encodeMessage(&tc.msg)
			if err != nil {
				t.Fatal(err)
			}
			sub := &storage.Subscription{ID: 4, Method: "POST", Data: true, Format: tc.format}
			body, err := Body(sub, &storage.Delivery{ID: 9, Message: raw})
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != tc.want {
				t.Fatalf("body\n got %s\nwant %s", body, tc.want)
			}
			if !json.Valid(body) {
				t.Fatal("not JSON")
			}
		})
	}
	raw, _ := json.Marshal(create)
	for _, sub := range []*storage.Subscription{{Method: "POST", Data: false}, {Method: "GET", Data: true}} {
		if body, err := Body(sub, &storage.Delivery{Message: raw}); body != nil || err != nil {
			t.Fatalf("%+v sent %q (%v)", sub, body, err)
		}
	}
}
