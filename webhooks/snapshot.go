package webhooks

import (
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// Subscription statuses.
const (
	// StatusActive webhooks fire.
	StatusActive = "active"
	// StatusInactive webhooks do not fire; their queued deliveries wait.
	StatusInactive = "inactive"
	// StatusDisabled is set by the server after sustained failure or a
	// 410 Gone answer.
	StatusDisabled = "disabled"
)

// entry is one subscription as the engine uses it: the record and its
// compiled matcher and schedule.
type entry struct {
	sub      *storage.Subscription
	m        *matcher
	schedule []time.Duration
	// perItem: the payload format sends one message per item.
	perItem bool
}

// snapshot is an immutable view of every subscription, indexed for the
// item write path: a write to a collection no active subscription can
// match costs one map lookup. It is replaced whole on every change.
type snapshot struct {
	all map[int64]*entry
	// byCollection lists active subscriptions bound to a collection;
	// anyCollection those that can match item events of any collection.
	byCollection  map[string][]*entry
	anyCollection []*entry
	// items: some active subscription can match item events.
	items bool
	// custom lists active subscriptions with event-name patterns, the
	// only form emitted events can match.
	custom []*entry
	// itemTypes lists active subscriptions with DatoCMS event objects
	// about item types, which collection events match.
	itemTypes []*entry
}

func newSnapshot(subs []*storage.Subscription, defaultSchedule []time.Duration) *snapshot {
	s := &snapshot{all: make(map[int64]*entry, len(subs)), byCollection: map[string][]*entry{}}
	for _, sub := range subs {
		var errs flows.ValidationErrors // saved subscriptions were checked
		e := &entry{
			sub:      sub,
			m:        compileMatcher(sub.Actions, sub.Collections, sub.Events, &errs),
			schedule: scheduleOf(sub, defaultSchedule),
			perItem:  sub.Format != FormatDirectus,
		}
		s.all[sub.ID] = e
		if sub.Status != StatusActive {
			continue
		}
		if len(e.m.patterns) > 0 {
			s.custom = append(s.custom, e)
		}
		if e.m.hasItemTypes() {
			s.itemTypes = append(s.itemTypes, e)
		}
		names, anyCollection := e.m.boundCollections()
		switch {
		case anyCollection:
			s.anyCollection = append(s.anyCollection, e)
			s.items = true
		case len(names) > 0:
			seen := map[string]bool{}
			for _, c := range names {
				if !seen[c] {
					seen[c] = true
					s.byCollection[c] = append(s.byCollection[c], e)
				}
			}
			s.items = true
		}
	}
	return s
}

// active returns an active subscription's entry, or nil.
func (s *snapshot) active(id int64) *entry {
	if e := s.all[id]; e != nil && e.sub.Status == StatusActive {
		return e
	}
	return nil
}

// scheduleOf is a subscription's retry schedule.
func scheduleOf(sub *storage.Subscription, def []time.Duration) []time.Duration {
	if sub.RetrySchedule == nil {
		return def
	}
	out := make([]time.Duration, len(sub.RetrySchedule))
	for i, ms := range sub.RetrySchedule {
		out[i] = time.Duration(ms) * time.Millisecond
	}
	return out
}
