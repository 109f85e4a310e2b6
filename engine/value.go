package engine

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsonsize"
	"github.com/hookflow/hookflow/operations"
)

// Value is an option value compiled once. Constant subtrees are returned
// as they are (shared between runs: nothing may modify them); strings with
// placeholders are templates; objects and arrays with dynamic members are
// rebuilt on each render, reusing their constant members.
type Value struct {
	root node
}

// Render renders the value against a data chain (operations.Value): the
// result's encoding may not pass limit bytes (RENDER_TOO_LARGE;
// operations.DefaultMaxRenderSize when limit is not positive), and the end of ctx
// stops a long rendering.
func (v Value) Render(ctx context.Context, chain map[string]any, limit int) (any, error) {
	if limit <= 0 {
		limit = operations.DefaultMaxRenderSize
	}
	var b budget
	b.reset(ctx, limit)
	return renderNode(&b, v.root, chain)
}

// node is one compiled part of a value: Constant, *Template, *objectValue
// or *arrayValue.
type node interface{ isNode() }

func (Constant) isNode()     {}
func (*Template) isNode()    {}
func (*objectValue) isNode() {}
func (*arrayValue) isNode()  {}

// renderNode renders n. It switches over the node types rather than
// calling through the interface so that the budget can stay on its
// owner's stack (escape analysis does not follow interface calls), which
// keeps a rendering free of allocations beyond its result.
func renderNode(b *budget, n node, chain map[string]any) (any, error) {
	switch x := n.(type) {
	case Constant:
		return x.V, nil
	case *Template:
		return x.render(b, chain)
	case *objectValue:
		return x.render(b, chain)
	case *arrayValue:
		return x.render(b, chain)
	}
	return nil, fmt.Errorf("engine: cannot render %T", n)
}

// Constant is a value without placeholders.
type Constant struct{ V any }

type objectValue struct {
	keys  []string
	vals  []node
	fixed int // encoded size of the keys, the punctuation and the constant members
}

func (o *objectValue) render(b *budget, chain map[string]any) (any, error) {
	if err := b.charge(o.fixed); err != nil {
		return nil, err
	}
	m := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		v, err := renderMember(b, o.vals[i], chain)
		if err != nil {
			return nil, err
		}
		m[k] = v
	}
	return m, nil
}

type arrayValue struct {
	elems []node
	fixed int
}

func (a *arrayValue) render(b *budget, chain map[string]any) (any, error) {
	if err := b.charge(a.fixed); err != nil {
		return nil, err
	}
	out := make([]any, len(a.elems))
	for i, e := range a.elems {
		v, err := renderMember(b, e, chain)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// renderMember renders a member of an object or array and charges what
// its rendering did not: the encoding of a value a whole placeholder
// places by reference, a text's quotes (constants are in fixed).
func renderMember(b *budget, n node, chain map[string]any) (any, error) {
	switch x := n.(type) {
	case Constant:
		return x.V, nil
	case *Template:
		if err := b.tick(); err != nil {
			return nil, err
		}
		v, err := x.render(b, chain)
		switch {
		case err != nil:
			return nil, err
		case x.whole:
			return v, b.chargeValue(v)
		}
		return v, b.charge(2)
	}
	return renderNode(b, n, chain)
}

// CompileValue compiles a JSON value from a flow document. Template errors
// are reported as findings with paths relative to raw.
func CompileValue(raw any) (Value, flows.ValidationErrors) {
	var errs flows.ValidationErrors
	return Value{root: compileValue(raw, "", &errs, nil)}, errs
}

// compileValue compiles raw; c, when not nil, notes and checks the
// templates (see compiler).
func compileValue(raw any, path string, errs *flows.ValidationErrors, c *compiler) node {
	switch x := raw.(type) {
	case string:
		if !HasPlaceholders(x) {
			return Constant{x}
		}
		t, err := ParseTemplate(x)
		if err != nil {
			errs.Add(path, "template: %v", err)
			return Constant{x}
		}
		if c != nil {
			c.template(t, path, errs)
		}
		return t
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &objectValue{keys: keys, vals: make([]node, len(keys)), fixed: 2 + max(len(keys)-1, 0)}
		dynamic := false
		for i, k := range keys {
			o.vals[i] = compileValue(x[k], flows.JoinPath(path, k), errs, c)
			o.fixed += jsonsize.String(k) + 1 + constantSize(o.vals[i])
			if _, isConst := o.vals[i].(Constant); !isConst {
				dynamic = true
			}
		}
		if !dynamic {
			return Constant{x}
		}
		return o
	case []any:
		a := &arrayValue{elems: make([]node, len(x)), fixed: 2 + max(len(x)-1, 0)}
		dynamic := false
		for i, e := range x {
			a.elems[i] = compileValue(e, fmt.Sprintf("%s[%d]", path, i), errs, c)
			a.fixed += constantSize(a.elems[i])
			if _, isConst := a.elems[i].(Constant); !isConst {
				dynamic = true
			}
		}
		if !dynamic {
			return Constant{x}
		}
		return a
	default:
		return Constant{x}
	}
}

// constantSize is the encoded size of a constant member (rendered
// members are charged when rendered).
func constantSize(n node) int {
	if c, ok := n.(Constant); ok {
		return jsonsize.Compact(c.V, math.MaxInt)
	}
	return 0
}

// IsConstant reports whether v has no placeholders, and its value.
func IsConstant(v Value) (any, bool) {
	c, ok := v.root.(Constant)
	return c.V, ok
}
