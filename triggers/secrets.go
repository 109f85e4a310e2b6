package triggers

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
)

// minSecretLength is the shortest `$env` value that is redacted from run
// records. Shorter values ("1", "eu", "dev") cannot be told apart from
// ordinary text and redacting them would mangle every record; they are no
// secrets either.
const minSecretLength = 4

// secrets removes the values of `$env` variables from what run records
// store: every occurrence inside a string becomes "[REDACTED]", wherever
// it sits (the trigger, rendered step options such as an Authorization
// header, step results, the run's result and error). Object keys are left
// as they are.
type secrets struct {
	values   []string // longest first, so a longer secret wins over a shorter one inside it
	escaped  [][]byte // the values as they appear inside JSON string literals
	replacer *strings.Replacer
}

// newSecrets returns the redactor for an `$env`, or nil when no value is
// long enough to be redacted (then records are stored untouched, at no cost).
func newSecrets(env map[string]any) *secrets {
	var values []string
	for _, v := range env {
		if s, ok := v.(string); ok && len(s) >= minSecretLength {
			values = append(values, s)
		}
	}
	if len(values) == 0 {
		return nil
	}
	sort.Slice(values, func(i, j int) bool { return len(values[i]) > len(values[j]) })
	s := &secrets{values: values}
	pairs := make([]string, 0, 2*len(values))
	for _, v := range values {
		pairs = append(pairs, v, redacted)
		quoted, _ := json.Marshal(v)
		s.escaped = append(s.escaped, quoted[1:len(quoted)-1])
	}
	s.replacer = strings.NewReplacer(pairs...)
	return s
}

// redact returns v with secrets replaced. Values without secrets are
// returned as they are; containers holding one are copied, never changed,
// because run values share maps with the data chain and compiled plans.
func (s *secrets) redact(v any) any {
	if s == nil {
		return v
	}
	out, _ := s.walk(v)
	return out
}

// redactMap is redact for an object.
func (s *secrets) redactMap(m map[string]any) map[string]any {
	if out, ok := s.redact(m).(map[string]any); ok {
		return out
	}
	return m
}

func (s *secrets) walk(v any) (any, bool) {
	switch x := v.(type) {
	case nil, bool, float64, int, int64:
		return v, false
	case string:
		if s.containsString(x) {
			return s.replacer.Replace(x), true
		}
		return v, false
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if r, changed := s.walk(e); changed {
				if out == nil {
					out = make(map[string]any, len(x))
					for k2, e2 := range x {
						out[k2] = e2
					}
				}
				out[k] = r
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range x {
			if r, changed := s.walk(e); changed {
				if out == nil {
					out = append([]any(nil), x...)
				}
				out[i] = r
			}
		}
		if out == nil {
			return v, false
		}
		return out, true
	case json.RawMessage:
		return s.walkJSON(x)
	default:
		// Other Go values (typed slices, structs from custom operations)
		// are checked in the JSON form the record will store.
		raw, err := json.Marshal(x)
		if err != nil {
			return v, false
		}
		if out, changed := s.walkJSON(raw); changed {
			return out, true
		}
		return v, false
	}
}

// walkJSON redacts encoded JSON by decoding it: replacing inside the bytes
// could break the document (a secret "123" in `{"n": 123}`).
func (s *secrets) walkJSON(raw []byte) (any, bool) {
	found := false
	for i, v := range s.values {
		if bytes.Contains(raw, []byte(v)) || bytes.Contains(raw, s.escaped[i]) {
			found = true
			break
		}
	}
	if !found {
		return json.RawMessage(raw), false
	}
	var decoded any
	if err := json.Unmarshal(raw, &decoded); err != nil {
		return redacted, true
	}
	out, _ := s.walk(decoded)
	return out, true
}

func (s *secrets) containsString(x string) bool {
	for _, v := range s.values {
		if strings.Contains(x, v) {
			return true
		}
	}
	return false
}
