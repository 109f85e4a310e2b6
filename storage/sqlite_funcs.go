package storage

import (
	"database/sql"
	"fmt"
	"regexp"
	"sync"
	"time"

	"github.com/hookflow/hookflow/query"
	_ "github.com/hookflow/hookflow/storage/cgocheck" // a build without cgo stops with a clear message
	"github.com/mattn/go-sqlite3"
)

// sqliteDriverName is the database/sql driver hookflow opens SQLite with:
// mattn/go-sqlite3 plus the functions below on every connection.
const sqliteDriverName = "sqlite3_hookflow"

var registerDriver sync.Once

// registerSQLiteDriver registers the driver once per process (database/sql
// drivers are process-wide by design).
func registerSQLiteDriver() {
	registerDriver.Do(func() {
		sql.Register(sqliteDriverName, &sqlite3.SQLiteDriver{ConnectHook: registerFuncs})
	})
}

// sqliteFuncs are SQL functions over the query package's own definitions,
// for the parts of docs/items.md#filters that SQLite has no exact built-in for: its CAST
// reads "12abc" as 12, its date functions accept other forms than
// query.ParseTime, lower() folds ASCII only and it has no regular
// expressions. Calling the same Go code is what makes the SQL translation
// agree with the in-memory evaluator by construction. All are
// deterministic, so SQLite may use them in indexes and factor them out.
func sqliteFuncs() map[string]any {
	// A connection runs one statement at a time, so its regexp cache needs
	// no lock.
	cache := regexCache{}
	return map[string]any{
		"hf_num":     sqlNumber,
		"hf_numtext": sqlNumberText,
		"hf_time":    sqlInstant,
		"hf_fold":    sqlFold,
		"hf_regexp":  cache.match,
		"hf_json_eq": sqlJSONEqual,
	}
}

func registerFuncs(conn *sqlite3.SQLiteConn) error {
	for name, fn := range sqliteFuncs() {
		if err := conn.RegisterFunc(name, fn, true); err != nil {
			return fmt.Errorf("register SQL function %s: %w", name, err)
		}
	}
	return nil
}

// sqlNumber is hf_num(x): the number a text reads as (an INTEGER when it
// is an integer that fits one, as SQLite reads JSON numbers), or NULL.
func sqlNumber(v any) any {
	if s, ok := v.(string); ok {
		if n, ok := query.NumericValue(s); ok {
			return n
		}
	}
	return nil
}

// sqlNumberText is hf_numtext(x): a number in JSON notation, or NULL.
func sqlNumberText(v any) any {
	switch x := v.(type) {
	case int64:
		return query.FormatNumber(float64(x))
	case float64:
		return query.FormatNumber(x)
	}
	return nil
}

// sqlInstant is hf_time(x): the ordering key of a date text, or NULL.
func sqlInstant(v any) any {
	if s, ok := v.(string); ok {
		if t, ok := query.ParseTime(s); ok {
			return instantKey(t)
		}
	}
	return nil
}

// instantEpoch shifts Unix seconds so that every instant query.ParseTime can
// produce (years 0000–9999 in any zone) is positive.
const instantEpoch = 100_000_000_000

// instantKey is a fixed-width text that sorts like the instant t, to the
// nanosecond, whatever zone t was written in.
func instantKey(t time.Time) string {
	var b [23]byte
	putDigits(b[:13], t.Unix()+instantEpoch)
	b[13] = '.'
	putDigits(b[14:], int64(t.Nanosecond()))
	return string(b[:])
}

// putDigits writes n (non-negative) zero-padded into all of dst.
func putDigits(dst []byte, n int64) {
	for i := len(dst) - 1; i >= 0; i-- {
		dst[i] = byte('0' + n%10)
		n /= 10
	}
}

// sqlFold is hf_fold(x): query.FoldString of a text; NULL stays NULL.
func sqlFold(v any) any {
	if s, ok := v.(string); ok {
		return query.FoldString(s)
	}
	return nil
}

// regexCache keeps a connection's compiled patterns: a filter's pattern is
// tested against every row. It is bounded because patterns come from
// requests.
type regexCache map[string]*regexp.Regexp

// maxCachedRegexps holds every pattern of the largest filter allowed with
// room to spare, so one query never compiles a pattern per row.
const maxCachedRegexps = 2 * query.MaxRegexes

// match is hf_regexp(pattern, text): 1 when text matches, NULL when it is
// NULL. An invalid pattern matches nothing (patterns are validated before
// they reach SQL).
func (c regexCache) match(pattern string, v any) any {
	s, ok := v.(string)
	if !ok {
		return nil
	}
	re, found := c[pattern]
	if !found {
		var err error
		if re, err = query.CompileRegex(pattern); err != nil {
			return false
		}
		if len(c) >= maxCachedRegexps {
			clear(c)
		}
		c[pattern] = re
	}
	return re.MatchString(s)
}

// sqlJSONEqual is hf_json_eq(a, b): _eq between two JSON documents.
func sqlJSONEqual(a, b any) bool {
	sa, ok1 := a.(string)
	sb, ok2 := b.(string)
	return ok1 && ok2 && query.EqualJSON([]byte(sa), []byte(sb))
}
