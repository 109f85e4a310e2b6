package query

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ParseFilter parses a filter as decoded from JSON (docs/items.md#filters):
//
//	{"type": {"_eq": "order"}}                   a condition on a field
//	{"type": "order"}                            shorthand for _eq
//	{"customer": {"name": {"_eq": "x"}}}         nested fields (Cond.Field customer.name)
//	{"a": {...}, "b": {...}}                     several keys: AND
//	{"_and": [f1, f2]}, {"_or": [f1, f2]}        lists of filters (also inside a field:
//	                                             {"customer": {"_or": [...]}} is relative to it)
//	{"items": {"_some": {"sku": {"_eq": "a"}}}}  array elements; {"tags": {"_some": {"_eq": "x"}}}
//	{}                                           matches everything
//
// Field names are literal keys: "a.b" is one field named a.b, never a path.
// Keys are visited in sorted order so the AST and the error list are
// deterministic. Every problem is reported at once as Errors, each with its
// path from the filter root.
func ParseFilter(raw any, opts ParseOptions) (*Filter, error) {
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, Errors{{Message: "filter must be an object"}}
	}
	p := parser{opts: opts}
	root := p.object(m, nil, "", false)
	if p.conds > MaxConditions {
		p.errs = append(Errors{{Message: fmt.Sprintf(
			"more than %d conditions (%d): a long list of values is one _in", MaxConditions, p.conds)}}, p.errs...)
	}
	if p.regexes > MaxRegexes {
		p.errs = append(Errors{{Message: fmt.Sprintf(
			"more than %d _regex conditions (%d): join alternatives into one pattern with |", MaxRegexes, p.regexes)}}, p.errs...)
	}
	if len(p.errs) > 0 {
		return nil, p.errs
	}
	return &Filter{root: root, usesNow: p.usesNow}, nil
}

// MaxConditions bounds the conditions of one filter (field tests, _some
// and _none). A filter is translated into one SQL statement, and preparing
// one grows faster than its length: 1000 conditions take SQLite a tenth of a
// second, 5000 several seconds. Long lists of values belong in one _in,
// which has no such cost.
const MaxConditions = 1000

// MaxPathSegments bounds the segments of a field path in a query: a
// filter's nested fields, sort, groupBy, aggregate and fields. Flows and
// their filters nest at most 128 levels anyway; longer paths only cost
// (translating one grows with the square of its length).
const MaxPathSegments = 128

// MaxRegexes bounds the _regex conditions of one filter. The database keeps
// a few dozen compiled patterns per connection; a filter with more would
// compile its patterns again for every row it tests.
const MaxRegexes = 32

type parser struct {
	opts    ParseOptions
	errs    Errors
	usesNow bool
	conds   int // conditions seen, against MaxConditions
	regexes int // _regex conditions seen, against MaxRegexes
}

func (p *parser) fail(path, msg string) {
	p.errs = append(p.errs, Error{Path: path, Message: msg})
}

// object parses a filter object whose fields are relative to prefix. elem is
// true inside _some/_none, where an empty prefix is the array element itself
// and may carry operators directly.
func (p *parser) object(m map[string]any, prefix []string, path string, elem bool) Node {
	var nodes []Node
	add := func(n Node) {
		if a, ok := n.(And); ok { // AND of ANDs is one AND
			nodes = append(nodes, a.Nodes...)
			return
		}
		nodes = append(nodes, n)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, kp := m[k], joinKey(path, k)
		switch {
		case k == "_and" || k == "_or":
			subs := p.list(v, prefix, kp, elem)
			if k == "_and" {
				add(And{Nodes: subs})
			} else {
				add(Or{Nodes: subs})
			}
		case k == "_some" || k == "_none":
			if len(prefix) == 0 && !elem {
				p.fail(kp, k+" needs an array field: {\"items\": {\""+k+"\": {…}}}")
				continue
			}
			fm, ok := v.(map[string]any)
			if !ok {
				p.fail(kp, "must be a filter object")
				continue
			}
			p.conds++
			inner := p.object(fm, nil, kp, true)
			if k == "_some" {
				add(Some{Field: pathOf(prefix), Filter: inner})
			} else {
				add(None{Field: pathOf(prefix), Filter: inner})
			}
		case strings.HasPrefix(k, "_"):
			info := opsByName[k]
			if info == nil {
				p.fail(kp, fmt.Sprintf("unknown operator %q", k))
				continue
			}
			if len(prefix) == 0 && !elem {
				p.fail(kp, "operator "+k+" needs a field: {\"field\": {\""+k+"\": …}}")
				continue
			}
			add(p.cond(prefix, info, v, kp))
		case k == "":
			p.fail(kp, "empty field name")
		case len(prefix) >= MaxPathSegments:
			p.fail(kp, fmt.Sprintf("a field path of more than %d segments", MaxPathSegments))
		default:
			// Full slice expression: siblings must not share a backing array.
			sub := append(prefix[:len(prefix):len(prefix)], k) //nolint:gocritic // a new slice on purpose
			if fm, ok := v.(map[string]any); ok {
				add(p.object(fm, sub, kp, elem))
			} else {
				add(p.cond(sub, opsByName["_eq"], v, kp))
			}
		}
	}
	if len(nodes) == 1 {
		return nodes[0]
	}
	return And{Nodes: nodes}
}

// list parses the filters of _and / _or.
func (p *parser) list(v any, prefix []string, path string, elem bool) []Node {
	list, ok := v.([]any)
	if !ok {
		p.fail(path, "must be a list of filters")
		return nil
	}
	subs := make([]Node, 0, len(list))
	for i, e := range list {
		ip := path + "[" + strconv.Itoa(i) + "]"
		em, ok := e.(map[string]any)
		if !ok {
			p.fail(ip, "must be a filter object")
			continue
		}
		subs = append(subs, p.object(em, prefix, ip, elem))
	}
	return subs
}

func (p *parser) cond(field []string, info *opInfo, v any, path string) Cond {
	p.conds++
	if info.kind == kindRegex {
		p.regexes++
	}
	return Cond{
		Field:   pathOf(field),
		Op:      info.name,
		Operand: p.operand(info, v, path),
		info:    info,
	}
}

// operand compiles an operand and, when it is static, prepares it for its
// operator right away so that evaluation only compares.
func (p *parser) operand(info *opInfo, v any, path string) Operand {
	if info.kind == kindIn || info.kind == kindBetween {
		if s, ok := v.(string); ok && !p.isTemplate(s) {
			// Split now so each part may be $NOW… and Value returns a list.
			v = splitList(s)
		}
	}
	tree, dynamic := p.compile(v, path)
	if dynamic {
		if l, ok := tree.(*leaf); ok {
			return Operand{kind: l.kind, dyn: l.dyn, now: l.now}
		}
		if list, ok := tree.([]any); ok && info.kind == kindBetween && len(list) != 2 {
			p.fail(path, `operand must be two bounds: [a, b] or "a,b"`)
		}
		return Operand{kind: operandTree, value: tree}
	}
	prep, err := prepare(info, v)
	if err != nil {
		p.fail(path, err.Error())
		return Operand{value: v}
	}
	return Operand{value: v, prep: prep, info: info}
}

func (p *parser) isTemplate(s string) bool {
	return p.opts.Dynamic != nil && strings.Contains(s, "{{")
}

// compile finds the dynamic members of an operand ({{ }} templates, $NOW…,
// $CURRENT_USER, $CURRENT_ROLE), also inside lists and objects. It returns v
// unchanged when there are none, else a copy holding *leaf members.
func (p *parser) compile(v any, path string) (any, bool) {
	switch x := v.(type) {
	case string:
		return p.compileString(x, path)
	case []any:
		var out []any
		for i, e := range x {
			c, dyn := p.compile(e, path+"["+strconv.Itoa(i)+"]")
			if dyn && out == nil {
				out = slices.Clone(x)
			}
			if out != nil {
				out[i] = c
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	case map[string]any:
		var out map[string]any
		for _, k := range slices.Sorted(maps.Keys(x)) {
			c, dyn := p.compile(x[k], joinKey(path, k))
			if dyn && out == nil {
				out = maps.Clone(x)
			}
			if out != nil {
				out[k] = c
			}
		}
		if out == nil {
			return x, false
		}
		return out, true
	}
	return v, false
}

func (p *parser) compileString(s, path string) (any, bool) {
	if p.isTemplate(s) {
		d, err := p.opts.Dynamic(s)
		if err != nil {
			p.fail(path, err.Error())
			return s, false
		}
		if d == nil {
			return s, false
		}
		return &leaf{kind: operandDynamic, dyn: d}, true
	}
	switch s {
	case "$CURRENT_USER":
		return &leaf{kind: operandUser}, true
	case "$CURRENT_ROLE":
		return &leaf{kind: operandRole}, true
	}
	off, ok, err := ParseNow(s)
	if err != nil {
		p.fail(path, err.Error())
		return s, false
	}
	if !ok {
		return s, false
	}
	p.usesNow = true
	return &leaf{kind: operandNow, now: off}, true
}

// joinKey extends an error path with a key, bracketing keys that cannot be
// written dotted, as Path.String does.
func joinKey(path, key string) string {
	var b strings.Builder
	b.WriteString(path)
	writeSegment(&b, key, path == "")
	return b.String()
}
