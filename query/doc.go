// Package query is the data-addressing language shared by flows and the item
// store: paths into JSON values (`items[0].sku`, `headers["x-api-key"]`,
// `items.length`), filters with the operators of docs/items.md#filters, relative times
// (`$NOW(-1 hour)`) and item queries (docs/items.md#the-query-language).
//
// It is a leaf package so that the condition operation (which evaluates a
// filter in memory) and the store (which translates the same filter to SQL)
// share one parser and one definition of every operator.
//
// # Files
//
//   - path.go: Path, ParsePath, Path.Get.
//   - now.go: $NOW offsets (ParseNow, Offset).
//   - filter.go: the AST (And, Or, Cond, Some, None), Filter, Match, Explain.
//   - parse.go: ParseFilter, which validates everything up front.
//   - operand.go: Operand (static, template, $NOW, $CURRENT_USER/ROLE).
//   - ops.go: the operator table and each operator's test.
//   - value.go, fold.go: coercions (numbers, dates, equality, case folding).
//   - explain.go: Mismatch messages.
//   - cases.go: SharedCases, the executable definition of the semantics that
//     the SQL translation must reproduce.
//   - operator.go: the operator table and prepared operands as a
//     translator (the store's SQL) sees them, and the coercions it calls
//     (NumericString, ParseTime, FoldString, FormatNumber, EqualJSON).
//   - params.go, params_parse.go: item queries (Params: filter, fields,
//     sort, limit, offset, page, search, meta, aggregate, groupBy) and
//     ParseParams, shared by GET /items and item-read's `query` option.
//   - values.go: ParseValues, URL parameters (JSON or bracket form) to the
//     object ParseParams reads.
//   - fields.go: Fields, the `fields` selection applied to items.
//
// # Filter semantics
//
// Values are what encoding/json decodes into any. The rules, including the
// corners docs/items.md#filters leaves open:
//
//   - Equality (_eq, _in, _contains on arrays): a number equals a string
//     that reads as the same decimal number (5 = "5" = "5.0"); a bool equals
//     "true"/"false"; null equals only null; objects and arrays compare
//     member by member with the same rule. Two strings compare exactly, so
//     "01234" ≠ "1234" and "5" ≠ "5.0": codes stay codes.
//   - Ordering (_lt… and _between bounds): numeric when both sides are
//     numbers or numeric strings (so "10" > "9"); else as instants when both
//     read as dates (RFC 3339 with optional fraction, "2006-01-02" = midnight
//     UTC, "2006-01-02T15:04:05" or with a space = UTC; $NOW operands); else
//     byte order when both are strings. Anything else (bools, null, objects,
//     arrays, a number against a non-numeric string) is not comparable and
//     fails. Reversed _between bounds match nothing, as in SQL.
//   - Lists: `"a, b"` is the list ["a", "b"] (items trimmed, "" is the empty
//     list); a lone scalar is a one-element list. `_in: []` never passes.
//   - Negated operators (_neq, _nin, _nbetween, _ncontains, _n…with) are the
//     exact negation of their positive form on a present field, null
//     included: {"_neq": "x"} passes on null. A SQL translation is
//     `present AND (positive IS NOT TRUE)`.
//   - Missing fields fail every operator except the null/empty family: a
//     missing field is null and empty and not submitted, so _null and _empty
//     follow their boolean operand, _nnull and _nempty its inverse, and
//     {"_submitted": false} passes.
//   - Text operators test strings and numbers (in JSON notation: 99.5 starts
//     with "99"); bools, null, objects never match. The i-variants use
//     Unicode simple folding (like strings.EqualFold, so "ß" ≠ "SS").
//     _contains on an array asks for an element equal to the operand;
//     _icontains for a text element containing it.
//   - _regex is RE2; see CompileRegex for the /pattern/flags form.
//   - _some/_none need an array; a missing or non-array field fails both.
//   - {} and an empty `_and` pass; an empty `_or` fails.
//   - Field names in a filter are literal keys ("a.b" is one field); nested
//     objects walk into nested fields, where numeric keys index arrays and
//     `length` counts elements, as in Path.Get.
//   - A dynamic operand ({{ }}) that resolves to an unusable value (an
//     object for _in, one bound for _between, an invalid regex) fails its
//     condition instead of erroring: it is data, not a flow bug.
package query
