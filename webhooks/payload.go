package webhooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/hookflow/hookflow/storage"
)

// Payload formats: the request body shapes of the three API dialects. A
// subscription uses the format of the dialect that created it unless told
// otherwise.
const (
	// FormatDirectus: {event, accountability, payload, key|keys, collection}.
	FormatDirectus = "directus"
	// FormatGeneric (seed 004): {id, type, created, data}, one message per item.
	FormatGeneric = "generic"
	// FormatDatoCMS: {entity_type, event_type, entity, …}, one message per item.
	FormatDatoCMS = "datocms"
)

// Formats lists the payload formats.
var Formats = []string{FormatDirectus, FormatGeneric, FormatDatoCMS}

// Body renders the request body a delivery sends to a subscription: the
// message in the subscription's format, or nil when the subscription sends
// no body (data false, or method GET). The bytes depend only on the
// message and the subscription's settings, so every attempt sends (and
// signs) the same body.
func Body(sub *storage.Subscription, d *storage.Delivery) ([]byte, error) {
	if !sub.Data || sub.Method == http.MethodGet {
		return nil, nil
	}
	m, err := DecodeMessage(d.Message)
	if err != nil {
		return nil, err
	}
	var v any
	switch sub.Format {
	case FormatGeneric:
		v = genericBody(m)
	case FormatDatoCMS:
		v = datoBody(m, sub.ID, d.ID)
	default:
		v = directusBody(m)
	}
	var buf bytes.Buffer
	enc := gojson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("render delivery %d: %w", d.ID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// DecodeMessage reads a stored message. Numbers stay json.Number, so they
// are sent exactly as they were written.
func DecodeMessage(raw []byte) (*Message, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m Message
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode webhook message: %w", err)
	}
	return &m, nil
}

// directusPayload is Directus's webhook body.
type directusPayload struct {
	Event          string         `json:"event"`
	Accountability map[string]any `json:"accountability"`
	Payload        any            `json:"payload"`
	Key            any            `json:"key,omitempty"`
	Keys           []any          `json:"keys,omitempty"`
	Collection     string         `json:"collection,omitempty"`
}

func directusBody(m *Message) directusPayload {
	acc := map[string]any{"user": nil, "role": nil}
	if m.Accountability != nil {
		acc = map[string]any{"user": m.Accountability["user"], "role": m.Accountability["role"]}
	}
	p := directusPayload{Event: m.Event, Accountability: acc, Payload: m.Payload}
	if m.Action == "" {
		return p
	}
	p.Event, p.Collection = directusEventName(m.Action), m.Collection
	if m.Action == "create" && len(m.Keys) == 1 {
		p.Key = m.Keys[0]
	} else {
		p.Keys = m.Keys
	}
	return p
}

// genericPayload is seed 004's event envelope.
type genericPayload struct {
	ID      string `json:"id"`
	Type    string `json:"type"`
	Created string `json:"created"`
	Data    any    `json:"data"`
}

func genericBody(m *Message) genericPayload {
	return genericPayload{ID: m.ID, Type: m.Event, Created: m.Time.UTC().Format(time.RFC3339), Data: entityOf(m)}
}

// entityOf is the item a per-item message is about (the created item, the
// updated item, the deleted item), or an emitted event's data.
func entityOf(m *Message) any {
	if m.Item != nil {
		return m.Item
	}
	return m.Payload
}

// datoPayload is DatoCMS's webhook body.
type datoPayload struct {
	WebhookCallID    string `json:"webhook_call_id"`
	EventTriggeredAt string `json:"event_triggered_at"`
	WebhookID        string `json:"webhook_id"`
	Environment      string `json:"environment"`
	EntityType       string `json:"entity_type"`
	EventType        string `json:"event_type"`
	Entity           any    `json:"entity"`
	RelatedEntities  []any  `json:"related_entities"`
}

func datoBody(m *Message, webhookID, deliveryID int64) datoPayload {
	p := datoPayload{WebhookCallID: strconv.FormatInt(deliveryID, 10), WebhookID: strconv.FormatInt(webhookID, 10),
		EventTriggeredAt: m.Time.UTC().Format(time.RFC3339), Environment: "main", RelatedEntities: []any{}}
	entityType, eventType := DatoTypes(m)
	p.EntityType, p.EventType = entityType, eventType
	if m.Action == "" {
		p.Entity = m.Payload
		return p
	}
	item, _ := entityOf(m).(map[string]any)
	attrs := make(map[string]any, len(item))
	for k, v := range item {
		if k != "id" {
			attrs[k] = v
		}
	}
	var id any
	if len(m.Keys) > 0 {
		id = keyText(m.Keys[0])
	}
	p.Entity = map[string]any{"id": id, "type": "item", "attributes": attrs,
		"relationships": map[string]any{"item_type": map[string]any{"data": map[string]any{"id": m.Collection, "type": "item_type"}}}}
	return p
}

// DatoTypes is the DatoCMS entity_type and event_type of a message: item
// and the action for item events, "event" and the name otherwise.
func DatoTypes(m *Message) (entityType, eventType string) {
	if m.Action != "" {
		return "item", m.Action
	}
	return "event", m.Event
}
