package engine

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/operations"
)

func TestDescribeFailure(t *testing.T) {
	t.Parallel()
	thrown := &operations.Error{Status: 422, Code: "NOT_AN_ORDER", Message: "type must be order"}
	tests := []struct {
		name string
		err  error
		want Failure
		ok   bool
	}{
		{"step limit", fmt.Errorf("%w (10)", ErrMaxSteps), Failure{Code: CodeMaxSteps, Message: "flow exceeded its step limit (10)", Status: 500}, true},
		{"deadline", ErrTimeout, Failure{Code: CodeTimeout, Message: "flow run timed out", Status: 504}, true},
		{
			"an operation's own failure", &OperationError{Key: "refuse", Type: "throw-error", Err: thrown},
			Failure{Code: "NOT_AN_ORDER", Message: "type must be order", Status: 422, Operation: "refuse", Type: "throw-error"},
			true,
		},
		{
			"an operation's plain error", &OperationError{Key: "x", Type: "custom", Err: errors.New("boom")},
			Failure{Code: CodeOperationFailed, Message: "boom", Status: 500, Operation: "x", Type: "custom"},
			true,
		},
		{
			"a panic", &OperationError{Key: "p", Type: "custom", Err: newPanicError("kaboom", []byte("goroutine 1"))},
			Failure{Code: CodePanic, Message: "operation panicked: kaboom", Status: 500, Operation: "p", Type: "custom"},
			true,
		},
		{
			"a return value too large", returnFailure(operations.RenderTooLarge(10)),
			Failure{Code: "RENDER_TOO_LARGE", Message: "the rendered value is larger than FLOWS_MAX_RENDER_SIZE (10 bytes)", Status: 413},
			true,
		},
		{"not a run's failure", errors.New("disk full"), Failure{Code: CodeOperationFailed, Message: "disk full", Status: 500}, false},
		{"no error", nil, Failure{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := DescribeFailure(tc.err)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("DescribeFailure = %+v, %v; want %+v, %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestDeadlineWhileRenderingTheReturnValue: a deadline that passes while
// the return value is built fails the run with FLOW_TIMEOUT (504), as a
// deadline between steps does.
func TestDeadlineWhileRenderingTheReturnValue(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	r := operations.Builtins(operations.Dependencies{})
	r.MustRegister("cancel", testOp(func(context.Context, operations.Input) (any, error) {
		cancel() // the deadline passes as the last step ends
		return "x", nil
	}))
	e := New(r, Config{Logger: quietLogger()})
	ret := strings.Repeat("{{$last}}", 2*ctxCheckEvery)
	doc := `{"options": {"return": "` + ret + `"}, "operations": [{"id": "c", "operation": "cancel"}]}`
	res := e.Run(ctx, compileDoc(t, e, doc), RunInput{})
	f, failed := DescribeFailure(res.Err)
	if !failed || f.Code != CodeTimeout || f.Status != http.StatusGatewayTimeout || res.Status != StatusFailed {
		t.Fatalf("err %v: %+v, %v", res.Err, f, failed)
	}
}
