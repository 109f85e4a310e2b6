package engine

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-json"
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
// followed by `}`). A JSON template (a
// string option holding a JSON document) is rendered JSON-safely: a
// placeholder inside a string literal is inserted with JSON string escaping,
// one outside a string literal as a JSON value.
type Template struct {
	src   string
	parts []placeholder
	ft    *fasttemplate.Template
	whole bool
	json  bool
}

// placeholder is one compiled `{{ … }}`.
type placeholder struct {
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
		t.parts = append(t.parts, p)
		// Only a placeholder that is the whole string keeps its type: text
		// around it, braces included, makes the template text.
		t.whole = len(t.parts) == 1 && offset+start == 0 && offset+consumed == len(s)
		rest, offset = rest[consumed:], offset+consumed
	}
	if len(t.parts) == 0 {
		return t, nil
	}
	t.whole = t.whole && len(t.parts) == 1
	if t.whole {
		return t, nil
	}
	ft, err := fasttemplate.NewTemplate(s, openTag, closeTag)
	if err != nil {
		return nil, err
	}
	t.ft = ft
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

// Resolve renders the template against a data chain (a map[string]any); it
// implements query.Dynamic so filter operands can be templates.
func (t *Template) Resolve(scope any) any {
	chain, _ := scope.(map[string]any)
	return t.Render(chain)
}

// Render evaluates the template against the data chain.
func (t *Template) Render(chain map[string]any) any {
	switch {
	case len(t.parts) == 0:
		return t.src
	case t.whole:
		v, _ := t.parts[0].value(chain)
		return v
	}
	buf := bytebufferpool.Get()
	defer bytebufferpool.Put(buf)
	i := 0
	_, _ = t.ft.ExecuteFunc(buf, func(w io.Writer, _ string) (int, error) {
		p := &t.parts[i]
		i++
		v, ok := p.value(chain)
		switch {
		case !t.json:
			return w.Write(appendText(nil, v, ok))
		case p.inString:
			return w.Write(appendJSONStringContent(nil, appendText(nil, v, ok)))
		case !ok:
			return w.Write([]byte("null"))
		default:
			return w.Write(appendJSON(nil, v))
		}
	})
	return string(buf.B)
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

// appendText converts a value to text for embedding in a longer string:
// strings as they are, null and missing as "", anything else as compact JSON.
func appendText(dst []byte, v any, present bool) []byte {
	if !present || v == nil {
		return dst
	}
	if s, ok := v.(string); ok {
		return append(dst, s...)
	}
	return appendJSON(dst, v)
}

// appendJSON appends v as compact JSON without HTML escaping; values that
// cannot be encoded become null rather than failing the run. Numbers and
// booleans, the usual embedded values, skip the encoder.
func appendJSON(dst []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...)
	case bool:
		return strconv.AppendBool(dst, x)
	case float64:
		// The form encoding/json writes: plain decimals, exponents only for
		// very large or small magnitudes (those take the encoder below).
		if a := math.Abs(x); a == 0 || (a >= 1e-6 && a < 1e21) {
			return strconv.AppendFloat(dst, x, 'f', -1, 64)
		}
	case int:
		return strconv.AppendInt(dst, int64(x), 10)
	case int64:
		return strconv.AppendInt(dst, x, 10)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return append(dst, "null"...)
	}
	return append(dst, bytes.TrimRight(b.Bytes(), "\n")...)
}

// appendJSONStringContent appends s escaped for use inside a JSON string
// literal (without the surrounding quotes).
func appendJSONStringContent(dst, s []byte) []byte {
	quoted := appendJSON(nil, string(s))
	return append(dst, quoted[1:len(quoted)-1]...)
}
