package storage

import (
	"fmt"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"

	"github.com/hookflow/hookflow/query"
)

// postgresRegex rewrites a pattern of the _regex operator (Go's RE2 syntax,
// after query.CompileRegex) as a PostgreSQL advanced regular expression
// that matches exactly the same strings. It works on the parsed pattern,
// where Go has already resolved its flags and shorthands: case-insensitive
// letters become bracket expressions of their case folding orbit, `.`
// becomes "anything but a newline" unless (?s) was given, multi-line
// anchors and \b (ASCII word characters, as in Go) become lookaround
// constraints, and every literal is written as a \u escape. Only whether a
// match exists matters to a filter, so captures become plain groups and
// every repetition is greedy.
func postgresRegex(pattern string) (string, error) {
	re, err := query.CompileRegex(pattern)
	if err != nil {
		return "", err
	}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("invalid regular expression: %v", err)
	}
	var b strings.Builder
	writeRegex(&b, tree)
	return b.String(), nil
}

// pgRepeatMax is the largest bound PostgreSQL accepts in {m,n}.
const pgRepeatMax = 255

// Pieces of PostgreSQL regular expressions.
const (
	pgNever     = `[^\u0001-\U0010ffff]` // only NUL, which text cannot hold
	pgWordClass = `[0-9A-Za-z_]`
)

func writeRegex(b *strings.Builder, re *syntax.Regexp) {
	switch re.Op {
	case syntax.OpNoMatch:
		b.WriteString(pgNever)
	case syntax.OpEmptyMatch:
		b.WriteString("(?:)")
	case syntax.OpLiteral:
		b.WriteString("(?:")
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				writeFolded(b, r)
			} else {
				writeRune(b, r)
			}
		}
		b.WriteString(")")
	case syntax.OpCharClass:
		writeClass(b, re.Rune)
	case syntax.OpAnyCharNotNL:
		b.WriteString(`[^\n]`)
	case syntax.OpAnyChar:
		// (PostgreSQL's default: `.` matches a newline too.)
		b.WriteString(".")
	case syntax.OpBeginLine:
		b.WriteString(`(?:^|(?<=\n))`)
	case syntax.OpEndLine:
		b.WriteString(`(?:$|(?=\n))`)
	case syntax.OpBeginText:
		b.WriteString("^")
	case syntax.OpEndText:
		b.WriteString("$")
	case syntax.OpWordBoundary:
		b.WriteString(`(?:(?<!` + pgWordClass + `)(?=` + pgWordClass + `)|(?<=` + pgWordClass + `)(?!` + pgWordClass + `))`)
	case syntax.OpNoWordBoundary:
		b.WriteString(`(?:(?<=` + pgWordClass + `)(?=` + pgWordClass + `)|(?<!` + pgWordClass + `)(?!` + pgWordClass + `))`)
	case syntax.OpCapture:
		writeGroup(b, re.Sub[0])
	case syntax.OpStar:
		writeGroup(b, re.Sub[0])
		b.WriteString("*")
	case syntax.OpPlus:
		writeGroup(b, re.Sub[0])
		b.WriteString("+")
	case syntax.OpQuest:
		writeGroup(b, re.Sub[0])
		b.WriteString("?")
	case syntax.OpRepeat:
		writeRepeat(b, re.Sub[0], re.Min, re.Max)
	case syntax.OpConcat:
		b.WriteString("(?:")
		for _, sub := range re.Sub {
			writeRegex(b, sub)
		}
		b.WriteString(")")
	case syntax.OpAlternate:
		b.WriteString("(?:")
		for i, sub := range re.Sub {
			if i > 0 {
				b.WriteString("|")
			}
			writeRegex(b, sub)
		}
		b.WriteString(")")
	default:
		// Every operator of regexp/syntax is handled above; an unknown
		// one matches nothing rather than something else.
		b.WriteString(pgNever)
	}
}

func writeGroup(b *strings.Builder, re *syntax.Regexp) {
	b.WriteString("(?:")
	writeRegex(b, re)
	b.WriteString(")")
}

// writeRepeat writes sub{lo,hi} (hi -1: no bound) with bounds of at
// most pgRepeatMax: x{300} is x{255}x{45}, x{0,300} is x{0,255}x{0,45}.
func writeRepeat(b *strings.Builder, sub *syntax.Regexp, lo, hi int) {
	bounded := func(from, to int) {
		writeGroup(b, sub)
		if from == to {
			fmt.Fprintf(b, "{%d}", from)
		} else {
			fmt.Fprintf(b, "{%d,%d}", from, to)
		}
	}
	for lo > pgRepeatMax {
		bounded(pgRepeatMax, pgRepeatMax)
		lo -= pgRepeatMax
		if hi > 0 {
			hi -= pgRepeatMax
		}
	}
	if hi < 0 {
		writeGroup(b, sub)
		fmt.Fprintf(b, "{%d,}", lo)
		return
	}
	if hi <= pgRepeatMax {
		bounded(lo, hi)
		return
	}
	bounded(lo, lo)
	for rest := hi - lo; rest > 0; rest -= pgRepeatMax {
		bounded(0, min(rest, pgRepeatMax))
	}
}

// writeFolded writes a letter of a case-insensitive literal as the bracket
// expression of its simple folding orbit (what Go's (?i) matches).
func writeFolded(b *strings.Builder, r rune) {
	b.WriteString("[")
	writeRune(b, r)
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		writeRune(b, f)
	}
	b.WriteString("]")
}

// writeClass writes a character class from its ranges (pairs of lo, hi;
// Go has already folded, negated and expanded it). Surrogates and NUL are
// left out: no text holds them.
func writeClass(b *strings.Builder, ranges []rune) {
	var parts []string
	for i := 0; i+1 < len(ranges); i += 2 {
		lo, hi := max(ranges[i], 1), ranges[i+1]
		for _, span := range [][2]rune{{lo, min(hi, 0xD7FF)}, {max(lo, 0xE000), hi}} {
			if span[0] > span[1] {
				continue
			}
			var p strings.Builder
			writeRune(&p, span[0])
			if span[1] > span[0] {
				p.WriteString("-")
				writeRune(&p, span[1])
			}
			parts = append(parts, p.String())
		}
	}
	if len(parts) == 0 {
		b.WriteString(pgNever)
		return
	}
	b.WriteString("[" + strings.Join(parts, "") + "]")
}

// writeRune writes a character: ASCII letters and digits as they are,
// anything else as a \u or \U escape, which means the character itself
// inside and outside bracket expressions.
func writeRune(b *strings.Builder, r rune) {
	switch {
	case r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
		b.WriteRune(r)
	case r <= 0xFFFF:
		b.WriteString(`\u`)
		b.WriteString(hexDigits(r, 4))
	default:
		b.WriteString(`\U`)
		b.WriteString(hexDigits(r, 8))
	}
}

// hexDigits writes r in hex, zero-padded to width digits.
func hexDigits(r rune, width int) string {
	s := strconv.FormatInt(int64(r), 16)
	return strings.Repeat("0", width-len(s)) + s
}
