// Package jsonnum decodes JSON so that every number keeps the digits it
// was written with, and reads such numbers back. It is the one place that
// says what a number in a decoded document is (docs/items.md: items are
// stored exactly as written):
//
//   - a float64 when encoding that float64 gives back exactly the text that
//     was sent: 42, 99.99, -0.5, 1e+21 — nearly every number;
//   - a json.Number holding the text otherwise: 12345678901234567890,
//     9007199254740993, 0.1000000000000000055511151231257827, 1.0, 1E2,
//     1e400.
//
// Encoders (encoding/json and goccy/go-json) write a json.Number as its
// text, so a decoded value is written back with the digits it came with.
// Code that reads numbers accepts both forms through Float, Int and
// AppendText. Keeping float64 for the numbers a float64 holds exactly keeps
// the common case as cheap as a plain decode: one scan of the text decides
// that no number needs its text, and the ordinary decoder runs.
package jsonnum

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unsafe"

	gojson "github.com/goccy/go-json"
)

// Decode parses one JSON document into the values encoding/json gives
// `any` (map[string]any, []any, string, bool, nil), numbers as described
// in the package documentation. Malformed JSON and text after the document
// are errors.
func Decode(data []byte) (any, error) {
	var v any
	if floatsOnly(data) {
		if err := gojson.Unmarshal(data, &v); err != nil {
			return nil, err
		}
		return v, nil
	}
	dec := gojson.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n"); len(rest) > 0 {
		return nil, fmt.Errorf("invalid character %q after top-level value", rest[0])
	}
	return settle(v), nil
}

// DecodeObject parses a document that must be a JSON object.
func DecodeObject(data []byte) (map[string]any, error) {
	v, err := Decode(data)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok && v != nil {
		return nil, errNotObject
	}
	return m, nil
}

var errNotObject = errors.New("the JSON document is not an object")

// floatsOnly reports whether every number in encoded JSON is one a float64
// holds exactly (isFloatText). It reads the text once, skipping string
// literals, and allocates nothing. Invalid JSON gives some answer: the
// decoder reports it.
func floatsOnly(data []byte) bool {
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			i = stringEnd(data, i+1)
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			for j < len(data) && isNumberByte(data[j]) {
				j++
			}
			// The text is only read, never kept: no copy is needed.
			if !isFloatText(unsafe.String(&data[i], j-i)) {
				return false
			}
			i = j - 1
		}
	}
	return true
}

// stringEnd is the index of the quote closing the string literal whose
// content starts at i (len(data) when it is not closed).
func stringEnd(data []byte, i int) int {
	for {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return len(data)
		}
		end := i + q
		// The quote is escaped when an odd number of backslashes precede it.
		n := 0
		for k := end - 1; k >= i && data[k] == '\\'; k-- {
			n++
		}
		if n%2 == 0 {
			return end
		}
		i = end + 1
	}
}

func isNumberByte(c byte) bool {
	return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// settle turns the json.Numbers of a freshly decoded value that a float64
// holds exactly into float64, in place.
func settle(v any) any {
	switch x := v.(type) {
	case json.Number:
		return FromText(string(x))
	case map[string]any:
		for k, e := range x {
			switch e.(type) {
			case json.Number, map[string]any, []any:
				x[k] = settle(e)
			}
		}
	case []any:
		for i, e := range x {
			x[i] = settle(e)
		}
	}
	return v
}

// FromText is the value a valid JSON number text decodes to: a float64
// when it holds the text exactly, else the text as a json.Number.
func FromText(text string) any {
	if isFloatText(text) {
		if f, err := parseFloat(text); err == nil {
			return f
		}
	}
	return json.Number(text)
}
