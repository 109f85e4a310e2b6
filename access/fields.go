package access

import (
	"sort"
	"strings"

	"github.com/hookflow/hookflow/flows"
)

// fields reads the members of one uploaded document (a user, role or
// permission), recording every problem with its path so that all come back
// at once.
type fields struct {
	m      map[string]any
	prefix string // "[2]" for the third document of an array
	errs   *flows.ValidationErrors
}

// fail records a finding about key.
func (f fields) fail(key, format string, args ...any) {
	f.errs.Add(flows.JoinPath(f.prefix, key), format, args...)
}

// only reports members other than known.
func (f fields) only(known ...string) {
	keys := make([]string, 0, len(f.m))
	for k := range f.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !contains(known, k) {
			f.fail(k, "unknown field (known: %s)", strings.Join(known, ", "))
		}
	}
}

// text reads a string member; present is false when it is absent.
func (f fields) text(key string) (value string, present bool) {
	v, ok := f.m[key]
	if !ok {
		return "", false
	}
	s, isStr := v.(string)
	if !isStr {
		f.fail(key, "must be a string")
	}
	return s, true
}

// nullable reads a member that is a string or null.
func (f fields) nullable(key string) (value *string, present bool) {
	v, ok := f.m[key]
	if !ok || v == nil {
		return nil, ok
	}
	s, isStr := v.(string)
	if !isStr {
		f.fail(key, "must be a string or null")
		return nil, true
	}
	return &s, true
}

// boolean reads a boolean member.
func (f fields) boolean(key string) (value, present bool) {
	v, ok := f.m[key]
	if !ok {
		return false, false
	}
	b, isBool := v.(bool)
	if !isBool {
		f.fail(key, "must be true or false")
	}
	return b, true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
