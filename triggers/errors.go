package triggers

import (
	"errors"
	"fmt"
)

var (
	// ErrFlowNotFound is returned for an unknown, inactive or non-webhook flow.
	ErrFlowNotFound = errors.New("flow not found")
	// ErrUnauthorized is returned when a private flow is called without a
	// valid token.
	ErrUnauthorized = errors.New("a valid token is required to trigger this flow")
	// ErrForbidden is returned when the caller's token may not trigger the flow.
	ErrForbidden = errors.New("you do not have permission to trigger this flow")
	// ErrPayloadTooLarge is returned for bodies over the configured limit.
	ErrPayloadTooLarge = errors.New("request body too large")
)

// MethodNotAllowedError is returned when a webhook flow is called with
// another method than the one it listens on.
type MethodNotAllowedError struct {
	Method string
	Allow  string
}

// Error describes the mismatch.
func (e *MethodNotAllowedError) Error() string {
	return fmt.Sprintf("method %s not allowed: this flow listens on %s", e.Method, e.Allow)
}

// PayloadError is a request body that cannot be read as its content type
// says.
type PayloadError struct {
	Err error
}

// Error describes the problem.
func (e *PayloadError) Error() string { return "invalid request body: " + e.Err.Error() }

// Unwrap returns the parse error.
func (e *PayloadError) Unwrap() error { return e.Err }

// RejectedError is a run that took a reject outcome on a flow with
// `error_on_reject`; Data is the run's `$last`.
type RejectedError struct {
	Data any
}

// Error describes the rejection.
func (e *RejectedError) Error() string { return "the flow rejected the request" }
