package storage

import (
	"context"
	"database/sql"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/query"
)

// openPostgresFuncs opens a PostgreSQL store for the tests of its SQL
// functions, which are PostgreSQL's own.
func openPostgresFuncs(t *testing.T) *sql.DB {
	t.Helper()
	s := openTestStore(t)
	if s.Dialect() != DialectPostgres {
		t.Skip("PostgreSQL's SQL functions: set HOOKFLOW_TEST_DB (SQLite's call the query package itself)")
	}
	db, err := s.write.DB()
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// TestPostgresFunctionsAgreeWithGo checks each hf_* function of the
// migrations against the Go definition it mirrors, value by value.
func TestPostgresFunctionsAgreeWithGo(t *testing.T) {
	t.Parallel()
	db := openPostgresFuncs(t)
	ctx := context.Background()
	one := func(query string, arg any) sql.NullString {
		t.Helper()
		var out sql.NullString
		if err := db.QueryRowContext(ctx, query, arg).Scan(&out); err != nil {
			t.Fatalf("%s with %v: %v", query, arg, err)
		}
		return out
	}
	t.Run("hf_num", func(t *testing.T) {
		for _, s := range []string{
			"5", "5.", ".5", "+5", "-0", "-12.5e3", "1E+05", "00012.500", "1e400", "1e-400",
			"4e-324", "2.4703282292062328e-324", "1e0000000000000000005", "0e999999999999", "1.7976931348623158e308",
			"1.7976931348623159e308", "12abc", "", ".", "1e", "0x10", "NaN", "Inf", " 5", "5 ", "1_000", "١٢", "--5", "9007199254740993",
		} {
			got := one("SELECT hf_num($1)::text", s)
			f, ok := query.NumericString(s)
			if got.Valid != ok || (ok && !sameFloatText(got.String, f)) {
				t.Errorf("hf_num(%q) = %v, Go %v %v", s, got, f, ok)
			}
		}
	})
	t.Run("hf_numtext", func(t *testing.T) {
		values := []float64{
			0, 1, -1, 100, 1e21, 1e20, 123456789012345678, 1e-6, 1e-7, 1.234e-7, 1.5e300, -2.5e-10, 0.1,
			123.456, 1e15, 1e16, 5e-324, math.MaxFloat64, -math.SmallestNonzeroFloat64, 0.000001234, 999999999999999900000,
		}
		r := rand.New(rand.NewPCG(1, 2))
		for range 300 {
			values = append(values, math.Float64frombits(r.Uint64()&^(0x7ff<<52)|uint64(r.IntN(2046)+1)<<52))
		}
		for _, f := range values {
			if got := one("SELECT hf_numtext($1::float8)", f); got.String != query.FormatNumber(f) {
				t.Errorf("hf_numtext(%v) = %q, Go %q", f, got.String, query.FormatNumber(f))
			}
		}
	})
	t.Run("hf_time", func(t *testing.T) {
		for _, s := range []string{
			"2024-03-15T1:30:00Z", "2024-03-15T10:30:00,5Z", "2024-03-15T10:30:00.Z",
			"2024-03-15T10:30:00.1234567891234Z", "2024-03-15T10:30:00+24:59", "2024-03-15T10:30:00+25:00",
			"2024-03-15T10:30:00+05:60", "2024-03-15T10:30:00+05:61", "2024-03-15T10:30:00-00:00", "2024-03-15T10:30:00z",
			"2024-03-15T10:30:00+0530", "2024-03-15T10:30:00+05", "0000-01-01T00:00:00Z", "2024-02-30", "2024-02-29",
			"2023-02-29", "1900-02-29", "2000-02-29", "2024-03-15T24:00:00Z", "2024-03-15T23:59:60Z", "2024-03-15 10:30:00",
			"2024-03-15 10:30:00Z", "2024-03-15T10:30:00", "2024-03-15T10:30:00.5", "2024-03-15 1:30:00", "2024-03-15T01:30:00 ",
			"2024-03-15T10:30Z", "2024-00-10", "2024-03-00", "2024-13-01", "9999-12-31T23:59:59.999999999-24:59",
			"2024-03-15T10:30:00,123+01:00", "1969-12-31T23:59:59.5Z", "1970-01-01", "abcd-ef-gh", "2024-03-15x",
		} {
			got := one("SELECT hf_time($1)", s)
			tm, ok := query.ParseTime(s)
			if got.Valid != ok || (ok && got.String != instantKey(tm)) {
				t.Errorf("hf_time(%q) = %v, Go %v %v", s, got, ok, tm)
			}
		}
	})
	t.Run("hf_key orders numbers", func(t *testing.T) {
		// JSON number texts, read as query reads them: an integer text
		// that fits int64 exactly, anything else as a float64.
		texts := []string{
			"0", "1", "-1", "0.5", "-0.5", "1e300", "-1e300", "5e-324", "-5e-324", "900", "900.0000000000001",
			"1E2", "-0", "100.0", "1e400", "-1e400", "1e-400", "9007199254740992", "9007199254740993", "9007199254740993.0",
			"-9007199254740993", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "1152921504606846990",
			"1152921504606847000", "123456789012345678", "-123456789012345678", "4611686018427387903",
		}
		r := rand.New(rand.NewPCG(3, 4))
		for range 200 {
			// As the server writes a float64 (an integral one beyond 2^53
			// as its digits): an exponent hides from jsonb whether a number
			// was written as an integer, see docs/items.md.
			texts = append(texts, string(jsonnum.AppendFloat(nil, (r.Float64()-0.5)*math.Pow(10, float64(r.IntN(40)-20)))))
			texts = append(texts, strconv.FormatInt(r.Int64()>>r.IntN(12)*int64(1-2*r.IntN(2)), 10))
		}
		type number struct {
			text  string
			value any // int64 or float64
		}
		var numbers []number
		for _, text := range texts {
			var v any
			if i, err := strconv.ParseInt(text, 10, 64); err == nil {
				v = i
			} else {
				f, _ := strconv.ParseFloat(text, 64) // ±Inf beyond the range
				v = f
			}
			numbers = append(numbers, number{text, v})
			got := one("SELECT hf_key($1::jsonb)", text)
			if want := (postgresDialect{}).key(v); got.String != want {
				t.Errorf("hf_key(%s) = %q, Go %q", text, got.String, want)
			}
		}
		exact := func(v any) *big.Float {
			if i, ok := v.(int64); ok {
				return new(big.Float).SetPrec(200).SetInt64(i)
			}
			return new(big.Float).SetPrec(200).SetFloat64(v.(float64))
		}
		for _, a := range numbers {
			for _, b := range numbers {
				ka, kb := (postgresDialect{}).key(a.value).(string), (postgresDialect{}).key(b.value).(string)
				if c := exact(a.value).Cmp(exact(b.value)); c != strings.Compare(ka, kb) {
					t.Fatalf("keys of %s and %s do not sort as the numbers: %s %s", a.text, b.text, ka, kb)
				}
			}
		}
	})
	t.Run("hf_fold", func(t *testing.T) {
		// Every rune up to the end of the planes with letters (text holds
		// no NUL), a few thousand per call.
		var b strings.Builder
		check := func() {
			if got := one("SELECT hf_fold($1)", b.String()); got.String != query.FoldString(b.String()) {
				t.Errorf("hf_fold differs from query.FoldString in the runes before %U", []rune(b.String())[0])
			}
			b.Reset()
		}
		for r := rune(1); r <= 0x2FFFF; r++ {
			if !utf8.ValidRune(r) {
				continue
			}
			b.WriteRune(r)
			if b.Len() > 20000 {
				check()
			}
		}
		check()
	})
}

// sameFloatText reports whether PostgreSQL's text of a float8 is f.
func sameFloatText(text string, f float64) bool {
	g, err := strconv.ParseFloat(text, 64)
	return err == nil && g == f
}

// TestPostgresRegexAgreesWithGo runs patterns through Go's regexp and
// through their PostgreSQL translation on the same texts.
func TestPostgresRegexAgreesWithGo(t *testing.T) {
	t.Parallel()
	db := openPostgresFuncs(t)
	ctx := context.Background()
	patterns := []string{
		`abc`, `^abc$`, `a.c`, `(?s)a.c`, `a\.c`, `^$`, `x*`, `a+b?c{2,3}`, `a{3}`, `a{2,}`, `(a|b)+c`, `[a-c]+`,
		`[^a-c]`, `[[:alpha:]]+`, `\d+`, `\D`, `\w+`, `\W`, `\s`, `\S+`, `\bfoo\b`, `\Bo\B`, `(?i)straße`, `(?i)k`,
		`(?i)ΣΑ`, `(?m)^b$`, `(?m)a$`, `^a$`, `\pL+`, `\p{Greek}`, `\PL`, `[\p{Lu}\d]`, `é`, `^Z.ë$`, `/ABC/i`, `/^a.c$/s`,
		`a{300}`, `a{0,300}b`, `(ab){2,257}`, `[\x{1F600}-\x{1F64F}]`, `\x{10FFFF}`, `[^\x00-\x{10FFFF}]`, `a|`, `()`,
		`(?U)a+?`, `\Qa.b\E`, `[-a]`, `[a-]`, `[\]]`, `\\`, `\^\$\.\|\?\*\+\(\)\[\]\{\}`, `[\\^]`, `\A\z`, `\n`, `(?s).+`,
	}
	texts := []string{
		"", "abc", "ABC", "aXc", "a\nc", "a.c", "xabcx", "aabcc", "abcc", "aaa", "ba", "foo bar",
		"foobar", "b\nb", "a\nb", "b\na", "straße", "STRASSE", "STRAẞE", "k", "K", "\u212a", "θάλασσα", "ΣΑ", "σα",
		"Zoë", "école", "123", "١٢٣", "\t", "😀", "\U0010FFFF", strings.Repeat("a", 300), strings.Repeat("a", 301),
		strings.Repeat("ab", 257), strings.Repeat("a", 299) + "b", "a|b", "^$.|?*+()[]{}", "\\", "-", "]", "^", "\n",
	}
	for _, p := range patterns {
		re, err := query.CompileRegex(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		translated, err := postgresRegex(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, s := range texts {
			var got bool
			if err := db.QueryRowContext(ctx, "SELECT $1::text ~ $2", s, translated).Scan(&got); err != nil {
				t.Fatalf("%s as %s: %v", p, translated, err)
			}
			if want := re.MatchString(s); got != want {
				t.Errorf("%s on %q: PostgreSQL %v (as %s), Go %v", p, s, got, translated, want)
			}
		}
	}
}
