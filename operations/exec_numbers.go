package operations

import (
	"encoding/json"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/hookflow/hookflow/jsonnum"
)

// numberFunc is the function execNumbers wraps operands in.
const numberFunc = "__num"

// execNumbers lets expressions calculate with the numbers a float64 cannot
// hold as written, which the data chain keeps as json.Number (jsonnum:
// 12345678901234567890, 9007199254740993, 1.0). expr-lang compares and
// calculates only Go numbers, so every operand of an arithmetic or
// comparison operator, of the numeric builtins (abs, max, sum, sortBy, …)
// and every computed index whose type is not known when the expression is
// compiled (data from the chain) passes through __num, which turns a
// json.Number (or the json.Numbers of an array) into its nearest float64.
// Arithmetic and comparisons in exec therefore work with float64's
// precision (docs/operations.md); a value the expression passes on without
// calculating keeps its digits.
//
// Closures that only test or total their elements (all, any, count, sum,
// …) get their array converted once instead, and the element `#` of their
// predicate is left alone: converting it at every iteration would cost a
// function call per element.
type execNumbers struct {
	// elements are the `#` of such predicates (found by elementPointers,
	// which runs first).
	elements map[*ast.PointerNode]bool
}

// numericOperators are the binary operators whose operands are converted.
var numericOperators = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true,
	"<": true, ">": true, "<=": true, ">=": true, "==": true, "!=": true, "in": true, "..": true,
}

// numericBuiltins are the builtins whose arguments (and predicate results)
// are converted.
var numericBuiltins = map[string]bool{
	"abs": true, "ceil": true, "floor": true, "round": true, "int": true, "float": true,
	"max": true, "min": true, "sum": true, "mean": true, "median": true, "sort": true,
}

// elementBuiltins answer a test or a total of their array's elements, never
// an element itself, so their array may be converted as a whole.
var elementBuiltins = map[string]bool{
	"all": true, "any": true, "none": true, "one": true, "count": true, "findIndex": true, "findLastIndex": true,
	"sum": true, "mean": true, "median": true, "max": true, "min": true,
}

// Visit wraps the operands of one node; children are visited first.
func (e execNumbers) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if numericOperators[n.Operator] {
			e.wrap(&n.Left)
			e.wrap(&n.Right)
		}
	case *ast.UnaryNode:
		if n.Operator == "-" || n.Operator == "+" {
			e.wrap(&n.Node)
		}
	case *ast.BuiltinNode:
		for i := range n.Arguments {
			p, isPredicate := n.Arguments[i].(*ast.PredicateNode)
			switch {
			case isPredicate && (numericBuiltins[n.Name] || n.Name == "sortBy"):
				e.wrap(&p.Node)
			case !isPredicate && (numericBuiltins[n.Name] || (i == 0 && elementBuiltins[n.Name])):
				e.wrap(&n.Arguments[i])
			}
		}
	case *ast.MemberNode:
		if _, isName := n.Property.(*ast.StringNode); !isName {
			e.wrap(&n.Property)
		}
	case *ast.SliceNode:
		if n.From != nil {
			e.wrap(&n.From)
		}
		if n.To != nil {
			e.wrap(&n.To)
		}
	}
}

// wrap wraps an operand, except the element of a predicate whose array is
// converted.
func (e execNumbers) wrap(node *ast.Node) {
	if p, ok := (*node).(*ast.PointerNode); ok && e.elements[p] {
		return
	}
	wrapNumber(node)
}

// elementPointers finds the `#` of the predicates of elementBuiltins: the
// pointers below the predicate that no nested predicate rebinds.
type elementPointers struct{ found map[*ast.PointerNode]bool }

// Visit looks at one builtin.
func (e elementPointers) Visit(node *ast.Node) {
	b, ok := (*node).(*ast.BuiltinNode)
	if !ok || !elementBuiltins[b.Name] {
		return
	}
	for _, arg := range b.Arguments {
		if p, ok := arg.(*ast.PredicateNode); ok {
			all, nested := pointerSet{}, pointerSet{}
			ast.Walk(&p.Node, pointerCollector{all: all, nested: nested})
			for ptr := range all {
				if !nested[ptr] {
					e.found[ptr] = true
				}
			}
		}
	}
}

type pointerSet = map[*ast.PointerNode]bool

// pointerCollector gathers the element pointers (`#`) of a predicate body
// into all, and those inside nested predicates also into nested.
type pointerCollector struct{ all, nested pointerSet }

// Visit collects one node.
func (c pointerCollector) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.PointerNode:
		if n.Name == "" {
			c.all[n] = true
		}
	case *ast.PredicateNode:
		ast.Walk(&n.Node, pointerCollector{all: c.nested, nested: c.nested})
	}
}

// wrapNumber replaces *node by __num(*node) unless its type is known to
// hold no json.Number: a literal, or the result of an operator or builtin,
// never is one (an array literal may hold some).
func wrapNumber(node *ast.Node) {
	if t := (*node).Type(); t != nil && t.Kind() != reflect.Interface &&
		(t.Kind() != reflect.Slice || t.Elem().Kind() != reflect.Interface) {
		return
	}
	if call, ok := (*node).(*ast.CallNode); ok {
		if id, ok := call.Callee.(*ast.IdentifierNode); ok && id.Value == numberFunc {
			return
		}
	}
	*node = &ast.CallNode{Callee: &ast.IdentifierNode{Value: numberFunc}, Arguments: []ast.Node{*node}}
}

// numberPatches are the patches execNumbers needs, in order.
func numberPatches() []expr.Option {
	elements := map[*ast.PointerNode]bool{}
	return []expr.Option{
		expr.Patch(elementPointers{found: elements}),
		expr.Patch(execNumbers{elements: elements}),
	}
}

// numberFunction defines __num.
func numberFunction() expr.Option {
	return expr.Function(numberFunc, func(args ...any) (any, error) {
		return execNumber(args[0]), nil
	}, new(func(any) any))
}

// execNumber is a value as expr calculates with it: a json.Number as its
// nearest float64 (±Inf beyond the float64 range), an array's
// json.Numbers likewise (in a copy); anything else as it is.
func execNumber(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := jsonnum.Float(x)
		return f
	case []any:
		var out []any
		for i, e := range x {
			if n, ok := e.(json.Number); ok {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i], _ = jsonnum.Float(n)
			}
		}
		if out != nil {
			return out
		}
	}
	return v
}
