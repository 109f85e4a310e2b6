package flows

import (
	"fmt"
	"regexp"
	"strings"
)

// Event trigger types (Directus's names).
const (
	// EventAction runs after the write committed, in the background.
	EventAction = "action"
	// EventFilter runs before the write is made and may change or refuse it.
	EventFilter = "filter"
)

// The item store's events a flow can listen to, in Directus's names.
const (
	EventItemsCreate       = "items.create"
	EventItemsUpdate       = "items.update"
	EventItemsDelete       = "items.delete"
	EventCollectionsCreate = "collections.create"
	EventCollectionsUpdate = "collections.update"
	EventCollectionsDelete = "collections.delete"
)

// storeEvents are the item store's event names; filterEvents those a
// blocking flow may listen to.
var (
	storeEvents = map[string]bool{
		EventItemsCreate:       true,
		EventItemsUpdate:       true,
		EventItemsDelete:       true,
		EventCollectionsCreate: true,
		EventCollectionsUpdate: true,
		EventCollectionsDelete: true,
	}
	filterEvents = map[string]bool{EventItemsCreate: true, EventItemsUpdate: true, EventItemsDelete: true}
)

// eventNamePattern is what an event name looks like: two or more
// dot-separated lower-case segments ("report.generated", "system.alert",
// "billing.invoice-paid").
var eventNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$`)

// IsEventName reports whether name has the shape of an event name. The
// emit operation and event triggers share the rule.
func IsEventName(name string) bool { return eventNamePattern.MatchString(name) }

// collectionPattern is what a collection may be called (storage's rule,
// repeated here because flows is a leaf package).
var collectionPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// EventOptions are the decoded trigger options of a flow whose trigger is
// "event" (Directus's "Event Hook").
type EventOptions struct {
	// Type is EventAction or EventFilter.
	Type string
	// Scope lists the events the flow listens to: item and collection
	// events, and custom events flows emit.
	Scope []string
	// Collections narrows item events to these collections; empty means
	// every collection.
	Collections []string
	// Return is what a filter flow hands back as the write's new payload
	// ("$last" by default, any form a webhook's return takes).
	Return any
}

// eventOptionKeys are the trigger options an event flow may carry.
var eventOptionKeys = map[string]bool{"type": true, "scope": true, "collections": true, "return": true}

// ParseEventOptions decodes and checks an event flow's trigger options;
// findings are relative to the options object.
func ParseEventOptions(opts map[string]any) (*EventOptions, ValidationErrors) {
	var errs ValidationErrors
	o := &EventOptions{Type: EventAction, Return: "$last"}
	for _, k := range sortedKeys(opts) {
		if !eventOptionKeys[k] {
			errs.Add(k, "unknown event trigger option (known: type, scope, collections, return)")
		}
	}
	switch v := opts["type"].(type) {
	case nil:
	case string:
		if v != EventAction && v != EventFilter {
			errs.Add("type", `must be "action" (after the write, in the background) or "filter" (before the write, blocking)`)
		} else {
			o.Type = v
		}
	default:
		errs.Add("type", `must be "action" or "filter"`)
	}
	before := len(errs)
	o.Scope = stringList(opts, "scope", &errs)
	if len(o.Scope) == 0 && len(errs) == before {
		errs.Add("scope", `is required: the events that start the flow, such as ["items.create"]`)
	}
	for i, name := range o.Scope {
		if msg := checkScope(name, o.Type); msg != "" {
			errs.Add(indexPath("scope", i), "%s", msg)
		}
	}
	o.Collections = stringList(opts, "collections", &errs)
	for i, c := range o.Collections {
		if !collectionPattern.MatchString(c) {
			errs.Add(indexPath("collections", i), "%q is not a collection name", c)
		}
	}
	if v, ok := opts["return"]; ok {
		o.Return = v
	}
	return o, errs
}

// checkScope explains what is wrong with one scope value, or returns "".
func checkScope(name, typ string) string {
	switch {
	case typ == EventFilter && !filterEvents[name]:
		return `a filter flow listens to items.create, items.update or items.delete`
	case storeEvents[name]:
		return ""
	case strings.HasPrefix(name, "items.") || strings.HasPrefix(name, "collections."):
		return "the item store's events are items.create, items.update, items.delete, collections.create, collections.update and collections.delete"
	case !IsEventName(name):
		return `must be an event name: items.create, collections.update or a custom event such as "report.generated"`
	}
	return ""
}

// Listens reports whether an event flow listens to event name on
// collection ("" for events that are not about items): the name is in
// its scope and, for item events, the collection in its collections.
func (o *EventOptions) Listens(name, collection string) bool {
	found := false
	for _, s := range o.Scope {
		if s == name {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	if !strings.HasPrefix(name, "items.") || len(o.Collections) == 0 {
		return true
	}
	for _, c := range o.Collections {
		if c == collection {
			return true
		}
	}
	return false
}

// stringList reads an optional list of non-empty strings; a single string
// is read as a comma-separated list (how Directus stores some lists).
func stringList(opts map[string]any, key string, errs *ValidationErrors) []string {
	switch v := opts[key].(type) {
	case nil:
		return nil
	case string:
		var out []string
		for part := range strings.SplitSeq(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
		return out
	case []any:
		out := make([]string, 0, len(v))
		for i, e := range v {
			s, ok := e.(string)
			if !ok || strings.TrimSpace(s) == "" {
				errs.Add(indexPath(key, i), "must be a non-empty string")
				continue
			}
			out = append(out, strings.TrimSpace(s))
		}
		return out
	default:
		errs.Add(key, "must be a list of strings")
		return nil
	}
}

// indexPath is the path of a list element: "scope[1]".
func indexPath(key string, i int) string { return fmt.Sprintf("%s[%d]", key, i) }
