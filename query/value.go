package query

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"
)

// vkind classifies a JSON value for the coercion rules of SPEC §6.
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
	f    float64
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
		sc.f, sc.num = numericString(x)
		if withDates && !sc.num {
			sc.t, sc.date = parseTime(x)
		}
	case map[string]any, []any, map[string]string, []string, []map[string]any:
		sc.kind = kComposite
	default:
		if f, ok := number(v); ok {
			sc.kind, sc.f, sc.num = kNum, f, true
		} else {
			sc.kind = kOther
		}
	}
	return sc
}

// number reads v as a JSON number. Besides float64 it accepts the Go numeric
// types and json.Number, which callers may hand over instead.
func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case float32:
		return float64(x), true
	case uint:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint32:
		return float64(x), true
	case int16:
		return float64(x), true
	case int8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint8:
		return float64(x), true
	case json.Number:
		return numericString(string(x))
	}
	return 0, false
}

// numericString reads s as a plain decimal number ("5", "-1.5", "2e3", ".5").
// Hex, "NaN", "Inf", underscores and surrounding spaces are not numbers:
// strconv.ParseFloat alone would accept some of them, and "0x10" = 16 would
// surprise people comparing codes.
func numericString(s string) (float64, bool) {
	if !looksNumeric(s) {
		return 0, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil { // out of range
		return 0, false
	}
	return f, true
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

// parseTime reads the date forms of SPEC §6: RFC 3339 (fractional seconds
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
		f, ok := number(a)
		return ok && o.num && f == o.f
	case kNum:
		if x, ok := a.(string); ok {
			f, ok := numericString(x)
			return ok && f == o.f
		}
		f, ok := number(a)
		return ok && f == o.f
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
		f, isNum := number(a)
		if !isNum || !o.num {
			return 0, false
		}
		return cmpFloat(f, o.f)
	}
	if o.num {
		if f, ok := numericString(s); ok {
			return cmpFloat(f, o.f)
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

func cmpFloat(a, b float64) (int, bool) {
	switch {
	case a < b:
		return -1, true
	case a > b:
		return 1, true
	case a == b:
		return 0, true
	}
	return 0, false // NaN
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
// numbers in JSON notation. Other values have no text.
func textOf(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return string(x), true
	case bool, nil:
		return "", false
	}
	f, ok := number(v)
	if !ok {
		return "", false
	}
	return string(appendJSONNumber(nil, f)), true
}

// appendJSONNumber formats f as encoding/json does (1e21 and up, and below
// 1e-6, in exponent form), so "starts with" sees what the sender wrote.
func appendJSONNumber(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
