package engine

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/jsonsize"
)

// The append functions below write one placeholder's value into rendered
// text. Each takes room, the length dst may reach, and reports false
// (leaving dst unspecified) when the value would pass it: objects and
// arrays are measured before they are encoded, so a value far larger than
// the room is never built.

// appendText converts a value to text for embedding in a longer string:
// strings as they are, null and missing as "", anything else as compact JSON.
func appendText(dst []byte, v any, present bool, room int) ([]byte, bool) {
	if !present || v == nil {
		return dst, true
	}
	if s, ok := v.(string); ok {
		if len(dst)+len(s) > room {
			return dst, false
		}
		return append(dst, s...), true
	}
	return appendValue(dst, v, room)
}

// appendValue appends v as compact JSON if it fits.
func appendValue(dst []byte, v any, room int) ([]byte, bool) {
	switch v.(type) {
	case map[string]any, []any, string:
		if len(dst)+jsonsize.Compact(v, room-len(dst)) > room {
			return dst, false
		}
	}
	dst = appendJSON(dst, v)
	return dst, len(dst) <= room
}

// appendStringContent appends the text of v (as appendText) escaped for
// use inside a JSON string literal, without the surrounding quotes.
func appendStringContent(dst []byte, v any, present bool, room int) ([]byte, bool) {
	if !present || v == nil {
		return dst, true
	}
	s, isString := v.(string)
	if !isString {
		if len(dst)+jsonsize.Compact(v, room-len(dst)) > room {
			return dst, false
		}
		s = string(appendJSON(nil, v))
	}
	if len(dst)+len(s) > room {
		return dst, false
	}
	dst = appendEscaped(dst, s)
	return dst, len(dst) <= room
}

// appendJSON appends v as compact JSON without HTML escaping; values that
// cannot be encoded become null rather than failing the run. Numbers and
// booleans, the usual embedded values, skip the encoder.
func appendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case float64:
		// The form encoding/json writes (NaN and infinities take the
		// encoder below, which refuses them).
		if out, ok := jsonnum.AppendText(dst, x); ok {
			return out
		}
	case json.Number:
		// A number as it was sent (jsonnum): 12345678901234567890 stays so.
		return append(dst, x...)
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	case string:
		if plainString(x) {
			dst = append(dst, '"')
			dst = appendEscaped(dst, x)
			return append(dst, '"')
		}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(dst, "null"...)
	}
	return append(dst, bytes.TrimRight(b.Bytes(), "\n")...)
}

// appendEscaped appends s escaped for a JSON string literal, exactly as
// the encoder escapes it (HTML characters left alone).
func appendEscaped(dst []byte, s string) []byte {
	if !plainString(s) {
		quoted := appendJSON(nil, s)
		return append(dst, quoted[1:len(quoted)-1]...)
	}
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}

const hexDigits = "0123456789abcdef"

// plainString reports whether escaping s only concerns ASCII characters:
// s is valid UTF-8 without U+2028 and U+2029 (which the encoder escapes,
// as it replaces invalid bytes).
func plainString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.ValidString(s) && !strings.ContainsRune(s, '\u2028') && !strings.ContainsRune(s, '\u2029')
		}
	}
	return true
}
