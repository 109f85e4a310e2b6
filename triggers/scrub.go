package triggers

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"unicode/utf8"

	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/redact"
)

// DefaultMaxValueSize is the longest string a run record keeps whole
// (FLOWS_RUN_MAX_VALUE_SIZE, 8 KiB).
const DefaultMaxValueSize = 8 << 10

// scrubber prepares values for run records: values of fields whose names
// hold credentials (redact.IsSecretName) become "[REDACTED]", known secret values
// inside strings too, strings over maxString bytes are cut with a marker,
// and objects and arrays nested deeper than jsondepth.MaxDocument levels
// are replaced by a marker (a sender may post a body 9000 levels deep; its
// run record must stay readable by jq and Python).
//
// It runs on the request path for every recorded run, so it only walks
// what will be stored, allocates nothing for values that need no change,
// and copies — never changes — the containers that do: run values share
// maps with the data chain and compiled plans.
type scrubber struct {
	known     *secrets // `$env` values, plus the request's credentials for one run; nil when none
	maxString int
	found     *[]string // collects the values of secret-named fields (storedTrigger)
}

// newScrubber returns the scrubber of a runner.
func newScrubber(env map[string]any, maxString int) *scrubber {
	if maxString <= 0 {
		maxString = DefaultMaxValueSize
	}
	return &scrubber{known: newSecrets(env), maxString: maxString}
}

// withRequest returns the scrubber for the rest of a run whose request
// carried credentials: their values are hidden wherever they reappear.
func (s *scrubber) withRequest(credentials []string) *scrubber {
	if len(credentials) == 0 {
		return s
	}
	values := s.known.plus(credentials)
	if len(values) == s.known.count() {
		return s // nothing long enough to hide
	}
	// One allocation for the run's scrubber and its secrets.
	r := &struct {
		scrubber
		known secrets
	}{}
	r.known.set(values)
	r.scrubber = scrubber{known: &r.known, maxString: s.maxString}
	return &r.scrubber
}

// value returns v as a run record may store it.
func (s *scrubber) value(v any) any {
	out, _ := s.walk(v, 0)
	return out
}

// object is value for an object.
func (s *scrubber) object(m map[string]any) map[string]any {
	if out, ok := s.value(m).(map[string]any); ok {
		return out
	}
	return m
}

// tooDeepMarker replaces, in run records, the objects and arrays nested
// deeper than jsondepth.MaxDocument levels.
var tooDeepMarker = fmt.Sprintf("[nested deeper than %d levels]", jsondepth.MaxDocument)

// walk returns v, found inside depth objects and arrays, scrubbed and
// whether anything changed.
func (s *scrubber) walk(v any, depth int) (any, bool) {
	switch x := v.(type) {
	case nil, bool, float64, int, int64, json.Number:
		return v, false
	case string:
		if out, changed := s.text(x); changed {
			return out, true
		}
		return v, false
	case map[string]any:
		if depth >= jsondepth.MaxDocument {
			return tooDeepMarker, true
		}
		if out, changed := s.walkMap(x, depth+1); changed {
			return out, true
		}
		return v, false
	case []any:
		if depth >= jsondepth.MaxDocument {
			return tooDeepMarker, true
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
		// are checked in the JSON form the record will store.
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
func (s *scrubber) walkMap(x map[string]any, depth int) (map[string]any, bool) {
	var out map[string]any
	for k, e := range x {
		r, changed := e, false
		if redact.IsSecretName(k) {
			r, changed = hide(e)
			if changed && s.found != nil {
				collectStrings(e, s.found)
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

// hide redacts the value of a secret-named field. Numbers, booleans and
// null stay: they are counts and flags ("total_tokens": 812,
// "remember_password": true), not credentials.
func hide(v any) (any, bool) {
	switch v.(type) {
	case nil, bool, float64, int, int64, json.Number:
		return v, false
	case string:
		if v == redacted {
			return v, false
		}
	}
	return redacted, true
}

// text scrubs a string: `$env` values are replaced, and a string over the
// limit is cut on a character boundary with a marker giving its size.
func (s *scrubber) text(x string) (string, bool) {
	changed := false
	if s.known.inString(x) {
		x, changed = s.known.replace(x), true
	}
	if len(x) > s.maxString {
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
func (s *scrubber) walkJSON(raw []byte, depth int) (any, bool) {
	if !s.known.inJSON(raw) && len(raw) <= s.maxString && !redact.MayNameSecret(raw) &&
		!jsondepth.Exceeds(raw, jsondepth.MaxDocument-depth) {
		return json.RawMessage(raw), false
	}
	decoded, err := jsonnum.Decode(raw)
	if err != nil {
		return redacted, true
	}
	out, _ := s.walk(decoded, depth)
	return out, true
}

// collectStrings appends the strings inside v to out. Of a credential
// header "Bearer abc" only "abc" is kept: a flow may pass it on without
// its scheme, and hiding it hides the whole header value as well.
func collectStrings(v any, out *[]string) {
	if *out == nil {
		*out = make([]string, 0, 4)
	}
	switch x := v.(type) {
	case string:
		if scheme, cred, ok := strings.Cut(x, " "); ok && isScheme(scheme) && strings.TrimSpace(cred) != "" {
			x = strings.TrimSpace(cred)
		}
		*out = append(*out, x)
	case map[string]any:
		for _, e := range x {
			collectStrings(e, out)
		}
	case []any:
		for _, e := range x {
			collectStrings(e, out)
		}
	}
}

// isScheme reports whether s is a common HTTP authentication scheme.
func isScheme(s string) bool {
	for _, scheme := range []string{"Bearer", "Basic", "Token", "Digest"} {
		if strings.EqualFold(s, scheme) {
			return true
		}
	}
	return false
}
