package operations

import (
	"context"
	"net/http"
	"regexp"

	"github.com/hookflow/hookflow/flows"
)

// ThrowError fails the run on purpose with an HTTP status, a code and a
// message (for example 422 when a sender's payload is unusable).
type ThrowError struct{}

// codePattern is the shape of an error code: upper snake case.
var codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

const (
	defaultThrowStatus = http.StatusInternalServerError
	defaultThrowCode   = "FLOW_ERROR"
)

// Prepare checks constant options; templated ones are checked per run.
func (ThrowError) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "status", "code", "message")
	if v, ok := p.Options["status"]; ok && v != nil && !isTemplate(v) {
		if n, isInt := optionInt(v); !isInt || !validStatus(n) {
			errs.Add("status", "must be an HTTP error status (400-599)")
		}
	}
	if v, ok := p.Options["code"]; ok && v != nil && !isTemplate(v) {
		if s, isStr := v.(string); !isStr || !codePattern.MatchString(s) {
			errs.Add("code", "must be an UPPER_SNAKE_CASE string")
		}
	}
	checkString(p.Options, "message", false, &errs)
	return throwErrorStep{}, errs.Err()
}

type throwErrorStep struct{}

// Run always fails with the configured error.
func (throwErrorStep) Run(_ context.Context, in Input) (any, error) {
	e := &Error{Status: defaultThrowStatus, Code: defaultThrowCode, Message: optionText(in.Options, "message")}
	if n, ok := optionInt(in.Options["status"]); ok && validStatus(n) {
		e.Status = n
	}
	if code := optionText(in.Options, "code"); codePattern.MatchString(code) {
		e.Code = code
	}
	if e.Message == "" {
		e.Message = http.StatusText(e.Status)
	}
	return nil, e
}
