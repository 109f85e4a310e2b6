package engine

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hookflow/hookflow/query"
	"github.com/valyala/bytebufferpool"
	"github.com/valyala/fasttemplate"
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
	texts, tags, err := splitTemplate(s)
	if err != nil {
		return nil, err
	}
	offset := 0
	for i, tag := range tags {
		offset += len(texts[i])
		p, err := parsePlaceholder(tag)
		if err != nil {
			return nil, fmt.Errorf("placeholder %s%s%s at offset %d: %w", openTag, tag, closeTag, offset, err)
		}
		p.before = texts[i]
		t.parts = append(t.parts, p)
		offset += len(openTag) + len(tag) + len(closeTag)
	}
	t.tail = texts[len(texts)-1]
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

// splitTemplate cuts s into its texts and the tags between them with
// fasttemplate's parser: len(texts) == len(tags)+1, texts[i] comes before
// tags[i], and the last text follows the last tag. A tag ends at the first
// `}}` after its `{{`; a `{{` without one is an error.
func splitTemplate(s string) (texts, tags []string, err error) {
	if !HasPlaceholders(s) {
		return []string{s}, nil, nil
	}
	ft, err := fasttemplate.NewTemplate(s, openTag, closeTag)
	if err != nil {
		return nil, nil, fmt.Errorf("unclosed %q at offset %d", openTag, unclosedAt(s))
	}
	// ExecuteFunc writes every text (empty ones too) and calls the tag
	// function between them, so the writes and calls line up one to one.
	collect := segmentWriter{texts: &texts}
	_, err = ft.ExecuteFunc(collect, func(_ io.Writer, tag string) (int, error) {
		tags = append(tags, tag)
		return 0, nil
	})
	return texts, tags, err
}

// segmentWriter records each write as one text segment.
type segmentWriter struct{ texts *[]string }

func (w segmentWriter) Write(p []byte) (int, error) {
	*w.texts = append(*w.texts, string(p))
	return len(p), nil
}

// unclosedAt is the offset of the first `{{` that no `}}` closes.
func unclosedAt(s string) int {
	pos := 0
	for {
		start := strings.Index(s[pos:], openTag)
		if start < 0 {
			return -1
		}
		bodyStart := pos + start + len(openTag)
		end := strings.Index(s[bodyStart:], closeTag)
		if end < 0 {
			return pos + start
		}
		pos = bodyStart + end + len(closeTag)
	}
}
