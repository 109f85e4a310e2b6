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
type execNumbers struct{}

// numericOperators are the binary operators whose operands are converted.
var numericOperators = map[string]bool{
	"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true,
	"<": true, ">": true, "<=": true, ">=": true, "==": true, "!=": true, "in": true, "..": true,
}

// numericBuiltins are the builtins whose arguments (and predicate results)
// are converted.
var numericBuiltins = map[string]bool{
	"abs": true, "ceil": true, "floor": true, "round": true, "int": true, "float": true,
	"max": true, "min": true, "sum": true, "mean": true, "median": true, "sort": true, "sortBy": true,
}

// Visit wraps the operands of one node; children are visited first.
func (execNumbers) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if numericOperators[n.Operator] {
			wrapNumber(&n.Left)
			wrapNumber(&n.Right)
		}
	case *ast.UnaryNode:
		if n.Operator == "-" || n.Operator == "+" {
			wrapNumber(&n.Node)
		}
	case *ast.BuiltinNode:
		if numericBuiltins[n.Name] {
			for i := range n.Arguments {
				if p, ok := n.Arguments[i].(*ast.PredicateNode); ok {
					wrapNumber(&p.Node)
					continue
				}
				wrapNumber(&n.Arguments[i])
			}
		}
	case *ast.MemberNode:
		if _, isName := n.Property.(*ast.StringNode); !isName {
			wrapNumber(&n.Property)
		}
	case *ast.SliceNode:
		if n.From != nil {
			wrapNumber(&n.From)
		}
		if n.To != nil {
			wrapNumber(&n.To)
		}
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
