package operations

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/hookflow/hookflow/query"
)

// DefaultMaxRenderSize bounds rendered values when FLOWS_MAX_RENDER_SIZE
// is not set, and for steps whose RunInfo sets no limit.
const DefaultMaxRenderSize = 16 << 20

// ErrRenderTooLarge is wrapped by every failure of a value that grew past
// FLOWS_MAX_RENDER_SIZE: rendered options, an exec result, a run's return
// value.
var ErrRenderTooLarge = errors.New("rendered value too large")

// RenderTooLarge is the failure of a rendering that passed limit bytes
// (code RENDER_TOO_LARGE, 413 when it ends a synchronous run).
func RenderTooLarge(limit int) *Error {
	return &Error{
		Status:  http.StatusRequestEntityTooLarge,
		Code:    "RENDER_TOO_LARGE",
		Message: fmt.Sprintf("the rendered value is larger than FLOWS_MAX_RENDER_SIZE (%d bytes)", limit),
		cause:   ErrRenderTooLarge,
	}
}

// maxRenderSize is the render limit of a step's run.
func maxRenderSize(in Input) int {
	if in.Run == nil || in.Run.MaxRenderSize <= 0 {
		return DefaultMaxRenderSize
	}
	return in.Run.MaxRenderSize
}

// filterScope is the query.Env.Scope of a filter whose operands hold
// templates: the run's context and data chain, and the first rendering
// failure (a filter has no way to fail, so its caller looks here after).
type filterScope struct {
	ctx   context.Context
	chain map[string]any
	limit int
	err   error
}

// filterEnv returns the environment a step evaluates its filter in. A
// filter with templated operands (templated) gets a scope to render them
// in; one without needs none, and allocates none.
func filterEnv(ctx context.Context, in Input, templated bool) (query.Env, *filterScope) {
	var env query.Env
	if acc, ok := in.Chain["$accountability"].(map[string]any); ok {
		env.User, env.Role = acc["user"], acc["role"]
	}
	if !templated {
		return env, nil
	}
	scope := &filterScope{ctx: ctx, chain: in.Chain, limit: maxRenderSize(in)}
	env.Scope = scope
	return env, scope
}

// failure is the first rendering failure of the filter's operands.
func (s *filterScope) failure() error {
	if s == nil {
		return nil
	}
	return s.err
}

// renderOperands renders every templated operand of f once, so a failure
// is known before the filter selects anything: a write must not run with
// an operand that failed to render.
func renderOperands(f *query.Filter, env query.Env, scope *filterScope) error {
	if f != nil && scope != nil {
		renderNode(f.Root(), env)
	}
	return scope.failure()
}

func renderNode(n query.Node, env query.Env) {
	switch x := n.(type) {
	case query.And:
		for _, c := range x.Nodes {
			renderNode(c, env)
		}
	case query.Or:
		for _, c := range x.Nodes {
			renderNode(c, env)
		}
	case query.Some:
		renderNode(x.Filter, env)
	case query.None:
		renderNode(x.Filter, env)
	case query.Cond:
		if !x.Operand.IsStatic() {
			x.Operand.Value(env)
		}
	case *query.Cond:
		renderNode(*x, env)
	}
}

// filterOperand adapts a compiled Value to a filter's query.Dynamic.
type filterOperand struct{ v Value }

// Resolve renders the operand within the filter's scope; a failure is kept
// in the scope and the operand is null meanwhile.
func (o filterOperand) Resolve(scope any) any {
	s, ok := scope.(*filterScope)
	if !ok {
		return nil
	}
	out, err := o.v.Render(s.ctx, s.chain, s.limit)
	if err != nil {
		if s.err == nil {
			s.err = err
		}
		return nil
	}
	return out
}

// compileOperand compiles a filter operand with templates (for
// query.ParseOptions.Dynamic) and notes in templated that the filter has
// one.
func compileOperand(p Prepare, templated *bool) func(string) (query.Dynamic, error) {
	return func(s string) (query.Dynamic, error) {
		v, verrs := p.Compile(s)
		if len(verrs) > 0 {
			return nil, errors.New(verrs[0].Message)
		}
		*templated = true
		return filterOperand{v}, nil
	}
}
