package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/query"
)

// maxPreallocatedSteps bounds the step records allocated ahead of a run.
const maxPreallocatedSteps = 16

// Run executes a plan. The context carries the run's deadline; a run that
// outlives it fails with ErrTimeout.
func (e *Engine) Run(ctx context.Context, p *Plan, in RunInput) *Result {
	ctx, span := e.startRunSpan(ctx, p, in)
	res := e.run(ctx, p, in)
	endRunSpan(span, res)
	return res
}

// run is Run inside the run's span.
func (e *Engine) run(ctx context.Context, p *Plan, in RunInput) *Result {
	started := time.Now()
	chain := make(map[string]any, 8+len(p.steps))
	chain["$trigger"] = in.Trigger
	chain["$last"] = in.Trigger
	chain["$accountability"] = in.Accountability.chainValue()
	chain["$env"] = in.Env
	chain["$flow"] = p.flowInfo
	chain["$run"] = map[string]any{"id": in.RunID}
	res := &Result{
		RunID:   in.RunID,
		Status:  StatusCompleted,
		Chain:   chain,
		Started: started,
	}
	if in.RecordSteps {
		// Room for a run through every step once, so the record grows
		// without copies in the common case.
		res.Steps = make([]StepRecord, 0, min(len(p.steps), maxPreallocatedSteps))
	}
	info := &operations.RunInfo{
		FlowID:        p.Flow.ID,
		RunID:         in.RunID,
		Logger:        e.logger,
		Depth:         in.Depth,
		MaxRenderSize: e.maxRender,
	}
	var b budget // reused by every step: one allocation per run

	count := 0
	for cur := p.entry; cur >= 0; {
		if count >= e.maxSteps {
			res.Err = fmt.Errorf("%w (%d)", ErrMaxSteps, e.maxSteps)
			break
		}
		if ctx.Err() != nil {
			res.Err = ErrTimeout
			break
		}
		count++
		st := &p.steps[cur]
		out, outcome, failure := e.runStep(ctx, st, &b, chain, info, in.RecordSteps, res)
		chain[st.op.Key] = out
		chain["$last"] = out
		if outcome == OutcomeResolve {
			if st.resolve >= 0 {
				res.EndedOnReject = false
			}
			cur = st.resolve
			continue
		}
		res.Rejected, res.EndedOnReject = true, true
		if ctx.Err() != nil {
			res.Err = ErrTimeout
			break
		}
		if st.reject >= 0 {
			cur = st.reject
			continue
		}
		if failure != nil {
			res.Err = &OperationError{
				Flow: p.Flow.ID,
				Key:  st.op.Key,
				Type: st.op.Type,
				Err:  failure,
			}
		}
		break
	}
	res.Last = chain["$last"]
	if res.Err == nil && p.answers {
		if res.Return, res.Err = p.ret.render(ctx, &b, e.maxRender, chain); res.Err != nil {
			res.Err = returnFailure(res.Err)
		}
	}
	if res.Err != nil {
		res.Status = StatusFailed
	}
	res.Duration = time.Since(started)
	return res
}

// runStep renders a node's options and runs it, turning a panic into a
// failure. failure is nil for a resolve and for a deliberate rejection.
func (e *Engine) runStep(ctx context.Context, st *step, b *budget, chain map[string]any, info *operations.RunInfo,
	record bool, res *Result,
) (out any, outcome string, failure error) {
	began := time.Now()
	stepCtx, span := e.startStepSpan(ctx, st)
	opts, err := st.render(stepCtx, b, e.maxRender, chain)
	if err == nil {
		out, err = e.call(stepCtx, st, operations.Input{
			Options: opts,
			Chain:   chain,
			Key:     st.op.Key,
			Run:     info,
		})
	}
	outcome = OutcomeResolve
	if err != nil {
		outcome = OutcomeReject
		var rejection *operations.RejectError
		if errors.As(err, &rejection) {
			out = rejection.Data
		} else {
			if len(st.env) > 0 {
				env, _ := chain["$env"].(map[string]any)
				err = namesUnsetEnv(err, st.env, env)
			}
			failure = err
			out = operations.ErrorObject(err)
		}
	}
	endStepSpan(span, outcome, failure)
	var took time.Duration
	if record || e.steps != nil {
		took = time.Since(began)
	}
	if e.steps != nil {
		e.steps.StepFinished(st.op.Type, took)
	}
	if record {
		options, planned := st.recorded(opts)
		res.Steps = append(res.Steps, StepRecord{
			Key:            st.op.Key,
			Type:           st.op.Type,
			Status:         outcome,
			Duration:       took,
			DurationMS:     float64(took.Microseconds()) / 1000,
			Options:        options,
			PlannedOptions: planned,
			Result:         out,
		})
	}
	return out, outcome, failure
}

// call runs the step, recovering a panic into a PanicError.
func (e *Engine) call(ctx context.Context, st *step, in operations.Input) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			p := newPanicError(r, debug.Stack())
			e.logger.Error("operation panicked", "flow", in.Run.FlowID, "run", in.Run.RunID,
				"operation", st.op.Key, "panic", r, "stack", string(p.Stack))
			out, err = nil, p
		}
	}()
	return st.run.Run(ctx, in)
}

// ReturnValue is a finished run's response data, computed from the flow's
// `return` option when the run completed (nil for a failed run, and for
// flows that answer no caller: async webhooks and flows without a return
// option).
func (p *Plan) ReturnValue(res *Result) any { return res.Return }

// asValidation unwraps validation findings from an error.
func asValidation(err error, target *flows.ValidationErrors) bool {
	return errors.As(err, target)
}

func lastPath() *query.Path {
	p := query.MustParsePath("$last")
	return &p
}
