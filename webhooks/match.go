package webhooks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/jsonnum"
)

// pattern is an event-name pattern: "orders.created", "user.*", "*". A
// "*" stands for any run of characters, dots included.
type pattern struct {
	parts []string // the text between the stars
	stars bool
}

func compilePattern(p string) pattern {
	if !strings.Contains(p, "*") {
		return pattern{parts: []string{p}}
	}
	return pattern{parts: strings.Split(p, "*"), stars: true}
}

// match reports whether name matches the pattern.
func (p pattern) match(name string) bool {
	if !p.stars {
		return name == p.parts[0]
	}
	first, last := p.parts[0], p.parts[len(p.parts)-1]
	if !strings.HasPrefix(name, first) {
		return false
	}
	name = name[len(first):]
	for _, mid := range p.parts[1 : len(p.parts)-1] {
		i := strings.Index(name, mid)
		if i < 0 {
			return false
		}
		name = name[i+len(mid):]
	}
	return strings.HasSuffix(name, last)
}

// collection returns the collection an item-event pattern is bound to
// ("orders" for "orders.created" or "orders.*"), or "" when the pattern
// can match item events of any collection.
func (p pattern) collection() string {
	head, _, found := strings.Cut(p.parts[0], ".")
	if !found || head == "items" {
		return ""
	}
	return head
}

// datoEvent is a DatoCMS event object: {entity_type, event_types,
// filter|filters: {entity_type, entity_ids}}. Items are DatoCMS items,
// collections their item types.
type datoEvent struct {
	entity  string
	actions map[string]bool
	filters []datoFilter
}

// datoFilter keeps events about the listed entities.
type datoFilter struct {
	entity string
	ids    map[string]bool
}

// matcher decides whether a subscription wants an event. Its three forms
// are alternatives: an event matches when any of them does.
type matcher struct {
	actions        map[string]bool // Directus form: actions × collections
	collections    map[string]bool
	allCollections bool
	patterns       []pattern
	dato           []datoEvent
}

// itemEvent is the view of an item event the matcher works on.
type itemEvent struct {
	action, collection string
	names              [2]string // "<collection>.<past tense>", "items.<action>"
}

func newItemEvent(action, collection string) itemEvent {
	return itemEvent{
		action: action, collection: collection,
		names: [2]string{itemEventName(collection, action), directusEventName(action)},
	}
}

// item reports whether the subscription wants an item event; key is one
// of its keys as text, or "" for the event as a whole (then any key may
// satisfy a DatoCMS item filter: keyIn says whether one does).
func (m *matcher) item(e *itemEvent, key string, keyIn func(ids map[string]bool) bool) bool {
	if m.actions[e.action] && (m.allCollections || m.collections[e.collection]) {
		return true
	}
	for _, p := range m.patterns {
		if p.match(e.names[0]) || p.match(e.names[1]) {
			return true
		}
	}
	for i := range m.dato {
		if m.dato[i].item(e, key, keyIn) {
			return true
		}
	}
	return false
}

// custom reports whether the subscription wants an emitted event.
func (m *matcher) custom(name string) bool {
	for _, p := range m.patterns {
		if p.match(name) {
			return true
		}
	}
	return false
}

// itemType reports whether the subscription's DatoCMS event objects want
// a collection event: DatoCMS item types are hookflow collections, and
// their ids the collections' names.
func (m *matcher) itemType(action, collection string) bool {
	for i := range m.dato {
		if m.dato[i].itemType(action, collection) {
			return true
		}
	}
	return false
}

// hasItemTypes reports whether some DatoCMS event object is about item
// types.
func (m *matcher) hasItemTypes() bool {
	for i := range m.dato {
		if m.dato[i].entity == "item_type" {
			return true
		}
	}
	return false
}

func (d *datoEvent) itemType(action, collection string) bool {
	return d.entity == "item_type" && d.actions[action] && d.filtersPass(collection, nil)
}

func (d *datoEvent) item(e *itemEvent, key string, keyIn func(map[string]bool) bool) bool {
	return d.entity == "item" && d.actions[e.action] && d.filtersPass(e.collection, func(ids map[string]bool) bool {
		return key != "" && ids[key] || key == "" && keyIn(ids)
	})
}

// filtersPass reports whether every filter of the event object passes for
// an event in collection: item_type filters name collections, the only
// environment is "main", and item filters ask items (nil: an event about
// no item, which they refuse). Filters of other entities refuse.
func (d *datoEvent) filtersPass(collection string, items func(ids map[string]bool) bool) bool {
	for _, f := range d.filters {
		var pass bool
		switch f.entity {
		case "item_type":
			pass = f.ids[collection]
		case "environment":
			pass = f.ids["main"]
		case "item":
			pass = items != nil && items(f.ids)
		}
		if !pass {
			return false
		}
	}
	return true
}

// boundCollections returns the collections whose item events the matcher can
// match, or nil, true when it can match events of any collection.
func (m *matcher) boundCollections() (names []string, any bool) {
	if len(m.actions) > 0 {
		if m.allCollections {
			return nil, true
		}
		for c := range m.collections {
			names = append(names, c)
		}
	}
	for _, p := range m.patterns {
		c := p.collection()
		if c == "" {
			return nil, true
		}
		names = append(names, c)
	}
	for _, d := range m.dato {
		if d.entity != "item" {
			continue
		}
		bound := false
		for _, f := range d.filters {
			if f.entity == "item_type" {
				for id := range f.ids {
					names = append(names, id)
				}
				bound = true
				break
			}
		}
		if !bound {
			return nil, true
		}
	}
	return names, false
}

// keyText is an item key as DatoCMS filters and per-item matching see it.
func keyText(k any) string {
	if v, ok := k.(string); ok {
		return v
	}
	if n, ok := jsonnum.Int(k); ok {
		return strconv.FormatInt(n, 10)
	}
	if text, ok := jsonnum.Text(k); ok {
		return text
	}
	return fmt.Sprint(k)
}
