package storage

import (
	"fmt"
	"time"

	"github.com/hookflow/hookflow/query"
)

// queryDialect is what the item query translation (filter_sql.go,
// item_sql.go) needs from one database engine: how to address a JSON value
// inside a row, how to test its JSON type, and the few coercions of
// docs/items.md#filters (a strict number reading of text, a date reading, case
// folding, a regular expression match). The translation decides what each
// operator means; the dialect only spells it. sqliteDialect
// (dialect_sqlite.go) and postgresDialect (dialect_postgres.go) pass the
// same shared case table.
//
// A value's val is its ordering reading: what sorts, what declared indexes
// hold, and what equalities and ranges compare, always against key of an
// operand. On SQLite val is json_extract's typed value and key the operand
// itself; on PostgreSQL both are hf_key's text (00002_query_functions.sql),
// so that one index expression serves every type in SQLite's order.
type queryDialect interface {
	// root is the item document of the row being read; its self is the
	// whole item.
	root() docRef
	// field addresses the value at path below doc; an empty path is doc's
	// own value (array elements only).
	field(doc docRef, path query.Path) (jsonRef, error)
	// elements is a FROM source iterating the elements of an array value
	// under alias, and the document of the current element.
	elements(r jsonRef, alias string) (sqlExpr, docRef)

	// is tests the JSON type of a value; false (never NULL) when missing.
	is(r jsonRef, kinds ...jsonKind) sqlExpr
	// isNumberByOrder is is(r, jsonNumber) where a range on val goes with
	// it, spelled so that the planner estimates the two together well.
	isNumberByOrder(r jsonRef) sqlExpr
	// missing is true when the value is absent.
	missing(r jsonRef) sqlExpr
	// nullOrMissing is true when the value is JSON null or absent.
	nullOrMissing(r jsonRef) sqlExpr
	// emptyComposite is true for [] and {}.
	emptyComposite(r jsonRef) sqlExpr
	// key is an operand (a string, an int64 or a float64) as val compares
	// with it.
	key(v any) any
	// str is the text of a value known to be a string.
	str(r jsonRef) sqlExpr
	// text is the value's text for the text operators: a string as it is,
	// a number in JSON notation (query.FormatNumber), otherwise NULL.
	text(r jsonRef) sqlExpr
	// number is the value of a number, or of a string that reads as one
	// (query.NumericValue); otherwise NULL. numberOrder is the same value
	// as val compares it with key(a number): on PostgreSQL its hf_key, which
	// keeps integers beyond 2^53 exact.
	number(r jsonRef) sqlExpr
	numberOrder(r jsonRef) sqlExpr
	// instant is a key that orders a date string (query.ParseTime) by its
	// instant; NULL when the value is not a date string. instantKey is the
	// same key for an operand.
	instant(r jsonRef) sqlExpr
	instantKey(t time.Time) any
	// canonicalTime is true for a text shaped as query.FormatTime writes
	// (2006-01-02T15:04:05.000Z).
	canonicalTime(e sqlExpr) sqlExpr
	// fold applies query.FoldString to a text expression.
	fold(e sqlExpr) sqlExpr
	// contains, hasPrefix and hasSuffix test text against an operand.
	contains(s sqlExpr, sub string) sqlExpr
	hasPrefix(s sqlExpr, prefix string) sqlExpr
	hasSuffix(s sqlExpr, suffix string) sqlExpr
	// regex matches text against a query.CompileRegex pattern.
	regex(s sqlExpr, pattern string) (sqlExpr, error)
	// equalJSON compares an object or array value with a JSON document
	// under the equality of _eq (query.EqualJSON).
	equalJSON(r jsonRef, doc []byte) sqlExpr
	// notTrue is true when e is false or NULL.
	notTrue(e sqlExpr) sqlExpr
	// inList is `e IN (values)` for values all strings or all float64s,
	// however long the list: a long one must not need a bound variable per
	// value.
	inList(e sqlExpr, values []any) sqlExpr
	// maxArgs is the most bound variables one statement may have.
	maxArgs() int
	// distinct is a value that is equal for two JSON values exactly when
	// they are the same value of the same type, for countDistinct.
	distinct(r jsonRef) sqlExpr
	// createIndex is the DDL of an expression index over items, led by the
	// collection column; listIndexes selects index names LIKE its argument.
	createIndex(name string, exprs []string) string
	listIndexes() string
	// jsonText is the value as JSON text ("null" for null, NULL when
	// missing), for grouping and results.
	jsonText(r jsonRef) sqlExpr
	// order is an ORDER BY term: missing and null first, last when
	// descending.
	order(e string, desc bool) string
	// groupOrder is what orders groups by a value every row of the group
	// holds (val, or an aggregate of it where the database requires one).
	groupOrder(val string) string
	// sum adds numbers in floating point; NULL over no numbers.
	sum(n sqlExpr) sqlExpr
	// minMax is MIN or MAX (fn) of aggregate min and max: numbers before
	// texts; jsonResult says the column holds the result as JSON text.
	minMax(fn string, r jsonRef) sqlExpr
	jsonResult() bool
	// limit is a LIMIT clause's count written into the statement; n < 0
	// means none. It is never a parameter: SQLite compiles a statement
	// whose LIMIT is bound again at its first step after every bind (its
	// planner reads the value), so such a query was compiled twice, and a
	// cancellation that arrived while it was compiled again was lost.
	limit(n int) sqlExpr
}

// jsonKind is a JSON type as the translation distinguishes them.
type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonTrue
	jsonFalse
	jsonNumber
	jsonText
	jsonArray
	jsonObject
)

// docRef is a JSON document fields are read from: the item itself, or an
// array element inside a _some/_none or _contains test.
type docRef struct {
	doc sqlExpr
	// object is set when the document is known to be an object (the item),
	// so its first path segment is always a key.
	object bool
	// self is the document's own value (the element, or the whole item).
	self *jsonRef
}

// selfRef is the document's own value, which an empty path names.
func (doc docRef) selfRef() (jsonRef, error) {
	if doc.self == nil {
		return jsonRef{}, fmt.Errorf("empty field name")
	}
	return *doc.self, nil
}

// keyOnly says that path segment i is a key even when it is numeric: the
// first segment of an object document.
func (doc docRef) keyOnly(i int) bool { return i == 0 && doc.object }

// jsonRef is one JSON value of a row, as the dialect addresses it.
type jsonRef struct {
	typ sqlExpr // the JSON type, NULL when missing
	val sqlExpr // the value as SQL: text, number, 1/0 for booleans, JSON text for composites
	// doc and path locate the value for functions that take both (array
	// elements and lengths).
	doc, path sqlExpr
}
