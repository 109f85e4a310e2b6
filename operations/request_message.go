package operations

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/goccy/go-json"
	"github.com/hookflow/hookflow/flows"
	"golang.org/x/net/http/httpguts"
)

// checkRequestHeaders checks the header names written without
// placeholders: `headers` is an object, a [{header, value}] list, or one
// placeholder that renders to either.
func checkRequestHeaders(v any, errs *flows.ValidationErrors) {
	switch h := v.(type) {
	case nil:
	case string:
		if !isTemplate(h) {
			errs.Add("headers", "must be an object or a list of {header, value}")
		}
	case map[string]any:
		for _, name := range sortedNames(h) {
			if !isTemplate(name) && !httpguts.ValidHeaderFieldName(name) {
				errs.Add(flows.JoinPath("headers", name), "is not a valid header name")
			}
		}
	case []any:
		for i, item := range h {
			path := fmt.Sprintf("headers[%d]", i)
			m, ok := item.(map[string]any)
			if !ok {
				errs.Add(path, "must be an object {header, value}")
				continue
			}
			name, _ := m["header"].(string)
			switch {
			case name == "":
				errs.Add(path+".header", "is required")
			case !isTemplate(name) && !httpguts.ValidHeaderFieldName(name):
				errs.Add(path+".header", "is not a valid header name")
			}
		}
	default:
		errs.Add("headers", "must be an object or a list of {header, value}")
	}
}

// requestHeaders builds the header set from the rendered option.
func requestHeaders(v any) (http.Header, error) {
	header := http.Header{}
	set := func(name string, value any) error {
		text := toText(value)
		if !httpguts.ValidHeaderFieldName(name) {
			return fmt.Errorf("%q is not a valid header name", name)
		}
		if !httpguts.ValidHeaderFieldValue(text) {
			return fmt.Errorf("the value of %s contains characters a header cannot carry", name)
		}
		header.Set(name, text)
		return nil
	}
	switch h := v.(type) {
	case nil:
	case map[string]any:
		for _, name := range sortedNames(h) {
			if err := set(name, h[name]); err != nil {
				return nil, err
			}
		}
	case []any:
		for _, item := range h {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("list items must be {header, value} objects")
			}
			if err := set(toText(m["header"]), m["value"]); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("must be an object or a list of {header, value}")
	}
	return header, nil
}

// requestBody encodes the rendered `body`: a string is sent as it is
// (labelled JSON when it parses as a JSON object or array, else plain
// text), any other value as JSON. contentType applies only when the
// headers do not name one.
func requestBody(v any) (body io.Reader, contentType string, err error) {
	switch b := v.(type) {
	case nil:
		return nil, "", nil
	case string:
		if looksLikeJSON(b) && json.Valid([]byte(b)) {
			return strings.NewReader(b), "application/json", nil
		}
		return strings.NewReader(b), "text/plain; charset=utf-8", nil
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(b); err != nil {
			return nil, "", err
		}
		return bytes.NewReader(bytes.TrimRight(buf.Bytes(), "\n")), "application/json", nil
	}
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
