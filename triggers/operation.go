package triggers

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// OperationTrigger starts flows whose trigger is "operation" on behalf of
// the `trigger` operation: it implements operations.FlowRunner. The
// operation registry is built before the catalog and runner that run flows
// exist (they need the compiled registry), so the trigger is created
// first, handed to the registry, and bound once the server is wired.
type OperationTrigger struct {
	bound atomic.Pointer[operationBinding]
}

type operationBinding struct {
	catalog *Catalog
	runner  *Runner
}

// NewOperationTrigger returns an unbound trigger; runs fail until Bind.
func NewOperationTrigger() *OperationTrigger { return &OperationTrigger{} }

// Bind connects the trigger to the flows it can run.
func (t *OperationTrigger) Bind(c *Catalog, r *Runner) {
	t.bound.Store(&operationBinding{catalog: c, runner: r})
}

// RunFlow runs an active operation-triggered flow synchronously under the
// caller's context (its deadline bounds the child), records the run as the
// child flow's accountability setting asks, and returns the flow's return
// value. A failed child run fails with the child's status and code.
func (t *OperationTrigger) RunFlow(ctx context.Context, call operations.FlowCall) (any, error) {
	b := t.bound.Load()
	if b == nil {
		return nil, operations.Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND", "trigger: flows cannot be run yet")
	}
	plan, ok := b.catalog.Plan(call.FlowID)
	switch {
	case !ok:
		return nil, operations.Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND", "trigger: there is no flow %s", call.FlowID)
	case plan.Flow.Trigger != flows.TriggerOperation:
		return nil, operations.Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND",
			"trigger: flow %s has trigger %q; only flows with trigger \"operation\" can be run by another flow", call.FlowID, plan.Flow.Trigger)
	case !plan.Flow.IsActive():
		return nil, operations.Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND", "trigger: flow %s is inactive", call.FlowID)
	}
	res := b.runner.RunNow(ctx, plan, Request{
		FlowID:         call.FlowID,
		Trigger:        call.Payload,
		Accountability: accountabilityFromMap(call.Accountability),
		Depth:          call.Depth,
		StartedBy:      StartedByOperation,
	})
	if res.Err != nil {
		return nil, childFailure(call.FlowID, res)
	}
	return plan.ReturnValue(res), nil
}

// childFailure keeps a failed child run's status and code, so a request
// failing three flows down still answers 502 REQUEST_FAILED.
func childFailure(flowID string, res *engine.Result) *operations.Error {
	f, _ := engine.DescribeFailure(res.Err)
	return &operations.Error{
		Status:  f.Status,
		Code:    f.Code,
		Message: fmt.Sprintf("flow %s (run %s): %v", flowID, res.RunID, res.Err),
		Details: map[string]any{"flow": flowID, "run": res.RunID},
	}
}

// accountabilityFromMap reads a `$accountability` value; null is a system
// run's.
func accountabilityFromMap(m map[string]any) engine.Accountability {
	if m == nil {
		return engine.Accountability{System: true}
	}
	return engine.Accountability{
		User:      m["user"],
		Role:      m["role"],
		IP:        m["ip"],
		UserAgent: m["userAgent"],
	}
}
