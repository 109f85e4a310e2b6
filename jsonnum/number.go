package jsonnum

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
)

// Float is the value of a number: a float64 itself, a json.Number read as
// the nearest float64 (±Inf beyond the float64 range, 0 below it), or one
// of Go's integer and float types, which callers may hand over. ok is
// false for anything else.
func Float(v any) (f float64, ok bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := parseFloat(string(x))
		if err != nil && !isRangeError(err) {
			return 0, false
		}
		return f, true
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
	}
	return 0, false
}

// IsNumber reports whether v is a number (Float would read it).
func IsNumber(v any) bool {
	_, ok := Float(v)
	return ok
}

// AppendText appends the JSON text of a number: a json.Number as written,
// a float64 as encoding/json writes it (AppendFloat), Go integers in
// decimal. ok is false (and dst unchanged) for anything else, and for NaN
// and infinities, which JSON cannot hold.
func AppendText(dst []byte, v any) (out []byte, ok bool) {
	switch x := v.(type) {
	case json.Number:
		return append(dst, x...), true
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return dst, false
		}
		return AppendFloat(dst, x), true
	case int:
		return strconv.AppendInt(dst, int64(x), 10), true
	case int64:
		return strconv.AppendInt(dst, x, 10), true
	}
	f, ok := Float(v)
	if !ok || math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, false
	}
	return AppendFloat(dst, f), true
}

// Text is AppendText as a string.
func Text(v any) (string, bool) {
	if n, ok := v.(json.Number); ok {
		return string(n), true
	}
	b, ok := AppendText(nil, v)
	return string(b), ok
}

// AppendFloat formats f as encoding/json does: plain decimals, exponents
// only from 1e21 up and below 1e-6 ("1e+21", "1e-7").
func AppendFloat(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// e-09 is written e-9
		if n := len(dst); n-start >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// isFloatText reports whether a JSON number text is exactly what
// AppendFloat writes for the float64 it reads as, so that float64 can
// stand for it. Decimals of up to 15 significant digits without exponent
// are decided from their shape (any such decimal survives a round trip
// through float64); longer ones and exponents are formatted to compare.
func isFloatText(t string) bool {
	i, n := 0, len(t)
	if i < n && t[i] == '-' {
		i++
	}
	start := i
	for i < n && isDigit(t[i]) {
		i++
	}
	if i == start || (t[start] == '0' && i-start > 1) {
		return false // not a JSON number: the decoder reports it
	}
	sig := i - start
	if t[start] == '0' {
		sig = 0
	}
	if i == n {
		return sig <= 15 || formatsAs(t)
	}
	if t[i] != '.' {
		return formatsAs(t)
	}
	i++
	fracStart := i
	for i < n && isDigit(t[i]) {
		i++
	}
	if i < n {
		return formatsAs(t) // an exponent follows
	}
	if i == fracStart || t[i-1] == '0' {
		return false // "1.50" is written 1.5
	}
	if sig == 0 {
		// Leading zeros are not significant; below 1e-6 AppendFloat
		// switches to an exponent.
		z := fracStart
		for z < n && t[z] == '0' {
			z++
		}
		if z-fracStart > 5 {
			return false
		}
		sig = n - z
	} else {
		sig += n - fracStart
	}
	return sig <= 15 || formatsAs(t)
}

// formatsAs is the slow half of isFloatText: parse, format, compare.
func formatsAs(t string) bool {
	f, err := parseFloat(t)
	if err != nil {
		return false
	}
	var buf [32]byte
	return string(AppendFloat(buf[:0], f)) == t
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseFloat reads a number text as the nearest float64.
func parseFloat(t string) (float64, error) { return strconv.ParseFloat(t, 64) }

func isRangeError(err error) bool { return errors.Is(err, strconv.ErrRange) }

// Int is the integer a number was written as, when it is one and fits
// int64: 42, 9007199254740993, 1.0, 1e2 and 2.50e1 are integers; 1.5 and
// 1.0000000000000001 are not, however close float64 brings them. It reads
// the number's text (a float64 stands for the text AppendFloat writes).
func Int(v any) (int64, bool) {
	switch x := v.(type) {
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x), true
		}
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	var buf [32]byte
	text, ok := AppendText(buf[:0], v)
	if !ok {
		return 0, false
	}
	return intOfText(string(text))
}

// intOfText reads a JSON number text as an exact integer: its digits with
// the exponent applied must leave no fraction and fit int64.
func intOfText(t string) (int64, bool) {
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	mantissa, exp := t, 0
	if i := strings.IndexAny(t, "eE"); i >= 0 {
		e, err := strconv.Atoi(strings.TrimPrefix(t[i+1:], "+"))
		if err != nil {
			return 0, false
		}
		mantissa, exp = t[:i], e
	}
	digits := mantissa
	if intPart, frac, found := strings.Cut(mantissa, "."); found {
		digits, exp = intPart+frac, exp-len(frac)
	}
	digits = strings.TrimLeft(digits, "0")
	for len(digits) > 0 && digits[len(digits)-1] == '0' {
		digits, exp = digits[:len(digits)-1], exp+1
	}
	if digits == "" {
		return 0, true
	}
	if exp < 0 || len(digits)+exp > 19 {
		return 0, false
	}
	digits += strings.Repeat("0", exp)
	if neg {
		digits = "-" + digits
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil
}
