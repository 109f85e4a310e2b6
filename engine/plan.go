package engine

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
)

// DefaultMaxSteps bounds every run when the engine is built without a limit.
const DefaultMaxSteps = 1000

// Engine compiles flows against a registry of operations and runs them.
type Engine struct {
	registry  *operations.Registry
	maxSteps  int
	maxRender int
	logger    *slog.Logger
}

// Config tunes an Engine.
type Config struct {
	// MaxSteps bounds the number of steps of one run (FLOWS_MAX_STEPS).
	MaxSteps int
	// MaxRenderSize bounds the encoded size of every value a run renders:
	// a step's options, an exec result, the run's return value
	// (FLOWS_MAX_RENDER_SIZE, operations.DefaultMaxRenderSize when not positive).
	MaxRenderSize int
	Logger        *slog.Logger
}

// New returns an engine over a registry.
func New(registry *operations.Registry, cfg Config) *Engine {
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	if cfg.MaxRenderSize <= 0 {
		cfg.MaxRenderSize = operations.DefaultMaxRenderSize
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Engine{registry: registry, maxSteps: cfg.MaxSteps, maxRender: cfg.MaxRenderSize, logger: cfg.Logger}
}

// Plan is a flow compiled for running: immutable and shared by all runs.
type Plan struct {
	Flow     *flows.Flow
	steps    []step
	entry    int
	ret      returnValue
	answers  bool // the flow answers its caller with its return value
	flowInfo map[string]any
	reads    []string // collections the steps read (operations.CollectionReader)
	readsAny bool     // some step reads collections known only at run time
}

// ReadCollections names the item collections the plan's steps read;
// anyCollection is set when some step's are only known at run time. A
// cached answer of the flow depends on exactly these.
func (p *Plan) ReadCollections() (names []string, anyCollection bool) { return p.reads, p.readsAny }

// noteReads records what a compiled step reads.
func (p *Plan) noteReads(run operations.Step) {
	r, ok := run.(operations.CollectionReader)
	if !ok {
		return
	}
	names, anyCollection := r.ReadCollections()
	p.readsAny = p.readsAny || anyCollection
	for _, n := range names {
		if !slices.Contains(p.reads, n) {
			p.reads = append(p.reads, n)
		}
	}
}

// step is one compiled node.
type step struct {
	op      *flows.Operation
	run     operations.Step
	keys    []string       // option keys the engine renders
	values  []Value        // their compiled values
	static  map[string]any // the rendered options when none is dynamic
	raw     map[string]any // options the step renders itself, as written (for run records)
	resolve int            // index of the next step on success, -1 to end
	reject  int            // index of the next step on failure, -1 to end
}

// Compile checks a decoded flow against the registry and compiles it. Every
// finding (unknown operation type, invalid options, template syntax, an
// invalid return) comes back at once as flows.ValidationErrors with paths.
func (e *Engine) Compile(f *flows.Flow) (*Plan, error) {
	var errs flows.ValidationErrors
	p := &Plan{Flow: f, entry: -1, steps: make([]step, len(f.Operations))}
	index := make(map[string]int, len(f.Operations))
	keys := make(map[string]bool, len(f.Operations))
	for i, op := range f.Operations {
		index[op.ID] = i
		keys[op.Key] = true
	}
	for i, op := range f.Operations {
		path := fmt.Sprintf("operations[%d]", i)
		st, serrs := e.compileStep(op, keys)
		errs.Merge(path, serrs)
		st.resolve, st.reject = edge(op.Resolve, index), edge(op.Reject, index)
		p.steps[i] = st
		p.noteReads(st.run)
	}
	p.entry = edge(f.Operation, index)
	if raw, ok := returnOption(f); ok {
		ret, rerrs := compileReturn(raw, keys)
		errs.Merge("options.return", rerrs)
		p.ret = ret
		p.answers = f.Webhook == nil || !f.Webhook.Async
	} else {
		p.ret = returnValue{path: lastPath()}
	}
	p.flowInfo = map[string]any{"id": f.ID, "name": f.Name}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

// compileStep prepares one node: the operation checks its options and the
// options it does not render itself are compiled into Values.
func (e *Engine) compileStep(op *flows.Operation, keys map[string]bool) (step, flows.ValidationErrors) {
	var errs flows.ValidationErrors
	st := step{op: op}
	impl, ok := e.registry.Lookup(op.Type)
	if !ok {
		errs.Add("type", "unknown operation type %q (known: %v)", op.Type, e.registry.Types())
		return st, errs
	}
	run, err := impl.Prepare(operations.Prepare{
		Key: op.Key, Options: op.Options, OperationKeys: keys,
		Compile: func(raw any) (operations.Value, flows.ValidationErrors) { return CompileValue(raw) },
	})
	if err != nil {
		var verrs flows.ValidationErrors
		if asValidation(err, &verrs) {
			errs.Merge("options", verrs)
		} else {
			errs.Add("options", "%v", err)
		}
	}
	st.run = run
	skip := map[string]bool{}
	if sr, ok := run.(operations.SelfRendering); ok {
		for _, k := range sr.SelfRendered() {
			skip[k] = true
			if v, present := op.Options[k]; present {
				if st.raw == nil {
					st.raw = map[string]any{}
				}
				st.raw[k] = v
			}
		}
	}
	dynamic := false
	for _, k := range sortedOptionKeys(op.Options) {
		if skip[k] {
			continue
		}
		v, verrs := CompileValue(op.Options[k])
		errs.Merge(flows.JoinPath("options", k), verrs)
		if _, isConst := IsConstant(v); !isConst {
			dynamic = true
		}
		st.keys = append(st.keys, k)
		st.values = append(st.values, v)
	}
	if !dynamic {
		st.static = make(map[string]any, len(st.keys))
		for i, k := range st.keys {
			st.static[k], _ = IsConstant(st.values[i])
		}
	}
	return st, errs
}

// recorded returns the options a run record shows: the rendered ones plus
// those the step renders itself, as written.
func (st *step) recorded(rendered map[string]any) map[string]any {
	if len(st.raw) == 0 {
		return rendered
	}
	if len(rendered) == 0 {
		return st.raw
	}
	out := make(map[string]any, len(rendered)+len(st.raw))
	for k, v := range st.raw {
		out[k] = v
	}
	for k, v := range rendered {
		out[k] = v
	}
	return out
}

// render returns the step's options rendered against the chain; together
// they may not pass the budget, reset here for the step.
func (st *step) render(ctx context.Context, b *budget, limit int, chain map[string]any) (map[string]any, error) {
	if st.static != nil {
		return st.static, nil
	}
	b.reset(ctx, limit)
	out := make(map[string]any, len(st.keys))
	for i, k := range st.keys {
		v, err := renderNode(b, st.values[i].root, chain)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

// edge turns an edge's operation id into a step index (-1 for none).
func edge(id *string, index map[string]int) int {
	if id == nil {
		return -1
	}
	if i, ok := index[*id]; ok {
		return i
	}
	return -1
}

func sortedOptionKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
