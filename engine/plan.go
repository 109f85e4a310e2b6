package engine

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"sort"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"go.opentelemetry.io/otel/trace"
)

// DefaultMaxSteps bounds every run when the engine is built without a limit.
const DefaultMaxSteps = 1000

// Engine compiles flows against a registry of operations and runs them.
type Engine struct {
	registry  *operations.Registry
	maxSteps  int
	maxRender int
	logger    *slog.Logger
	// envAllowed holds FLOWS_ENV_ALLOW_LIST: Check warns about other
	// `$env` names.
	envAllowed map[string]bool
	steps      StepObserver
	tracer     trace.Tracer
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
	// EnvAllowList names the variables flows see as `$env`
	// (FLOWS_ENV_ALLOW_LIST); Check warns about templates and
	// expressions that read others.
	EnvAllowList []string
	// Steps hears of every executed step (metrics); nil for none.
	Steps StepObserver
	// Tracer, when set, makes a span of every run and of each of its
	// operations (OTEL_EXPORTER_OTLP_ENDPOINT); nil for none.
	Tracer trace.Tracer
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
	allowed := make(map[string]bool, len(cfg.EnvAllowList))
	for _, name := range cfg.EnvAllowList {
		allowed[name] = true
	}
	return &Engine{
		registry:   registry,
		maxSteps:   cfg.MaxSteps,
		maxRender:  cfg.MaxRenderSize,
		logger:     cfg.Logger,
		envAllowed: allowed,
		steps:      cfg.Steps,
		tracer:     cfg.Tracer,
	}
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
	env     []string       // the `$env` names the step reads, named in its failures
}

// Compile compiles a saved flow, as the server does with every flow it
// loads at start. Every finding (unknown operation type, invalid options,
// template syntax, an invalid return) comes back at once as
// flows.ValidationErrors with paths. A template path that starts with an
// unknown name is not one here (it renders null): uploads are checked
// with Check.
func (e *Engine) Compile(f *flows.Flow) (*Plan, error) {
	p, _, err := e.compile(f, false)
	return p, err
}

// Check compiles an uploaded flow: Compile's findings, and every template
// path (and `$`-path return option) that starts with a name that is
// neither a data chain name nor an operation key of the flow, with a
// suggestion (`{{$triger.x}}`: did you mean "$trigger"?). warnings name
// the `$env` variables the flow reads that EnvAllowList does not hold.
func (e *Engine) Check(f *flows.Flow) (p *Plan, warnings flows.ValidationErrors, err error) {
	return e.compile(f, true)
}

// compile compiles f; checkRoots makes unknown template roots findings.
func (e *Engine) compile(f *flows.Flow, checkRoots bool) (*Plan, flows.ValidationErrors, error) {
	var errs, warnings flows.ValidationErrors
	p := &Plan{Flow: f, entry: -1, steps: make([]step, len(f.Operations))}
	index := make(map[string]int, len(f.Operations))
	keys := make(map[string]bool, len(f.Operations))
	for i, op := range f.Operations {
		index[op.ID] = i
		keys[op.Key] = true
	}
	for i, op := range f.Operations {
		path := fmt.Sprintf("operations[%d]", i)
		c := newCompiler(keys, checkRoots)
		st, serrs, swarns := e.compileStep(op, c)
		errs.Merge(path, serrs)
		warnings.Merge(path, swarns)
		st.resolve, st.reject = edge(op.Resolve, index), edge(op.Reject, index)
		p.steps[i] = st
		p.noteReads(st.run)
	}
	p.entry = edge(f.Operation, index)
	if raw, ok := returnOption(f); ok {
		c := newCompiler(keys, checkRoots)
		ret, rerrs := compileReturn(raw, c)
		errs.Merge("options.return", rerrs)
		warnings.Merge("options.return", e.unlisted(c.env))
		p.ret = ret
		p.answers = answersCaller(f)
	} else {
		p.ret = returnValue{path: lastPath()}
	}
	p.flowInfo = map[string]any{"id": f.ID, "name": f.Name}
	if err := errs.Err(); err != nil {
		return nil, warnings, err
	}
	return p, warnings, nil
}

// unlisted are the warnings about env names outside the allow list.
func (e *Engine) unlisted(names map[string]bool) flows.ValidationErrors {
	var out flows.ValidationErrors
	for _, name := range sortedNames(names) {
		if !e.envAllowed[name] {
			out.Add("", "%s", envWarning(name))
		}
	}
	return out
}

// compileStep prepares one node: the operation checks its options and the
// options it does not render itself are compiled into Values. warnings
// name `$env` variables outside the allow list, at the options that read
// them.
func (e *Engine) compileStep(op *flows.Operation, c *compiler) (st step, errs, warnings flows.ValidationErrors) {
	st = step{op: op}
	impl, ok := e.registry.Lookup(op.Type)
	if !ok {
		errs.Add("type", "unknown operation type %q (known: %v)", op.Type, e.registry.Types())
		return st, errs, nil
	}
	run, err := impl.Prepare(operations.Prepare{
		Key:           op.Key,
		Options:       op.Options,
		OperationKeys: c.keys,
		Compile:       func(raw any) (operations.Value, flows.ValidationErrors) { return c.compile(raw) },
		EnvRead: func(option, name string) {
			c.env[name] = true
			if !e.envAllowed[name] {
				warnings.Add(flows.JoinPath("options", option), "%s", envWarning(name))
			}
		},
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
		var verrs flows.ValidationErrors
		v := Value{root: compileValue(op.Options[k], "", &verrs, c)}
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
	st.env = sortedNames(c.env)
	warnings = append(warnings, c.envWarnings(op.Options, "options", e.envAllowed)...)
	return st, errs, warnings
}

// recorded returns the options a run record shows: the rendered ones plus
// those the step renders itself, as written. same reports that they are a
// map of the plan, the same in every run (options without templates).
func (st *step) recorded(rendered map[string]any) (options map[string]any, same bool) {
	if len(st.raw) == 0 {
		return rendered, sameMap(rendered, st.static)
	}
	if len(rendered) == 0 {
		return st.raw, true
	}
	out := make(map[string]any, len(rendered)+len(st.raw))
	for k, v := range st.raw {
		out[k] = v
	}
	for k, v := range rendered {
		out[k] = v
	}
	return out, false
}

// sameMap reports whether a and b are one map (not equal contents).
func sameMap(a, b map[string]any) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
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
