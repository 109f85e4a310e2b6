package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"sync"

	gojson "github.com/goccy/go-json"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/triggers"
	"github.com/labstack/echo/v4"
)

var bufferPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON encodes v without HTML escaping (payloads come back as sent)
// from a pooled buffer.
func writeJSON(c echo.Context, status int, v any) error {
	buf := bufferPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufferPool.Put(buf)
	enc := gojson.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	return c.Blob(status, echo.MIMEApplicationJSON, buf.Bytes())
}

// writeData answers {"data": v}.
func writeData(c echo.Context, status int, v any) error {
	return writeJSON(c, status, dataEnvelope{Data: v})
}

type dataEnvelope struct {
	Data any `json:"data"`
}

// utf8BOM is the byte-order mark some clients put before a JSON body.
const utf8BOM = "\xef\xbb\xbf"

// readJSON decodes the request body; malformed JSON is INVALID_PAYLOAD.
func readJSON(c echo.Context) (any, []byte, error) { return decodeBody(c, 0) }

// readDocument decodes a management document (a flow, an operation, a
// collection, a webhook, a role…): JSON nested no deeper than
// jsondepth.MaxDocument levels, so that every list it appears in stays
// readable. A deeper one is refused before it is decoded, as
// INVALID_PAYLOAD with the path where the limit is crossed. Items have
// their own, higher limit (storage).
func readDocument(c echo.Context) (any, error) {
	v, _, err := decodeBody(c, jsondepth.MaxDocument)
	return v, err
}

// decodeBody reads and decodes the request body, refusing one that nests
// deeper than maxDepth levels when maxDepth is set. A UTF-8 byte-order
// mark (.NET and Windows clients write one) is not part of the document.
func decodeBody(c echo.Context, maxDepth int) (any, []byte, error) {
	raw, err := io.ReadAll(c.Request().Body)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return nil, nil, triggers.ErrRequestTimeout
	}
	if err != nil {
		return nil, nil, err
	}
	text := bytes.TrimPrefix(raw, []byte(utf8BOM))
	if len(bytes.TrimSpace(text)) == 0 {
		return nil, raw, badRequest("INVALID_PAYLOAD", "the request body is empty")
	}
	if maxDepth > 0 && jsondepth.Exceeds(text, maxDepth) {
		path, _ := jsondepth.Where(text, maxDepth)
		return nil, raw, flows.ValidationErrors{{Path: path, Message: fmt.Sprintf(
			"objects and arrays nest deeper than %d levels here; documents may nest at most %d", maxDepth, maxDepth)}}
	}
	// Numbers keep the digits they were sent with (docs/items.md).
	v, err := jsonnum.Decode(text)
	if err != nil {
		return nil, raw, badRequest("INVALID_PAYLOAD", "malformed JSON: "+err.Error())
	}
	return v, raw, nil
}

// readObject decodes a document that must be one JSON object.
func readObject(c echo.Context) (map[string]any, error) {
	v, err := readDocument(c)
	if err != nil {
		return nil, err
	}
	return asObject(v)
}

// readItemObject decodes an item body that must be one JSON object; its
// depth is checked by the store.
func readItemObject(c echo.Context) (map[string]any, error) {
	v, _, err := readJSON(c)
	if err != nil {
		return nil, err
	}
	return asObject(v)
}

// asObject is v as the one JSON object a body must be.
func asObject(v any) (map[string]any, error) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, badRequest("INVALID_PAYLOAD", "the request body must be a JSON object")
	}
	return m, nil
}

// oneOrMany is what readObjects' records became, shaped as the body was:
// the list for an array, its one element for an object.
func oneOrMany[T any](list []T, isArray bool) any {
	if isArray {
		return list
	}
	return list[0]
}

// readObjects decodes a body that is one JSON object or a non-empty array
// of objects (creating one or several records); kind names them in errors.
func readObjects(c echo.Context, kind string) (docs []map[string]any, isArray bool, err error) {
	v, err := readDocument(c)
	if err != nil {
		return nil, false, err
	}
	switch x := v.(type) {
	case map[string]any:
		return []map[string]any{x}, false, nil
	case []any:
		if len(x) == 0 {
			return nil, true, badRequest("INVALID_PAYLOAD", "the array of "+kind+"s is empty")
		}
		docs = make([]map[string]any, len(x))
		for i, item := range x {
			m, ok := item.(map[string]any)
			if !ok {
				return nil, true, flows.ValidationErrors{{Path: fmt.Sprintf("[%d]", i), Message: "must be a JSON object"}}
			}
			docs[i] = m
		}
		return docs, true, nil
	default:
		return nil, false, badRequest("INVALID_PAYLOAD", "expected one "+kind+" object or an array of them")
	}
}

// intParam reads an optional non-negative integer query parameter.
func intParam(c echo.Context, name string, def, max int) (int, error) {
	raw := c.QueryParam(name)
	if raw == "" {
		return def, nil
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 {
		return 0, badRequest("INVALID_QUERY", fmt.Sprintf("%s must be a non-negative integer", name))
	}
	if max > 0 && n > max {
		n = max
	}
	return n, nil
}

func (s *server) bodyLimit() string { return strconv.FormatInt(s.MaxPayload, 10) }

// noContent answers 204.
func noContent(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
