package triggers

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// minSecretLength is the shortest `$env` value that is redacted from run
// records. Shorter values ("1", "eu", "dev") cannot be told apart from
// ordinary text and redacting them would mangle every record; they are no
// secrets either.
const minSecretLength = 4

// secrets are values run records never show: those of `$env` variables,
// and the credentials a request carried (its Authorization header, a
// password field). Every occurrence inside a string becomes "[REDACTED]",
// wherever it sits (the trigger, rendered step options, step results, the
// run's result and error), so a flow that copies a credential elsewhere
// does not leak it either. The scrubber applies them.
type secrets struct {
	values   []string // longest first, so a longer secret wins over a shorter one inside it
	escaped  [][]byte // the values as they appear inside JSON string literals; nil when the same
	replacer *strings.Replacer
}

// newSecrets returns the values of an `$env` to hide, or nil when no value
// is long enough to be redacted (then strings are stored untouched, at no
// cost).
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
	s := secretValues(values)
	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, redacted)
	}
	s.replacer = strings.NewReplacer(pairs...)
	return s
}

// secretValues returns the secrets of values. Without a replacer (built
// once for `$env`, too costly per request) replace works value by value.
func secretValues(values []string) *secrets {
	s := &secrets{}
	s.set(values)
	return s
}

// set makes values the secrets, longest first.
func (s *secrets) set(values []string) {
	slices.SortFunc(values, func(a, b string) int { return len(b) - len(a) })
	s.values = values
	for i, v := range values {
		if needsEscaping(v) {
			if s.escaped == nil {
				s.escaped = make([][]byte, len(values))
			}
			quoted, _ := json.Marshal(v)
			s.escaped[i] = quoted[1 : len(quoted)-1]
		}
	}
}

// needsEscaping reports whether a string reads differently inside a JSON
// string literal (quotes, backslashes, control characters, and what
// encoding/json escapes for HTML).
func needsEscaping(v string) bool {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c < 0x20, c == '"', c == '\\', c == '<', c == '>', c == '&', c >= 0x80:
			return true
		}
	}
	return false
}

// plus returns the values of s and more (a request's credentials) that
// are long enough to hide, without repeats.
func (s *secrets) plus(more []string) []string {
	var values []string
	if s != nil {
		values = make([]string, len(s.values), len(s.values)+len(more))
		copy(values, s.values)
	}
	for _, v := range more {
		if len(v) >= minSecretLength && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	return values
}

// count is the number of values.
func (s *secrets) count() int {
	if s == nil {
		return 0
	}
	return len(s.values)
}

// replace hides every secret in x.
func (s *secrets) replace(x string) string {
	if s.replacer != nil {
		return s.replacer.Replace(x)
	}
	for _, v := range s.values {
		x = strings.ReplaceAll(x, v, redacted)
	}
	return x
}

// inString reports whether a string holds a secret.
func (s *secrets) inString(x string) bool {
	if s == nil {
		return false
	}
	for _, v := range s.values {
		if strings.Contains(x, v) {
			return true
		}
	}
	return false
}

// inJSON reports whether encoded JSON may hold a secret.
func (s *secrets) inJSON(raw []byte) bool {
	if s == nil {
		return false
	}
	for i, v := range s.values {
		if bytes.Contains(raw, []byte(v)) || (s.escaped != nil && s.escaped[i] != nil && bytes.Contains(raw, s.escaped[i])) {
			return true
		}
	}
	return false
}
