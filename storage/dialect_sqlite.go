package storage

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookflow/hookflow/query"
)

// sqliteDialect spells item queries with SQLite's JSON functions:
// json_type for the JSON type ('null', 'true', 'false', 'integer', 'real',
// 'text', 'array', 'object'; NULL when missing), json_extract for the SQL
// reading, json_each for array elements, and the hf_* functions of
// sqlite_funcs.go for the coercions SQLite has no exact built-in for.
//
// Paths are written as literals ('$."status"') rather than bound, so that
// json_extract(data, '$."status"') in a query is the very expression of an
// expression index on that field.
type sqliteDialect struct{}

// maxPathVariants bounds the readings of a path with numeric segments
// (`items.0.sku` may index an array or name a key "0": every numeric
// segment doubles the candidates).
const maxPathVariants = 16

var sqliteKinds = [...]string{
	jsonNull:   "'null'",
	jsonTrue:   "'true'",
	jsonFalse:  "'false'",
	jsonNumber: "'integer','real'",
	jsonText:   "'text'",
	jsonArray:  "'array'",
	jsonObject: "'object'",
}

// root reads the column unqualified, as index definitions must name it, so
// that query and index expressions are the same text.
func (sqliteDialect) root() docRef {
	doc := lit("data")
	self := &jsonRef{
		typ:  lit("json_type(data)"),
		val:  doc,
		doc:  doc,
		path: lit("'$'"),
	}
	return docRef{doc: doc, object: true, self: self}
}

func (d sqliteDialect) field(doc docRef, path query.Path) (jsonRef, error) {
	segs := path.Segments()
	if len(segs) == 0 {
		return doc.selfRef()
	}
	last := len(segs) - 1
	if segs[last] == "length" && !doc.keyOnly(last) {
		// `tags.length` counts an array's elements and is an ordinary key
		// anywhere else, exactly as query.Path.Get reads it.
		keyed, err := d.pathRef(doc, path)
		if err != nil {
			return jsonRef{}, err
		}
		parent, err := d.field(doc, path.Prefix(last))
		if err != nil {
			return jsonRef{}, err
		}
		isArray := d.is(parent, jsonArray)
		return jsonRef{
			typ:  sqlf("CASE WHEN %s THEN 'integer' ELSE %s END", isArray, keyed.typ),
			val:  sqlf("CASE WHEN %s THEN json_array_length(%s, %s) ELSE %s END", isArray, parent.doc, parent.path, keyed.val),
			doc:  keyed.doc,
			path: keyed.path,
		}, nil
	}
	return d.pathRef(doc, path)
}

// pathRef addresses path with every segment read as json_extract would: a
// key, or for a numeric segment either an index or a key, whichever exists.
func (d sqliteDialect) pathRef(doc docRef, path query.Path) (jsonRef, error) {
	segs := path.Segments()
	variants := []string{"$"}
	for i, s := range segs {
		key := `."` + escapeJSONPathKey(s) + `"`
		if idx := path.Index(i); idx >= 0 && !doc.keyOnly(i) {
			next := make([]string, 0, 2*len(variants))
			for _, v := range variants {
				next = append(next, v+"["+strconv.Itoa(idx)+"]", v+key)
			}
			variants = next
			if len(variants) > maxPathVariants {
				return jsonRef{}, fmt.Errorf("field %q has too many numeric segments", path.String())
			}
			continue
		}
		for j := range variants {
			variants[j] += key
		}
	}
	var p sqlExpr
	if len(variants) == 1 {
		p = lit(sqlString(variants[0]))
	} else {
		// The readings exclude each other (a value is an array or an
		// object), so the first one that exists is the one.
		var b strings.Builder
		b.WriteString("CASE")
		for _, v := range variants {
			fmt.Fprintf(&b, " WHEN json_type(%s, %s) IS NOT NULL THEN %s", doc.doc.sql, sqlString(v), sqlString(v))
		}
		b.WriteString(" END")
		p = sqlExpr{sql: b.String()}
		for range variants {
			p.args = append(p.args, doc.doc.args...)
		}
	}
	return jsonRef{
		typ:  sqlf("json_type(%s, %s)", doc.doc, p),
		val:  sqlf("json_extract(%s, %s)", doc.doc, p),
		doc:  doc.doc,
		path: p,
	}, nil
}

// escapeJSONPathKey escapes a key for a double-quoted JSON path label, which
// SQLite reads with JSON string escapes.
func escapeJSONPathKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == utf8.RuneError:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (sqliteDialect) elements(r jsonRef, alias string) (sqlExpr, docRef) {
	from := sqlf("json_each(%s, %s) AS "+alias, r.doc, r.path)
	// Scalar elements are not JSON documents (json_each gives a string's
	// text): only composites are walked into. The element itself is
	// located in the array's document, so that its JSON text (a number's
	// digits) can be read.
	elemDoc := lit("(CASE WHEN " + alias + ".type IN ('array','object') THEN " + alias + ".value END)")
	self := &jsonRef{
		typ:  lit(alias + ".type"),
		val:  lit(alias + ".value"),
		doc:  r.doc,
		path: lit(alias + ".fullkey"),
	}
	return from, docRef{doc: elemDoc, self: self}
}

func (sqliteDialect) is(r jsonRef, kinds ...jsonKind) sqlExpr {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = sqliteKinds[k]
	}
	if len(names) == 1 && !strings.Contains(names[0], ",") {
		return sqlf("%s = "+names[0], r.typ)
	}
	return sqlf("%s IN ("+strings.Join(names, ",")+")", r.typ)
}

func (d sqliteDialect) isNumberByOrder(r jsonRef) sqlExpr { return d.is(r, jsonNumber) }

func (sqliteDialect) missing(r jsonRef) sqlExpr { return sqlf("%s IS NULL", r.typ) }

func (sqliteDialect) nullOrMissing(r jsonRef) sqlExpr { return sqlf("%s IS NULL", r.val) }

func (d sqliteDialect) emptyComposite(r jsonRef) sqlExpr {
	// json_extract returns composites minified, so "[]" and "{}" are exact.
	return sqlf("(%s AND %s IN ('[]','{}'))", d.is(r, jsonArray, jsonObject), r.val)
}

// key is the operand itself: json_extract's values compare with it as
// they are.
func (sqliteDialect) key(v any) any { return v }

func (sqliteDialect) str(r jsonRef) sqlExpr { return r.val }

func (d sqliteDialect) text(r jsonRef) sqlExpr {
	// A number's text is its JSON text, digits as written (SQLite keeps
	// them); an array's length has none and is formatted.
	number := sqlf("COALESCE(%s, hf_numtext(%s))", d.jsonText(r), r.val)
	return sqlf("(CASE %s WHEN 'text' THEN %s WHEN 'integer' THEN %s WHEN 'real' THEN %s END)",
		r.typ, r.val, number, number)
}

func (d sqliteDialect) numberOrder(r jsonRef) sqlExpr { return d.number(r) }

func (sqliteDialect) number(r jsonRef) sqlExpr {
	return sqlf("(CASE %s WHEN 'integer' THEN %s WHEN 'real' THEN %s WHEN 'text' THEN hf_num(%s) END)",
		r.typ, r.val, r.val, r.val)
}

func (d sqliteDialect) instant(r jsonRef) sqlExpr {
	return sqlf("(CASE WHEN %s THEN hf_time(%s) END)", d.is(r, jsonText), r.val)
}

func (sqliteDialect) instantKey(t time.Time) any { return instantKey(t) }

// canonicalTimeGlob is the shape of query.FormatTime's output (years
// 0000–9999).
const canonicalTimeGlob = "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'"

// canonicalTime also requires a valid time: SQLite's strftime normalizes
// what Go refuses (February 30, hour 24, second 60) into another text.
func (sqliteDialect) canonicalTime(e sqlExpr) sqlExpr {
	return sqlf("(%s GLOB "+canonicalTimeGlob+" AND strftime('%Y-%m-%dT%H:%M:%fZ', %s) = %s)", e, e, e)
}

func (sqliteDialect) fold(e sqlExpr) sqlExpr { return sqlf("hf_fold(%s)", e) }

func (sqliteDialect) contains(s sqlExpr, sub string) sqlExpr {
	return sqlf("instr(%s, %s) > 0", s, arg(sub))
}

func (sqliteDialect) hasPrefix(s sqlExpr, prefix string) sqlExpr {
	// substr counts characters; so does the rune count of the operand.
	return sqlf("substr(%s, 1, %s) = %s", s, arg(utf8.RuneCountInString(prefix)), arg(prefix))
}

func (sqliteDialect) hasSuffix(s sqlExpr, suffix string) sqlExpr {
	if suffix == "" {
		return sqlf("%s IS NOT NULL", s)
	}
	return sqlf("substr(%s, %s) = %s", s, arg(-utf8.RuneCountInString(suffix)), arg(suffix))
}

func (sqliteDialect) regex(s sqlExpr, pattern string) (sqlExpr, error) {
	return sqlf("hf_regexp(%s, %s)", arg(pattern), s), nil
}

func (d sqliteDialect) equalJSON(r jsonRef, doc []byte) sqlExpr {
	return sqlf("(%s AND hf_json_eq(%s, %s))", d.is(r, jsonArray, jsonObject), r.val, arg(string(doc)))
}

func (sqliteDialect) notTrue(e sqlExpr) sqlExpr { return sqlf("(%s) IS NOT TRUE", e) }

// maxBoundList is the longest list inList binds value by value; a longer
// one travels as one JSON array, which also keeps the statement's text (and
// so its cached prepared statement) the same whatever the list's length.
const maxBoundList = 64

func (sqliteDialect) inList(e sqlExpr, values []any) sqlExpr {
	if len(values) > maxBoundList {
		// Strings and finite numbers (all JSON can hold) always encode.
		if doc, err := json.Marshal(values); err == nil {
			return sqlf("%s IN (SELECT value FROM json_each(%s))", e, arg(string(doc)))
		}
	}
	list := make([]sqlExpr, len(values))
	for i, v := range values {
		list[i] = arg(v)
	}
	return sqlf("%s IN (%s)", e, sqlJoin(", ", list))
}

// maxArgs is SQLite's SQLITE_MAX_VARIABLE_NUMBER (32766 since 3.32).
func (sqliteDialect) maxArgs() int { return 32766 }

func (sqliteDialect) jsonText(r jsonRef) sqlExpr { return sqlf("(%s -> %s)", r.doc, r.path) }

func (sqliteDialect) createIndex(name string, exprs []string) string {
	return "CREATE INDEX IF NOT EXISTS " + name + " ON items(collection, " + strings.Join(exprs, ", ") + ")"
}

func (sqliteDialect) listIndexes() string {
	return "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE ?"
}

func (sqliteDialect) distinct(r jsonRef) sqlExpr {
	// Storage classes never compare equal in SQLite, so numbers and texts
	// stay apart by themselves; booleans (1/0) and composites (JSON text)
	// are moved to blobs to stay apart from numbers and strings.
	return sqlf("(CASE %s WHEN 'true' THEN x'01' WHEN 'false' THEN x'00' WHEN 'array' THEN CAST(%s AS BLOB) "+
		"WHEN 'object' THEN CAST(%s AS BLOB) ELSE %s END)", r.typ, r.val, r.val, r.val)
}

// order relies on SQLite sorting NULL first.
func (sqliteDialect) order(e string, desc bool) string {
	if desc {
		return e + " DESC"
	}
	return e
}

// groupOrder is val itself: SQLite reads it from any row of the group.
func (sqliteDialect) groupOrder(val string) string { return val }

// sum uses TOTAL, which never overflows (it sums in floating point, as JSON
// numbers are); an empty set sums to null, as in SQL.
func (sqliteDialect) sum(n sqlExpr) sqlExpr {
	return sqlf("CASE WHEN COUNT(%s) = 0 THEN NULL ELSE TOTAL(%s) END", n, n)
}

// minMax relies on SQLite ordering numbers before texts.
func (d sqliteDialect) minMax(fn string, r jsonRef) sqlExpr {
	return sqlf(fn+"(COALESCE(%s, CASE WHEN %s THEN %s END))", d.number(r), d.is(r, jsonText), r.val)
}

func (sqliteDialect) jsonResult() bool { return false }

// limit keeps SQLite's -1 for none.
func (sqliteDialect) limit(n int) sqlExpr { return lit(strconv.Itoa(max(n, -1))) }
