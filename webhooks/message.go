package webhooks

import (
	"bytes"
	"strings"
	"time"

	gojson "github.com/goccy/go-json"
	"github.com/google/uuid"
)

// Message is what one delivery carries, stored with it as JSON: an event,
// or, for payload formats that send one message per item, one item of an
// item event. The request body is rendered from it at each attempt in the
// subscription's format (payload.go), the same bytes every time.
type Message struct {
	// ID ("evt_…") is the webhook-id header and the generic payload's id.
	ID string `json:"id"`
	// Event is the event's name: "orders.created" for item events, the
	// emitted name otherwise ("report.generated").
	Event string `json:"event"`
	// Action, Collection and Keys describe item events.
	Action     string `json:"action,omitempty"`
	Collection string `json:"collection,omitempty"`
	Keys       []any  `json:"keys,omitempty"`
	// Payload is the event's data: the created item, the update's data,
	// the deleted keys, or an emitted event's data.
	Payload any `json:"payload,omitempty"`
	// Item is the one item of a per-item message of an update or delete
	// (as stored after the update, as it was before the delete).
	Item map[string]any `json:"item,omitempty"`
	// Accountability is who caused the event ({user, role}).
	Accountability map[string]any `json:"accountability,omitempty"`
	Time           time.Time      `json:"time"`
	// Test marks messages sent by the test endpoints.
	Test bool `json:"test,omitempty"`
}

// Item actions and the names item events go by.
var pastTense = map[string]string{"create": "created", "update": "updated", "delete": "deleted"}

// itemEventName is an item event's name: "<collection>.created".
func itemEventName(collection, action string) string {
	if past, ok := pastTense[action]; ok {
		return collection + "." + past
	}
	return collection + "." + action
}

// directusEventName is the Directus form: "items.create".
func directusEventName(action string) string { return "items." + action }

// CollectionEventPrefix starts the names of the events a collection's
// creation, change and deletion publish: "collections.created",
// "collections.updated", "collections.deleted".
const CollectionEventPrefix = "collections."

// CollectionEventName is the event name of a collection action.
func CollectionEventName(action string) string { return itemEventName("collections", action) }

// collectionEventAction is the action of a collection event's name, and
// whether the name is one.
func collectionEventAction(name string) (action string, ok bool) {
	past, found := strings.CutPrefix(name, CollectionEventPrefix)
	if !found {
		return "", false
	}
	for action, tense := range pastTense {
		if past == tense {
			return action, true
		}
	}
	return "", false
}

// isItemEventName reports whether a bus event is an item event (those
// reach webhooks through the item write's transaction instead).
func isItemEventName(name string) bool { return strings.HasPrefix(name, "items.") }

// encodeMessage is a message as stored.
func encodeMessage(m *Message) ([]byte, error) { return encodeJSON(m) }

// encodeJSON is compact JSON with map keys sorted and no HTML escaping, so
// values go out as they were written. (An Encoder: go-json's
// MarshalNoEscape still escapes inside interface values.)
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := gojson.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// newMessageID returns "evt_" and a time-ordered UUID in hex.
func newMessageID() string {
	id, err := uuid.NewV7()
	if err != nil {
		id = uuid.New()
	}
	var buf [36]byte
	b := append(buf[:0], "evt_"...)
	for _, c := range id.String() {
		if c != '-' {
			b = append(b, byte(c))
		}
	}
	return string(b)
}

// itemOf returns item i of an update or delete event (nil for creates,
// whose payload is the item).
func itemOf(action string, items []map[string]any, i int) map[string]any {
	if action == "create" || i >= len(items) {
		return nil
	}
	return items[i]
}
