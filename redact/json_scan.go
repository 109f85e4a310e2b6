package redact

import "github.com/hookflow/hookflow/jsonenc"

// CleanJSON reports whether encoded JSON (already known to be valid) can
// be kept as it is: no object key is a secret name (IsSecretName), no
// string is longer than maxString and objects and arrays nest at most
// maxDepth levels (a limit of zero is none). It reads the bytes once,
// which costs a fraction of walking the decoded value; when it says no,
// the caller walks the decoded value to fix what it found. A key written
// with escapes is not decoded here: it counts as not clean.
func CleanJSON(raw string, maxString, maxDepth int) bool {
	clean, _ := scanJSON(raw, maxString, maxDepth)
	return clean
}

// scanJSON is CleanJSON that also reports whether whitespace separates
// tokens, so that a caller keeping the bytes knows, from the same pass,
// whether they are compact already.
func scanJSON(raw string, maxString, maxDepth int) (clean, spaced bool) {
	depth := 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '{', '[':
			if depth++; maxDepth > 0 && depth > maxDepth {
				return false, spaced
			}
			continue
		case '}', ']':
			depth--
			continue
		case ' ', '\t', '\n', '\r':
			spaced = true
			continue
		case '"':
		default:
			continue
		}
		start := i + 1
		end, escaped := jsonenc.StringEnd(raw, start)
		i = end
		if maxString > 0 && i-start > maxString {
			return false, spaced
		}
		// A string followed by a colon is an object key.
		j := i + 1
		for j < len(raw) && (raw[j] == ' ' || raw[j] == '\t' || raw[j] == '\n' || raw[j] == '\r') {
			j++
		}
		spaced = spaced || j > i+1
		if j < len(raw) && raw[j] == ':' && (escaped || IsSecretName(raw[start:i])) {
			return false, spaced
		}
	}
	return true, spaced
}
