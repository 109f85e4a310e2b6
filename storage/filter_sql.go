package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/query"
)

// filterSQL translates a parsed filter into a WHERE expression. It is the
// one place that decides what each operator of docs/items.md#filters means in SQL; the
// dialect only spells the pieces. The meaning is the evaluator's, operand
// readings included (query.PrepareCond), and storage's shared-case test runs
// query.SharedCases through both to keep them equal.
//
// SQL is three-valued where the evaluator is two-valued. A positive test is
// built so that a missing field makes it false or NULL, both of which a
// WHERE clause rejects, and nothing positive is ever negated with NOT:
// negated operators are written `present AND (positive) IS NOT TRUE`, the
// form query's documentation gives for them.
type filterSQL struct {
	d       queryDialect
	env     query.Env
	aliases int
}

// where translates a filter over the item document.
func (t *filterSQL) where(f *query.Filter) (sqlExpr, error) {
	return t.node(f.Root(), t.d.root())
}

func (t *filterSQL) node(n query.Node, doc docRef) (sqlExpr, error) {
	switch x := n.(type) {
	case query.And:
		return t.list(x.Nodes, doc, sqlAnd)
	case query.Or:
		return t.list(x.Nodes, doc, sqlOr)
	case query.Cond:
		return t.cond(x, doc)
	case query.Some:
		return t.some(x.Field, x.Filter, false, doc)
	case query.None:
		return t.some(x.Field, x.Filter, true, doc)
	case *query.And:
		return t.list(x.Nodes, doc, sqlAnd)
	case *query.Or:
		return t.list(x.Nodes, doc, sqlOr)
	case *query.Cond:
		return t.cond(*x, doc)
	case *query.Some:
		return t.some(x.Field, x.Filter, false, doc)
	case *query.None:
		return t.some(x.Field, x.Filter, true, doc)
	}
	return sqlExpr{}, fmt.Errorf("unsupported filter node %T", n)
}

func (t *filterSQL) list(nodes []query.Node, doc docRef, join func(...sqlExpr) sqlExpr) (sqlExpr, error) {
	parts := make([]sqlExpr, 0, len(nodes))
	for _, n := range nodes {
		p, err := t.node(n, doc)
		if err != nil {
			return sqlExpr{}, err
		}
		parts = append(parts, p)
	}
	return join(parts...), nil
}

// some is _some (none=false) and _none: the field is an array and some / no
// element passes the nested filter.
func (t *filterSQL) some(field query.Path, inner query.Node, none bool, doc docRef) (sqlExpr, error) {
	ref, err := t.d.field(doc, field)
	if err != nil {
		return sqlExpr{}, err
	}
	exists, err := t.exists(ref, func(elem docRef) (sqlExpr, error) {
		if inner == nil {
			return sqlTrue, nil
		}
		return t.node(inner, elem)
	})
	if err != nil {
		return sqlExpr{}, err
	}
	if none {
		exists = sqlf("NOT %s", exists)
	}
	return sqlAnd(t.d.is(ref, jsonArray), exists), nil
}

// exists is EXISTS over the elements of an array value.
func (t *filterSQL) exists(ref jsonRef, test func(elem docRef) (sqlExpr, error)) (sqlExpr, error) {
	t.aliases++
	alias := "e" + strconv.Itoa(t.aliases)
	from, elem := t.d.elements(ref, alias)
	cond, err := test(elem)
	if err != nil {
		return sqlExpr{}, err
	}
	return sqlf("EXISTS (SELECT 1 FROM %s WHERE %s)", from, cond), nil
}

func (t *filterSQL) cond(c query.Cond, doc docRef) (sqlExpr, error) {
	ref, err := t.d.field(doc, c.Field)
	if err != nil {
		return sqlExpr{}, err
	}
	op, p, err := query.PrepareCond(c, t.env)
	if err != nil {
		// A dynamic operand that resolved to an unusable value fails its
		// condition, as in the evaluator.
		return sqlFalse, nil //nolint:nilerr // deliberate: data, not a query error
	}
	d := t.d
	switch op.Kind {
	case query.OpNull:
		if p.Flag != op.Negated {
			return d.nullOrMissing(ref), nil
		}
		return sqlf("NOT %s", d.nullOrMissing(ref)), nil
	case query.OpEmpty:
		empty := sqlOr(d.missing(ref), d.is(ref, jsonNull), sqlAnd(d.is(ref, jsonText), sqlf("%s = %s", ref.val, arg(d.key("")))),
			d.emptyComposite(ref))
		if p.Flag != op.Negated {
			return empty, nil
		}
		return sqlf("NOT %s", empty), nil
	case query.OpSubmitted:
		if p.Flag {
			return sqlf("NOT %s", d.missing(ref)), nil
		}
		return d.missing(ref), nil
	}
	pos, err := t.positive(op, &p, ref)
	if err != nil {
		return sqlExpr{}, err
	}
	if !op.Negated {
		return pos, nil
	}
	return sqlAnd(sqlf("NOT %s", d.missing(ref)), d.notTrue(pos)), nil
}

// positive is the positive form of a value operator on a present field.
func (t *filterSQL) positive(op query.Operator, p *query.Prepared, ref jsonRef) (sqlExpr, error) {
	switch op.Kind {
	case query.OpEq:
		return t.eq(ref, p.One)
	case query.OpOrder:
		return t.order(ref, op.Compare, p.One), nil
	case query.OpIn:
		return t.in(ref, p.List)
	case query.OpBetween:
		return sqlAnd(t.order(ref, ">=", p.List[0]), t.order(ref, "<=", p.List[1])), nil
	case query.OpContains:
		return t.contains(ref, op, p)
	case query.OpStarts, query.OpEnds:
		text := t.d.text(ref)
		needle := p.Text
		if op.Fold {
			text, needle = t.d.fold(text), p.Folded
		}
		if op.Kind == query.OpStarts {
			return t.d.hasPrefix(text, needle), nil
		}
		return t.d.hasSuffix(text, needle), nil
	case query.OpRegex:
		return t.d.regex(t.d.text(ref), p.Pattern)
	}
	return sqlExpr{}, fmt.Errorf("unsupported operator %s", op.Name)
}

// eq is the equality of _eq (query's eqScalar): a number equals a string
// that reads as the same number, a bool equals "true"/"false", null only
// null, composites member by member; two strings compare exactly.
func (t *filterSQL) eq(ref jsonRef, o query.Scalar) (sqlExpr, error) {
	d := t.d
	switch o.Kind {
	case query.ScalarString:
		// A plain comparison keeps an expression index usable; only a
		// string that could be the JSON text of a composite needs the type.
		same := sqlf("%s = %s", ref.val, arg(d.key(o.String)))
		if strings.HasPrefix(o.String, "[") || strings.HasPrefix(o.String, "{") {
			same = sqlAnd(d.is(ref, jsonText), same)
		}
		parts := []sqlExpr{same}
		switch o.String {
		case "true":
			parts = append(parts, d.is(ref, jsonTrue))
		case "false":
			parts = append(parts, d.is(ref, jsonFalse))
		}
		if o.Numeric {
			parts = append(parts, sqlAnd(d.is(ref, jsonNumber), sqlf("%s = %s", ref.val, arg(d.key(o.NumberValue())))))
		}
		return sqlOr(parts...), nil
	case query.ScalarNumber:
		return sqlOr(
			sqlAnd(d.is(ref, jsonNumber), sqlf("%s = %s", ref.val, arg(d.key(o.NumberValue())))),
			sqlAnd(d.is(ref, jsonText), sqlf("%s = %s", d.numberOrder(ref), arg(d.key(o.NumberValue())))),
		), nil
	case query.ScalarBool:
		kind, word := jsonFalse, "false"
		if o.Bool {
			kind, word = jsonTrue, "true"
		}
		return sqlOr(d.is(ref, kind), sqlAnd(d.is(ref, jsonText), sqlf("%s = %s", ref.val, arg(d.key(word))))), nil
	case query.ScalarNull:
		return d.is(ref, jsonNull), nil
	case query.ScalarComposite:
		doc, err := json.Marshal(o.Value)
		if err != nil {
			return sqlFalse, nil //nolint:nilerr // a value JSON cannot hold equals nothing
		}
		return d.equalJSON(ref, doc), nil
	}
	return sqlFalse, nil
}

// order is `field <cmp> o` under query's compareScalar: numerically when both
// read as numbers, as instants when both read as dates, by bytes when both
// are strings; anything else is not comparable and fails.
func (t *filterSQL) order(ref jsonRef, cmp string, o query.Scalar) sqlExpr {
	d := t.d
	var parts []sqlExpr
	// What passes a lower bound is a number above the operand or a text,
	// and texts sort after numbers: one range on the field's value bounds
	// both, which an index on the field serves.
	above := o.Numeric && (cmp == ">" || cmp == ">=")
	if above {
		parts = append(parts, d.isNumberByOrder(ref))
	} else if o.Numeric {
		parts = append(parts, sqlAnd(d.is(ref, jsonNumber), sqlf("%s "+cmp+" %s", ref.val, arg(d.key(o.NumberValue())))))
	}
	if o.Kind != query.ScalarString && !o.Numeric {
		return sqlOr(parts...)
	}
	var textCmp sqlExpr
	switch {
	case o.Numeric:
		// A numeric text compares as a number; any other text compares as
		// text when the operand is a string, and not at all against a number.
		otherwise := sqlFalse
		if o.Kind == query.ScalarString {
			otherwise = sqlf("%s "+cmp+" %s", ref.val, arg(d.key(o.String)))
		}
		textCmp = sqlf("CASE WHEN %s IS NOT NULL THEN %s "+cmp+" %s ELSE %s END",
			d.numberOrder(ref), d.numberOrder(ref), arg(d.key(o.NumberValue())), otherwise)
	case o.IsDate:
		textCmp = t.dateOrder(ref, cmp, o)
	default:
		textCmp = sqlf("%s "+cmp+" %s", ref.val, arg(d.key(o.String)))
	}
	parts = append(parts, sqlAnd(d.is(ref, jsonText), textCmp))
	if above {
		return sqlAnd(sqlf("%s "+cmp+" %s", ref.val, arg(d.key(o.NumberValue()))), sqlOr(parts...))
	}
	return sqlOr(parts...)
}

// dateOrder compares a text field with a date operand: as instants when the
// text reads as a date, else as text. Two additions keep it fast without
// changing the answer:
//
//   - A range on the raw text that every passing value satisfies, so an
//     index on the field narrows the scan: a date's first ten characters
//     are its local date, at most two days from its UTC date (Go accepts
//     zone offsets up to ±24:59), and a non-date text passes only by
//     comparing with the operand's text, which starts with such a date.
//   - A field written as $NOW writes times (query.FormatTime: fixed width,
//     UTC) and holding a valid time compares with the operand written the
//     same way as text, which is the instant order, without parsing it.
func (t *filterSQL) dateOrder(ref jsonRef, cmp string, o query.Scalar) sqlExpr {
	d := t.d
	general := sqlf("CASE WHEN %s IS NOT NULL THEN %s "+cmp+" %s ELSE %s "+cmp+" %s END",
		d.instant(ref), d.instant(ref), arg(d.instantKey(o.Time)), ref.val, arg(d.key(o.String)))
	// (Years beyond 0000–9999 change the width, and so the order.)
	if canonical := query.FormatTime(o.Time); len(canonical) == len(canonicalTimeExample) {
		general = sqlf("CASE WHEN %s THEN %s "+cmp+" %s ELSE %s END",
			d.canonicalTime(d.str(ref)), ref.val, arg(d.key(canonical)), general)
	}
	day := o.Time.UTC()
	bound := sqlf("%s >= %s", ref.val, arg(d.key(day.AddDate(0, 0, -2).Format(time.DateOnly))))
	if cmp == "<" || cmp == "<=" {
		bound = sqlf("%s < %s", ref.val, arg(d.key(day.AddDate(0, 0, 3).Format(time.DateOnly))))
	}
	return sqlAnd(bound, general)
}

// canonicalTimeExample has the width of query.FormatTime's output.
const canonicalTimeExample = "2006-01-02T15:04:05.000Z"

// in is _in: equal to one of the items, under the equality of eq. Values
// are grouped into IN lists, whatever their number (an expression index
// serves the list of texts):
//
//   - texts (not a boolean word, not JSON-looking) equal a text field
//     exactly; numeric ones also equal a number field numerically;
//   - numbers equal a number field, or a text field reading as the number;
//   - anything else (booleans, null, composites) is tested one by one.
func (t *filterSQL) in(ref jsonRef, list []query.Scalar) (sqlExpr, error) {
	d := t.d
	var texts, numbers, numberTexts []any
	var parts []sqlExpr
	for _, o := range list {
		switch {
		case o.Kind == query.ScalarString && o.String != "true" && o.String != "false" &&
			!strings.HasPrefix(o.String, "[") && !strings.HasPrefix(o.String, "{"):
			texts = append(texts, o.String)
			if o.Numeric {
				numbers = append(numbers, o.NumberValue())
			}
		case o.Kind == query.ScalarNumber:
			numbers = append(numbers, o.NumberValue())
			numberTexts = append(numberTexts, o.NumberValue())
		default:
			e, err := t.eq(ref, o)
			if err != nil {
				return sqlExpr{}, err
			}
			parts = append(parts, e)
		}
	}
	var lists []sqlExpr
	if len(texts) > 0 {
		lists = append(lists, d.inList(ref.val, keys(d, texts)))
	}
	if len(numbers) > 0 {
		lists = append(lists, sqlAnd(d.is(ref, jsonNumber), d.inList(ref.val, keys(d, numbers))))
	}
	if len(numberTexts) > 0 {
		lists = append(lists, sqlAnd(d.is(ref, jsonText), d.inList(d.numberOrder(ref), keys(d, numberTexts))))
	}
	return sqlOr(append(lists, parts...)...), nil
}

// contains is _contains and _icontains: an element of an array (equal to the
// operand, or for _icontains a text element containing it), or a substring
// of a text (numbers read in JSON notation).
func (t *filterSQL) contains(ref jsonRef, op query.Operator, p *query.Prepared) (sqlExpr, error) {
	d := t.d
	element, err := t.exists(ref, func(elem docRef) (sqlExpr, error) {
		self := *elem.self
		if op.Fold {
			return d.contains(d.fold(d.text(self)), p.Folded), nil
		}
		return t.eq(self, p.One)
	})
	if err != nil {
		return sqlExpr{}, err
	}
	parts := []sqlExpr{sqlAnd(d.is(ref, jsonArray), element)}
	if p.HasText {
		text, needle := d.text(ref), p.Text
		if op.Fold {
			text, needle = d.fold(text), p.Folded
		}
		parts = append(parts, d.contains(text, needle))
	}
	return sqlOr(parts...), nil
}

// keys maps operands to what val compares with.
func keys(d queryDialect, values []any) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = d.key(v)
	}
	return out
}
