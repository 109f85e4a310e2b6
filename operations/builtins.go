package operations

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
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
	// TriggerMaxItems and TriggerMaxRuns bound the trigger operation's
	// fan-out (TriggerFlow.MaxItems, MaxRuns); zero means the defaults.
	TriggerMaxItems, TriggerMaxRuns int
	// Store holds the items of item-create, item-read, item-update and
	// item-delete (without it those types are not registered), and stores
	// what emitted events owe before the emit step succeeds.
	Store *storage.Store
	// Items decides what item operations may do (access.ItemRules when
	// nil).
	Items ItemGuard
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
	r.MustRegister("trigger", TriggerFlow{Flows: d.Flows, MaxItems: d.TriggerMaxItems, MaxRuns: d.TriggerMaxRuns})
	emit := Emit{Bus: d.Bus, Now: d.Now}
	if d.Store != nil {
		emit.Sink = d.Store // a nil *Store would be a non-nil EventSink
	}
	r.MustRegister("emit", emit)
	r.MustRegister("sleep", Sleep{})
	if d.Store != nil {
		guard := d.Items
		if guard == nil {
			guard = access.ItemRules{}
		}
		items := Items{Store: d.Store, Guard: guard}
		r.MustRegister("item-create", ItemCreate(items))
		r.MustRegister("item-read", ItemRead(items))
		r.MustRegister("item-update", ItemUpdate(items))
		r.MustRegister("item-delete", ItemDelete(items))
	}
	return r
}
