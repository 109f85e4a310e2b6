package engine

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/operations"
)

var (
	// ErrMaxSteps ends a run that executed more steps than the limit allows
	// (a loop that never exits).
	ErrMaxSteps = errors.New("flow exceeded its step limit")
	// ErrTimeout ends a run that outlived its deadline.
	ErrTimeout = errors.New("flow run timed out")
)

// OperationError is a failure of one operation that ended the run (it had no
// `reject` edge to follow).
type OperationError struct {
	Flow string
	Key  string
	Type string
	Err  error
}

// Error names the operation and the cause.
func (e *OperationError) Error() string {
	return fmt.Sprintf("operation %q (%s) failed: %v", e.Key, e.Type, e.Err)
}

// Unwrap returns the operation's error.
func (e *OperationError) Unwrap() error { return e.Err }

// PanicError is what a panicking operation turns into: a failure of its
// step (code OPERATION_PANIC, status 500) that keeps the panic's value and
// the goroutine's stack for the log. Neither the stack nor anything but
// Error's text reaches a caller or a run record.
type PanicError struct {
	Value any
	Stack []byte
	// step is the failure the step's reject edge and the run's answer see.
	step *operations.Error
}

func newPanicError(value any, stack []byte) *PanicError {
	p := &PanicError{Value: value, Stack: stack}
	p.step = &operations.Error{Status: http.StatusInternalServerError, Code: CodePanic, Message: p.Error()}
	return p
}

// Error describes the panic without the stack (the stack is logged).
func (e *PanicError) Error() string { return fmt.Sprintf("operation panicked: %v", e.Value) }

// Unwrap returns the step's failure (OPERATION_PANIC), which the data
// chain and the run's answer read.
func (e *PanicError) Unwrap() error { return e.step }
