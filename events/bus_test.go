package events

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestBusDeliversInOrderToMatchingSubscribers(t *testing.T) {
	t.Parallel()
	bus := NewBus(nil)
	defer bus.Close()
	var mu sync.Mutex
	var items, all []string
	done := make(chan struct{})
	bus.Subscribe(func(n string) bool { return n == "items.create" }, func(e Event) {
		mu.Lock()
		items = append(items, fmt.Sprint(e.Payload))
		if len(items) == 100 {
			close(done)
		}
		mu.Unlock()
	})
	unsubscribe := bus.Subscribe(nil, func(e Event) {
		mu.Lock()
		all = append(all, e.Name)
		mu.Unlock()
	})
	for i := 0; i < 100; i++ {
		bus.Publish(Event{Name: "items.create", Payload: i})
		bus.Publish(Event{Name: "report.generated"})
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("events not delivered")
	}
	unsubscribe() // drains what it was given
	mu.Lock()
	defer mu.Unlock()
	for i, got := range items {
		if got != fmt.Sprint(i) {
			t.Fatalf("event %d out of order: %s", i, got)
		}
	}
	if len(all) != 200 {
		t.Fatalf("catch-all subscriber got %d events, want 200", len(all))
	}
}

func TestSlowSubscriberDoesNotBlockPublisherOrOthers(t *testing.T) {
	t.Parallel()
	bus := NewBus(nil)
	defer bus.Close()
	release := make(chan struct{})
	bus.Subscribe(nil, func(Event) { <-release })
	fast := make(chan Event, 10)
	bus.Subscribe(nil, func(e Event) { fast <- e })
	start := time.Now()
	for i := 0; i < 10; i++ {
		bus.Publish(Event{Name: "x"})
	}
	if time.Since(start) > time.Second {
		t.Fatal("publish blocked on a slow subscriber")
	}
	for i := 0; i < 10; i++ {
		select {
		case <-fast:
		case <-time.After(5 * time.Second):
			t.Fatal("fast subscriber starved by a slow one")
		}
	}
	close(release)
}

func TestPanickingHandlerKeepsSubscriberAlive(t *testing.T) {
	t.Parallel()
	bus := NewBus(nil)
	defer bus.Close()
	got := make(chan int, 2)
	bus.Subscribe(nil, func(e Event) {
		if e.Payload == 1 {
			panic("boom")
		}
		got <- e.Payload.(int)
	})
	bus.Publish(Event{Name: "x", Payload: 1})
	bus.Publish(Event{Name: "x", Payload: 2})
	select {
	case v := <-got:
		if v != 2 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("subscriber died with the panic")
	}
}
