package operations

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/flows"
)

// reservedEventPrefixes name the item store's own events, which flows may
// not forge: outgoing webhooks trust them to describe committed writes.
var reservedEventPrefixes = []string{"items.", "collections."}

// EventSink makes an event durable: StoreEvent returns once what the event
// owes (its webhook deliveries) is committed. *storage.Store is one.
type EventSink interface {
	StoreEvent(ctx context.Context, e events.Event) error
}

// Emit announces a custom event (option `event`) with `data` as its
// payload. The event is first stored through Sink, so the step succeeds —
// and a sync run can answer — only once the event's webhook deliveries
// are committed; then it is published on Bus for in-process subscribers.
// The event carries the run's accountability {user, role}. Its result is
// {event, data}.
type Emit struct {
	Sink EventSink
	Bus  *events.Bus
	// Now stamps the event (time.Now when nil).
	Now func() time.Time
}

// Prepare checks a constant event name and compiles data.
func (e Emit) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "event", "data")
	checkString(p.Options, "event", true, &errs)
	if s, ok := p.Options["event"].(string); ok && strings.TrimSpace(s) != "" && !isTemplate(s) {
		if msg := checkEventName(strings.TrimSpace(s)); msg != "" {
			errs.Add("event", "%s", msg)
		}
	}
	now := e.Now
	if now == nil {
		now = time.Now
	}
	s := &emitStep{
		sink: e.Sink,
		bus:  e.Bus,
		now:  now,
		data: compileJSONOption(p, "data", &errs),
	}
	return s, errs.Err()
}

// checkEventName explains what is wrong with a name, or returns "".
func checkEventName(name string) string {
	// Dot-separated lower-case words, the shape webhook subscriptions
	// match with wildcards ("report.*").
	if !flows.IsEventName(name) {
		return `must be dot-separated lower-case words such as "report.generated"`
	}
	for _, prefix := range reservedEventPrefixes {
		if strings.HasPrefix(name, prefix) {
			return fmt.Sprintf("names starting with %q are reserved for the item store's events", prefix)
		}
	}
	return ""
}

type emitStep struct {
	sink EventSink
	bus  *events.Bus
	now  func() time.Time
	data jsonOption
}

// SelfRendered: data may be JSON text, parsed after rendering.
func (s *emitStep) SelfRendered() []string { return []string{"data"} }

// Run stores the event, then publishes it (publishing never blocks).
func (s *emitStep) Run(ctx context.Context, in Input) (any, error) {
	name := strings.TrimSpace(optionText(in.Options, "event"))
	if msg := checkEventName(name); msg != "" {
		return nil, Failf(http.StatusInternalServerError, "INVALID_EVENT", "emit: event %q %s", name, msg)
	}
	data, err := s.data.resolve(ctx, in, "emit: data")
	if err != nil {
		return nil, err
	}
	e := events.Event{Name: name, Payload: data, Time: s.now().UTC()}
	if acc, ok := in.Chain["$accountability"].(map[string]any); ok {
		e.Accountability = map[string]any{"user": acc["user"], "role": acc["role"]}
	}
	if s.sink != nil {
		if err := s.sink.StoreEvent(ctx, e); err != nil {
			return nil, fmt.Errorf("emit: %w", err)
		}
	}
	if s.bus != nil {
		s.bus.Publish(e)
	}
	return map[string]any{"event": name, "data": data}, nil
}
