package triggers

import (
	"errors"
	"fmt"
	"time"
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
	// ErrRequestTimeout is returned when the request body did not arrive
	// within the server's read timeout (HTTP_READ_TIMEOUT).
	ErrRequestTimeout = errors.New("the request body did not arrive in time (HTTP_READ_TIMEOUT)")
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

// ErrQueueFull is returned (inside a *QueueFullError) when as many async
// runs are queued or running as the queue's limit allows.
var ErrQueueFull = errors.New("the queue of async runs is full")

// QueueFullError is an async trigger refused because the queue is full;
// nothing was stored.
type QueueFullError struct {
	// Limit is the queue's limit (FLOWS_QUEUE_LIMIT).
	Limit int
	// RetryAfter is when the caller may try again.
	RetryAfter time.Duration
}

// Error says what happened and what to do.
func (e *QueueFullError) Error() string {
	return fmt.Sprintf("the queue of async runs is full (%d queued or running); try again later", e.Limit)
}

// Unwrap makes the error match ErrQueueFull.
func (e *QueueFullError) Unwrap() error { return ErrQueueFull }
