package triggers

import (
	"fmt"

	"github.com/hookflow/hookflow/storage"
)

// IDConflictError is a new flow or operation whose id is taken. It
// matches storage.ErrConflict.
type IDConflictError struct {
	// Path locates the id in the request ("[1].id"); empty when the
	// request has no better place to point at.
	Path    string
	Message string
}

// Error says which id is taken and what to do instead.
func (e *IDConflictError) Error() string { return e.Message }

// Unwrap makes the error match storage.ErrConflict.
func (e *IDConflictError) Unwrap() error { return storage.ErrConflict }

// AmbiguousOperationError is an operation id that several flows hold,
// named without the flow that would pick one.
type AmbiguousOperationError struct {
	ID    string
	Flows int
}

// Error says how to name the operation.
func (e *AmbiguousOperationError) Error() string {
	return fmt.Sprintf("operation id %q exists in %d flows; add ?flow=<flow id>", e.ID, e.Flows)
}

// NotFoundError is a record that does not exist. It matches
// storage.ErrNotFound.
type NotFoundError struct {
	Kind string // "operation", "flow"
	ID   string
}

// Error names the record.
func (e *NotFoundError) Error() string { return fmt.Sprintf("%s %q does not exist", e.Kind, e.ID) }

// Unwrap makes the error match storage.ErrNotFound.
func (e *NotFoundError) Unwrap() error { return storage.ErrNotFound }
