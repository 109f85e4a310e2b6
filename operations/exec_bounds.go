package operations

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
	"github.com/hookflow/hookflow/jsonsize"
)

// budgetVar is the environment entry holding an evaluation's *execBudget.
// Patched expressions pass it to the functions that charge it.
const budgetVar = "$__budget"

// execBudget bounds one evaluation beyond what expr's own memory budget
// sees. expr counts the ranges, arrays and maps it builds, but not
// closure iterations over data already there (a 100 000-element payload
// array iterated inside an iteration over itself is 10^10 steps) nor the
// text it builds (repeat($trigger.body.s, $trigger.body.n) or a replace
// with a sender's strings can ask for terabytes, and Go cannot recover
// from running out of memory). Iterations are counted and the run's
// context looked at while counting; text is charged before it is built.
type execBudget struct {
	ctx   context.Context
	iters int
	bytes int
}

// limitError stops an evaluation that ran out of budget.
type limitError struct{ reason string }

func (e *limitError) Error() string { return e.reason }

func (b *execBudget) tick() error {
	b.iters++
	if b.iters > MaxExecIterations {
		return &limitError{fmt.Sprintf("more than %d iterations", MaxExecIterations)}
	}
	if b.iters&63 == 0 && b.ctx.Err() != nil {
		return &limitError{"the run's deadline passed during evaluation"}
	}
	return nil
}

// charge accounts for n bytes about to be built.
func (b *execBudget) charge(n int) error {
	if n < 0 || n > MaxExecBytes-b.bytes {
		return &limitError{fmt.Sprintf("the expression builds more than %d bytes of text", MaxExecBytes)}
	}
	b.bytes += n
	return nil
}

// budgeted are the functions that receive the budget as first argument:
// the patch functions and expr builtins replaced by bounded versions
// (their results can be far larger than their arguments).
var budgeted = map[string]func(b *execBudget, args []any) (any, error){
	"__tick":         func(b *execBudget, args []any) (any, error) { return args[0], b.tick() },
	"__charge":       chargeResult,
	"__add":          boundedAdd,
	"repeat":         boundedRepeat,
	"replace":        boundedReplace,
	"join":           boundedJoin,
	"toJSON":         func(b *execBudget, args []any) (any, error) { return boundedJSON(b, "toJSON", args, true) },
	"json_stringify": func(b *execBudget, args []any) (any, error) { return boundedJSON(b, "json_stringify", args, false) },
	"string":         boundedString,
}

// boundedFunctions defines the budgeted functions (replacing the builtins
// of the same names).
func boundedFunctions() []expr.Option {
	var opts []expr.Option
	for name, fn := range budgeted {
		opts = append(opts, expr.DisableBuiltin(name), expr.Function(name, func(args ...any) (any, error) {
			b, _ := args[0].(*execBudget)
			if b == nil {
				return nil, fmt.Errorf("%s: internal budget missing", name)
			}
			return fn(b, args[1:])
		}))
	}
	return opts
}

// execBounds patches an expression's syntax tree: closure bodies count an
// iteration (`B` → `__tick($__budget, B)`), `+` charges the text it
// builds, calls of budgeted functions get the budget, and the results of
// other builtins (upper, trim, toBase64, …) are charged once built.
type execBounds struct{}

// Visit patches one node; children are visited first and inserted nodes
// are never revisited.
func (execBounds) Visit(node *ast.Node) {
	budget := func() ast.Node { return &ast.IdentifierNode{Value: budgetVar} }
	call := func(name string, args ...ast.Node) *ast.CallNode {
		return &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: append([]ast.Node{budget()}, args...)}
	}
	switch n := (*node).(type) {
	case *ast.PredicateNode:
		n.Node = call("__tick", n.Node)
	case *ast.BinaryNode:
		if n.Operator == "+" {
			ast.Patch(node, call("__add", n.Left, n.Right))
		}
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && budgeted[id.Value] != nil && !isBudget(n.Arguments) {
			n.Arguments = append([]ast.Node{budget()}, n.Arguments...)
		}
	case *ast.BuiltinNode:
		ast.Patch(node, call("__charge", n))
	}
}

// isBudget reports whether a call already passes the budget (an inserted
// call), so a second visit cannot add it twice.
func isBudget(args []ast.Node) bool {
	if len(args) == 0 {
		return false
	}
	id, ok := args[0].(*ast.IdentifierNode)
	return ok && id.Value == budgetVar
}

func chargeResult(b *execBudget, args []any) (any, error) {
	if s, ok := args[0].(string); ok {
		if err := b.charge(len(s)); err != nil {
			return nil, err
		}
	}
	return args[0], nil
}

// boundedAdd is `+`: text is charged, numbers are added as expr does.
func boundedAdd(b *execBudget, args []any) (any, error) {
	if x, ok := args[0].(string); ok {
		if y, ok := args[1].(string); ok {
			if err := b.charge(len(x) + len(y)); err != nil {
				return nil, err
			}
			return x + y, nil
		}
	}
	return runtime.Add(args[0], args[1]), nil
}

func boundedRepeat(b *execBudget, args []any) (any, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("repeat takes a string and a count")
	}
	s, ok := args[0].(string)
	if !ok {
		return nil, fmt.Errorf("repeat: the first argument must be a string")
	}
	n := runtime.ToInt(args[1])
	if n < 0 {
		return nil, fmt.Errorf("repeat: the count must not be negative")
	}
	if n > 0 && len(s) > MaxExecBytes/n {
		return nil, b.charge(MaxExecBytes + 1)
	}
	if err := b.charge(len(s) * n); err != nil {
		return nil, err
	}
	return strings.Repeat(s, n), nil
}

func boundedReplace(b *execBudget, args []any) (any, error) {
	if len(args) != 3 && len(args) != 4 {
		return nil, fmt.Errorf("replace takes a string, the text to replace, its replacement and optionally a count")
	}
	s, ok1 := args[0].(string)
	old, ok2 := args[1].(string)
	repl, ok3 := args[2].(string)
	if !ok1 || !ok2 || !ok3 {
		return nil, fmt.Errorf("replace: the first three arguments must be strings")
	}
	count := strings.Count(s, old)
	if old == "" {
		count = utf8.RuneCountInString(s) + 1
	}
	limit := -1
	if len(args) == 4 {
		limit = runtime.ToInt(args[3])
		if limit >= 0 && limit < count {
			count = limit
		}
	}
	if grow := len(repl) - len(old); grow > 0 && count > 0 && grow > (MaxExecBytes-len(s))/count {
		return nil, b.charge(MaxExecBytes + 1)
	}
	if err := b.charge(len(s) + count*(len(repl)-len(old))); err != nil {
		return nil, err
	}
	return strings.Replace(s, old, repl, limit), nil
}

func boundedJoin(b *execBudget, args []any) (any, error) {
	if len(args) != 1 && len(args) != 2 {
		return nil, fmt.Errorf("join takes an array and optionally a separator")
	}
	sep := ""
	if len(args) == 2 {
		s, ok := args[1].(string)
		if !ok {
			return nil, fmt.Errorf("join: the separator must be a string")
		}
		sep = s
	}
	var parts []string
	switch list := args[0].(type) {
	case []string:
		parts = list
	case []any:
		parts = make([]string, len(list))
		for i, e := range list {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("join: element %d is %s, not a string", i, jsonTypeName(e))
			}
			parts[i] = s
		}
	default:
		return nil, fmt.Errorf("join: the first argument must be an array of strings")
	}
	size := 0
	for _, p := range parts {
		size += len(p) + len(sep)
		if size > MaxExecBytes {
			return nil, b.charge(size)
		}
	}
	if err := b.charge(size); err != nil {
		return nil, err
	}
	return strings.Join(parts, sep), nil
}

// boundedJSON measures the encoding's size (stopping early on values
// whose shared members would encode to far more than they occupy), then
// converts and encodes.
func boundedJSON(b *execBudget, name string, args []any, indent bool) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("%s takes one value", name)
	}
	size := jsonsize.Compact
	if indent {
		size = jsonsize.Indented
	}
	if err := b.charge(size(args[0], MaxExecBytes-b.bytes+1)); err != nil {
		return nil, err
	}
	v, err := jsonValue(args[0])
	if err != nil {
		return nil, fmt.Errorf("%s: the value %v", name, err)
	}
	if indent {
		return indentedJSON(v)
	}
	return toText(v), nil
}

// boundedString is expr's string() with JSON text for objects and arrays
// (instead of Go's map[…] notation), bounded like toJSON.
func boundedString(b *execBudget, args []any) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("string takes one value")
	}
	switch args[0].(type) {
	case string:
		return args[0], nil
	case []any, map[string]any:
		return boundedJSON(b, "string", args, false)
	}
	v, err := jsonValue(args[0])
	if err != nil {
		return fmt.Sprint(args[0]), nil
	}
	return toText(v), nil
}
