package operations

import (
	"errors"
	"fmt"
	"net/http"
)

// Error is an operation failure with the HTTP status it maps to when it ends
// a run, a machine-readable code and optional details stored with it.
type Error struct {
	Status  int
	Code    string
	Message string
	Details map[string]any
	// cause is the sentinel callers branch on, when there is one
	// (ErrRenderTooLarge).
	cause error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap returns the sentinel behind the failure, if any.
func (e *Error) Unwrap() error { return e.cause }

// Failf builds an Error with a formatted message.
func Failf(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorObject is the value a failed node leaves in the data chain:
// {"message", "code", "status", …details}; a "status" in Details wins over
// Status.
func ErrorObject(err error) map[string]any {
	var opErr *Error
	if !errors.As(err, &opErr) {
		opErr = &Error{Status: http.StatusInternalServerError, Code: "OPERATION_FAILED", Message: err.Error()}
	}
	obj := make(map[string]any, len(opErr.Details)+3)
	obj["status"] = opErr.Status
	// Details may replace "status" with a more telling one (a failed
	// request keeps the upstream's status, so a reject branch reads the
	// same object as on success); Status still decides the run's answer.
	for k, v := range opErr.Details {
		obj[k] = v
	}
	obj["message"] = opErr.Message
	obj["code"] = opErr.Code
	return obj
}

// RejectError makes a step take its `reject` edge without being a failure:
// the data becomes the node's result and the run ends normally when there is
// no `reject` edge.
type RejectError struct {
	Data any
}

// Error describes the rejection.
func (r *RejectError) Error() string { return "rejected" }

// Reject returns a RejectError carrying data.
func Reject(data any) error { return &RejectError{Data: data} }
