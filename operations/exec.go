package operations

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonsize"
)

// Bounds of one exec expression. expr-lang has no timeout, so an
// expression is bounded by its size (source length, syntax nodes), by the
// VM's memory budget (ranges, arrays, maps and strings it builds), and by
// a count of closure iterations checked together with the run's deadline,
// and by the size of the text it builds (see execBudget).
const (
	// MaxExpressionLength is the longest expression source, in bytes.
	MaxExpressionLength = 4096
	// MaxExpressionNodes bounds the expression's syntax tree.
	MaxExpressionNodes = 1000
	// ExecMemoryBudget is the VM memory budget, in expr's units (one per
	// element of a range, array or map built, bytes of repeat()).
	ExecMemoryBudget = 100_000
	// MaxExecIterations bounds the closure iterations (map, filter, all,
	// reduce, sortBy, …) of one evaluation, nested ones included.
	MaxExecIterations = 1_000_000
	// MaxExecBytes bounds the text one evaluation builds (concatenation,
	// repeat, replace, join, JSON encoding, string builtins' results).
	MaxExecBytes = 32 << 20
)

// environmentVar is the name hookflow's `$env` has inside a compiled
// expression (envPatch renames `$env` to it: expr reserves `$env` for its
// whole environment). Flows may also write it themselves.
const environmentVar = "$environment"

// Exec evaluates one expr-lang expression (option `expression`) over the
// data chain — `$trigger`, `$last`, `$accountability`, `$flow`, `$run`,
// `$env` (the allowed environment variables, also `$environment`) and
// operation keys — and returns its value as JSON. The helpers of
// execHelpers are available; reject(value) takes the node's `reject` edge
// with value as its result. The result's encoding is bounded by
// RunInfo.MaxRenderSize.
type Exec struct {
	// Now is the clock behind now(); nil means time.Now.
	Now func() time.Time
}

// Prepare compiles the expression once; syntax and type errors, unknown
// variables and oversized expressions are upload findings.
func (e Exec) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "expression")
	checkString(p.Options, "expression", true, &errs)
	src, _ := p.Options["expression"].(string)
	if len(errs) > 0 {
		return nil, errs
	}
	if len(src) > MaxExpressionLength {
		errs.Add("expression", "is %d bytes long; the limit is %d", len(src), MaxExpressionLength)
		return nil, errs
	}
	now := e.Now
	if now == nil {
		now = time.Now
	}
	names := &identifierCheck{known: p.OperationKeys}
	env := &envPatch{keys: p.OperationKeys}
	opts := append(execHelpers(now), boundedFunctions()...)
	// The name check must see the expression before envPatch, the number
	// patches and execBounds add their own identifiers.
	opts = append(opts, numberFunction(), expr.MaxNodes(MaxExpressionNodes), expr.Patch(names), expr.Patch(env))
	opts = append(opts, numberPatches()...)
	opts = append(opts, expr.Patch(execBounds{}))
	program, err := expr.Compile(src, opts...)
	if err != nil {
		errs.Add("expression", "%s", describeExprError(err))
		return nil, errs
	}
	if unknown := names.unknown(); len(unknown) > 0 {
		errs.Add("expression", "unknown variable %s (use $trigger, $last, $accountability, $env, $flow, $run, an operation key, or $env[\"key\"] for a key such as save-log)",
			strings.Join(unknown, ", "))
		return nil, errs
	}
	if p.EnvRead != nil {
		for _, name := range env.names() {
			p.EnvRead("expression", name)
		}
	}
	return &execStep{program: program}, nil
}

type execStep struct {
	program *vm.Program
}

// SelfRendered: the expression is never rendered as a template (`{{` can
// be a nested map literal in expr).
func (s *execStep) SelfRendered() []string { return []string{"expression"} }

// Run evaluates the expression.
func (s *execStep) Run(ctx context.Context, in Input) (any, error) {
	env := make(map[string]any, len(in.Chain)+2)
	for k, v := range in.Chain {
		if k != "$env" {
			env[k] = v
		}
	}
	environment := in.Chain["$env"]
	if environment == nil {
		environment = map[string]any{} // $env.NAME is null, as in templates
	}
	env[environmentVar] = environment
	env[budgetVar] = &execBudget{ctx: ctx}
	machine := vm.VM{MemoryBudget: ExecMemoryBudget}
	out, err := machine.Run(s.program, env)
	if err != nil {
		return nil, execFailure(err)
	}
	// Measured before it is converted: a result may hold one large
	// member many times (map(1..50000, $trigger)), and converting walks
	// every copy.
	if limit := maxRenderSize(in); jsonsize.Compact(out, limit) > limit {
		return nil, RenderTooLarge(limit)
	}
	v, err := jsonValue(out)
	if err != nil {
		return nil, Failf(http.StatusInternalServerError, "SCRIPT_ERROR", "exec: the result %v", err)
	}
	return v, nil
}

// execFailure turns an evaluation error into the step's outcome.
func execFailure(err error) error {
	var sig *rejection
	if errors.As(err, &sig) {
		return Reject(sig.data)
	}
	var limit *limitError
	if errors.As(err, &limit) || isExprMemoryLimit(err) {
		return Failf(http.StatusInternalServerError, "SCRIPT_LIMIT", "exec: %s", describeExprError(err))
	}
	return Failf(http.StatusInternalServerError, "SCRIPT_ERROR", "exec: %s", describeExprError(err))
}

// exprMemoryLimit is how expr's VM reports a spent MemoryBudget: it panics
// with this text (vm.memGrow) and recovers it into a file.Error's Message.
// expr has no error type or value for it, so the message is the only
// signal; it is compared whole, on the structured field.
const exprMemoryLimit = "memory budget exceeded"

// isExprMemoryLimit reports whether err is expr's spent MemoryBudget.
func isExprMemoryLimit(err error) bool {
	var fe *file.Error
	return errors.As(err, &fe) && fe.Message == exprMemoryLimit
}

// describeExprError is an expr error on one line: the message and where
// (expr's own text adds the source with a caret on further lines).
func describeExprError(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		if fe.Line > 0 {
			return fmt.Sprintf("%s (line %d, column %d)", fe.Message, fe.Line, fe.Column+1)
		}
		return fe.Message
	}
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}
