package operations

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
)

const (
	// DefaultTriggerMaxItems is how many elements of an array payload one
	// trigger step runs a flow for (FLOWS_TRIGGER_MAX_ITEMS).
	DefaultTriggerMaxItems = 1000
	// DefaultTriggerMaxRuns is how many flow runs one run and the flows it
	// triggers, at every depth, may start together (FLOWS_TRIGGER_MAX_RUNS).
	DefaultTriggerMaxRuns = 10000
)

// runBudget counts the flow runs a root run and its descendants may still
// start. It is shared by every trigger step of the root run and travels to
// the flows they run in the context, so nested fan-out (1000 elements
// each triggering 1000 more) is bounded as a whole, not per step.
type runBudget struct {
	max  int
	left atomic.Int64
}

type runBudgetKey struct{}

// newRunBudget returns a budget of max runs.
func newRunBudget(max int) *runBudget {
	b := &runBudget{max: max}
	b.left.Store(int64(max))
	return b
}

// runBudgetOf returns the budget of the run a step belongs to: the one its
// context carries when the run was started by a trigger step, else the
// run's own, created on its first trigger step.
func runBudgetOf(ctx context.Context, run *RunInfo, max int) *runBudget {
	if run != nil && run.budget != nil {
		return run.budget
	}
	b, _ := ctx.Value(runBudgetKey{}).(*runBudget)
	if b == nil {
		b = newRunBudget(max)
	}
	if run != nil {
		run.budget = b // the steps of one run execute one at a time
	}
	return b
}

// with returns ctx carrying the budget to the runs started under it.
func (b *runBudget) with(ctx context.Context) context.Context {
	return context.WithValue(ctx, runBudgetKey{}, b)
}

// take reserves n runs, all or none.
func (b *runBudget) take(n int) bool {
	for {
		left := b.left.Load()
		if left < int64(n) {
			return false
		}
		if b.left.CompareAndSwap(left, left-int64(n)) {
			return true
		}
	}
}

// checkFanOut reserves the runs of one trigger step, failing the step
// before any run starts when the payload has more elements than one step
// may iterate over, or the root run has not that many runs left.
func checkFanOut(b *runBudget, flowID string, n, maxItems int) error {
	if n > maxItems {
		return &Error{
			Status:  http.StatusInternalServerError,
			Code:    "FLOW_ITEMS_LIMIT",
			Message: fmt.Sprintf("trigger: the payload has %d elements; one trigger step runs flow %s for at most %d (FLOWS_TRIGGER_MAX_ITEMS)", n, flowID, maxItems),
			Details: map[string]any{"items": float64(n), "limit": float64(maxItems)},
		}
	}
	if !b.take(n) {
		return &Error{
			Status:  http.StatusInternalServerError,
			Code:    "FLOW_RUNS_LIMIT",
			Message: fmt.Sprintf("trigger: starting %d more runs of flow %s would exceed the %d flow runs one run and the flows it triggers may start together (FLOWS_TRIGGER_MAX_RUNS)", n, flowID, b.max),
			Details: map[string]any{"runs": float64(n), "left": float64(max(b.left.Load(), 0)), "limit": float64(b.max)},
		}
	}
	return nil
}
