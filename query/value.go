package query

import (
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
)

// vkind classifies a JSON value for the coercion rules of docs/items.md#filters.
type vkind uint8

const (
	kNull vkind = iota
	kBool
	kNum
	kStr
	kComposite // object or array
	kOther     // a Go value JSON cannot produce; equal to nothing
)

// scalar is an operand value converted once: its numeric and date readings
// are computed up front so evaluation only compares.
type scalar struct {
	v    any
	kind vkind
	s    string // kStr: the string
	b    bool   // kBool: the bool
	n    num
	num  bool // a number, or a string that reads as one
	t    time.Time
	date bool // a string that reads as a date
}

// makeScalar converts v. withDates is false for equality, which never reads
// dates, so parsing them would be wasted work.
func makeScalar(v any, withDates bool) scalar {
	sc := scalar{v: v}
	switch x := v.(type) {
	case nil:
		sc.kind = kNull
	case bool:
		sc.kind, sc.b = kBool, x
	case string:
		sc.kind, sc.s = kStr, x
		sc.n, sc.num = numericValue(x)
		if withDates && !sc.num {
			sc.t, sc.date = parseTime(x)
		}
	case map[string]any, []any, map[string]string, []string, []map[string]any:
		sc.kind = kComposite
	default:
		if n, ok := readNumber(v); ok {
			sc.kind, sc.n, sc.num = kNum, n, true
		} else {
			sc.kind = kOther
		}
	}
	return sc
}

// numericString reads s as a plain decimal number ("5", "-1.5", "2e3", ".5").
// Hex, "NaN", "Inf", underscores and surrounding spaces are not numbers:
// strconv.ParseFloat alone would accept some of them, and "0x10" = 16 would
// surprise people comparing codes.
func numericString(s string) (float64, bool) {
	n, ok := numericValue(s)
	return n.f, ok
}

func looksNumeric(s string) bool {
	i, n := 0, len(s)
	if i < n && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < n && isDigit(s[i]) {
		i++
		digits++
	}
	if i < n && s[i] == '.' {
		i++
		for i < n && isDigit(s[i]) {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < n && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < n && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < n && isDigit(s[i]) {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseTime reads the date forms of docs/items.md#filters: RFC 3339 (fractional seconds
// allowed), a bare date "2006-01-02", and a date-time without zone
// ("2006-01-02T15:04:05" or with a space instead of T, as SQL writes it),
// which is taken as UTC.
func parseTime(s string) (time.Time, bool) {
	// Cheap shape check first: time.Parse allocates its error on failure, and
	// most strings compared here are not dates.
	if len(s) < 10 || s[4] != '-' || s[7] != '-' ||
		!isDigit(s[0]) || !isDigit(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) ||
		!isDigit(s[5]) || !isDigit(s[6]) || !isDigit(s[8]) || !isDigit(s[9]) {
		return time.Time{}, false
	}
	if len(s) == 10 {
		t, err := time.Parse(time.DateOnly, s)
		return t, err == nil
	}
	if s[10] != 'T' && s[10] != ' ' {
		return time.Time{}, false
	}
	layouts := [...]string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05"}
	for _, l := range layouts {
		if l[10] != s[10] {
			continue
		}
		// Parsing accepts fractional seconds even when the layout has none.
		if t, err := time.Parse(l, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// eqScalar is the equality of _eq: a number equals its decimal string, a bool
// equals "true"/"false", null equals null, composites compare deeply. Two
// strings compare exactly ("5" ≠ "5.0", "01234" ≠ "1234": codes stay codes).
func eqScalar(a any, o *scalar) bool {
	switch o.kind {
	case kStr:
		switch x := a.(type) {
		case string:
			return x == o.s
		case bool:
			return o.s == strconv.FormatBool(x)
		case nil, map[string]any, []any:
			return false
		}
		n, ok := readNumber(a)
		return ok && o.num && sameNumber(n, o.n)
	case kNum:
		if x, ok := a.(string); ok {
			n, ok := numericValue(x)
			return ok && sameNumber(n, o.n)
		}
		n, ok := readNumber(a)
		return ok && sameNumber(n, o.n)
	case kBool:
		switch x := a.(type) {
		case bool:
			return x == o.b
		case string:
			return x == strconv.FormatBool(o.b)
		}
		return false
	case kNull:
		return a == nil
	case kComposite:
		return deepEqual(a, o.v)
	}
	return false
}

// deepEqual compares objects and arrays member by member with the scalar
// equality of _eq, so {"n": 5} equals {"n": "5"}.
func deepEqual(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !deepEqual(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !deepEqual(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	sb := makeScalar(b, false)
	return eqScalar(a, &sb)
}

// compareScalar orders a against o for _lt… and _between: numerically when
// both read as numbers, as instants when both read as dates, by bytes when
// both are strings. Anything else (bools, null, composites, a number against
// a non-numeric string) is not comparable and ok is false.
func compareScalar(a any, o *scalar) (c int, ok bool) {
	s, isStr := a.(string)
	if !isStr {
		n, isNum := readNumber(a)
		if !isNum || !o.num {
			return 0, false
		}
		return cmpNum(n, o.n)
	}
	if o.num {
		if n, ok := numericValue(s); ok {
			return cmpNum(n, o.n)
		}
	}
	if o.date {
		if t, ok := parseTime(s); ok {
			return t.Compare(o.t), true
		}
	}
	if o.kind == kStr {
		return strings.Compare(s, o.s), true
	}
	return 0, false
}

// sameNumber is the numeric equality of _eq.
func sameNumber(a, b num) bool {
	c, ok := cmpNum(a, b)
	return ok && c == 0
}

// isEmpty is the emptiness of _empty: null, "", [] and {} (missing is
// handled by the caller).
func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case []string:
		return len(x) == 0
	case []map[string]any:
		return len(x) == 0
	case map[string]string:
		return len(x) == 0
	}
	return false
}

// textOf is the text the string operators test: strings as they are,
// numbers in JSON notation as they were written (jsonnum). Other values
// have no text.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool, nil:
		return "", false
	}
	return jsonnum.Text(v)
}
