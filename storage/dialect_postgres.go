package storage

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/query"
)

// postgresDialect spells item queries over jsonb. An item is stored twice
// in its row: data, the json text as written (what reads return, and where
// a number keeps its spelling, 1E2 or 1e400), and j, the jsonb PostgreSQL
// generates from it, which filters, sorts and indexes read. A value is a
// jsonb expression (j -> 'status') with its json twin (data -> 'status');
// jsonb_typeof is its type ('null', 'boolean', 'number', 'string', 'array',
// 'object'; NULL when missing), hf_key its ordering reading, and the hf_*
// functions of migrations/postgres/00002_query_functions.sql and 00003 the
// coercions (strict number reading, dates, case folding, JSON equality).
// Regular expressions are translated to PostgreSQL's own
// (regex_postgres.go).
//
// As on SQLite, keys are written as literals ('status'), never bound: the
// expression of a query must be the very expression of the index that
// serves it.
type postgresDialect struct{}

// pgRef is the value of jsonb expression x, which json expression raw holds
// as written (raw is empty where nobody reads it). The dialect keeps x in
// doc and raw in path, and derives every reading from them.
func pgRef(x, raw sqlExpr) jsonRef {
	return jsonRef{
		typ:  sqlf("jsonb_typeof(%s)", x),
		val:  sqlf(`(hf_key(%s) COLLATE "C")`, x),
		doc:  x,
		path: raw,
	}
}

func (postgresDialect) root() docRef {
	doc := lit("j")
	self := pgRef(doc, lit("data"))
	return docRef{doc: doc, object: true, self: &self}
}

// field walks the path with -> for keys and #> '{n}' for numeric segments,
// which PostgreSQL reads as an index in an array and as a key in an object,
// as query.Path.Get does; `length` of an array is its length. The json
// twin walks the same way.
func (d postgresDialect) field(doc docRef, path query.Path) (jsonRef, error) {
	segs := path.Segments()
	if len(segs) == 0 {
		return doc.selfRef()
	}
	last := len(segs) - 1
	// The same bound as SQLite's (maxPathVariants), so that a query
	// means the same on both databases.
	readings := 1
	for i := range segs {
		if path.Index(i) >= 0 && !doc.keyOnly(i) {
			if readings *= 2; readings > maxPathVariants {
				return jsonRef{}, fmt.Errorf("field %q has too many numeric segments", path.String())
			}
		}
	}
	x := doc.doc
	var raw sqlExpr
	if doc.self != nil {
		raw = doc.self.path
	}
	step := func(v sqlExpr, i int, s, prefix string) sqlExpr {
		switch {
		case i == last && s == "length" && !doc.keyOnly(i):
			return sqlf("(CASE WHEN "+prefix+"_typeof(%s) = 'array' THEN to_"+prefix+"("+prefix+"_array_length(%s)) ELSE %s -> 'length' END)",
				v, v, v)
		case path.Index(i) >= 0 && !doc.keyOnly(i):
			return sqlf("(%s #> "+sqlString("{"+strconv.Itoa(path.Index(i))+"}")+")", v)
		}
		return sqlf("(%s -> "+sqlString(s)+")", v)
	}
	for i, s := range segs {
		x = step(x, i, s, "jsonb")
		if raw.sql != "" {
			raw = step(raw, i, s, "json")
		}
	}
	return pgRef(x, raw), nil
}

// elements walks an array's elements, and an object's member values (what
// search reads; every other use tests for an array first), in their json
// text; anything else has none.
func (postgresDialect) elements(r jsonRef, alias string) (sqlExpr, docRef) {
	raw := r.path
	if raw.sql == "" {
		raw = sqlf("(%s)::json", r.doc)
	}
	from := sqlf("(SELECT value FROM json_array_elements(CASE json_typeof(%s) WHEN 'array' THEN %s END) "+
		"UNION ALL SELECT value FROM json_each(CASE json_typeof(%s) WHEN 'object' THEN %s END)) AS "+alias,
		raw, raw, raw, raw)
	elem := lit("(" + alias + ".value)::jsonb")
	self := pgRef(elem, lit(alias+".value"))
	return from, docRef{doc: elem, self: &self}
}

var postgresKinds = [...]string{
	jsonNull:   "'null'",
	jsonNumber: "'number'",
	jsonText:   "'string'",
	jsonArray:  "'array'",
	jsonObject: "'object'",
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
	// pgExact is the four digits of a number that is its float64.
	pgExact = "8000"
)

// key is hf_key of an operand: a string, an int64 (compared exactly) or a
// float64.
func (postgresDialect) key(v any) any {
	switch x := v.(type) {
	case string:
		return pgKeyString + x
	case float64:
		return pgKeyNumber + floatKey(x) + pgExact
	case int64:
		f := float64(x)
		exact, _ := new(big.Float).SetFloat64(f).Int(nil)
		off := new(big.Int).Sub(big.NewInt(x), exact).Int64() // |off| ≤ 1024
		return pgKeyNumber + floatKey(f) + hexDigits(rune(off+0x8000), 4)
	}
	return v
}

// floatKey is what hf_key writes after '1' for a float64: 'p' and the hex
// of its IEEE 754 bits from 0 up, which sort as the numbers do; 'n' and the
// hex of its magnitude's bits with every digit inverted below 0, so that a
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

// text is a number's json text: its digits as written.
func (d postgresDialect) text(r jsonRef) sqlExpr {
	return sqlf("(CASE jsonb_typeof(%s) WHEN 'string' THEN %s #>> '{}' WHEN 'number' THEN %s END)",
		r.doc, r.doc, d.written(r))
}

// written is a value's json text as written (jsonb's when no json twin is
// at hand).
func (postgresDialect) written(r jsonRef) sqlExpr {
	if r.path.sql == "" {
		return sqlf("(%s)::text", r.doc)
	}
	return sqlf("(%s)::text", r.path)
}

func (postgresDialect) number(r jsonRef) sqlExpr {
	return sqlf("(CASE jsonb_typeof(%s) WHEN 'number' THEN hf_float((%s)::numeric) WHEN 'string' THEN hf_num(%s #>> '{}') END)",
		r.doc, r.doc, r.doc)
}

func (postgresDialect) numberOrder(r jsonRef) sqlExpr {
	return sqlf(`(CASE jsonb_typeof(%s) WHEN 'number' THEN %s WHEN 'string' THEN hf_textkey(%s #>> '{}') END COLLATE "C")`,
		r.doc, r.val, r.doc)
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

func (d postgresDialect) jsonText(r jsonRef) sqlExpr { return d.written(r) }

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

// minMax answers the extreme as it was written: of the numbers and
// numeric texts (as the numbers they read as), the JSON text of the one
// whose key is least (min) or greatest (max); for min the least text
// otherwise, for max the greatest text if there is one (numbers sort before
// texts). The result is JSON text.
func (d postgresDialect) minMax(fn string, r jsonRef) sqlExpr {
	order := d.numberOrder(r)
	dir := ""
	if fn == "MAX" {
		dir = " DESC"
	}
	written := sqlf("CASE jsonb_typeof(%s) WHEN 'number' THEN %s ELSE hf_numjson(%s) END", r.doc, d.written(r), d.str(r))
	numbers := sqlf("(array_agg(%s ORDER BY %s"+dir+") FILTER (WHERE %s IS NOT NULL))[1]", written, order, order)
	texts := sqlf(`to_jsonb(`+fn+`(CASE WHEN %s AND %s IS NULL THEN %s END COLLATE "C"))::text`, d.is(r, jsonText), order, d.str(r))
	if fn == "MAX" {
		return sqlf("COALESCE(%s, %s)", texts, numbers)
	}
	return sqlf("COALESCE(%s, %s)", numbers, texts)
}

func (postgresDialect) jsonResult() bool { return true }

// limit is ALL for none: PostgreSQL refuses a negative LIMIT.
func (postgresDialect) limit(n int) sqlExpr {
	if n < 0 {
		return lit("ALL")
	}
	return lit(strconv.Itoa(n))
}
