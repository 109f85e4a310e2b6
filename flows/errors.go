package flows

import (
	"fmt"
	"strings"
)

// ValidationError is one finding about an uploaded document: where (a path such
// as `operations[1].options.filter`) and what is wrong.
type ValidationError struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// Error formats the finding as "path: message".
func (e ValidationError) Error() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

// ValidationErrors collects every finding of one validation pass, so an author
// sees all problems at once instead of fixing them one upload at a time.
type ValidationErrors []ValidationError

// Error lists every finding.
func (v ValidationErrors) Error() string {
	parts := make([]string, len(v))
	for i, e := range v {
		parts[i] = e.Error()
	}
	return "invalid flow: " + strings.Join(parts, "; ")
}

// Add records a finding at path.
func (v *ValidationErrors) Add(path, format string, args ...any) {
	*v = append(*v, ValidationError{Path: path, Message: fmt.Sprintf(format, args...)})
}

// Merge records findings that are relative to prefix (e.g. an operation's
// options) under it.
func (v *ValidationErrors) Merge(prefix string, other ValidationErrors) {
	for _, e := range other {
		*v = append(*v, ValidationError{Path: JoinPath(prefix, e.Path), Message: e.Message})
	}
}

// Err returns nil when there are no findings, so callers can write
// `return v.Err()` without the typed-nil trap.
func (v ValidationErrors) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// JoinPath joins a path prefix and a relative path ("a" + "b" = "a.b",
// "a" + "[0]" = "a[0]").
func JoinPath(prefix, rel string) string {
	switch {
	case prefix == "":
		return rel
	case rel == "":
		return prefix
	case strings.HasPrefix(rel, "["):
		return prefix + rel
	default:
		return prefix + "." + rel
	}
}

// Unique drops repeated findings (the same path and message reported by two
// checks), keeping the first occurrence's order.
func (v ValidationErrors) Unique() ValidationErrors {
	seen := make(map[ValidationError]bool, len(v))
	out := v[:0:0]
	for _, e := range v {
		if !seen[e] {
			seen[e] = true
			out = append(out, e)
		}
	}
	return out
}
