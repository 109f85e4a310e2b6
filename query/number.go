package query

import (
	"encoding/json"
	"math"
	"strconv"

	"github.com/hookflow/hookflow/jsonnum"
)

// num is a number as filters compare it, read the way SQLite reads a JSON
// number (so that a filter means the same in a condition and in an item
// query): a number written as an integer — digits only — that fits int64
// is that integer exactly (isInt, i); any other number is its nearest
// float64 (f), ±Inf beyond the float64 range. An integer and a float64
// compare exactly: 9007199254740993 is greater than 9007199254740992.0
// although float64 cannot tell them apart.
type num struct {
	f     float64
	i     int64
	isInt bool
}

// value is the number as a Go value to bind in SQL.
func (n num) value() any {
	if n.isInt {
		return n.i
	}
	return n.f
}

// readNumber reads v as a JSON number (jsonnum's float64 or json.Number,
// or a Go numeric type a caller handed over).
func readNumber(v any) (num, bool) {
	switch x := v.(type) {
	case float64:
		// A float64 stands for the text jsonnum.AppendFloat writes; written
		// as an integer beyond 2^53 that text reads as another integer.
		if a := math.Abs(x); a >= 1<<53 && a < 1<<63 && x == math.Trunc(x) {
			var buf [24]byte
			if i, err := strconv.ParseInt(string(jsonnum.AppendFloat(buf[:0], x)), 10, 64); err == nil {
				return num{f: x, i: i, isInt: true}, true
			}
		}
		return num{f: x}, true
	case json.Number:
		return readNumberText(string(x), true)
	case int:
		return num{f: float64(x), i: int64(x), isInt: true}, true
	case int64:
		return num{f: float64(x), i: x, isInt: true}, true
	}
	if f, ok := jsonnum.Float(v); ok {
		return num{f: f}, true
	}
	return num{}, false
}

// readNumberText reads a number's text; beyond the float64 range it is
// ±Inf when infinite is set (a JSON number) and no number otherwise (a
// numeric string, as NumericString says).
func readNumberText(s string, infinite bool) (num, bool) {
	// The shape is checked first: a failing ParseInt allocates its error.
	if isIntegerText(s) {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return num{f: float64(i), i: i, isInt: true}, true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil && (!infinite || !isRange(err)) {
		return num{}, false
	}
	return num{f: f}, true
}

// isIntegerText reports whether s is an optional sign and digits only.
func isIntegerText(s string) bool {
	if s != "" && (s[0] == '-' || s[0] == '+') {
		s = s[1:]
	}
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func isRange(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// numericValue reads s as a plain decimal number ("5", "-1.5", "2e3",
// ".5"), under the rules of numericString.
func numericValue(s string) (num, bool) {
	if !looksNumeric(s) {
		return num{}, false
	}
	return readNumberText(s, false)
}

// cmpNum orders two numbers exactly; ok is false when one is NaN.
func cmpNum(a, b num) (int, bool) {
	switch {
	case a.isInt && b.isInt:
		return cmpInt(a.i, b.i), true
	case a.isInt:
		return cmpIntFloat(a.i, b.f)
	case b.isInt:
		c, ok := cmpIntFloat(b.i, a.f)
		return -c, ok
	}
	return cmpFloat(a.f, b.f)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpIntFloat compares an integer with a float64 without rounding either.
func cmpIntFloat(a int64, b float64) (int, bool) {
	switch {
	case math.IsNaN(b):
		return 0, false
	case b >= 1<<63:
		return -1, true
	case b < -(1 << 63):
		return 1, true
	}
	t := math.Trunc(b)
	if c := cmpInt(a, int64(t)); c != 0 {
		return c, true
	}
	switch {
	case b > t:
		return -1, true
	case b < t:
		return 1, true
	}
	return 0, true
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
