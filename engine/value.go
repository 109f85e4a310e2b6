package engine

import (
	"fmt"
	"sort"

	"github.com/hookflow/hookflow/flows"
)

// Value is an option value compiled once. Constant subtrees are returned as
// they are (shared between runs: nothing may modify them); strings with
// placeholders are templates; objects and arrays with dynamic members are
// rebuilt on each render, reusing their constant members.
type Value interface {
	// Resolve renders the value against a data chain (map[string]any).
	Resolve(scope any) any
}

// Constant is a Value without placeholders.
type Constant struct{ V any }

// Resolve returns the constant itself.
func (c Constant) Resolve(any) any { return c.V }

type objectValue struct {
	keys []string
	vals []Value
}

func (o *objectValue) Resolve(scope any) any {
	m := make(map[string]any, len(o.keys))
	for i, k := range o.keys {
		m[k] = o.vals[i].Resolve(scope)
	}
	return m
}

type arrayValue struct{ elems []Value }

func (a *arrayValue) Resolve(scope any) any {
	out := make([]any, len(a.elems))
	for i, e := range a.elems {
		out[i] = e.Resolve(scope)
	}
	return out
}

// CompileValue compiles a JSON value from a flow document. Template errors
// are reported as findings with paths relative to raw.
func CompileValue(raw any) (Value, flows.ValidationErrors) {
	var errs flows.ValidationErrors
	v := compileValue(raw, "", &errs)
	return v, errs
}

func compileValue(raw any, path string, errs *flows.ValidationErrors) Value {
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
		return t
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &objectValue{keys: keys, vals: make([]Value, len(keys))}
		dynamic := false
		for i, k := range keys {
			o.vals[i] = compileValue(x[k], flows.JoinPath(path, k), errs)
			if _, isConst := o.vals[i].(Constant); !isConst {
				dynamic = true
			}
		}
		if !dynamic {
			return Constant{x}
		}
		return o
	case []any:
		a := &arrayValue{elems: make([]Value, len(x))}
		dynamic := false
		for i, e := range x {
			a.elems[i] = compileValue(e, fmt.Sprintf("%s[%d]", path, i), errs)
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

// IsConstant reports whether v has no placeholders, and its value.
func IsConstant(v Value) (any, bool) {
	c, ok := v.(Constant)
	return c.V, ok
}
