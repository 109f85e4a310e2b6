// Package jsondepth measures how deeply encoded JSON nests, before it is
// decoded. Documents the server stores and hands back must stay readable
// by what reads them: SQLite's JSON functions refuse more than 1000
// levels, Python's json module stops near 1000 and jq 1.6 at 256, so
// uploads nested deeper than their limit are refused and run records cut
// deeper values.
package jsondepth

import (
	"encoding/json"
	"strconv"
	"strings"
)

// MaxDocument is how deeply a management document (a flow, an operation,
// a collection, a webhook, a role…) may nest, and the depth to which run
// records keep values: far beyond what a flow needs, and with the few
// levels of the API's envelope still within what jq 1.6 reads.
const MaxDocument = 128

// Exceeds reports whether the objects and arrays of encoded JSON nest
// deeper than max levels. It counts brackets outside string literals: one
// pass over the bytes, no allocation. Invalid JSON gives some answer; the
// decoder reports it.
func Exceeds[T string | []byte](raw T, max int) bool {
	depth, inString, escaped := 0, false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// frame is one open object or array of Where's scan.
type frame struct {
	array   bool
	index   int    // arrays: the element being read
	key     string // objects: the member being read
	wantKey bool   // objects: the next string is a key
}

// Where returns the path of the first object or array that nests deeper
// than max levels in encoded JSON, written as validation paths are (keys
// joined by dots, indexes in brackets: "operations[0].options.json[0]"),
// and false when nothing nests that deep. It is the slow companion of
// Exceeds, for the error message.
func Where(raw []byte, max int) (string, bool) {
	var stack []frame
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case '"':
			end := stringEnd(raw, i)
			if n := len(stack); n > 0 && !stack[n-1].array && stack[n-1].wantKey {
				stack[n-1].key, stack[n-1].wantKey = unquote(raw[i:end]), false
			}
			i = end - 1
		case '{', '[':
			if len(stack) == max {
				return path(stack), true
			}
			stack = append(stack, frame{array: c == '[', wantKey: c == '{'})
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case ',':
			if n := len(stack); n > 0 {
				if stack[n-1].array {
					stack[n-1].index++
				} else {
					stack[n-1].wantKey = true
				}
			}
		}
	}
	return "", false
}

// stringEnd is the index just past the string literal starting at start.
func stringEnd(raw []byte, start int) int {
	for i := start + 1; i < len(raw); i++ {
		switch raw[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(raw)
}

// unquote decodes a string literal, escapes included.
func unquote(lit []byte) string {
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return strings.Trim(string(lit), `"`)
	}
	return s
}

// path writes the position inside each open container.
func path(stack []frame) string {
	var b strings.Builder
	for _, f := range stack {
		switch {
		case f.array:
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + f.key)
		default:
			b.WriteString(f.key)
		}
	}
	return b.String()
}
