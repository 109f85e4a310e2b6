package operations

import (
	"log/slog"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// Dependencies are what built-in operations need from the server.
type Dependencies struct {
	Logger *slog.Logger
	// Bus receives events published by flows (and item writes).
	Bus *events.Bus
	// Store holds the items of item-create, item-read, item-update and
	// item-delete; without it those types are not registered.
	Store *storage.Store
	// Items decides what item operations may do (access.ItemRules when
	// nil).
	Items ItemGuard
}

// Builtins returns a registry with every built-in operation type.
func Builtins(d Dependencies) *Registry {
	r := NewRegistry()
	r.MustRegister("condition", Condition{})
	r.MustRegister("transform", Transform{})
	r.MustRegister("log", Log{})
	r.MustRegister("throw-error", ThrowError{})
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
