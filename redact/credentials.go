package redact

import "strings"

// CredentialStrings appends the strings inside v (the value of a
// secret-named field or credential header) to out. Of "Bearer abc" only
// "abc" is kept: a flow may pass a token on without its scheme, and hiding
// it hides the whole header value as well.
func CredentialStrings(out []string, v any) []string {
	if out == nil {
		out = make([]string, 0, 4)
	}
	switch x := v.(type) {
	case string:
		if scheme, cred, ok := strings.Cut(x, " "); ok && isScheme(scheme) && strings.TrimSpace(cred) != "" {
			x = strings.TrimSpace(cred)
		}
		out = append(out, x)
	case map[string]any:
		for _, e := range x {
			out = CredentialStrings(out, e)
		}
	case []any:
		for _, e := range x {
			out = CredentialStrings(out, e)
		}
	}
	return out
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
