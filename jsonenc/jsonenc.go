// Package jsonenc is the JSON encoder of the hot write paths (run records):
// compact JSON appended to a caller's buffer, object members in map
// order, `<`, `>` and `&` left as they are. The types JSON decodes into
// (maps, slices, strings, float64, json.Number, bool, nil) are written by
// hand, which walks a run's values several times faster than a reflecting
// encoder (docs/benchmarks.md); anything else goes to goccy/go-json. The
// output reads as encoding/json's (SetEscapeHTML(false)) reads: strings
// escaped the same way, numbers in the same form, NaN and infinities
// refused. Swapping the codec means changing this package only.
package jsonenc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"unsafe"

	gojson "github.com/goccy/go-json"
	"github.com/hookflow/hookflow/jsonnum"
)

// Appender is a value that writes its own JSON (already compact).
type Appender interface {
	AppendJSON(dst []byte) ([]byte, error)
}

// Encoded is JSON this package wrote: valid and compact, so it is
// appended as it is, without the check a json.RawMessage gets.
type Encoded []byte

// ErrUnsupportedValue is returned for a number JSON cannot hold (NaN, an
// infinity) and for invalid raw JSON.
var ErrUnsupportedValue = errors.New("value cannot be encoded as JSON")

// Marshal returns v as compact JSON.
func Marshal(v any) ([]byte, error) { return Append(nil, v) }

// Append appends v as compact JSON to dst. On error dst is returned as it
// was given.
func Append(dst []byte, v any) ([]byte, error) {
	out, err := appendValue(dst, v)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// AppendFloat appends a number as encoding/json writes it, refusing NaN
// and infinities.
func AppendFloat(dst []byte, f float64) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return dst, fmt.Errorf("%w: %v", ErrUnsupportedValue, f)
	}
	return jsonnum.AppendFloat(dst, f), nil
}

// appendValue appends v; on error the returned slice is unspecified.
func appendValue(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return AppendString(dst, x), nil
	case bool:
		if x {
			return append(dst, "true"...), nil
		}
		return append(dst, "false"...), nil
	case json.Number:
		if x == "" {
			return append(dst, '0'), nil // as encoding/json writes it
		}
		if !validNumber(string(x)) {
			return dst, fmt.Errorf("%w: invalid number %q", ErrUnsupportedValue, string(x))
		}
		return append(dst, x...), nil
	case float64, int, int64:
		out, ok := jsonnum.AppendText(dst, x)
		if !ok {
			return dst, fmt.Errorf("%w: %v", ErrUnsupportedValue, x)
		}
		return out, nil
	case map[string]any:
		return appendObject(dst, x)
	case []any:
		return appendArray(dst, x)
	case Encoded:
		return append(dst, x...), nil
	case json.RawMessage:
		return AppendRaw(dst, x)
	case Appender:
		return x.AppendJSON(dst)
	}
	return appendReflected(dst, v)
}

func appendObject(dst []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '{')
	first := true
	var err error
	for k, e := range m {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = AppendString(dst, k)
		dst = append(dst, ':')
		if dst, err = appendValue(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func appendArray(dst []byte, a []any) ([]byte, error) {
	if a == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	var err error
	for i, e := range a {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = appendValue(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// AppendRaw appends encoded JSON compacted, refusing invalid JSON as
// encoding/json refuses an invalid json.RawMessage.
func AppendRaw(dst, raw []byte) ([]byte, error) {
	if !gojson.Valid(raw) {
		return dst, fmt.Errorf("%w: invalid raw JSON", ErrUnsupportedValue)
	}
	// The bytes are only read during the call.
	return AppendValid(dst, unsafe.String(unsafe.SliceData(raw), len(raw))), nil
}

// appendReflected encodes the other Go values (structs, typed slices and
// maps) with goccy/go-json, as compact as the rest.
func appendReflected(dst []byte, v any) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := gojson.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeWithOption(v, gojson.UnorderedMap()); err != nil {
		return dst, fmt.Errorf("%w: %w", ErrUnsupportedValue, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
