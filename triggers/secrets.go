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

// secrets are the values of `$env` variables, which run records never
// show: every occurrence inside a string becomes "[REDACTED]", wherever it
// sits (the trigger, rendered step options such as an Authorization
// header, step results, the run's result and error). The scrubber applies
// them.
type secrets struct {
	values   []string // longest first, so a longer secret wins over a shorter one inside it
	escaped  [][]byte // the values as they appear inside JSON string literals
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
		if bytes.Contains(raw, []byte(v)) || bytes.Contains(raw, s.escaped[i]) {
			return true
		}
	}
	return false
}
