package engine

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hookflow/hookflow/query"
	"github.com/valyala/bytebufferpool"
)

const (
	openTag  = "{{"
	closeTag = "}}"
)

// Template is a string with `{{ path }}` placeholders, parsed once.
//
// A template that is exactly one placeholder yields the value with its type.
// Placeholders inside longer text are converted to text; the text around
// them is kept as written, braces included (`{{$trigger.a}}}` is the value
// followed by `}`). A JSON template (a string option holding a JSON
// document) is rendered JSON-safely: a placeholder inside a string literal
// is inserted with JSON string escaping, one outside a string literal as a
// JSON value.
type Template struct {
	src   string
	parts []placeholder
	tail  string // the text after the last placeholder
	whole bool
	json  bool
}

// placeholder is one compiled `{{ … }}` and the text before it.
type placeholder struct {
	before   string
	path     query.Path
	now      *query.Offset
	inString bool // JSON templates only: the placeholder sits in a string literal
}

// HasPlaceholders reports whether s contains a `{{` and so must be compiled.
func HasPlaceholders(s string) bool { return strings.Contains(s, openTag) }

// ParseTemplate compiles s. A placeholder closes at the first `}}` after
// its `{{`. An unclosed `{{`, an empty `{{ }}` and a placeholder whose
// content is not a path (see parsePlaceholder) are errors.
func ParseTemplate(s string) (*Template, error) {
	t := &Template{src: s}
	rest, offset := s, 0
	for {
		start := strings.Index(rest, openTag)
		if start < 0 {
			break
		}
		bodyStart := start + len(openTag)
		end := strings.Index(rest[bodyStart:], closeTag)
		if end < 0 {
			return nil, fmt.Errorf("unclosed %q at offset %d", openTag, offset+start)
		}
		consumed := bodyStart + end + len(closeTag)
		p, err := parsePlaceholder(rest[bodyStart : bodyStart+end])
		if err != nil {
			return nil, fmt.Errorf("placeholder %s at offset %d: %w", rest[start:consumed], offset+start, err)
		}
		p.before = rest[:start]
		t.parts = append(t.parts, p)
		rest, offset = rest[consumed:], offset+consumed
	}
	t.tail = rest
	if len(t.parts) == 0 {
		return t, nil
	}
	t.whole = len(t.parts) == 1 && t.parts[0].before == "" && t.tail == ""
	if t.whole {
		return t, nil
	}
	if inString, ok := jsonShape(s); ok {
		t.json = true
		for i := range t.parts {
			t.parts[i].inString = inString[i]
		}
	}
	return t, nil
}

// String returns the source text.
func (t *Template) String() string { return t.src }

// Static reports whether the template has no placeholders.
func (t *Template) Static() bool { return len(t.parts) == 0 }

// Render evaluates the template against the data chain. Text longer than
// limit bytes fails with RENDER_TOO_LARGE as soon as it passes the limit;
// the end of ctx stops a long rendering. A whole-string placeholder returns
// the value it names as it is (nothing is copied).
func (t *Template) Render(ctx context.Context, chain map[string]any, limit int) (any, error) {
	var b budget
	b.reset(ctx, limit)
	return t.render(&b, chain)
}

func (t *Template) render(b *budget, chain map[string]any) (any, error) {
	switch {
	case len(t.parts) == 0:
		return t.src, nil
	case t.whole:
		v, _ := t.parts[0].value(chain)
		return v, nil
	}
	buf := bytebufferpool.Get()
	defer bytebufferpool.Put(buf)
	text, err := t.appendText(b, buf.B[:0], chain)
	buf.B = text
	if err != nil {
		return nil, err
	}
	if err := b.charge(len(text)); err != nil {
		return nil, err
	}
	return string(text), nil
}

// appendText appends the rendered text to dst, never letting it grow past
// the budget left.
func (t *Template) appendText(b *budget, dst []byte, chain map[string]any) ([]byte, error) {
	room := b.left
	for i := range t.parts {
		p := &t.parts[i]
		dst = append(dst, p.before...)
		if err := b.tick(); err != nil {
			return dst, err
		}
		v, ok := p.value(chain)
		var fits bool
		switch {
		case !t.json:
			dst, fits = appendText(dst, v, ok, room)
		case p.inString:
			dst, fits = appendStringContent(dst, v, ok, room)
		case !ok:
			dst, fits = append(dst, "null"...), true
		default:
			dst, fits = appendValue(dst, v, room)
		}
		if !fits || len(dst) > room {
			return dst, b.tooLarge()
		}
	}
	dst = append(dst, t.tail...)
	if len(dst) > room {
		return dst, b.tooLarge()
	}
	return dst, nil
}

// value resolves one placeholder; ok is false when its path is missing.
func (p *placeholder) value(chain map[string]any) (any, bool) {
	if p.now != nil {
		// RFC 3339 in UTC with milliseconds (as JavaScript's toISOString), the
		// fixed-width form that also sorts correctly as text.
		return query.FormatTime(p.now.From(time.Now())), true
	}
	return p.path.Get(chain)
}
