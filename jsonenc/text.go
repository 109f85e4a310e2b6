package jsonenc

import (
	"strings"
	"unicode/utf8"
)

// AppendString appends s as a JSON string literal, escaped as encoding/json
// escapes it without HTML escaping: quotes, backslashes and control
// characters, U+2028 and U+2029 (which JavaScript reads as line ends), and
// invalid UTF-8 as U+FFFD.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			dst = appendEscapedByte(dst, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendEscapedByte appends the escape of an ASCII byte that needs one.
func appendEscapedByte(dst []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(dst, '\\', c)
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	return append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
}

// AppendValid appends valid encoded JSON (it was decoded, or written by
// this package) without the whitespace between its tokens. Invalid input
// is copied in some form; use AppendRaw when it may be invalid.
func AppendValid(dst []byte, raw string) []byte {
	start := 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			i, _ = StringEnd(raw, i+1)
		case ' ', '\t', '\n', '\r':
			dst = append(dst, raw[start:i]...)
			start = i + 1
		}
	}
	return append(dst, raw[start:]...)
}

// StringEnd returns the index of the quote that closes the JSON string
// literal whose content starts at i (len(raw) when none does), and whether
// the content holds escapes. The short strings of keys and most values are
// read byte by byte; past shortString bytes it jumps from quote to quote.
func StringEnd(raw string, i int) (end int, escaped bool) {
	start := i
	for stop := min(len(raw), i+shortString); i < stop; i++ {
		switch raw[i] {
		case '"':
			return i, escaped
		case '\\':
			escaped = true
			i++ // the escaped character, whatever it is
		}
	}
	if i >= len(raw) {
		return len(raw), escaped
	}
	for {
		q := strings.IndexByte(raw[i:], '"')
		if q < 0 {
			return len(raw), escaped || strings.IndexByte(raw[start:], '\\') >= 0
		}
		end = i + q
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for k := end - 1; k >= start && raw[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return end, escaped || strings.IndexByte(raw[start:end], '\\') >= 0
		}
		i = end + 1
	}
}

// shortString is how many bytes of a string StringEnd reads one by one
// before it looks for quotes with strings.IndexByte, whose call costs more
// than reading a short key.
const shortString = 24

// validNumber reports whether s is a JSON number, as encoding/json checks
// a json.Number before writing it.
func validNumber(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == '-' {
		s = s[1:]
		if s == "" {
			return false
		}
	}
	switch {
	case s[0] == '0':
		s = s[1:]
	case '1' <= s[0] && s[0] <= '9':
		s = skipDigits(s[1:])
	default:
		return false
	}
	if len(s) >= 2 && s[0] == '.' && isDigit(s[1]) {
		s = skipDigits(s[2:])
	}
	if len(s) >= 2 && (s[0] == 'e' || s[0] == 'E') {
		s = s[1:]
		if s[0] == '+' || s[0] == '-' {
			s = s[1:]
		}
		if s == "" || !isDigit(s[0]) {
			return false
		}
		s = skipDigits(s)
	}
	return s == ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func skipDigits(s string) string {
	for s != "" && isDigit(s[0]) {
		s = s[1:]
	}
	return s
}
