package redact

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
)

// MinSecretLength is the shortest value hidden as a secret. Shorter `$env`
// values ("1", "eu", "dev") cannot be told apart from ordinary text, and
// hiding them would mangle every string they appear in; they are no
// secrets either.
const MinSecretLength = 4

// Secrets are values nobody is shown: those of `$env` variables, and the
// credentials a request carried (its Authorization header, a password
// field). Every occurrence inside a string becomes Placeholder, wherever
// it sits, so a flow that copies a credential elsewhere does not leak it
// either. A nil *Secrets holds nothing and hides nothing, at no cost.
type Secrets struct {
	values   []string // longest first, so a longer secret wins over a shorter one inside it
	escaped  [][]byte // the values as they appear inside JSON string literals; nil when the same
	replacer *strings.Replacer
}

// EnvSecrets returns the values of an `$env` to hide (its strings of at
// least MinSecretLength bytes), or nil when there is none.
func EnvSecrets(env map[string]any) *Secrets {
	var values []string
	for _, v := range env {
		if s, ok := v.(string); ok && len(s) >= MinSecretLength {
			values = append(values, s)
		}
	}
	if len(values) == 0 {
		return nil
	}
	s := &Secrets{}
	s.set(values)
	pairs := make([]string, 0, 2*len(s.values))
	for _, v := range s.values {
		pairs = append(pairs, v, Placeholder)
	}
	s.replacer = strings.NewReplacer(pairs...)
	return s
}

// set makes values the secrets, longest first.
func (s *Secrets) set(values []string) {
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
func (s *Secrets) plus(more []string) []string {
	var values []string
	if s != nil {
		values = make([]string, len(s.values), len(s.values)+len(more))
		copy(values, s.values)
	}
	for _, v := range more {
		if len(v) >= MinSecretLength && !slices.Contains(values, v) {
			values = append(values, v)
		}
	}
	return values
}

// Len is the number of values.
func (s *Secrets) Len() int {
	if s == nil {
		return 0
	}
	return len(s.values)
}

// Replace hides every secret in x. Without a replacer (built once for
// `$env`, too costly per request) it works value by value.
func (s *Secrets) Replace(x string) string {
	if s == nil {
		return x
	}
	if s.replacer != nil {
		return s.replacer.Replace(x)
	}
	for _, v := range s.values {
		x = strings.ReplaceAll(x, v, Placeholder)
	}
	return x
}

// InString reports whether a string holds a secret.
func (s *Secrets) InString(x string) bool {
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

// InJSON reports whether encoded JSON may hold a secret.
func (s *Secrets) InJSON(raw []byte) bool {
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

// Hide returns v with every secret inside its strings replaced by
// Placeholder; the names of fields play no part. Maps and slices that
// hold none are returned as they are; v is never changed. Reports built
// from rendered options — a condition's `expected` is
// `{{$env.WEBHOOK_SECRET}}` in an API key check — and the error answers of
// runs go through it, so a caller who fails a check is never shown the
// secret it was checked against.
func (s *Secrets) Hide(v any) any {
	if s.Len() == 0 {
		return v
	}
	sc := Scrubber{secrets: s}
	return sc.Value(v)
}
