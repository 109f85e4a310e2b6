package redact

import (
	"encoding/json"

	"github.com/hookflow/hookflow/jsonenc"
	"github.com/hookflow/hookflow/jsonnum"
)

// AppendJSON appends v as Value returns it, encoded as compact JSON
// (jsonenc): the same rules applied while writing, in one pass, without
// building the scrubbed copy of what changes. A value JSON cannot hold (a
// NaN from a custom operation) is an error, as its encoding would be.
func (s *Scrubber) AppendJSON(dst []byte, v any) ([]byte, error) {
	out, err := s.appendJSON(dst, v, 0)
	if err != nil {
		return dst, err
	}
	return out, nil
}

// appendJSON appends v, found inside depth objects and arrays.
func (s *Scrubber) appendJSON(dst []byte, v any, depth int) ([]byte, error) {
	switch x := v.(type) {
	case string:
		text, _ := s.Text(x)
		return jsonenc.AppendString(dst, text), nil
	case nil, bool, float64, int, int64, json.Number:
		return jsonenc.Append(dst, x)
	case map[string]any:
		if s.maxDepth > 0 && depth >= s.maxDepth {
			return jsonenc.AppendString(dst, tooDeep(s.maxDepth)), nil
		}
		return s.appendObject(dst, x, depth+1)
	case []any:
		if s.maxDepth > 0 && depth >= s.maxDepth {
			return jsonenc.AppendString(dst, tooDeep(s.maxDepth)), nil
		}
		return s.appendArray(dst, x, depth+1)
	case json.RawMessage:
		return s.appendEncoded(dst, x, depth)
	default:
		// Other Go values (typed slices, structs from custom operations)
		// are checked in their JSON form.
		raw, err := jsonenc.Marshal(x)
		if err != nil {
			return dst, err
		}
		return s.appendEncoded(dst, raw, depth)
	}
}

// appendObject writes an object whose members are at depth: secret-named
// members hidden, the others scrubbed.
func (s *Scrubber) appendObject(dst []byte, x map[string]any, depth int) ([]byte, error) {
	if x == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '{')
	first := true
	var err error
	for k, e := range x {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = jsonenc.AppendString(dst, k)
		dst = append(dst, ':')
		if s.names && IsSecretName(k) {
			if hidden, changed := hideNamed(e); changed {
				if s.found != nil {
					*s.found = CredentialStrings(*s.found, e)
				}
				dst = jsonenc.AppendString(dst, hidden.(string))
				continue
			}
		}
		if dst, err = s.appendJSON(dst, e, depth); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendArray writes an array whose elements are at depth.
func (s *Scrubber) appendArray(dst []byte, x []any, depth int) ([]byte, error) {
	if x == nil {
		return append(dst, "null"...), nil
	}
	dst = append(dst, '[')
	var err error
	for i, e := range x {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = s.appendJSON(dst, e, depth); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendEncoded writes encoded JSON found at depth: as it is when cheap
// looks at its bytes find nothing to change, else decoded and scrubbed
// (replacing inside the bytes could break the document: a secret "123"
// in `{"n": 123}`). JSON that does not decode is hidden whole.
func (s *Scrubber) appendEncoded(dst []byte, raw []byte, depth int) ([]byte, error) {
	if !s.mayChangeJSON(raw, depth) {
		return jsonenc.AppendRaw(dst, raw)
	}
	decoded, err := jsonnum.Decode(raw)
	if err != nil {
		return jsonenc.AppendString(dst, Placeholder), nil
	}
	return s.appendJSON(dst, decoded, depth)
}
