package operations

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/outbound"
)

// Dependencies are what built-in operations need from the server.
type Dependencies struct {
	Logger *slog.Logger
	// Bus receives events published by flows (and item writes).
	Bus *events.Bus
	// HTTPClient makes the request operation's calls. It must enforce the
	// outbound policy: outbound.NewClient(policy, RequestMaxRedirects).
	// Nil means a client with the strictest policy (no internal ranges).
	HTTPClient *http.Client
	// MaxResponseSize bounds a request's response body
	// (REQUEST_MAX_RESPONSE_SIZE); zero means DefaultMaxResponseSize.
	MaxResponseSize int64
	// Now is the clock behind exec's now(); nil means time.Now.
	Now func() time.Time
	// Flows runs other flows for the trigger operation
	// (triggers.OperationTrigger, bound once the server is wired).
	Flows FlowRunner
}

// Builtins returns a registry with every built-in operation type.
func Builtins(d Dependencies) *Registry {
	if d.HTTPClient == nil {
		d.HTTPClient = outbound.NewClient(outbound.Policy{}, RequestMaxRedirects)
	}
	r := NewRegistry()
	r.MustRegister("condition", Condition{})
	r.MustRegister("transform", Transform{})
	r.MustRegister("log", Log{})
	r.MustRegister("throw-error", ThrowError{})
	r.MustRegister("request", Request{Client: d.HTTPClient, MaxResponseSize: d.MaxResponseSize})
	r.MustRegister("exec", Exec{Now: d.Now})
	r.MustRegister("trigger", TriggerFlow{Flows: d.Flows})
	r.MustRegister("emit", Emit{Bus: d.Bus})
	r.MustRegister("sleep", Sleep{})
	return r
}
