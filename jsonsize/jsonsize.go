// Package jsonsize tells how long the JSON encoding of a decoded value is
// without encoding it. Values in a flow's data chain share members: an
// object built from a thousand `{{$trigger}}` placeholders holds a thousand
// references to one payload and costs a few kilobytes of memory, yet its
// encoding (a response, a run record, an outgoing body) is a thousand
// payloads long. Renderers and the exec operation use Compact to refuse
// such a value before anything encodes it.
//
// The walk stops as soon as the size passes the caller's limit, so its
// cost is bounded by the limit, not by the value. Sizes are exact for the
// types JSON decodes into (strings, float64, bool, nil, maps, slices) and
// json.Number, except that strings count U+2028, U+2029 and invalid UTF-8
// as their raw bytes (encoders escape them to six bytes).
package jsonsize

import (
	"encoding/json"
	"math"
	"strconv"
)

// Compact returns the length of v's compact JSON encoding, or a number
// larger than limit once the walk has passed limit.
func Compact(v any, limit int) int {
	w := walker{limit: limit}
	return w.size(v, 0)
}

// Indented is Compact for the layout of json.MarshalIndent(v, "", "  ").
func Indented(v any, limit int) int {
	w := walker{limit: limit, indent: true}
	return w.size(v, 0)
}

// String returns the length of s as a JSON string literal, quotes
// included.
func String(s string) int {
	n := len(s) + 2
	for i := 0; i < len(s); i++ {
		n += int(escapeExtra[s[i]])
	}
	return n
}

// escapeExtra is what escaping adds to each byte: `\"`, `\\` and the short
// escapes (\b \f \n \r \t) one byte, other control characters five
// (\u00XX).
var escapeExtra = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = 5
	}
	for _, c := range []byte{'"', '\\', '\b', '\f', '\n', '\r', '\t'} {
		t[c] = 1
	}
	return t
}()

type walker struct {
	limit  int
	indent bool
	total  int // bytes counted so far, across the whole walk
}

// size returns v's encoded length at nesting depth (indentation only),
// adding it to w.total; once w.total passes the limit it stops walking and
// returns what it has counted.
func (w *walker) size(v any, depth int) int {
	n := 0
	switch x := v.(type) {
	case nil:
		n = 4
	case bool:
		n = 5
		if x {
			n = 4
		}
	case string:
		n = String(x)
	case json.Number:
		n = len(x)
	case float64:
		n = floatSize(x)
	case int:
		n = intSize(int64(x))
	case int64:
		n = intSize(x)
	case map[string]any:
		return objectSize(w, x, depth)
	case map[string]string:
		return objectSize(w, x, depth)
	case []any:
		return arraySize(w, x, depth)
	case []string:
		start := w.open(len(x), depth)
		for i := 0; i < len(x) && w.total <= w.limit; i++ {
			w.total += String(x[i])
		}
		return w.total - start
	case []map[string]any:
		return arraySize(w, x, depth)
	default:
		// Types the data chain rarely holds (an operation's own structs):
		// their encoding is their size.
		raw, err := json.Marshal(x)
		if w.indent {
			raw, err = json.MarshalIndent(x, "", "  ")
		}
		if err != nil {
			n = 4 // encoders write what cannot be encoded as null
		} else {
			n = len(raw)
		}
	}
	w.total += n
	return n
}

// objectSize is size for an object: its brackets, then its members until
// the limit is passed.
func objectSize[V any](w *walker, x map[string]V, depth int) int {
	start := w.open(len(x), depth)
	for k, e := range x {
		if !w.member(k, e, depth) {
			break
		}
	}
	return w.total - start
}

// arraySize is size for an array: its brackets, then its elements until
// the limit is passed.
func arraySize[E any](w *walker, x []E, depth int) int {
	start := w.open(len(x), depth)
	for i := 0; i < len(x) && w.total <= w.limit; i++ {
		w.size(x[i], depth+1)
	}
	return w.total - start
}

// open counts the brackets and separators of an object or array of count
// members and returns the total before them.
func (w *walker) open(count, depth int) int {
	start := w.total
	w.total += 2 + w.frame(count, depth)
	return start
}

// member counts one object member; false once the limit is passed.
func (w *walker) member(k string, e any, depth int) bool {
	w.total += String(k) + 1
	if w.indent {
		w.total++ // the space after the colon
	}
	w.size(e, depth+1)
	return w.total <= w.limit
}

// frame is what separates count members at depth: commas, and with
// indentation a newline and the member's indentation before each member
// and a newline and the closing indentation at the end.
func (w *walker) frame(count, depth int) int {
	if count == 0 {
		return 0
	}
	n := count - 1
	if w.indent {
		n += count*(1+2*(depth+1)) + 1 + 2*depth
	}
	return n
}

// floatSize is the length of x as encoders write it.
func floatSize(x float64) int {
	if x == math.Trunc(x) && math.Abs(x) < 1e15 {
		return intSize(int64(x))
	}
	var buf [32]byte
	if a := math.Abs(x); a >= 1e-6 && a < 1e21 {
		return len(strconv.AppendFloat(buf[:0], x, 'f', -1, 64))
	}
	out := strconv.AppendFloat(buf[:0], x, 'e', -1, 64)
	// Encoders write e-7, not e-07.
	if n := len(out); n >= 4 && out[n-2] == '0' && (out[n-3] == '-' || out[n-3] == '+') {
		return n - 1
	}
	return len(out)
}

// intSize is the number of characters of n in decimal.
func intSize(n int64) int {
	size := 1
	if n < 0 {
		size++
		if n == math.MinInt64 {
			return 20
		}
		n = -n
	}
	for n >= 10 {
		n /= 10
		size++
	}
	return size
}
