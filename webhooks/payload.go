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
	// FormatGeneric (docs/webhooks.md#payloads): {id, type, created, data}, one message per item.
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
// signs) the same body. The message's values are copied as stored, never
// decoded and encoded again, so numbers go out exactly as they came in.
func Body(sub *storage.Subscription, d *storage.Delivery) ([]byte, error) {
	if !sub.Data || sub.Method == http.MethodGet {
		return nil, nil
	}
	var m storedMessage
	if err := gojson.Unmarshal(d.Message, &m); err != nil {
		return nil, fmt.Errorf("decode the message of delivery %d: %w", d.ID, err)
	}
	switch sub.Format {
	case FormatGeneric:
		return genericBody(&m), nil
	case FormatDatoCMS:
		p, err := datoBody(&m, sub.ID, d.ID)
		if err == nil {
			var body []byte
			if body, err = encodeJSON(p); err == nil {
				return body, nil
			}
		}
		return nil, fmt.Errorf("render delivery %d: %w", d.ID, err)
	default:
		return directusBody(&m), nil
	}
}

// storedMessage is a Message as rendering reads it: the values stay the
// JSON they were stored as.
type storedMessage struct {
	ID             string            `json:"id"`
	Event          string            `json:"event"`
	Action         string            `json:"action"`
	Collection     string            `json:"collection"`
	Keys           []json.RawMessage `json:"keys"`
	Payload        json.RawMessage   `json:"payload"`
	Item           json.RawMessage   `json:"item"`
	Accountability *struct {
		User json.RawMessage `json:"user"`
		Role json.RawMessage `json:"role"`
	} `json:"accountability"`
	Time time.Time `json:"time"`
}

// orNullJSON is raw, or the JSON null when it is empty.
func orNullJSON(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return json.RawMessage("null")
	}
	return raw
}

// DecodeMessage reads a stored message, with numbers as json.Number so
// that they show as written.
func DecodeMessage(raw []byte) (*Message, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m Message
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode webhook message: %w", err)
	}
	return &m, nil
}

// directusBody is Directus's webhook body: {event, accountability:
// {user, role}, payload, key|keys, collection}. The two envelopes sent
// most are written by hand around the stored values, which a general
// encoder would parse and compact again.
func directusBody(m *storedMessage) []byte {
	b := make([]byte, 0, 96+len(m.Payload))
	event := m.Event
	if m.Action != "" {
		event = directusEventName(m.Action)
	}
	b = append(b, `{"event":`...)
	b = appendJSONString(b, event)
	b = append(b, `,"accountability":{"user":`...)
	if a := m.Accountability; a != nil {
		b = append(append(append(b, orNullJSON(a.User)...), `,"role":`...), orNullJSON(a.Role)...)
	} else {
		b = append(b, `null,"role":null`...)
	}
	b = append(append(b, `},"payload":`...), orNullJSON(m.Payload)...)
	if m.Action == "" {
		return append(b, '}')
	}
	if m.Action == "create" && len(m.Keys) == 1 {
		b = append(append(b, `,"key":`...), m.Keys[0]...)
	} else {
		b = append(b, `,"keys":[`...)
		for i, k := range m.Keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, k...)
		}
		b = append(b, ']')
	}
	b = appendJSONString(append(b, `,"collection":`...), m.Collection)
	return append(b, '}')
}

// genericBody is the generic API's event envelope: {id, type, created, data}.
func genericBody(m *storedMessage) []byte {
	data := entityOf(m)
	b := make([]byte, 0, 96+len(data))
	b = appendJSONString(append(b, `{"id":`...), m.ID)
	b = appendJSONString(append(b, `,"type":`...), m.Event)
	b = appendJSONString(append(b, `,"created":`...), m.Time.UTC().Format(time.RFC3339))
	b = append(append(append(b, `,"data":`...), data...), '}')
	return b
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			raw, _ := gojson.Marshal(s)
			return append(b, raw...)
		}
	}
	return append(append(append(b, '"'), s...), '"')
}

// entityOf is the item a per-item message is about (the created item, the
// updated item, the deleted item), or an emitted event's data.
func entityOf(m *storedMessage) json.RawMessage {
	if len(m.Item) > 0 {
		return m.Item
	}
	return orNullJSON(m.Payload)
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

func datoBody(m *storedMessage, webhookID, deliveryID int64) (datoPayload, error) {
	p := datoPayload{
		WebhookCallID:    strconv.FormatInt(deliveryID, 10),
		WebhookID:        strconv.FormatInt(webhookID, 10),
		EventTriggeredAt: m.Time.UTC().Format(time.RFC3339),
		Environment:      "main",
		RelatedEntities:  []any{},
	}
	p.EntityType, p.EventType = datoTypes(m.Action, m.Event)
	if p.EntityType == "item_type" {
		return p, datoItemType(&p, m)
	}
	if m.Action == "" {
		p.Entity = orNullJSON(m.Payload)
		return p, nil
	}
	var attrs map[string]json.RawMessage
	if err := gojson.Unmarshal(entityOf(m), &attrs); err != nil {
		return p, err
	}
	delete(attrs, "id")
	if attrs == nil {
		attrs = map[string]json.RawMessage{}
	}
	var id any
	if len(m.Keys) > 0 {
		var k any
		if err := json.Unmarshal(m.Keys[0], &k); err == nil {
			id = keyText(k)
		}
	}
	p.Entity = map[string]any{
		"id": id, "type": "item", "attributes": attrs,
		"relationships": map[string]any{"item_type": map[string]any{"data": map[string]any{"id": m.Collection, "type": "item_type"}}},
	}
	return p, nil
}

// DatoTypes is the DatoCMS entity_type and event_type of a message: item
// and the action for item events, "event" and the name otherwise.
func DatoTypes(m *Message) (entityType, eventType string) { return datoTypes(m.Action, m.Event) }

func datoTypes(action, event string) (entityType, eventType string) {
	if action != "" {
		return "item", action
	}
	if a, ok := collectionEventAction(event); ok {
		return "item_type", a
	}
	return "event", event
}

// datoItemType sets the entity of a collection event: the collection as
// a DatoCMS item_type resource, its name the id and the api_key.
func datoItemType(p *datoPayload, m *storedMessage) error {
	var c struct {
		Schema  json.RawMessage `json:"schema"`
		Indexes json.RawMessage `json:"indexes"`
	}
	if len(m.Payload) > 0 {
		if err := gojson.Unmarshal(m.Payload, &c); err != nil {
			return err
		}
	}
	p.Entity = map[string]any{
		"id": m.Collection, "type": "item_type",
		"attributes": map[string]any{
			"name": m.Collection, "api_key": m.Collection,
			"schema": orNullJSON(c.Schema), "indexes": orNullJSON(c.Indexes),
		},
		"relationships": map[string]any{},
	}
	return nil
}
