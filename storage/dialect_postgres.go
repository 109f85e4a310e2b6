package storage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/query"
)

// postgresDialect spells item queries over jsonb: a value is a jsonb
// expression (data -> 'status'), jsonb_typeof its type ('null', 'boolean',
// 'number', 'string', 'array', 'object'; NULL when missing), hf_key its
// ordering reading, and the hf_* functions of
// migrations/postgres/00002_query_functions.sql and 00003 the coercions
// (strict number reading, dates, case folding, JSON equality). Regular
// expressions are translated to PostgreSQL's own (regex_postgres.go).
//
// As on SQLite, keys are written as literals ('status'), never bound: the
// expression of a query must be the very expression of the index that
// serves it.
type postgresDialect struct{}

// pgRef is the value of jsonb expression x. The dialect keeps x in doc and
// derives every reading from it.
func pgRef(x sqlExpr) jsonRef {
	return jsonRef{
		typ: sqlf("jsonb_typeof(%s)", x),
		val: sqlf(`(hf_key(%s) COLLATE "C")`, x),
		doc: x,
	}
}

func (postgresDialect) root() docRef {
	doc := lit("data")
	self := pgRef(doc)
	return docRef{doc: doc, object: true, self: &self}
}

// field walks the path with -> for keys and #> '{n}' for numeric segments,
// which PostgreSQL reads as an index in an array and as a key in an object,
// as query.Path.Get does; `length` of an array is its length.
func (d postgresDialect) field(doc docRef, path query.Path) (jsonRef, error) {
	segs := path.Segments()
	if len(segs) == 0 {
		if doc.self == nil {
			return jsonRef{}, fmt.Errorf("empty field name")
		}
		return *doc.self, nil
	}
	last := len(segs) - 1
	keyOnly := func(i int) bool { return i == 0 && doc.object }
	// The same bound as SQLite's (maxPathVariants), so that a query
	// means the same on both databases.
	readings := 1
	for i := range segs {
		if path.Index(i) >= 0 && !keyOnly(i) {
			if readings *= 2; readings > maxPathVariants {
				return jsonRef{}, fmt.Errorf("field %q has too many numeric segments", path.String())
			}
		}
	}
	x := doc.doc
	for i, s := range segs {
		switch {
		case i == last && s == "length" && !keyOnly(i):
			x = sqlf("(CASE WHEN jsonb_typeof(%s) = 'array' THEN to_jsonb(jsonb_array_length(%s)) ELSE %s -> 'length' END)",
				x, x, x)
		case path.Index(i) >= 0 && !keyOnly(i):
			x = sqlf("(%s #> "+sqlString("{"+strconv.Itoa(path.Index(i))+"}")+")", x)
		default:
			x = sqlf("(%s -> "+sqlString(s)+")", x)
		}
	}
	return pgRef(x), nil
}

// elements walks an array's elements, and an object's member values (what
// search reads; every other use tests for an array first). Anything else
// has none.
func (postgresDialect) elements(r jsonRef, alias string) (sqlExpr, docRef) {
	from := sqlf("jsonb_array_elements(CASE jsonb_typeof(%s) WHEN 'array' THEN %s "+
		"WHEN 'object' THEN jsonb_path_query_array(%s, '$.*') END) AS "+alias+"(value)", r.doc, r.doc, r.doc)
	elem := lit(alias + ".value")
	self := pgRef(elem)
	return from, docRef{doc: elem, self: &self}
}

var postgresKinds = [...]string{
	jsonNull: "'null'", jsonNumber: "'number'", jsonText: "'string'", jsonArray: "'array'", jsonObject: "'object'",
}

func (postgresDialect) is(r jsonRef, kinds ...jsonKind) sqlExpr {
	var types []string
	var parts []sqlExpr
	for _, k := range kinds {
		switch k {
		case jsonTrue:
			parts = append(parts, sqlf("%s = 'true'::jsonb", r.doc))
		case jsonFalse:
			parts = append(parts, sqlf("%s = 'false'::jsonb", r.doc))
		default:
			types = append(types, postgresKinds[k])
		}
	}
	switch len(types) {
	case 0:
	case 1:
		parts = append(parts, sqlf("%s = "+types[0], r.typ))
	default:
		parts = append(parts, sqlf("%s IN ("+strings.Join(types, ", ")+")", r.typ))
	}
	return sqlOr(parts...)
}

// isNumberByOrder says "a key of a number or boolean, not a boolean":
// PostgreSQL keeps no statistics on jsonb_typeof and guesses that few rows
// pass an equality on it, while a range on the key of a declared index is
// estimated from the index's own statistics, which keeps a sort on the
// index (read in order, stopped at the limit) in the planner's view.
func (postgresDialect) isNumberByOrder(r jsonRef) sqlExpr {
	return sqlf("(%s < '"+pgKeyString+"' AND %s <> 'boolean')", r.val, r.typ)
}

func (postgresDialect) missing(r jsonRef) sqlExpr { return sqlf("%s IS NULL", r.doc) }

// nullOrMissing is on the key, NULL for both, which an index serves.
func (postgresDialect) nullOrMissing(r jsonRef) sqlExpr { return sqlf("%s IS NULL", r.val) }

func (postgresDialect) emptyComposite(r jsonRef) sqlExpr {
	return sqlf("%s IN ('[]'::jsonb, '{}'::jsonb)", r.doc)
}

// Keys of operands, as hf_key writes them for stored values.
const (
	pgKeyNumber = "1"
	pgKeyString = "2"
)

// key is hf_key of an operand: a string or a float64.
func (postgresDialect) key(v any) any {
	switch x := v.(type) {
	case string:
		return pgKeyString + x
	case float64:
		return pgKeyNumber + floatKey(x)
	}
	return v
}

// floatKey is what hf_key writes after '1' for a number: 'p' and the hex of
// its IEEE 754 bits from 0 up, which sort as the numbers do; 'n' and the hex
// of its magnitude's bits with every digit inverted below 0, so that a
// larger magnitude sorts first.
func floatKey(f float64) string {
	if f >= 0 { // -0 included: it is 0
		return "p" + hexBits(math.Abs(f))
	}
	digits := []byte(hexBits(-f))
	for i, c := range digits {
		digits[i] = invertedHex[strings.IndexByte(hexDigitsAscending, c)]
	}
	return "n" + string(digits)
}

const (
	hexDigitsAscending = "0123456789abcdef"
	invertedHex        = "fedcba9876543210"
)

// hexBits is the 16 hex digits of f's IEEE 754 bits (encode(float8send(f),
// 'hex')).
func hexBits(f float64) string {
	s := strconv.FormatUint(math.Float64bits(f), 16)
	return strings.Repeat("0", 16-len(s)) + s
}

func (postgresDialect) str(r jsonRef) sqlExpr { return sqlf("(%s #>> '{}')", r.doc) }

func (postgresDialect) text(r jsonRef) sqlExpr {
	return sqlf("(CASE jsonb_typeof(%s) WHEN 'string' THEN %s #>> '{}' WHEN 'number' THEN hf_numtext((%s)::float8) END)",
		r.doc, r.doc, r.doc)
}

func (postgresDialect) number(r jsonRef) sqlExpr {
	return sqlf("(CASE jsonb_typeof(%s) WHEN 'number' THEN (%s)::float8 WHEN 'string' THEN hf_num(%s #>> '{}') END)",
		r.doc, r.doc, r.doc)
}

func (postgresDialect) instant(r jsonRef) sqlExpr {
	return sqlf(`(CASE WHEN jsonb_typeof(%s) = 'string' THEN hf_time(%s #>> '{}') END COLLATE "C")`, r.doc, r.doc)
}

func (postgresDialect) instantKey(t time.Time) any { return instantKey(t) }

func (postgresDialect) canonicalTime(e sqlExpr) sqlExpr { return sqlf("hf_canonical_time(%s)", e) }

func (postgresDialect) fold(e sqlExpr) sqlExpr { return sqlf("hf_fold(%s)", e) }

func (postgresDialect) contains(s sqlExpr, sub string) sqlExpr {
	return sqlf("strpos(%s, %s) > 0", s, arg(sub))
}

func (postgresDialect) hasPrefix(s sqlExpr, prefix string) sqlExpr {
	return sqlf("starts_with(%s, %s)", s, arg(prefix))
}

func (postgresDialect) hasSuffix(s sqlExpr, suffix string) sqlExpr {
	if suffix == "" {
		return sqlf("%s IS NOT NULL", s)
	}
	// right counts characters, as the rune count of the operand does.
	return sqlf("right(%s, %s) = %s", s, arg(len([]rune(suffix))), arg(suffix))
}

func (postgresDialect) regex(s sqlExpr, pattern string) (sqlExpr, error) {
	re, err := postgresRegex(pattern)
	if err != nil {
		return sqlExpr{}, err
	}
	return sqlf("%s ~ %s", s, arg(re)), nil
}

func (d postgresDialect) equalJSON(r jsonRef, doc []byte) sqlExpr {
	return sqlf("(%s AND hf_json_eq(%s, %s::jsonb))", d.is(r, jsonArray, jsonObject), r.doc, arg(string(doc)))
}

func (postgresDialect) notTrue(e sqlExpr) sqlExpr { return sqlf("(%s) IS NOT TRUE", e) }

// inList binds the list as one array, whatever its length.
func (postgresDialect) inList(e sqlExpr, values []any) sqlExpr {
	if len(values) == 0 {
		return sqlFalse
	}
	if _, numbers := values[0].(float64); numbers {
		list := make([]float64, len(values))
		for i, v := range values {
			list[i], _ = v.(float64)
		}
		return sqlf("%s = ANY(%s::float8[])", e, arg(list))
	}
	list := make([]string, len(values))
	for i, v := range values {
		list[i], _ = v.(string)
	}
	return sqlf("%s = ANY(%s::text[])", e, arg(list))
}

// maxArgs is the protocol's limit on the parameters of one statement.
func (postgresDialect) maxArgs() int { return 65535 }

// distinct is the key beside the type, which keeps true apart from 1 and
// an array apart from the string of its text.
func (postgresDialect) distinct(r jsonRef) sqlExpr { return sqlf("(%s || %s)", r.typ, r.val) }

// createIndex ends the index with seq, the tie-breaker of every sort, and
// sorts missing values first as reads do, so that the index serves a whole
// ORDER BY in either direction.
func (postgresDialect) createIndex(name string, exprs []string) string {
	cols := make([]string, len(exprs))
	for i, e := range exprs {
		cols[i] = e + " NULLS FIRST"
	}
	return "CREATE INDEX IF NOT EXISTS " + name + " ON items (collection, " + strings.Join(cols, ", ") + ", seq)"
}

func (postgresDialect) listIndexes() string {
	return "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'items' AND indexname LIKE ?"
}

func (postgresDialect) jsonText(r jsonRef) sqlExpr { return sqlf("(%s)::text", r.doc) }

func (postgresDialect) order(e string, desc bool) string {
	if desc {
		return e + " DESC NULLS LAST"
	}
	return e + " NULLS FIRST"
}

// groupOrder aggregates the value: PostgreSQL orders groups only by what
// the GROUP BY names or an aggregate.
func (postgresDialect) groupOrder(val string) string { return "MIN(" + val + ")" }

func (postgresDialect) sum(n sqlExpr) sqlExpr { return sqlf("SUM(%s)", n) }

// minMax takes the least number, else the least text, for min, and the
// greatest text, else the greatest number, for max: numbers sort before
// texts. The result is JSON, a number or a string.
func (d postgresDialect) minMax(fn string, r jsonRef) sqlExpr {
	texts := sqlf(`(CASE WHEN %s THEN %s END COLLATE "C")`, d.is(r, jsonText), d.str(r))
	first, second := sqlf("to_jsonb("+fn+"(%s))", d.number(r)), sqlf("to_jsonb("+fn+"(%s))", texts)
	if fn == "MAX" {
		first, second = second, first
	}
	return sqlf("(COALESCE(%s, %s))::text", first, second)
}

func (postgresDialect) jsonResult() bool { return true }

// limit is NULL for none: PostgreSQL refuses a negative LIMIT.
func (postgresDialect) limit(n int) any {
	if n < 0 {
		return nil
	}
	return n
}
