package triggers

import (
	"sort"
	"strings"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
)

// eventKey is what an event flow is found by: an event name and, for item
// events of a flow that names collections, one of them ("" otherwise).
type eventKey struct {
	event      string
	collection string
}

// triggerIndex holds the active flows that start on their own, found
// without looking at the others: event flows by (event, collection), and
// schedule flows. The catalog builds a new one whenever a flow is saved or
// deleted (flows change rarely, events happen on every write), so that
// looking an event up is two map reads and allocates nothing.
type triggerIndex struct {
	actions   map[eventKey][]*engine.Plan
	filters   map[eventKey][]*engine.Plan
	schedules []*engine.Plan
}

// emptyIndex is the index of a catalog without such flows.
func emptyIndex() *triggerIndex {
	return &triggerIndex{actions: map[eventKey][]*engine.Plan{}, filters: map[eventKey][]*engine.Plan{}}
}

// newTriggerIndex indexes the plans of active event and schedule flows,
// each list in the order the flows were created.
func newTriggerIndex(plans map[string]*engine.Plan) *triggerIndex {
	x := emptyIndex()
	ordered := make([]*engine.Plan, 0, len(plans))
	for _, p := range plans {
		if p.Flow.IsActive() && (p.Flow.Event != nil || p.Flow.Schedule != nil) {
			ordered = append(ordered, p)
		}
	}
	sort.Slice(ordered, func(i, j int) bool {
		a, b := ordered[i].Flow, ordered[j].Flow
		return a.DateCreated.Before(b.DateCreated) || a.DateCreated.Equal(b.DateCreated) && a.ID < b.ID
	})
	for _, p := range ordered {
		if p.Flow.Schedule != nil {
			x.schedules = append(x.schedules, p)
			continue
		}
		opts := p.Flow.Event
		into := x.actions
		if opts.Type == flows.EventFilter {
			into = x.filters
		}
		for _, name := range opts.Scope {
			if !strings.HasPrefix(name, "items.") || len(opts.Collections) == 0 {
				into[eventKey{name, ""}] = appendOnce(into[eventKey{name, ""}], p)
				continue
			}
			for _, c := range opts.Collections {
				into[eventKey{name, c}] = appendOnce(into[eventKey{name, c}], p)
			}
		}
	}
	return x
}

// appendOnce appends p unless the list holds it (a scope listing an event
// twice).
func appendOnce(list []*engine.Plan, p *engine.Plan) []*engine.Plan {
	for _, q := range list {
		if q == p {
			return list
		}
	}
	return append(list, p)
}

// match returns the flows of m that listen to event on collection: those
// naming the collection, then those listening on every collection.
func match(m map[eventKey][]*engine.Plan, event, collection string) (named, all []*engine.Plan) {
	if len(m) == 0 {
		return nil, nil
	}
	if collection != "" {
		named = m[eventKey{event, collection}]
	}
	return named, m[eventKey{event, ""}]
}

// itemEventName is the Directus name of an item action, without building
// a string.
func itemEventName(action string) string {
	switch action {
	case "create":
		return flows.EventItemsCreate
	case "update":
		return flows.EventItemsUpdate
	case "delete":
		return flows.EventItemsDelete
	}
	return "items." + action
}
