package storage

import (
	"strings"
)

// sqlExpr is a fragment of SQL with the arguments of its `?` placeholders in
// order. Values always travel as arguments; only identifiers and JSON paths
// the translator builds itself (quoted by sqlString) are written into the
// text, because an expression index only matches a query whose expression
// is textually the same.
type sqlExpr struct {
	sql  string
	args []any
}

// lit is SQL text without arguments.
func lit(sql string) sqlExpr { return sqlExpr{sql: sql} }

// arg is one bound value.
func arg(v any) sqlExpr { return sqlExpr{sql: "?", args: []any{v}} }

var (
	sqlTrue  = lit("TRUE")
	sqlFalse = lit("FALSE")
)

// sqlf substitutes each %s of format with the next part, collecting the
// parts' arguments in the order they appear in the text.
func sqlf(format string, parts ...sqlExpr) sqlExpr {
	var b strings.Builder
	var args []any
	i := 0
	for {
		j := strings.Index(format, "%s")
		if j < 0 || i >= len(parts) {
			b.WriteString(format)
			break
		}
		b.WriteString(format[:j])
		b.WriteString(parts[i].sql)
		args = append(args, parts[i].args...)
		format = format[j+2:]
		i++
	}
	return sqlExpr{sql: b.String(), args: args}
}

// sqlJoin joins fragments with a separator.
func sqlJoin(sep string, parts []sqlExpr) sqlExpr {
	var b strings.Builder
	var args []any
	for i, p := range parts {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(p.sql)
		args = append(args, p.args...)
	}
	return sqlExpr{sql: b.String(), args: args}
}

// sqlAnd is the conjunction of parts; none is true.
func sqlAnd(parts ...sqlExpr) sqlExpr { return logical(" AND ", sqlTrue, parts) }

// sqlOr is the disjunction of parts; none is false.
func sqlOr(parts ...sqlExpr) sqlExpr { return logical(" OR ", sqlFalse, parts) }

// maxFlatTerms is the most terms logical joins in one flat list. SQLite
// parses `a OR b OR c …` as a chain as deep as its terms and refuses an
// expression deeper than 1000, so a longer list is nested as a balanced
// tree of the same operator (as deep as the log of its length), which the
// planner splits into the very same terms.
const maxFlatTerms = 64

func logical(sep string, empty sqlExpr, parts []sqlExpr) sqlExpr {
	switch len(parts) {
	case 0:
		return empty
	case 1:
		return parts[0]
	}
	if len(parts) > maxFlatTerms {
		mid := len(parts) / 2
		return logical(sep, empty, []sqlExpr{logical(sep, empty, parts[:mid]), logical(sep, empty, parts[mid:])})
	}
	j := sqlJoin(sep, parts)
	j.sql = "(" + j.sql + ")"
	return j
}

// sqlString quotes s as an SQL string literal. Only used for text the
// translator composes (JSON paths); user values are arguments.
func sqlString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// appendRows appends rows groups of cols placeholders, "(?, ?), (?, ?)",
// for multi-row INSERT and VALUES lists.
func appendRows(b []byte, rows, cols int) []byte {
	for r := 0; r < rows; r++ {
		if r > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '(')
		for c := 0; c < cols; c++ {
			if c > 0 {
				b = append(b, ", "...)
			}
			b = append(b, '?')
		}
		b = append(b, ')')
	}
	return b
}
