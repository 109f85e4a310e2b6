// Package events is hookflow's in-process event bus, and the chain of
// events a flow run belongs to (chain.go).
//
// Item writes publish `items.create|update|delete` after their transaction
// commits, collection changes `collections.created|updated|deleted`, and
// the `emit` operation its custom events (`report.generated`) once they
// are stored. Programs that embed hookflow subscribe to them. What must
// not be lost does not wait for the bus: the webhook deliveries and the
// event flows' runs an event owes are stored in the transaction of the
// write that raised it (storage.Outbox, storage.RunOutbox); outgoing
// webhooks take only collection changes from the bus.
//
// Publishing never blocks the publisher: every subscriber has its own
// unbounded, ordered queue drained by its own goroutine, so a slow
// subscriber delays only itself and sees events in publication order.
package events

import (
	"log/slog"
	"sync"
	"time"
)

// Event is one thing that happened.
type Event struct {
	// Name is the event name: "items.create", "items.update",
	// "items.delete", or a custom name such as "report.generated".
	Name string `json:"event"`
	// Collection is set for item events.
	Collection string `json:"collection,omitempty"`
	// Keys are the primary keys an item event touched.
	Keys []any `json:"keys,omitempty"`
	// Payload is the event's data: the written item(s) for item events,
	// the `data` option for emitted events.
	Payload any `json:"payload,omitempty"`
	// Accountability is who caused the event ({user, role}); nil when the
	// server itself did.
	Accountability map[string]any `json:"accountability,omitempty"`
	// Time is when the event was published.
	Time time.Time `json:"time"`
}

// Handler receives events; it runs on the subscriber's own goroutine.
type Handler func(Event)

// Bus delivers published events to subscribers.
type Bus struct {
	logger *slog.Logger
	mu     sync.RWMutex
	subs   map[*subscriber]struct{}
	now    func() time.Time
}

// NewBus returns an empty bus.
func NewBus(logger *slog.Logger) *Bus {
	if logger == nil {
		logger = slog.Default()
	}
	return &Bus{logger: logger, subs: map[*subscriber]struct{}{}, now: time.Now}
}

// Subscribe registers a handler for every event whose name matches (nil
// match: all events) and returns a function that unsubscribes it.
func (b *Bus) Subscribe(match func(name string) bool, h Handler) (unsubscribe func()) {
	s := &subscriber{
		match:  match,
		handle: h,
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		logger: b.logger,
	}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go s.loop()
	return func() {
		b.mu.Lock()
		delete(b.subs, s)
		b.mu.Unlock()
		s.close()
	}
}

// Publish hands an event to every matching subscriber without waiting for
// any of them. A zero Time is set to now.
func (b *Bus) Publish(e Event) {
	if e.Time.IsZero() {
		e.Time = b.now().UTC()
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	for s := range b.subs {
		if s.match == nil || s.match(e.Name) {
			s.enqueue(e)
		}
	}
}

// Close stops every subscriber after it has handled what it was given.
func (b *Bus) Close() {
	b.mu.Lock()
	subs := b.subs
	b.subs = map[*subscriber]struct{}{}
	b.mu.Unlock()
	for s := range subs {
		s.close()
	}
}

// subscriber is one handler with its queue.
type subscriber struct {
	match  func(string) bool
	handle Handler
	logger *slog.Logger

	mu     sync.Mutex
	queue  []Event
	closed bool
	wake   chan struct{}
	done   chan struct{}
}

func (s *subscriber) enqueue(e Event) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, e)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscriber) loop() {
	defer close(s.done)
	for {
		s.mu.Lock()
		batch := s.queue
		s.queue = nil
		closed := s.closed
		s.mu.Unlock()
		for _, e := range batch {
			s.deliver(e)
		}
		if len(batch) > 0 {
			continue
		}
		if closed {
			return
		}
		<-s.wake
	}
}

// deliver calls the handler, keeping a panicking handler from killing the
// subscriber.
func (s *subscriber) deliver(e Event) {
	defer func() {
		if r := recover(); r != nil {
			s.logger.Error("event handler panicked", "event", e.Name, "panic", r)
		}
	}()
	s.handle(e)
}

// close drains the queue and stops the goroutine.
func (s *subscriber) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		<-s.done
		return
	}
	s.closed = true
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
	<-s.done
}
