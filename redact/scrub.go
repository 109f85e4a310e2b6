package redact

import (
	"encoding/json"
	"fmt"
	"maps"
	"unicode/utf8"

	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonnum"
)

// Scrubber prepares values to be kept where others read them (run
// records): the values of fields whose names hold credentials
// (IsSecretName) become Placeholder, secret values inside strings too,
// strings over a size are cut with a marker, and objects and arrays nested
// deeper than a depth are replaced by a marker (a sender may post a body
// 9000 levels deep; its run record must stay readable by jq and Python).
//
// It runs on the request path for every recorded run, so it only walks
// what it is given, allocates nothing for values that need no change, and
// copies — never changes — the containers that do: values share maps with
// the data chain and compiled plans.
type Scrubber struct {
	secrets   *Secrets // nil when none
	names     bool     // hide the values of secret-named fields
	maxString int      // 0: strings are kept whole
	maxDepth  int      // 0: any depth is kept
	found     *[]string
}

// NewScrubber returns a scrubber that hides secrets and the values of
// secret-named fields, cuts strings longer than maxString bytes and
// replaces objects and arrays nested deeper than maxDepth levels (no limit
// when zero).
func NewScrubber(secrets *Secrets, maxString, maxDepth int) *Scrubber {
	return &Scrubber{
		secrets:   secrets,
		names:     true,
		maxString: maxString,
		maxDepth:  maxDepth,
	}
}

// Collecting returns s that also appends to found the strings it hides
// under secret names (CredentialStrings), so that a request's credentials
// can be hidden wherever the run copies them (WithCredentials).
func (s *Scrubber) Collecting(found *[]string) Scrubber {
	c := *s
	c.found = found
	return c
}

// WithCredentials returns the scrubber for the rest of a run whose request
// carried credentials: their values are hidden wherever they reappear.
func (s *Scrubber) WithCredentials(credentials []string) *Scrubber {
	if len(credentials) == 0 {
		return s
	}
	values := s.secrets.plus(credentials)
	if len(values) == s.secrets.Len() {
		return s // nothing long enough to hide
	}
	// One allocation for the run's scrubber and its secrets.
	r := &struct {
		scrubber Scrubber
		values   Secrets
	}{scrubber: *s}
	r.values.set(values)
	r.scrubber.secrets, r.scrubber.found = &r.values, nil
	return &r.scrubber
}

// Value returns v as it may be kept.
func (s *Scrubber) Value(v any) any {
	out, _ := s.walk(v, 0)
	return out
}

// Object is Value for an object.
func (s *Scrubber) Object(m map[string]any) map[string]any {
	if out, ok := s.Value(m).(map[string]any); ok {
		return out
	}
	return m
}

// KeepsJSON reports whether valid encoded JSON can be kept as it is: it
// holds no secret, no secret-named key (CleanJSON), no string too long and
// nothing nested too deep. It reads the bytes once, which costs a fraction
// of walking the decoded value; spaced reports, from the same pass,
// whether whitespace separates its tokens (a compact copy leaves it out).
func (s *Scrubber) KeepsJSON(raw string) (keep, spaced bool) {
	clean, spaced := scanJSON(raw, s.maxString, s.maxDepth)
	return clean && !s.secrets.InString(raw), spaced
}

// walk returns v, found inside depth objects and arrays, scrubbed and
// whether anything changed.
func (s *Scrubber) walk(v any, depth int) (any, bool) {
	switch x := v.(type) {
	case nil, bool, float64, int, int64, json.Number:
		return v, false
	case string:
		if out, changed := s.Text(x); changed {
			return out, true
		}
		return v, false
	case map[string]any:
		if s.maxDepth > 0 && depth >= s.maxDepth {
			return tooDeep(s.maxDepth), true
		}
		if out, changed := s.walkMap(x, depth+1); changed {
			return out, true
		}
		return v, false
	case []any:
		if s.maxDepth > 0 && depth >= s.maxDepth {
			return tooDeep(s.maxDepth), true
		}
		var out []any
		for i, e := range x {
			if r, changed := s.walk(e, depth+1); changed {
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
		return s.walkJSON(x, depth)
	default:
		// Other Go values (typed slices, structs from custom operations)
		// are checked in the JSON form they will be written in.
		raw, err := json.Marshal(x)
		if err != nil {
			return v, false
		}
		if out, changed := s.walkJSON(raw, depth); changed {
			return out, true
		}
		return v, false
	}
}

// walkMap scrubs an object whose members are at depth: secret-named
// members are hidden, the others walked.
func (s *Scrubber) walkMap(x map[string]any, depth int) (map[string]any, bool) {
	var out map[string]any
	for k, e := range x {
		r, changed := e, false
		if s.names && IsSecretName(k) {
			r, changed = hideNamed(e)
			if changed && s.found != nil {
				*s.found = CredentialStrings(*s.found, e)
			}
		} else {
			r, changed = s.walk(e, depth)
		}
		if changed {
			if out == nil {
				out = maps.Clone(x)
			}
			out[k] = r
		}
	}
	if out == nil {
		return nil, false
	}
	return out, true
}

// tooDeep is the marker of values nested deeper than limit levels. It is
// built when needed (rarely) rather than kept in the Scrubber: a field
// handed out as an interface would make the escape analysis move every
// Scrubber, and what it points to, to the heap.
func tooDeep(limit int) string {
	return fmt.Sprintf("[nested deeper than %d levels]", limit)
}

// hideNamed redacts the value of a secret-named field. Numbers, booleans
// and null stay: they are counts and flags ("total_tokens": 812,
// "remember_password": true), not credentials.
func hideNamed(v any) (any, bool) {
	switch v.(type) {
	case nil, bool, float64, int, int64, json.Number:
		return v, false
	case string:
		if v == Placeholder {
			return v, false
		}
	}
	return Placeholder, true
}

// Text scrubs a string: secrets are replaced, and a string over the limit
// is cut on a character boundary with a marker giving its size.
func (s *Scrubber) Text(x string) (string, bool) {
	changed := false
	if s.secrets.InString(x) {
		x, changed = s.secrets.Replace(x), true
	}
	if s.maxString > 0 && len(x) > s.maxString {
		x, changed = truncate(x, s.maxString), true
	}
	return x, changed
}

// truncate cuts a string to at most limit bytes of its beginning, marked.
func truncate(x string, limit int) string {
	cut := limit
	for cut > 0 && !utf8.RuneStart(x[cut]) {
		cut--
	}
	return fmt.Sprintf("%s…[truncated: %d bytes]", x[:cut], len(x))
}

// walkJSON scrubs encoded JSON found at depth by decoding it — replacing
// inside the bytes could break the document (a secret "123" in
// `{"n": 123}`) — but only when it may need it.
func (s *Scrubber) walkJSON(raw []byte, depth int) (any, bool) {
	if !s.mayChangeJSON(raw, depth) {
		return json.RawMessage(raw), false
	}
	decoded, err := jsonnum.Decode(raw)
	if err != nil {
		return Placeholder, true
	}
	out, _ := s.walk(decoded, depth)
	return out, true
}

// mayChangeJSON reports whether encoded JSON found at depth may need a
// change, by cheap looks at its bytes.
func (s *Scrubber) mayChangeJSON(raw []byte, depth int) bool {
	return s.secrets.InJSON(raw) ||
		s.maxString > 0 && len(raw) > s.maxString ||
		s.names && MayNameSecret(raw) ||
		s.maxDepth > 0 && jsondepth.Exceeds(raw, s.maxDepth-depth)
}
