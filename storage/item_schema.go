package storage

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaURL is the name a collection's schema is compiled under; it never
// leaves the process.
const schemaURL = "hookflow:///collection-schema.json"

var errNoRemoteSchemas = errors.New("schemas may not reference other documents")

// noLoader refuses every $ref outside the schema itself: the library's
// default loader would read local files (file:///etc/passwd), and
// schemas are written by API clients.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) { return nil, errNoRemoteSchemas }

// compileSchema compiles a JSON Schema (the decoded document).
func compileSchema(doc any) (*jsonschema.Schema, error) {
	if _, ok := doc.(map[string]any); !ok {
		if _, isBool := doc.(bool); !isBool {
			return nil, fmt.Errorf("%w: schema must be a JSON Schema object", ErrInvalidPayload)
		}
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	c.DefaultDraft(jsonschema.Draft2020)
	// "format" is only an annotation in draft 2020-12, but whoever writes
	// "format": "email" into a collection's schema means it as a rule (as
	// ajv and most validators treat it): formats are checked.
	c.AssertFormat()
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("%w: schema: %v", ErrInvalidPayload, err)
	}
	s, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("%w: schema: %v", ErrInvalidPayload, err)
	}
	return s, nil
}

// schemaCache keeps compiled schemas by their JSON text, so a collection's
// schema is compiled once however many writes check it; a changed schema
// has other text and is compiled afresh.
type schemaCache struct {
	mu sync.Mutex
	m  map[string]*jsonschema.Schema
}

// maxCachedSchemas bounds the cache; it is cleared when full.
const maxCachedSchemas = 256

func (c *schemaCache) get(text string, doc any) (*jsonschema.Schema, error) {
	c.mu.Lock()
	s, ok := c.m[text]
	c.mu.Unlock()
	if ok {
		return s, nil
	}
	s, err := compileSchema(doc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSchemas {
		c.m = map[string]*jsonschema.Schema{}
	}
	c.m[text] = s
	c.mu.Unlock()
	return s, nil
}

var messages = message.NewPrinter(language.English)

// validateItem checks one item; each failing rule becomes a FieldError
// whose Field is prefixed with prefix ("[2]" for the third item of an
// array payload).
func validateItem(s *jsonschema.Schema, item map[string]any, prefix string) []FieldError {
	err := s.Validate(item)
	if err == nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(err, &verr) {
		return []FieldError{{Field: prefix, Message: err.Error()}}
	}
	var out []FieldError
	collectLeaves(verr, prefix, &out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Field < out[j].Field })
	return out
}

// collectLeaves flattens the error tree to its leaves, the rules that
// actually failed. A missing required property is reported on that
// property rather than on its parent.
func collectLeaves(e *jsonschema.ValidationError, prefix string, out *[]FieldError) {
	if len(e.Causes) > 0 {
		for _, c := range e.Causes {
			collectLeaves(c, prefix, out)
		}
		return
	}
	base := joinField(prefix, e.InstanceLocation)
	if req, ok := e.ErrorKind.(*kind.Required); ok {
		for _, name := range req.Missing {
			*out = append(*out, FieldError{Field: joinField(base, []string{name}), Message: "is required"})
		}
		return
	}
	*out = append(*out, FieldError{Field: base, Message: e.ErrorKind.LocalizedString(messages)})
}

// joinField writes an instance location as a dotted field path.
func joinField(prefix string, loc []string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for _, seg := range loc {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}
