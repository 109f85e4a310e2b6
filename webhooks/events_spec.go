package webhooks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/storage"
)

// Item actions, in the order they are listed.
var itemActions = []string{"create", "update", "delete"}

// eventPatternSyntax is what an event-name pattern may contain: the
// characters of collection and event names, dots and stars.
var eventPatternSyntax = regexp.MustCompile(`^[A-Za-z0-9_*-]+(\.[A-Za-z0-9_*-]+)*$`)

// DatoCMS entity and event types. Only items and item types (collections)
// produce events in hookflow; the others are accepted (a DatoCMS client
// may send them) and never fire.
var (
	datoEntityTypes = []string{
		"item_type", "item", "upload", "build_trigger", "environment",
		"maintenance_mode", "sso_user", "cda_cache_tags",
	}
	datoEventTypes = []string{
		"create", "update", "delete", "publish", "unpublish", "promote",
		"deploy_started", "deploy_succeeded", "deploy_failed", "change", "invalidate",
	}
	datoFilterTypes = []string{"item_type", "item", "build_trigger", "environment", "environment_type"}
)

// compileMatcher builds a subscription's matcher, reporting every problem
// of its actions, collections and events.
func compileMatcher(actions, collections []string, events []any, errs *flows.ValidationErrors) *matcher {
	m := &matcher{}
	if len(actions) > 0 {
		m.actions = map[string]bool{}
		for i, a := range actions {
			if a == "*" {
				for _, each := range itemActions {
					m.actions[each] = true
				}
				continue
			}
			if !slices.Contains(itemActions, a) {
				errs.Add(fmt.Sprintf("actions[%d]", i), "%q is not an action (create, update, delete)", a)
			}
			m.actions[a] = true
		}
	}
	m.collections = map[string]bool{}
	for i, c := range collections {
		if c == "*" {
			m.allCollections = true
			continue
		}
		if storage.CheckCollectionName(c) != nil {
			errs.Add(fmt.Sprintf("collections[%d]", i), "%q is not a collection name", c)
		}
		m.collections[c] = true
	}
	for i, e := range events {
		path := fmt.Sprintf("events[%d]", i)
		switch v := e.(type) {
		case string:
			if !eventPatternSyntax.MatchString(v) {
				errs.Add(path, `%q is not an event name or pattern ("orders.created", "user.*", "*")`, v)
				continue
			}
			m.patterns = append(m.patterns, compilePattern(v))
		case map[string]any:
			if d, ok := compileDatoEvent(v, path, errs); ok {
				m.dato = append(m.dato, d)
			}
		default:
			errs.Add(path, "must be an event name or a DatoCMS event object")
		}
	}
	return m
}

// compileDatoEvent reads {entity_type, event_types, filter|filters}.
func compileDatoEvent(v map[string]any, path string, errs *flows.ValidationErrors) (datoEvent, bool) {
	n := len(*errs)
	var d datoEvent
	d.entity, _ = v["entity_type"].(string)
	if !slices.Contains(datoEntityTypes, d.entity) {
		errs.Add(path+".entity_type", "must be one of %s", strings.Join(datoEntityTypes, ", "))
	}
	types, ok := stringList(v["event_types"])
	if !ok || len(types) == 0 {
		errs.Add(path+".event_types", "must be a non-empty list of event types")
	}
	d.actions = map[string]bool{}
	for i, t := range types {
		if !slices.Contains(datoEventTypes, t) {
			errs.Add(fmt.Sprintf("%s.event_types[%d]", path, i), "%q is not a DatoCMS event type", t)
		}
		d.actions[t] = true
	}
	var filters []any
	if f, ok := v["filter"].(map[string]any); ok {
		filters = append(filters, f)
	} else if v["filter"] != nil {
		errs.Add(path+".filter", "must be an object {entity_type, entity_ids}")
	}
	if list, ok := v["filters"].([]any); ok {
		filters = append(filters, list...)
	} else if v["filters"] != nil {
		errs.Add(path+".filters", "must be a list of {entity_type, entity_ids}")
	}
	for i, raw := range filters {
		fpath := fmt.Sprintf("%s.filters[%d]", path, i)
		f, _ := raw.(map[string]any)
		entity, _ := f["entity_type"].(string)
		if !slices.Contains(datoFilterTypes, entity) {
			errs.Add(fpath+".entity_type", "must be one of %s", strings.Join(datoFilterTypes, ", "))
		}
		ids, ok := stringList(f["entity_ids"])
		if !ok {
			errs.Add(fpath+".entity_ids", "must be a list of ids")
		}
		set := make(map[string]bool, len(ids))
		for _, id := range ids {
			set[id] = true
		}
		d.filters = append(d.filters, datoFilter{entity: entity, ids: set})
	}
	return d, len(*errs) == n
}

// stringList reads a JSON list of strings (numbers are taken as their
// text: DatoCMS ids are strings, but clients send numbers too).
func stringList(v any) ([]string, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, v == nil
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		switch x := e.(type) {
		case string:
			out = append(out, x)
		default:
			if !jsonnum.IsNumber(x) {
				return nil, false
			}
			out = append(out, keyText(x))
		}
	}
	return out, true
}
