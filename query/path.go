package query

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// seg is one path segment. idx caches the array index a segment denotes so
// that Get never parses numbers on the hot path.
type seg struct {
	name string
	idx  int // >= 0 when name is a canonical non-negative integer, else -1
}

// Path is a parsed reference into a JSON value: dot segments, numeric
// segments and brackets (`$trigger.items[0].sku`, `headers["x-api-key"]`,
// `items.0.sku`). The zero Path has no segments and addresses the value
// itself.
type Path struct {
	segs []seg
}

// maxIndexDigits keeps index parsing free of overflow; no real array has
// more than 10^15 elements.
const maxIndexDigits = 15

// ParsePath parses a path. Accepted forms: dot segments (`a.b`), numeric
// segments (`items.0`), brackets with a number or bare word (`items[0]`,
// `a[b]`) and quoted brackets with either quote (`headers["x-api-key"]`,
// `a['b c']`, a backslash escapes the next character). Whitespace around the
// whole path and inside unquoted brackets is ignored. An empty path, an empty
// segment (`a..b`, `a.`, `a[]`), an unclosed bracket or quote, or text glued
// after a bracket (`a[0]b`) is an error.
func ParsePath(s string) (Path, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Path{}, pathError(in, "empty path")
	}
	var segs []seg
	i := 0
	for {
		var name string
		if s[i] == '[' {
			var err error
			name, i, err = parseBracket(s, i)
			if err != nil {
				return Path{}, pathError(in, err.Error())
			}
		} else {
			j := i
			for j < len(s) && s[j] != '.' && s[j] != '[' {
				if s[j] == ']' {
					return Path{}, pathError(in, "unexpected ']'")
				}
				j++
			}
			name = s[i:j]
			if name == "" {
				return Path{}, pathError(in, "empty segment")
			}
			i = j
		}
		segs = append(segs, newSeg(name))
		if i == len(s) {
			return Path{segs: segs}, nil
		}
		switch s[i] {
		case '.':
			i++
			if i == len(s) || s[i] == '.' || s[i] == '[' {
				return Path{}, pathError(in, "empty segment")
			}
		case '[':
		default:
			return Path{}, pathError(in, fmt.Sprintf("unexpected %q after ']'", s[i]))
		}
	}
}

// parseBracket reads `[...]` starting at s[i] == '[' and returns the segment
// name and the index just after the closing bracket.
func parseBracket(s string, i int) (string, int, error) {
	i++ // '['
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i < len(s) && (s[i] == '"' || s[i] == '\'') {
		q := s[i]
		i++
		var b strings.Builder
		for {
			if i >= len(s) {
				return "", 0, fmt.Errorf("unclosed quote")
			}
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				b.WriteByte(s[i+1])
				i += 2
				continue
			}
			i++
			if c == q {
				break
			}
			b.WriteByte(c)
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) || s[i] != ']' {
			return "", 0, fmt.Errorf("unclosed bracket")
		}
		return b.String(), i + 1, nil
	}
	j := strings.IndexByte(s[i:], ']')
	if j < 0 {
		return "", 0, fmt.Errorf("unclosed bracket")
	}
	name := strings.TrimSpace(s[i : i+j])
	if name == "" {
		return "", 0, fmt.Errorf("empty brackets")
	}
	if strings.ContainsAny(name, "[\"'") {
		return "", 0, fmt.Errorf("unexpected character in brackets")
	}
	return name, i + j + 1, nil
}

func pathError(path, msg string) error {
	return fmt.Errorf("invalid path %q: %s", path, msg)
}

// MustParsePath is ParsePath for constant paths in code; it panics on error.
func MustParsePath(s string) Path {
	p, err := ParsePath(s)
	if err != nil {
		panic(err)
	}
	return p
}

// pathOf builds a Path from raw segment names (used by the filter parser,
// whose field names are literal keys, never parsed).
func pathOf(names []string) Path {
	segs := make([]seg, len(names))
	for i, n := range names {
		segs[i] = newSeg(n)
	}
	return Path{segs: segs}
}

func newSeg(name string) seg {
	return seg{name: name, idx: parseIndex(name)}
}

// parseIndex returns the array index a segment denotes, or -1. Only canonical
// decimals count ("01" and "-1" are keys), as in JavaScript property access.
func parseIndex(s string) int {
	if s == "" || len(s) > maxIndexDigits || (len(s) > 1 && s[0] == '0') {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// Segments returns the raw segment names in order (for SQL translation).
func (p Path) Segments() []string {
	out := make([]string, len(p.segs))
	for i, s := range p.segs {
		out[i] = s.name
	}
	return out
}

// Head returns the first segment ("$trigger"), or "" for the empty path.
func (p Path) Head() string {
	if len(p.segs) == 0 {
		return ""
	}
	return p.segs[0].name
}

// Tail returns the path without its first segment; it shares memory with p.
func (p Path) Tail() Path {
	if len(p.segs) == 0 {
		return Path{}
	}
	return Path{segs: p.segs[1:]}
}

// Len returns the number of segments.
func (p Path) Len() int { return len(p.segs) }

// String returns the canonical form: dotted segments (`items.0.sku`), with
// double-quoted brackets only for segments that cannot be written dotted.
// ParsePath(p.String()) yields p again.
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p.segs {
		writeSegment(&b, s.name, i == 0)
	}
	return b.String()
}

// writeSegment appends one segment in canonical form; shared with the
// filter parser's error paths so both read the same.
func writeSegment(b *strings.Builder, name string, first bool) {
	if !needsBrackets(name) {
		if !first {
			b.WriteByte('.')
		}
		b.WriteString(name)
		return
	}
	b.WriteString(`["`)
	for i := 0; i < len(name); i++ {
		if name[i] == '"' || name[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	b.WriteString(`"]`)
}

func needsBrackets(name string) bool {
	if name == "" || strings.ContainsAny(name, ".[]") {
		return true
	}
	first, _ := utf8.DecodeRuneInString(name)
	last, _ := utf8.DecodeLastRuneInString(name)
	// ParsePath trims the whole path, so edge whitespace must be quoted.
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// Get walks v along the path. Maps are indexed by segment name (a numeric
// segment is an ordinary key there); arrays by numeric segments, out of range
// being missing; `length` after an array yields its element count as a
// float64, as in Directus (on an object `length` is an ordinary key, on a
// string it is missing). Anything else is missing. Get never panics.
func (p Path) Get(v any) (any, bool) {
	return walk(p.segs, v)
}

func walk(segs []seg, v any) (any, bool) {
	for i := range segs {
		s := &segs[i]
		switch x := v.(type) {
		case map[string]any:
			nv, ok := x[s.name]
			if !ok {
				return nil, false
			}
			v = nv
		case []any:
			switch {
			case s.idx >= 0 && s.idx < len(x):
				v = x[s.idx]
			case s.idx < 0 && s.name == "length":
				v = float64(len(x))
			default:
				return nil, false
			}
		case map[string]string:
			nv, ok := x[s.name]
			if !ok {
				return nil, false
			}
			v = nv
		case []map[string]any, []string:
			n := arrayLen(x)
			switch {
			case s.idx >= 0 && s.idx < n:
				v = arrayAt(x, s.idx)
			case s.idx < 0 && s.name == "length":
				v = float64(n)
			default:
				return nil, false
			}
		default:
			return nil, false
		}
	}
	return v, true
}

// arrayLen reports the length of the array kinds Get understands, or -1.
func arrayLen(v any) int {
	switch x := v.(type) {
	case []any:
		return len(x)
	case []map[string]any:
		return len(x)
	case []string:
		return len(x)
	}
	return -1
}

// arrayAt returns element i of an array accepted by arrayLen.
func arrayAt(v any, i int) any {
	switch x := v.(type) {
	case []any:
		return x[i]
	case []map[string]any:
		return x[i]
	case []string:
		return x[i]
	}
	return nil
}
