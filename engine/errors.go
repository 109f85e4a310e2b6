package engine

import (
	"errors"
	"fmt"

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

// PanicError is what a panicking operation turns into.
type PanicError struct {
	Value any
	Stack []byte
}

// Error describes the panic without the stack (the stack is logged).
func (e *PanicError) Error() string { return fmt.Sprintf("operation panicked: %v", e.Value) }

// ErrorCode is the machine-readable code of a run's failure: the failing
// operation's own code, FLOW_MAX_STEPS, FLOW_TIMEOUT, or OPERATION_FAILED.
func ErrorCode(err error) string {
	var opErr *operations.Error
	switch {
	case errors.Is(err, ErrMaxSteps):
		return "FLOW_MAX_STEPS"
	case errors.Is(err, ErrTimeout):
		return "FLOW_TIMEOUT"
	case errors.As(err, &opErr) && opErr.Code != "":
		return opErr.Code
	default:
		return "OPERATION_FAILED"
	}
}

// ErrorObject describes a run's failure for run records and responses:
// message, code and, for an operation failure, the operation's key and type.
func ErrorObject(err error) map[string]any {
	obj := map[string]any{"message": err.Error(), "code": ErrorCode(err)}
	var opErr *OperationError
	if errors.As(err, &opErr) {
		obj["message"] = opErr.Err.Error()
		obj["operation"] = opErr.Key
		obj["type"] = opErr.Type
	}
	return obj
}
