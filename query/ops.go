package query

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hookflow/hookflow/jsonnum"
)

// opKind groups operators that share an evaluation; the n-variants are the
// same kind with neg set.
type opKind uint8

const (
	kindEq opKind = iota + 1
	kindOrder
	kindIn
	kindBetween
	kindNull
	kindEmpty
	kindContains
	kindStarts
	kindEnds
	kindRegex
	kindSubmitted
)

type order uint8

const (
	ordLt order = iota
	ordLte
	ordGt
	ordGte
)

// opInfo describes one leaf operator of docs/items.md#filters.
type opInfo struct {
	name string
	kind opKind
	ord  order // kindOrder only
	// neg makes the operator the exact negation of its positive form on
	// present fields. On missing fields see missingResult.
	neg  bool
	fold bool // case-insensitive (Unicode simple folding)
}

// opTable lists every leaf operator. _and, _or, _some and _none are
// structural and handled by the parser.
var opTable = [...]opInfo{
	{name: "_eq", kind: kindEq},
	{name: "_neq", kind: kindEq, neg: true},
	{name: "_lt", kind: kindOrder, ord: ordLt},
	{name: "_lte", kind: kindOrder, ord: ordLte},
	{name: "_gt", kind: kindOrder, ord: ordGt},
	{name: "_gte", kind: kindOrder, ord: ordGte},
	{name: "_in", kind: kindIn},
	{name: "_nin", kind: kindIn, neg: true},
	{name: "_between", kind: kindBetween},
	{name: "_nbetween", kind: kindBetween, neg: true},
	{name: "_null", kind: kindNull},
	{name: "_nnull", kind: kindNull, neg: true},
	{name: "_empty", kind: kindEmpty},
	{name: "_nempty", kind: kindEmpty, neg: true},
	{name: "_contains", kind: kindContains},
	{name: "_ncontains", kind: kindContains, neg: true},
	{name: "_icontains", kind: kindContains, fold: true},
	{name: "_nicontains", kind: kindContains, neg: true, fold: true},
	{name: "_starts_with", kind: kindStarts},
	{name: "_nstarts_with", kind: kindStarts, neg: true},
	{name: "_istarts_with", kind: kindStarts, fold: true},
	{name: "_nistarts_with", kind: kindStarts, neg: true, fold: true},
	{name: "_ends_with", kind: kindEnds},
	{name: "_nends_with", kind: kindEnds, neg: true},
	{name: "_iends_with", kind: kindEnds, fold: true},
	{name: "_niends_with", kind: kindEnds, neg: true, fold: true},
	{name: "_regex", kind: kindRegex},
	{name: "_submitted", kind: kindSubmitted},
}

// opsByName is built once and only read afterwards.
var opsByName = func() map[string]*opInfo {
	m := make(map[string]*opInfo, len(opTable))
	for i := range opTable {
		m[opTable[i].name] = &opTable[i]
	}
	return m
}()

// IsOperator reports whether name is a filter operator (docs/items.md#filters), leaf or
// structural (_and, _or, _some, _none).
func IsOperator(name string) bool {
	if _, ok := opsByName[name]; ok {
		return true
	}
	switch name {
	case "_and", "_or", "_some", "_none":
		return true
	}
	return false
}

// prepared is an operand converted for one operator: numbers parsed, lists
// split, text folded, regex compiled. Static operands are prepared once at
// parse time; dynamic ones on every evaluation.
type prepared struct {
	one     scalar
	list    []scalar
	text    string
	hasText bool
	fold    string
	re      *regexp.Regexp
	flag    bool
}

var errBool = errors.New("operand must be true or false")

// prepare converts a resolved operand for info, or explains why it cannot
// serve as one. The same function validates at parse time and converts
// dynamic values at run time, so both agree on what is acceptable.
func prepare(info *opInfo, v any) (*prepared, error) {
	p := &prepared{}
	switch info.kind {
	case kindEq:
		p.one = makeScalar(v, false)
	case kindOrder:
		if !isBound(v) {
			return nil, errors.New("operand must be a number, a string or a date")
		}
		p.one = makeScalar(v, true)
	case kindIn:
		list, ok := toList(v)
		if !ok {
			return nil, errors.New("operand must be a list or a comma-separated string")
		}
		p.list = make([]scalar, len(list))
		for i, e := range list {
			p.list[i] = makeScalar(e, false)
		}
	case kindBetween:
		list, ok := toList(v)
		if !ok || len(list) != 2 || !isBound(list[0]) || !isBound(list[1]) {
			return nil, errors.New(`operand must be two bounds: [a, b] or "a,b"`)
		}
		p.list = []scalar{makeScalar(list[0], true), makeScalar(list[1], true)}
	case kindNull, kindEmpty, kindSubmitted:
		b, ok := toBool(v)
		if !ok {
			return nil, errBool
		}
		p.flag = b
	case kindContains, kindStarts, kindEnds:
		p.one = makeScalar(v, false)
		p.text, p.hasText = textOf(v)
		// Plain _contains may also look for a boolean in an array field;
		// every other text operator needs text. Objects are refused so that
		// the SQL translation stays a scalar comparison per element.
		plain := info.kind == kindContains && !info.fold
		if plain && !p.hasText && p.one.kind != kBool {
			return nil, errors.New("operand must be a string, a number or a boolean")
		}
		if !plain && !p.hasText {
			return nil, errors.New("operand must be a string or a number")
		}
		if info.fold {
			p.fold = foldString(p.text)
		}
	case kindRegex:
		s, ok := textOf(v)
		if !ok {
			return nil, errors.New("operand must be a regular expression string")
		}
		re, err := CompileRegex(s)
		if err != nil {
			return nil, err
		}
		p.re = re
	}
	return p, nil
}

// isBound reports whether v can be ordered: a number or a string.
func isBound(v any) bool {
	if _, ok := v.(string); ok {
		return true
	}
	return jsonnum.IsNumber(v)
}

// toList reads a list operand: an array, or a comma-separated string
// ("a, b" → ["a", "b"], items trimmed; "" → no items). Any other scalar is a
// list of itself; an object is not a list.
func toList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, true
	case string:
		return splitList(x), true
	case map[string]any, map[string]string, []map[string]any:
		return nil, false
	}
	return []any{v}, true
}

func splitList(s string) []any {
	if strings.TrimSpace(s) == "" {
		return []any{}
	}
	parts := strings.Split(s, ",")
	out := make([]any, len(parts))
	for i, p := range parts {
		out[i] = strings.TrimSpace(p)
	}
	return out
}

// toBool reads the boolean operand of _null, _empty and _submitted; the
// strings "true" and "false" count because query strings carry no types.
func toBool(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch x {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

// CompileRegex compiles an RE2 pattern, optionally written /pattern/flags.
// Flags i, m and s map to RE2's (?ims); g and u are accepted and ignored
// (a match test is global by nature, RE2 is always UTF-8) because people
// paste JavaScript literals. A slash-started string whose tail is not made
// of flags ("/api/users") is a plain pattern. Exported so that the store's
// SQL REGEXP function reads patterns exactly as _regex does.
func CompileRegex(s string) (*regexp.Regexp, error) {
	pattern := s
	if len(s) >= 2 && s[0] == '/' {
		if end := strings.LastIndexByte(s, '/'); end > 0 {
			flags := s[end+1:]
			if strings.Trim(flags, "imsgu") == "" {
				pattern = s[1:end]
				var re2 strings.Builder
				for _, f := range "ims" {
					if strings.ContainsRune(flags, f) {
						re2.WriteRune(f)
					}
				}
				if re2.Len() > 0 {
					pattern = "(?" + re2.String() + ")" + pattern
				}
			}
		}
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %v", err)
	}
	return re, nil
}

// evalPresent applies the operator to a present field value.
func evalPresent(info *opInfo, v any, p *prepared) bool {
	var r bool
	switch info.kind {
	case kindEq:
		r = eqScalar(v, &p.one)
	case kindOrder:
		c, ok := compareScalar(v, &p.one)
		if !ok {
			return false // ordering has no negated form to invert
		}
		switch info.ord {
		case ordLt:
			r = c < 0
		case ordLte:
			r = c <= 0
		case ordGt:
			r = c > 0
		default:
			r = c >= 0
		}
	case kindIn:
		for i := range p.list {
			if eqScalar(v, &p.list[i]) {
				r = true
				break
			}
		}
	case kindBetween:
		lo, ok1 := compareScalar(v, &p.list[0])
		hi, ok2 := compareScalar(v, &p.list[1])
		r = ok1 && ok2 && lo >= 0 && hi <= 0
	case kindNull:
		r = (v == nil) == p.flag
	case kindEmpty:
		r = isEmpty(v) == p.flag
	case kindSubmitted:
		r = p.flag
	case kindContains:
		r = contains(info, v, p)
	case kindStarts, kindEnds:
		if s, ok := textOf(v); ok && p.hasText {
			switch {
			case info.kind == kindStarts && info.fold:
				r = hasPrefixFold(s, p.fold)
			case info.kind == kindStarts:
				r = strings.HasPrefix(s, p.text)
			case info.fold:
				r = hasSuffixFold(s, p.fold)
			default:
				r = strings.HasSuffix(s, p.text)
			}
		}
	case kindRegex:
		if s, ok := textOf(v); ok {
			r = p.re.MatchString(s)
		}
	}
	if info.neg {
		r = !r
	}
	return r
}

// evalMissing applies the operator to a missing field. SQL NULL semantics:
// everything fails, except that a missing field counts as null and empty
// (so _null/_empty follow their boolean operand and _nnull/_nempty its
// inverse) and is not submitted.
func evalMissing(info *opInfo, p *prepared) bool {
	switch info.kind {
	case kindNull, kindEmpty:
		return p.flag != info.neg
	case kindSubmitted:
		return !p.flag
	}
	return false
}

// contains is _contains and _icontains: substring for text fields (numbers
// read as JSON text), membership for arrays (_contains: an element equal to
// the operand with the equality of _eq; _icontains: a text element
// containing it case-insensitively).
func contains(info *opInfo, v any, p *prepared) bool {
	if n := arrayLen(v); n >= 0 {
		for i := 0; i < n; i++ {
			e := arrayAt(v, i)
			if info.fold {
				if s, ok := textOf(e); ok && containsFold(s, p.fold) {
					return true
				}
			} else if eqScalar(e, &p.one) {
				return true
			}
		}
		return false
	}
	s, ok := textOf(v)
	if !ok || !p.hasText {
		return false
	}
	if info.fold {
		return containsFold(s, p.fold)
	}
	return strings.Contains(s, p.text)
}
