package query

import "time"

// Dynamic is an operand whose value is known only at evaluation time (a {{ }}
// template compiled by the engine).
type Dynamic interface {
	Resolve(scope any) any
}

type operandKind uint8

const (
	operandStatic operandKind = iota
	operandDynamic
	operandNow
	operandUser
	operandRole
	operandTree // a list or object with dynamic members
)

// Operand is the right-hand side of a condition: a static JSON value, a
// Dynamic template, a $NOW offset, $CURRENT_USER / $CURRENT_ROLE, or a list
// or object holding some of those (`["$NOW(-1 day)", "$NOW"]`). The zero
// Operand is the static value null.
type Operand struct {
	kind  operandKind
	value any     // static value; for operandTree the tree with *leaf members
	dyn   Dynamic // operandDynamic
	now   Offset  // operandNow
	// prep is the static value prepared for info at parse time, so
	// evaluation never converts it again.
	prep *prepared
	info *opInfo
}

// leaf is a dynamic member inside an operandTree value.
type leaf struct {
	kind operandKind
	dyn  Dynamic
	now  Offset
}

// IsStatic reports whether the operand's value is fixed at parse time. A
// static operand's Value ignores its Env.
func (o Operand) IsStatic() bool { return o.kind == operandStatic }

// Value resolves the operand: static values as parsed (comma strings of list
// operators already split into lists), templates through Dynamic.Resolve
// with env.Scope, $NOW offsets as RFC 3339 UTC strings (TimeLayout) from
// env.Now (time.Now() when zero), $CURRENT_USER and $CURRENT_ROLE as
// env.User and env.Role.
func (o Operand) Value(env Env) any {
	switch o.kind {
	case operandStatic:
		return o.value
	case operandTree:
		return resolveTree(o.value, &env)
	}
	return resolveLeaf(&leaf{kind: o.kind, dyn: o.dyn, now: o.now}, &env)
}

func resolveLeaf(l *leaf, env *Env) any {
	switch l.kind {
	case operandDynamic:
		if l.dyn == nil {
			return nil
		}
		return l.dyn.Resolve(env.Scope)
	case operandNow:
		return FormatTime(l.now.From(env.now()))
	case operandUser:
		return env.User
	case operandRole:
		return env.Role
	}
	return nil
}

// resolveTree rebuilds a list or object with its dynamic members resolved.
func resolveTree(v any, env *Env) any {
	switch x := v.(type) {
	case *leaf:
		return resolveLeaf(x, env)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = resolveTree(e, env)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = resolveTree(e, env)
		}
		return out
	}
	return v
}

// now is the evaluation instant: Env.Now, or the wall clock when unset.
func (env *Env) now() time.Time {
	if env.Now.IsZero() {
		return time.Now()
	}
	return env.Now
}
