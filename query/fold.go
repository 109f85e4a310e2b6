package query

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The i-operators compare under Unicode simple case folding (what
// strings.EqualFold uses): every rune is mapped to one representative of its
// fold orbit, the smallest rune in it. The operand is folded once at parse
// time; the field is folded rune by rune while comparing, so testing never
// allocates. Runes, not bytes, are compared because folding can change the
// UTF-8 length (K, the Kelvin sign, folds with ASCII k).

// foldRune maps r to the smallest rune of its simple-fold orbit.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		}
		return r
	}
	m := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < m {
			m = f
		}
	}
	return m
}

// foldString folds every rune of s.
func foldString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// hasPrefixFold reports whether s starts with the already folded prefix.
func hasPrefixFold(s, folded string) bool {
	i := 0
	for _, pr := range folded {
		if i >= len(s) {
			return false
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if foldRune(r) != pr {
			return false
		}
		i += n
	}
	return true
}

// hasSuffixFold reports whether s ends with the already folded suffix.
func hasSuffixFold(s, folded string) bool {
	for len(folded) > 0 {
		if len(s) == 0 {
			return false
		}
		pr, pn := utf8.DecodeLastRuneInString(folded)
		r, n := utf8.DecodeLastRuneInString(s)
		if foldRune(r) != pr {
			return false
		}
		folded, s = folded[:len(folded)-pn], s[:len(s)-n]
	}
	return true
}

// containsFold reports whether s contains the already folded substring.
func containsFold(s, folded string) bool {
	if folded == "" {
		return true
	}
	for i := 0; i < len(s); {
		if hasPrefixFold(s[i:], folded) {
			return true
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return false
}
