package storage

import "fmt"

// maxItemDepth is how deeply an item's objects and arrays may nest. SQLite's
// JSON functions refuse a document nested deeper than 1000 levels as
// malformed, so a deeper item, once stored, would make every filter, sort,
// search and aggregate over its collection fail; it is refused when written.
const maxItemDepth = 1000

// tooDeep reports whether the objects and arrays of encoded JSON nest deeper
// than maxItemDepth. It counts brackets outside string literals: one pass
// over the bytes, no allocation.
func tooDeep(raw []byte) bool {
	depth, inString, escaped := 0, false, false
	for _, c := range raw {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxItemDepth {
				return true
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return false
}

// errTooDeep is the refusal of an item that nests deeper than maxItemDepth;
// which names the item ("item 3 of orders", "the item").
func errTooDeep(which string) error {
	return fmt.Errorf("%w: %s nests objects and arrays deeper than %d levels", ErrInvalidPayload, which, maxItemDepth)
}
