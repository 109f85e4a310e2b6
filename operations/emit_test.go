package operations_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/operations"
)

func emitFlow(options string) string {
	return `{"trigger": "webhook", "operations": [{"id": "announce", "operation": "emit", "options": ` + options + `}]}`
}

func TestEmitPublishes(t *testing.T) {
	t.Parallel()
	bus := events.NewBus(nil)
	defer bus.Close()
	got := make(chan events.Event, 4)
	bus.Subscribe(func(n string) bool { return n == "report.generated" }, func(e events.Event) { got <- e })
	reg := operations.NewRegistry()
	reg.MustRegister("emit", operations.Emit{Bus: bus})

	res := runFlowWith(t, reg, emitFlow(`{"event": "report.{{$trigger.kind}}", "data": {"rows": "{{$trigger.rows}}"}}`), engine.RunInput{
		Trigger: map[string]any{"kind": "generated", "rows": 12.0}, Accountability: engine.Accountability{User: "u1", Role: "r1", IP: "10.0.0.1"},
	})
	if res.Err != nil || toJSON(res.Last) != `{"data":{"rows":12},"event":"report.generated"}` {
		t.Fatalf("got %v %s", res.Err, toJSON(res.Last))
	}
	select {
	case e := <-got:
		if toJSON(e.Payload) != `{"rows":12}` || toJSON(e.Accountability) != `{"role":"r1","user":"u1"}` {
			t.Fatalf("event %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no event")
	}
}

func TestEmitRefusesBadNames(t *testing.T) {
	t.Parallel()
	reg := operations.NewRegistry()
	reg.MustRegister("emit", operations.Emit{})
	for _, tc := range []struct{ options, message string }{
		{`{}`, "is required"},
		{`{"event": "Report Generated"}`, "dot-separated"},
		{`{"event": "report"}`, "dot-separated"},
		{`{"event": "items.create"}`, "reserved"},
		{`{"event": "collections.created"}`, "reserved"},
		{`{"event": "a.b", "payload": 1}`, "unknown option"},
	} {
		_, err := compileFlow(t, reg, emitFlow(tc.options))
		path := "operations[0].options.event"
		if tc.message == "unknown option" {
			path = "operations[0].options.payload"
		}
		if !hasFinding(err, path, tc.message) {
			t.Errorf("%s: got %v", tc.options, err)
		}
	}
	res := runFlow(t, reg, emitFlow(`{"event": "{{$trigger.name}}"}`), map[string]any{"name": "items.delete"})
	if code := errorCode(res); code != "INVALID_EVENT" {
		t.Fatalf("templated reserved name: code %q", code)
	}
}

// recordingSink stores events in memory, or fails with err.
type recordingSink struct {
	mu     sync.Mutex
	stored []events.Event
	err    error
}

func (s *recordingSink) StoreEvent(_ context.Context, e events.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	s.stored = append(s.stored, e)
	return nil
}

// TestEmitStoresBeforeSucceeding: the step has stored the event (name,
// data, accountability, time) when it succeeds, and a step whose event
// could not be stored fails and publishes nothing.
func TestEmitStoresBeforeSucceeding(t *testing.T) {
	t.Parallel()
	at := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	sink := &recordingSink{}
	bus := events.NewBus(nil)
	defer bus.Close()
	published := make(chan events.Event, 4)
	bus.Subscribe(nil, func(e events.Event) { published <- e })
	reg := operations.NewRegistry()
	reg.MustRegister("emit", operations.Emit{Sink: sink, Bus: bus, Now: func() time.Time { return at }})
	flow := emitFlow(`{"event": "report.generated", "data": {"n": "{{$trigger.n}}"}}`)

	res := runFlowWith(t, reg, flow, engine.RunInput{
		Trigger:        map[string]any{"n": 1.0},
		Accountability: engine.Accountability{User: "u1", Role: "r1"},
	})
	sink.mu.Lock()
	stored := sink.stored
	sink.mu.Unlock()
	if res.Err != nil || len(stored) != 1 {
		t.Fatalf("run %v, stored %v", res.Err, stored)
	}
	e := stored[0]
	if e.Name != "report.generated" || toJSON(e.Payload) != `{"n":1}` || !e.Time.Equal(at) ||
		toJSON(e.Accountability) != `{"role":"r1","user":"u1"}` {
		t.Fatalf("stored %+v", e)
	}
	select {
	case got := <-published:
		if got.Name != e.Name || !got.Time.Equal(at) {
			t.Fatalf("published %+v", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the stored event was not published")
	}

	sink.mu.Lock()
	sink.err = errors.New("disk full")
	sink.mu.Unlock()
	res = runFlowWith(t, reg, flow, engine.RunInput{Trigger: map[string]any{"n": 2.0}})
	if res.Err == nil || !strings.Contains(res.Err.Error(), "disk full") {
		t.Fatalf("a failed store: %v", res.Err)
	}
	select {
	case e := <-published:
		t.Fatalf("an event that was not stored was published: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
}
