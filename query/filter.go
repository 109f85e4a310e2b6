package query

import (
	"strconv"
	"strings"
	"time"
)

// Node is a filter AST node: And, Or, Cond, Some or None. The set is closed
// so that an evaluator or a SQL translator can switch over it exhaustively.
// The parser stores the value types (Cond, not *Cond); evaluation accepts
// both.
type Node interface{ node() }

// And passes when every node passes; an empty And (the filter {}) passes.
// Sibling keys of one filter object and _and lists both become And.
type And struct{ Nodes []Node }

// Or passes when some node passes; an empty Or (`"_or": []`) fails, as the
// empty disjunction does in logic and SQL.
type Or struct{ Nodes []Node }

// Cond is a leaf condition: the value at Field (the full nested path,
// "customer.name") tested with Op (e.g. "_eq") against Operand. Inside Some
// and None, Field is relative to the array element and may be empty (the
// element itself, for arrays of scalars).
type Cond struct {
	Field   Path
	Op      string
	Operand Operand
	info    *opInfo
}

// Some passes when the value at Field is an array with at least one element
// matching Filter, which is evaluated against the element (object elements
// by their keys, scalar elements through an empty Field).
type Some struct {
	Field  Path
	Filter Node
}

// None passes when the value at Field is an array with no element matching
// Filter. A missing or non-array field fails, like every other operator.
type None struct {
	Field  Path
	Filter Node
}

func (And) node()  {}
func (Or) node()   {}
func (Cond) node() {}
func (Some) node() {}
func (None) node() {}

// Filter is a parsed, immutable filter, safe for concurrent use.
type Filter struct {
	root    Node
	usesNow bool // some operand reads the clock: fix Env.Now once per match
}

// Root returns the filter's AST.
func (f *Filter) Root() Node {
	if f == nil || f.root == nil {
		return And{}
	}
	return f.root
}

// ParseOptions tunes ParseFilter.
type ParseOptions struct {
	// Dynamic, when set, is called for every string operand that contains
	// "{{"; it returns the compiled operand or an error (reported as a
	// finding). When nil, such strings are literals.
	Dynamic func(s string) (Dynamic, error)
}

// Env is what evaluation needs besides the subject.
type Env struct {
	Now        time.Time // for $NOW operands; zero means time.Now()
	Scope      any       // passed to Dynamic.Resolve
	User, Role any       // values of bare $CURRENT_USER / $CURRENT_ROLE operands
}

// Subject resolves a filter's top-level field name to a value (present=false
// when missing).
type Subject func(field string) (value any, present bool)

// Mismatch is one failing leaf condition, in the shape of a condition
// operation's reject result (docs/items.md#filters).
type Mismatch struct {
	Field    string `json:"field"`
	Operator string `json:"operator"`
	Expected any    `json:"expected"`
	Actual   any    `json:"actual"`
	Message  string `json:"message"`
}

// Error is one problem found while parsing a filter. Path locates it
// relative to the filter root ("type._foo", "_and[1].email._contains").
type Error struct {
	Path    string
	Message string
}

// Error implements error.
func (e Error) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// Errors is every problem of a filter; ParseFilter reports them all at once.
type Errors []Error

// Error implements error, listing every problem.
func (es Errors) Error() string {
	var b strings.Builder
	if len(es) > 1 {
		b.WriteString(strconv.Itoa(len(es)))
		b.WriteString(" errors: ")
	}
	for i, e := range es {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Match reports whether the subject passes the filter. A nil filter passes;
// a nil subject has every field missing.
func (f *Filter) Match(subject Subject, env Env) bool {
	if f == nil || f.root == nil {
		return true
	}
	if f.usesNow && env.Now.IsZero() {
		env.Now = time.Now() // one instant for every $NOW of this match
	}
	if subject == nil {
		subject = noFields
	}
	e := evaluator{env: &env}
	return e.node(f.root, subject, nil)
}

// Explain is Match plus the failing leaf conditions, for the condition
// operation's reject result. Unlike Match it evaluates every branch of an
// And so that all problems are reported. On success the list is nil.
func (f *Filter) Explain(subject Subject, env Env) (bool, []Mismatch) {
	if f == nil || f.root == nil {
		return true, nil
	}
	if f.usesNow && env.Now.IsZero() {
		env.Now = time.Now()
	}
	var out []Mismatch
	if subject == nil {
		subject = noFields
	}
	e := evaluator{env: &env, out: &out}
	if e.node(f.root, subject, nil) {
		return true, nil
	}
	return false, out
}

// noFields is the subject without fields (a nil Subject); nil itself means
// "evaluate an array element" inside the evaluator.
func noFields(string) (any, bool) { return nil, false }

// MatchValue matches an object: the filter's top-level fields are its keys.
func MatchValue(item map[string]any, f *Filter, env Env) bool {
	return f.Match(func(field string) (any, bool) {
		v, ok := item[field]
		return v, ok
	}, env)
}
