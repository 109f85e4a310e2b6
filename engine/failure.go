package engine

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/operations"
)

// Codes of run failures that are not an operation's own.
const (
	// CodeMaxSteps: the run executed more steps than FLOWS_MAX_STEPS.
	CodeMaxSteps = "FLOW_MAX_STEPS"
	// CodeTimeout: the run outlived its deadline.
	CodeTimeout = "FLOW_TIMEOUT"
	// CodeOperationFailed: an operation failed without a code of its own.
	CodeOperationFailed = "OPERATION_FAILED"
	// CodePanic: an operation panicked (PanicError).
	CodePanic = "OPERATION_PANIC"
)

// Failure is a run's failure as everything outside the engine reads it:
// error answers, run records, the trigger operation's result, logs.
// DescribeFailure is the one classifier of run failures.
type Failure struct {
	// Code is machine-readable: the failing operation's own code
	// (NOT_AN_ORDER, RENDER_TOO_LARGE, REQUEST_FAILED, …), CodeMaxSteps,
	// CodeTimeout, CodePanic or CodeOperationFailed.
	Code    string
	Message string
	// Status is the HTTP status the failure answers a synchronous caller
	// with: the one its operation chose (throw-error's, an upstream's
	// 502, 413 for RENDER_TOO_LARGE), 504 for a deadline, else 500.
	Status int
	// Operation and Type name the step that failed; both are empty for a
	// failure of the run as a whole (the step limit, the deadline, the
	// return value).
	Operation string
	Type      string
}

// DescribeFailure reports whether err is the failure of a run (Result.Err)
// and describes it. Any other error is described as an operation failure
// (500 OPERATION_FAILED) with ok false; nil is no failure.
func DescribeFailure(err error) (f Failure, ok bool) {
	if err == nil {
		return Failure{}, false
	}
	var (
		opErr  *OperationError
		stepEr *operations.Error
	)
	f = Failure{Code: CodeOperationFailed, Message: err.Error(), Status: http.StatusInternalServerError}
	switch {
	case errors.Is(err, ErrMaxSteps):
		f.Code, ok = CodeMaxSteps, true
	case errors.Is(err, ErrTimeout):
		f.Code, f.Status, ok = CodeTimeout, http.StatusGatewayTimeout, true
	case errors.As(err, &opErr):
		f.Message, f.Operation, f.Type, ok = opErr.Err.Error(), opErr.Key, opErr.Type, true
	case errors.Is(err, errReturnValue):
		ok = true
	}
	if f.Code != CodeOperationFailed || !errors.As(err, &stepEr) {
		return f, ok
	}
	if stepEr.Code != "" {
		f.Code = stepEr.Code
	}
	if stepEr.Status >= 400 && stepEr.Status <= 599 {
		f.Status = stepEr.Status
	}
	if f.Operation == "" {
		f.Message = stepEr.Message // not the wrapping's "return value: …"
	}
	return f, ok
}

// Object is the failure as run records and the trigger operation show it:
// message, code and, for an operation's failure, its key and type.
func (f Failure) Object() map[string]any {
	obj := map[string]any{"message": f.Message, "code": f.Code}
	if f.Operation != "" {
		obj["operation"], obj["type"] = f.Operation, f.Type
	}
	return obj
}

// ErrorObject describes a run's failure for run records: Failure.Object.
func ErrorObject(err error) map[string]any {
	f, _ := DescribeFailure(err)
	return f.Object()
}

// errReturnValue marks the failure to render a run's return value (it
// grew past FLOWS_MAX_RENDER_SIZE, or the deadline passed while it was
// built): a failure of the run, though no step failed.
var errReturnValue = errors.New("return value")

// returnFailure wraps a failure of the return value.
func returnFailure(err error) error { return fmt.Errorf("%w: %w", errReturnValue, err) }
