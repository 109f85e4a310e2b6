package operations

import (
	"log/slog"

	"github.com/hookflow/hookflow/events"
)

// Dependencies are what built-in operations need from the server.
type Dependencies struct {
	Logger *slog.Logger
	// Bus receives events published by flows (and item writes).
	Bus *events.Bus
}

// Builtins returns a registry with every built-in operation type.
func Builtins(d Dependencies) *Registry {
	r := NewRegistry()
	r.MustRegister("condition", Condition{})
	r.MustRegister("transform", Transform{})
	r.MustRegister("log", Log{})
	r.MustRegister("throw-error", ThrowError{})
	return r
}
