package query

import (
	"fmt"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
)

// This file is the view of the operator table that a translator (the
// store's SQL dialects) needs to rebuild every operator outside Go. It
// exposes the same prepared operands the evaluator compares against, so a
// translation never re-implements a coercion rule: it only says, in its own
// language, "numeric when both read as numbers", using the readings made here.

// OperatorKind groups the leaf operators that share a test; the n-variants
// have the kind of their positive form with Operator.Negated set.
type OperatorKind uint8

// Operator kinds.
const (
	OpEq        OperatorKind = OperatorKind(kindEq)
	OpOrder     OperatorKind = OperatorKind(kindOrder)
	OpIn        OperatorKind = OperatorKind(kindIn)
	OpBetween   OperatorKind = OperatorKind(kindBetween)
	OpNull      OperatorKind = OperatorKind(kindNull)
	OpEmpty     OperatorKind = OperatorKind(kindEmpty)
	OpContains  OperatorKind = OperatorKind(kindContains)
	OpStarts    OperatorKind = OperatorKind(kindStarts)
	OpEnds      OperatorKind = OperatorKind(kindEnds)
	OpRegex     OperatorKind = OperatorKind(kindRegex)
	OpSubmitted OperatorKind = OperatorKind(kindSubmitted)
)

// Operator describes one leaf operator of docs/items.md#filters.
type Operator struct {
	Name string
	Kind OperatorKind
	// Compare is the comparison of an OpOrder operator: "<", "<=", ">" or
	// ">=".
	Compare string
	// Negated operators are the exact negation of their positive form on a
	// present field (null included); on a missing field see Prepared.OnMissing.
	Negated bool
	// Fold operators compare under Unicode simple case folding (FoldString).
	Fold bool
}

var compareSymbols = [...]string{
	ordLt:  "<",
	ordLte: "<=",
	ordGt:  ">",
	ordGte: ">=",
}

func (info *opInfo) exported() Operator {
	o := Operator{
		Name:    info.name,
		Kind:    OperatorKind(info.kind),
		Negated: info.neg,
		Fold:    info.fold,
	}
	if info.kind == kindOrder {
		o.Compare = compareSymbols[info.ord]
	}
	return o
}

// ScalarKind classifies an operand value.
type ScalarKind uint8

// Scalar kinds. A Composite is an object or an array.
const (
	ScalarNull      ScalarKind = ScalarKind(kNull)
	ScalarBool      ScalarKind = ScalarKind(kBool)
	ScalarNumber    ScalarKind = ScalarKind(kNum)
	ScalarString    ScalarKind = ScalarKind(kStr)
	ScalarComposite ScalarKind = ScalarKind(kComposite)
	ScalarOther     ScalarKind = ScalarKind(kOther)
)

// Scalar is an operand value with the readings the coercion rules use.
type Scalar struct {
	Kind ScalarKind
	// Value is the value as resolved (for composites, what deep equality
	// compares against).
	Value any
	// String is the string of a ScalarString; Bool the bool of a ScalarBool.
	String string
	Bool   bool
	// Numeric is set for numbers and for strings that read as a number
	// (NumericString); Number is that number, or the nearest float64 when
	// NumberValue is an integer.
	Numeric bool
	Number  float64
	// IsDate is set for strings that read as a date (ParseTime), only for
	// the bounds of ordering operators; Time is that instant.
	IsDate bool
	Time   time.Time

	exact any // NumberValue
}

func (s *scalar) exported() Scalar {
	return Scalar{
		Kind:    ScalarKind(s.kind),
		Value:   s.v,
		String:  s.s,
		Bool:    s.b,
		Numeric: s.num,
		Number:  s.n.f,
		IsDate:  s.date,
		Time:    s.t,
		exact:   s.n.value(),
	}
}

// NumberValue is the number of a Numeric scalar as it compares: an int64
// when it is written as an integer that fits one (9007199254740993 stays
// exact), else a float64 (±Inf beyond the float64 range), as SQLite reads
// JSON numbers and as NumericValue reads text.
func (s Scalar) NumberValue() any {
	if s.exact == nil {
		return s.Number
	}
	return s.exact
}

// Prepared is a condition's operand resolved and converted for its operator.
type Prepared struct {
	// One is the operand of _eq, the ordering operators and the text
	// operators.
	One Scalar
	// List holds the items of _in/_nin and the two bounds of _between.
	List []Scalar
	// Text is the operand's text for the text operators (strings as they
	// are, numbers in JSON notation); HasText reports whether it has one.
	Text    string
	HasText bool
	// Folded is Text under FoldString, for the case-insensitive operators.
	Folded string
	// Pattern is the _regex operand as written (CompileRegex reads it).
	Pattern string
	// Flag is the boolean operand of _null, _empty and _submitted.
	Flag bool
	// OnMissing is the operator's result on a missing field: true only for
	// _null/_empty (and _nnull/_nempty, _submitted) with the right flag.
	OnMissing bool
}

// PrepareCond resolves a condition's operand in env and converts it for its
// operator, exactly as evaluation does. The error says why a dynamic operand
// cannot serve (evaluation then fails the condition; a translation must
// produce "false" for it).
func PrepareCond(c Cond, env Env) (Operator, Prepared, error) {
	info := c.info
	if info == nil || info.name != c.Op {
		info = opsByName[c.Op]
	}
	if info == nil {
		return Operator{}, Prepared{}, fmt.Errorf("unknown operator %q", c.Op)
	}
	p := c.Operand.prep
	value := c.Operand.value
	if p == nil || c.Operand.info != info {
		value = c.Operand.Value(env)
		var err error
		if p, err = prepare(info, value); err != nil {
			return info.exported(), Prepared{}, err
		}
	}
	out := Prepared{
		One:       p.one.exported(),
		Text:      p.text,
		HasText:   p.hasText,
		Folded:    p.fold,
		Flag:      p.flag,
		OnMissing: evalMissing(info, p),
	}
	for i := range p.list {
		out.List = append(out.List, p.list[i].exported())
	}
	if info.kind == kindRegex {
		out.Pattern, _ = textOf(value)
	}
	return info.exported(), out, nil
}

// NumericString reports whether s reads as a plain decimal number under the
// rules of docs/items.md#filters ("5", "-1.5", "2e3"; not "0x10", " 5" or "NaN") and its
// value.
func NumericString(s string) (float64, bool) { return numericString(s) }

// NumericValue is the number s reads as under NumericString, as an int64
// when s is an integer that fits one and a float64 otherwise: the reading
// Scalar.NumberValue gives operands, for the same text in a document.
func NumericValue(s string) (any, bool) {
	n, ok := numericValue(s)
	if !ok {
		return nil, false
	}
	return n.value(), true
}

// ParseTime reads s as a date the way the ordering operators do (RFC 3339,
// a bare date as midnight UTC, a date-time without zone as UTC).
func ParseTime(s string) (time.Time, bool) { return parseTime(s) }

// FoldString maps every rune of s to the representative of its simple case
// folding orbit; two strings are equal under the i-operators exactly when
// their FoldStrings are equal.
func FoldString(s string) string { return foldString(s) }

// FormatNumber writes f in JSON notation as encoding/json does: the text the
// text operators (_contains, _starts_with, …) see for a float64 number
// (other numbers show as written, jsonnum.Text).
func FormatNumber(f float64) string { return string(jsonnum.AppendFloat(nil, f)) }

// EqualJSON compares two JSON documents with the equality of _eq (numbers
// equal their decimal strings, also inside objects and arrays). Invalid JSON
// equals nothing.
func EqualJSON(a, b []byte) bool {
	va, err := jsonnum.Decode(a)
	if err != nil {
		return false
	}
	vb, err := jsonnum.Decode(b)
	return err == nil && deepEqual(va, vb)
}

// Index returns the array index segment i denotes (a canonical non-negative
// decimal, as Get reads it), or -1 when it is only a key.
func (p Path) Index(i int) int {
	if i < 0 || i >= len(p.segs) {
		return -1
	}
	return p.segs[i].idx
}

// Prefix returns the path of the first n segments; it shares memory with p.
func (p Path) Prefix(n int) Path {
	if n <= 0 {
		return Path{}
	}
	if n > len(p.segs) {
		n = len(p.segs)
	}
	return Path{segs: p.segs[:n:n]}
}

// TypeName names a JSON value's type for messages: "null", "a boolean",
// "a number", "a string", "an array" or "an object".
func TypeName(v any) string {
	switch makeScalar(v, false).kind {
	case kNull:
		return "null"
	case kBool:
		return "a boolean"
	case kNum:
		return "a number"
	case kStr:
		return "a string"
	}
	switch v.(type) {
	case []any, []string, []map[string]any:
		return "an array"
	case map[string]any, map[string]string:
		return "an object"
	}
	return fmt.Sprintf("a %T", v)
}
