package operations

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/flows"
)

// eventNamePattern is what a custom event name looks like: two or more
// dot-separated lower-case segments ("report.generated", "system.alert",
// "billing.invoice-paid"), the shape webhook subscriptions match with
// wildcards ("report.*").
var eventNamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$`)

// reservedEventPrefix names the item store's own events, which flows may
// not forge: outgoing webhooks trust them to describe committed writes.
const reservedEventPrefix = "items."

// Emit publishes a custom event (option `event`) with `data` as its payload
// on the server's event bus, where outgoing webhooks and event-triggered
// flows pick it up. The event carries the run's accountability {user,
// role}. Its result is {event, data}.
type Emit struct {
	Bus *events.Bus
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
	s := &emitStep{bus: e.Bus, data: compileJSONOption(p, "data", &errs)}
	return s, errs.Err()
}

// checkEventName explains what is wrong with a name, or returns "".
func checkEventName(name string) string {
	switch {
	case !eventNamePattern.MatchString(name):
		return `must be dot-separated lower-case words such as "report.generated"`
	case strings.HasPrefix(name, reservedEventPrefix):
		return `names starting with "items." are reserved for the item store's events`
	}
	return ""
}

type emitStep struct {
	bus  *events.Bus
	data jsonOption
}

// SelfRendered: data may be JSON text, parsed after rendering.
func (s *emitStep) SelfRendered() []string { return []string{"data"} }

// Run publishes the event; publishing never blocks.
func (s *emitStep) Run(_ context.Context, in Input) (any, error) {
	name := strings.TrimSpace(optionText(in.Options, "event"))
	if msg := checkEventName(name); msg != "" {
		return nil, Failf(http.StatusInternalServerError, "INVALID_EVENT", "emit: event %q %s", name, msg)
	}
	data, err := s.data.resolve(in.Chain, "emit: data")
	if err != nil {
		return nil, err
	}
	if s.bus != nil {
		e := events.Event{Name: name, Payload: data}
		if acc, ok := in.Chain["$accountability"].(map[string]any); ok {
			e.Accountability = map[string]any{"user": acc["user"], "role": acc["role"]}
		}
		s.bus.Publish(e)
	}
	return map[string]any{"event": name, "data": data}, nil
}
