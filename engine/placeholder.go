package engine

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hookflow/hookflow/query"
)

// parsePlaceholder compiles the text between `{{` and `}}`. It is one of
// `$NOW`, `$NOW(-1 hour)`, `$CURRENT_USER`, `$CURRENT_ROLE`, or a path
// (docs/operations.md): names of letters, digits, `_`, `-` and `$` joined by
// dots (`$trigger.items.0.sku`, `read-orders.length`), and brackets holding
// an index, such a name or a quoted key (`items[0]`,
// `headers["x-api-key"]`, `body['first name']`). White space around the
// whole and next to dots and brackets is ignored, as Directus ignores it;
// anything else (`a b`, `!@#`, a nested `{{`) is not a path and an error,
// so a typo is found when the flow is saved rather than rendering null.
func parsePlaceholder(body string) (placeholder, error) {
	tag := strings.TrimSpace(body)
	if tag == "" {
		return placeholder{}, fmt.Errorf("empty placeholder %s %s", openTag, closeTag)
	}
	if strings.Contains(tag, openTag) {
		return placeholder{}, fmt.Errorf("%q opens a placeholder inside another; a placeholder holds one path", openTag)
	}
	if off, ok, err := query.ParseNow(tag); ok || err != nil {
		if err != nil {
			return placeholder{}, err
		}
		return placeholder{now: &off}, nil
	}
	switch tag {
	case "$CURRENT_USER":
		tag = "$accountability.user"
	case "$CURRENT_ROLE":
		tag = "$accountability.role"
	}
	clean, err := normalizePath(tag)
	if err != nil {
		return placeholder{}, fmt.Errorf("%q is not a path: %w", tag, err)
	}
	p, err := query.ParsePath(clean)
	if err != nil {
		return placeholder{}, err
	}
	return placeholder{path: p}, nil
}

// normalizePath checks the characters of a placeholder's path and drops
// the white space next to its dots and brackets; query.ParsePath then
// checks its structure.
func normalizePath(tag string) (string, error) {
	var b strings.Builder
	b.Grow(len(tag))
	inBracket := false
	for i := 0; i < len(tag); {
		c := tag[i]
		switch c {
		case '"', '\'':
			if !inBracket {
				return "", fmt.Errorf("unexpected %c outside brackets (quote a key as [\"key\"])", c)
			}
			end := quotedEnd(tag, i)
			if end < 0 {
				return "", fmt.Errorf("unclosed quote")
			}
			b.WriteString(tag[i:end])
			i = end
			continue
		case '.', '[', ']':
			inBracket = c == '[' || inBracket && c == '.'
			b.WriteByte(c)
			i = skipSpace(tag, i+1)
			continue
		}
		r, size := utf8.DecodeRuneInString(tag[i:])
		switch {
		case unicode.IsSpace(r):
			next := skipSpace(tag, i)
			if next < len(tag) && strings.IndexByte(".[]", tag[next]) >= 0 {
				i = next
				continue
			}
			if r, _ := utf8.DecodeRuneInString(tag[next:]); !nameRune(r) {
				i = next // report the character rather than the space
				continue
			}
			return "", fmt.Errorf("white space inside a name (quote a key with spaces as [\"%s\"])", spacedName(tag, i))
		case !nameRune(r):
			return "", fmt.Errorf("unexpected %q (a name holds letters, digits, '_', '-' and '$'; quote other keys as [\"key\"])", r)
		}
		b.WriteString(tag[i : i+size])
		i += size
	}
	return b.String(), nil
}

// nameRune reports whether r may appear in an unquoted name.
func nameRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '$'
}

// quotedEnd returns the index just after the quoted key starting at
// s[i], or -1 when it is not closed; a backslash escapes the next byte.
func quotedEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case q:
			return j + 1
		}
	}
	return -1
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// spacedName is the name around the white space at s[i], for the hint.
func spacedName(s string, i int) string {
	start := strings.LastIndexAny(s[:i], ".[]") + 1
	end := len(s)
	if j := strings.IndexAny(s[i:], ".[]"); j >= 0 {
		end = i + j
	}
	return strings.TrimSpace(s[start:end])
}
