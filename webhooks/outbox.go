package webhooks

import (
	"context"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// ItemDeliveries implements storage.Outbox: it returns the deliveries the
// events of one item write owe, which storage inserts in the write's own
// transaction. It runs on the item writer's goroutine: a write no active
// subscription can match returns after a map lookup, without allocating.
func (s *Service) ItemDeliveries(evs []storage.ItemEvent) []*storage.Delivery {
	snap := s.snap.Load()
	if snap == nil || !snap.items {
		return nil
	}
	var (
		rows []*storage.Delivery
		now  time.Time
	)
	for i := range evs {
		e := &evs[i]
		bound := snap.byCollection[e.Collection]
		if len(bound) == 0 && len(snap.anyCollection) == 0 {
			continue
		}
		if now.IsZero() {
			now = s.cfg.Clock.Now()
		}
		b := itemMessages{
			event:  e,
			view:   newItemEvent(e.Action, e.Collection),
			now:    now,
			logger: s,
		}
		for _, list := range [2][]*entry{bound, snap.anyCollection} {
			for _, en := range list {
				rows = b.deliveries(en, rows)
			}
		}
	}
	return rows
}

// DeliveriesCommitting implements storage.Outbox: claims wait until the
// committing deliveries are handed over (DeliveriesCommitted), so that a
// claim never reads a delivery the dispatcher is about to receive.
func (s *Service) DeliveriesCommitting() { s.disp.handoff.RLock() }

// DeliveriesCommitted implements storage.Outbox: committed deliveries are
// handed to the dispatcher as they are, sparing a read of the queue.
func (s *Service) DeliveriesCommitted(rows []*storage.Delivery) {
	if len(rows) > 0 {
		s.disp.offer(rows)
	}
	s.disp.handoff.RUnlock()
}

// itemMessages builds the messages of one item event, each encoded once
// however many subscriptions it goes to.
type itemMessages struct {
	event  *storage.ItemEvent
	view   itemEvent
	now    time.Time
	logger *Service
	whole  *encodedMessage
	items  []*encodedMessage // per key, built on demand
}

type encodedMessage struct {
	id  string
	raw []byte
}

// deliveries appends the deliveries the event owes one subscription: one
// for the whole event, or with a per-item payload format one per matching
// item.
func (b *itemMessages) deliveries(en *entry, rows []*storage.Delivery) []*storage.Delivery {
	e := b.event
	if !en.perItem || len(e.Keys) <= 1 {
		if !en.m.item(&b.view, "", b.anyKeyIn) {
			return rows
		}
		if b.whole == nil {
			b.whole = b.encode(-1)
		}
		return b.append(rows, en, b.whole)
	}
	if b.items == nil {
		b.items = make([]*encodedMessage, len(e.Keys))
	}
	for i, k := range e.Keys {
		if !en.m.item(&b.view, keyText(k), nil) {
			continue
		}
		if b.items[i] == nil {
			b.items[i] = b.encode(i)
		}
		rows = b.append(rows, en, b.items[i])
	}
	return rows
}

// anyKeyIn reports whether one of the event's keys is in ids.
func (b *itemMessages) anyKeyIn(ids map[string]bool) bool {
	for _, k := range b.event.Keys {
		if ids[keyText(k)] {
			return true
		}
	}
	return false
}

// encode builds the message for the whole event (i < 0) or its item i.
func (b *itemMessages) encode(i int) *encodedMessage {
	e := b.event
	m := Message{
		ID:             newMessageID(),
		Event:          b.view.names[0],
		Action:         e.Action,
		Collection:     e.Collection,
		Keys:           e.Keys,
		Payload:        e.Payload,
		Accountability: e.Accountability,
		Time:           b.now,
	}
	if i >= 0 {
		m.Keys = e.Keys[i : i+1]
		m.Item = itemOf(e.Action, e.Items, i)
	} else if len(e.Keys) == 1 {
		m.Item = itemOf(e.Action, e.Items, 0)
	}
	raw, err := encodeMessage(&m)
	if err != nil {
		// Items come from JSON and always encode; keep the event rather
		// than fail the write.
		b.logger.cfg.Logger.Error("encoding a webhook message failed", "event", m.Event, "error", err)
		raw, _ = encodeMessage(&Message{
			ID:         m.ID,
			Event:      m.Event,
			Action:     m.Action,
			Collection: m.Collection,
			Time:       b.now,
		})
	}
	return &encodedMessage{id: m.ID, raw: raw}
}

func (b *itemMessages) append(rows []*storage.Delivery, en *entry, m *encodedMessage) []*storage.Delivery {
	return append(rows, newDelivery(en.sub.ID, m.id, b.view.names[0], m.raw, b.now))
}

// newDelivery is a pending delivery due at once.
func newDelivery(webhookID int64, messageID, event string, raw []byte, now time.Time) *storage.Delivery {
	return &storage.Delivery{
		WebhookID:     webhookID,
		MessageID:     messageID,
		Event:         event,
		Message:       raw,
		Status:        storage.DeliveryPending,
		NextAttemptAt: now.UnixMilli(),
		CreatedAt:     now,
		UpdatedAt:     now,
	}
}

// EventDeliveries implements storage.Outbox: the deliveries an event
// other than an item write owes (an emitted event, a collection event,
// system.alert), one message for every subscription it goes to. It runs
// on storage.StoreEvent's caller's goroutine; an event nobody subscribes
// to costs two short list walks.
func (s *Service) EventDeliveries(e *events.Event) []*storage.Delivery {
	if isItemEventName(e.Name) {
		return nil // item events are ItemDeliveries'
	}
	snap := s.snap.Load()
	action, isCollection := collectionEventAction(e.Name)
	wants := func(en *entry) bool {
		return en.m.custom(e.Name) || isCollection && en.m.itemType(action, e.Collection)
	}
	var (
		rows   []*storage.Delivery
		raw    []byte
		id     string
		now    time.Time
		queued map[int64]bool
	)
	for _, list := range [][]*entry{snap.custom, snap.itemTypes} {
		for _, en := range list {
			if queued[en.sub.ID] || !wants(en) {
				continue
			}
			if raw == nil {
				id, now, queued = newMessageID(), s.cfg.Clock.Now(), map[int64]bool{}
				m := Message{
					ID:             id,
					Event:          e.Name,
					Payload:        e.Payload,
					Accountability: e.Accountability,
					Time:           e.Time.UTC(),
				}
				if isCollection {
					m.Collection = e.Collection
				}
				var err error
				if raw, err = encodeMessage(&m); err != nil {
					// Payloads come from JSON and always encode; keep the
					// event rather than lose it.
					s.cfg.Logger.Error("encoding a webhook message failed", "event", e.Name, "error", err)
					raw, _ = encodeMessage(&Message{
						ID:         id,
						Event:      e.Name,
						Collection: m.Collection,
						Time:       m.Time,
					})
				}
			}
			queued[en.sub.ID] = true
			rows = append(rows, newDelivery(en.sub.ID, id, e.Name, raw, now))
		}
	}
	return rows
}

// storeEvent stores what an event the service raises or hears of owes,
// logging a failure: nobody waits for it.
func (s *Service) storeEvent(ctx context.Context, e events.Event) {
	if err := s.store.StoreEvent(ctx, e); err != nil {
		s.cfg.Logger.Error("queueing webhook deliveries failed", "event", e.Name, "error", err)
	}
}

// isBusEvent says which events of the bus the service stores itself: the
// collection events, which storage announces after their commit. Emitted
// events are stored by the emit step (storage.StoreEvent) before it
// succeeds, and system.alert by the service as it disables a
// subscription; flows cannot emit collection events, so none is stored
// twice.
func isBusEvent(name string) bool {
	_, ok := collectionEventAction(name)
	return ok
}
