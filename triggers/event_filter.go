package triggers

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/storage"
)

// FilterError is an item write that a filter flow refused: its run failed,
// timed out (FLOWS_FILTER_TIMEOUT) or ended on a reject. Nothing of the
// write was made. It unwraps to the run's failure — so the write's caller
// answers with the status and code a webhook calling the flow would — and
// to the same failure as an *operations.Error, so an item operation whose
// write was refused fails with that status and code too.
type FilterError struct {
	// Flow and Run name the filter flow and its run ("" when no run
	// started: the chain of events was at its limit).
	Flow, Run string
	// Event is the write's event ("items.create").
	Event string
	// Err is why: the run's error (*engine.OperationError, engine.ErrTimeout,
	// engine.ErrMaxSteps, *RejectedError) or ErrEventDepth.
	Err error
	// failure is Err with its status and code.
	failure *operations.Error
}

// ErrEventDepth refuses an item write made at FLOWS_MAX_EVENT_DEPTH that
// filter flows listen to: they cannot run, and the write is not let
// through unchecked.
var ErrEventDepth = errors.New("the chain of events is at FLOWS_MAX_EVENT_DEPTH")

// Error names the flow and the cause.
func (e *FilterError) Error() string {
	return fmt.Sprintf("filter flow %s refused the %s: %v", e.Flow, e.Event, e.Err)
}

// Unwrap returns the run's failure and its operations.Error form.
func (e *FilterError) Unwrap() []error { return []error{e.Err, e.failure} }

// Filters implements storage.WriteFilter: whether a filter flow listens to
// an item action on a collection (two map reads).
func (t *EventTrigger) Filters(action, collection string) bool {
	idx, _ := t.index()
	named, all := match(idx.filters, itemEventName(action), collection)
	return len(named)+len(all) > 0
}

// FilterWrite implements storage.WriteFilter: it runs the filter flows of
// a write, in the order they were created, over each of its changes, on
// the caller's goroutine and under one deadline (FilterTimeout) for the
// whole write. Each flow gets `$trigger` {event, collection, keys,
// payload} with the payload as the flows before it left it; a run whose
// result (its `return`, `$last` by default) is an object replaces the
// payload of a create or an update. The first run that fails or ends on a
// reject refuses the write with a *FilterError.
func (t *EventTrigger) FilterWrite(ctx context.Context, w *storage.PendingWrite) error {
	name := itemEventName(w.Action)
	idx, b := t.index()
	named, all := match(idx.filters, name, w.Collection)
	if len(named)+len(all) == 0 {
		return nil
	}
	depth, stopped := t.stopAtDepth(ctx, name, w.Collection, named, all)
	if stopped {
		first := append(append([]*engine.Plan(nil), named...), all...)[0]
		return &FilterError{
			Flow:  first.Flow.ID,
			Event: name,
			Err:   ErrEventDepth,
			failure: &operations.Error{
				Status: http.StatusInternalServerError, Code: "EVENT_DEPTH_LIMIT",
				Message: fmt.Sprintf("%s of %s: %v (%d); its filter flows cannot run", name, w.Collection, ErrEventDepth, t.cfg.MaxDepth),
			},
		}
	}
	ctx, cancel := context.WithTimeout(ctx, t.cfg.FilterTimeout)
	defer cancel()
	accountability := accountabilityOfWriter(w.Accountability)
	for i := range w.Changes {
		c := &w.Changes[i]
		for _, list := range [2][]*engine.Plan{named, all} {
			for _, p := range list {
				req := Request{
					FlowID:         p.Flow.ID,
					Trigger:        eventTrigger(name, w.Collection, c.Keys, c.Payload),
					Accountability: accountability,
					StartedBy:      StartedByEvent,
					Event:          name,
					EventDepth:     depth + 1,
				}
				res := b.runner.RunNow(ctx, p, req)
				if err := filterFailure(p, name, res); err != nil {
					return err
				}
				if m, ok := p.ReturnValue(res).(map[string]any); ok && w.Action != "delete" {
					c.Payload = m
				}
			}
		}
	}
	return nil
}

// filterFailure is the refusal of a filter run, or nil when it let the
// write through.
func filterFailure(p *engine.Plan, event string, res *engine.Result) error {
	err := res.Err
	if err == nil && res.EndedOnReject {
		// As in Directus: a filter flow whose last step rejected refuses
		// the write (a condition that did not pass).
		err = &RejectedError{Data: res.Last}
	}
	if err == nil {
		return nil
	}
	failure := childFailure(p.Flow.ID, res)
	var rejected *RejectedError
	if errors.As(err, &rejected) {
		failure.Status, failure.Code = http.StatusBadRequest, "FLOW_REJECTED"
		failure.Details["data"] = rejected.Data
	}
	return &FilterError{
		Flow:    p.Flow.ID,
		Run:     res.RunID,
		Event:   event,
		Err:     err,
		failure: failure,
	}
}
