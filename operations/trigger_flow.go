package operations

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
	"github.com/hookflow/hookflow/flows"
)

const (
	// MaxFlowDepth bounds nested flow runs: a webhook run is depth 0, a
	// flow it triggers depth 1, and so on.
	MaxFlowDepth = 10
	// MaxParallelFlows bounds the runs one trigger step keeps going at once
	// in "parallel" mode, so a large array cannot start thousands of runs.
	MaxParallelFlows = 32
	// MaxBatchSize bounds `batchSize`.
	MaxBatchSize = 1000
	defaultBatch = 10
)

// Iteration modes of the trigger operation.
const (
	IterateSerial   = "serial"
	IterateBatch    = "batch"
	IterateParallel = "parallel"
)

// FlowRunner runs flows whose trigger is "operation". The triggers package
// implements it with the catalog of compiled flows and the run recorder.
type FlowRunner interface {
	// RunFlow runs the flow with call.Payload as its `$trigger` and returns
	// its return value (its `return` trigger option, `$last` by default).
	// A failed run is an error, preferably an *Error.
	RunFlow(ctx context.Context, call FlowCall) (any, error)
}

// FlowCall is one run of another flow.
type FlowCall struct {
	FlowID  string
	Payload any
	// Accountability is the calling run's `$accountability`.
	Accountability map[string]any
	// Depth is the depth of the run to start.
	Depth int
}

// TriggerFlow runs another flow (option `flow`, whose trigger must be
// "operation") with `payload` as its `$trigger` and returns that flow's
// return value. When the payload is an array the flow runs once per
// element and the result is the array of results, in input order;
// `iterationMode` says how: "serial" (default, one after the other),
// "batch" (`batchSize` at a time, default 10) or "parallel" (all, at most
// MaxParallelFlows at a time). The first failure, in input order, fails
// the step; no new run starts after a failure.
//
// Fan-out is bounded: a step refuses an array of more than MaxItems
// elements (FLOW_ITEMS_LIMIT), and a run together with every flow it
// triggers, at any depth, starts at most MaxRuns runs (FLOW_RUNS_LIMIT).
// Either refusal fails the step before any of its runs starts, so a
// reject edge sees all or nothing.
type TriggerFlow struct {
	Flows FlowRunner
	// MaxItems bounds the elements of an array payload one step iterates
	// over (FLOWS_TRIGGER_MAX_ITEMS); zero means DefaultTriggerMaxItems.
	MaxItems int
	// MaxRuns bounds the flow runs one root run and its descendants start
	// (FLOWS_TRIGGER_MAX_RUNS); zero means DefaultTriggerMaxRuns.
	MaxRuns int
}

// Prepare checks the options written without placeholders.
func (t TriggerFlow) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "flow", "payload", "iterationMode", "batchSize")
	checkString(p.Options, "flow", true, &errs)
	if s, ok := p.Options["flow"].(string); ok && strings.TrimSpace(s) != "" && !isTemplate(s) {
		if _, err := uuid.Parse(strings.TrimSpace(s)); err != nil {
			errs.Add("flow", "must be the id (a UUID) of a flow whose trigger is \"operation\"")
		}
	}
	s := &triggerFlowStep{
		flows:    t.Flows,
		mode:     IterateSerial,
		batch:    defaultBatch,
		maxItems: cmp.Or(t.MaxItems, DefaultTriggerMaxItems),
		maxRuns:  cmp.Or(t.MaxRuns, DefaultTriggerMaxRuns),
	}
	if v, ok := p.Options["iterationMode"]; ok && v != nil {
		switch v {
		case IterateSerial, IterateBatch, IterateParallel:
			s.mode = v.(string)
		default:
			errs.Add("iterationMode", `must be "serial", "batch" or "parallel"`)
		}
	}
	if v, ok := p.Options["batchSize"]; ok && v != nil {
		n, isInt := optionInt(v)
		if !isInt || n < 1 || n > MaxBatchSize {
			errs.Add("batchSize", "must be an integer from 1 to %d", MaxBatchSize)
		}
		s.batch = n
	}
	s.payload = compileJSONOption(p, "payload", &errs)
	return s, errs.Err()
}

type triggerFlowStep struct {
	flows             FlowRunner
	payload           jsonOption
	mode              string
	batch             int
	maxItems, maxRuns int
}

// ReadCollections: the flows a trigger runs may read any collection.
func (s *triggerFlowStep) ReadCollections() ([]string, bool) { return nil, true }

// SelfRendered: the payload may be JSON text, parsed after rendering.
func (s *triggerFlowStep) SelfRendered() []string { return []string{"payload"} }

// Run starts the flow once, or once per element of an array payload.
func (s *triggerFlowStep) Run(ctx context.Context, in Input) (any, error) {
	if s.flows == nil {
		return nil, Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND", "trigger: running other flows is not available")
	}
	flowID := strings.TrimSpace(optionText(in.Options, "flow"))
	if flowID == "" {
		return nil, Failf(http.StatusInternalServerError, "FLOW_NOT_FOUND", "trigger: the flow option is empty")
	}
	depth := 1
	if in.Run != nil {
		depth = in.Run.Depth + 1
	}
	if depth > MaxFlowDepth {
		return nil, Failf(http.StatusInternalServerError, "FLOW_RECURSION_LIMIT",
			"trigger: flow %s would run %d levels deep; flows may trigger flows at most %d levels deep", flowID, depth, MaxFlowDepth)
	}
	payload, err := s.payload.resolve(ctx, in, "trigger: payload")
	if err != nil {
		return nil, err
	}
	acc, _ := in.Chain["$accountability"].(map[string]any)
	call := func(ctx context.Context, p any) (any, error) {
		return s.flows.RunFlow(ctx, FlowCall{
			FlowID:         flowID,
			Payload:        p,
			Accountability: acc,
			Depth:          depth,
		})
	}
	budget := runBudgetOf(ctx, in.Run, s.maxRuns)
	ctx = budget.with(ctx)
	items, isList := payload.([]any)
	if !isList {
		if err := checkFanOut(budget, flowID, 1, s.maxItems); err != nil {
			return nil, err
		}
		return call(ctx, payload)
	}
	if err := checkFanOut(budget, flowID, len(items), s.maxItems); err != nil {
		return nil, err
	}
	switch s.mode {
	case IterateParallel:
		results, err := runEach(ctx, items, MaxParallelFlows, call)
		return results, itemError(err, 0)
	case IterateBatch:
		results := make([]any, 0, len(items))
		for start := 0; start < len(items); start += s.batch {
			part, err := runEach(ctx, items[start:min(start+s.batch, len(items))], s.batch, call)
			if err != nil {
				return nil, itemError(err, start)
			}
			results = append(results, part...)
		}
		return results, nil
	default:
		results, err := runEach(ctx, items, 1, call)
		return results, itemError(err, 0)
	}
}

// indexedError is the failure of one element's run.
type indexedError struct {
	index int
	err   error
}

func (e *indexedError) Error() string { return e.err.Error() }
func (e *indexedError) Unwrap() error { return e.err }

// runEach calls fn for every item with at most limit calls at once; after
// a failure no new call starts. It returns the results in input order, or
// the failure of the lowest index as an *indexedError.
func runEach(ctx context.Context, items []any, limit int, fn func(context.Context, any) (any, error)) ([]any, error) {
	results := make([]any, len(items))
	errs := make([]error, len(items))
	var stop atomic.Bool
	var wg sync.WaitGroup
	sem := make(chan struct{}, limit)
	for i, item := range items {
		sem <- struct{}{}
		if stop.Load() {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i], errs[i] = fn(ctx, item)
			if errs[i] != nil {
				stop.Store(true)
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, &indexedError{index: i, err: err}
		}
	}
	return results, nil
}

// itemError describes the failure of element index+offset, keeping the
// child run's status and code.
func itemError(err error, offset int) error {
	var ie *indexedError
	if !errors.As(err, &ie) {
		return err
	}
	index := ie.index + offset
	e := &Error{Status: http.StatusInternalServerError, Code: "FLOW_FAILED"}
	var child *Error
	if errors.As(ie.err, &child) {
		e.Status, e.Code = child.Status, child.Code
	}
	e.Message = fmt.Sprintf("trigger: payload element %d: %v", index, ie.err)
	e.Details = map[string]any{"index": float64(index)}
	if child != nil {
		for k, v := range child.Details {
			e.Details[k] = v
		}
	}
	return e
}
