package triggers

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"unsafe"

	"github.com/hookflow/hookflow/jsondepth"
	"github.com/hookflow/hookflow/jsonnum"
)

// MaxBodyDepth is how deeply a webhook's JSON body may nest: as deeply as
// an item may (so any body can be stored as one), and far within what the
// JSON decoder reads (it stops at 10 000), when a request arrives and when
// a queued run parses its stored body again.
const MaxBodyDepth = 1000

// reservedTriggerKeys are the request's own fields on `$trigger`; body
// fields with these names are only reachable through `$trigger.body`.
var reservedTriggerKeys = map[string]bool{
	"method": true, "path": true, "query": true, "headers": true, "body": true, "raw": true,
}

// readBody reads at most limit bytes of the request body.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	if r.ContentLength > limit {
		return nil, ErrPayloadTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return nil, ErrPayloadTooLarge
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, ErrRequestTimeout
		}
		return nil, &PayloadError{Err: err}
	}
	if int64(len(body)) > limit {
		return nil, ErrPayloadTooLarge
	}
	return body, nil
}

// BuildTrigger builds a webhook's `$trigger` (the README's data chain): method,
// path, query, lower-case headers, the parsed body, the raw body, and — for
// object bodies — each body field at the top level.
func BuildTrigger(r *http.Request, raw []byte) (map[string]any, error) {
	call := NewHTTPRequest(r, raw)
	return call.Trigger()
}

// HTTPRequest is a webhook request as a queued run keeps it until it
// starts: the request line and the headers as `$trigger` shows them, and
// the body as received. `$trigger` (the parsed body, `raw`, the body's
// fields at the top level) is built from it when the run starts, so the
// body is stored once.
type HTTPRequest struct {
	Method   string `json:"method"`
	Path     string `json:"path"`
	RawQuery string `json:"query,omitempty"`
	// Headers are `$trigger.headers`: lower-case names, repeated headers
	// joined, the Host header included.
	Headers map[string]any `json:"headers"`
	// ContentType is the first Content-Type header, which says how the
	// body is parsed.
	ContentType string `json:"content_type,omitempty"`
	// Body is stored in a column of its own (storage.Run.RequestBody).
	Body []byte `json:"-"`
}

// NewHTTPRequest captures a request whose body was read into raw; raw
// must not change after.
func NewHTTPRequest(r *http.Request, raw []byte) HTTPRequest {
	headers := headerMap(r.Header)
	if r.Host != "" {
		// net/http moves Host out of the header map; senders' flows may check it.
		headers["host"] = r.Host
	}
	return HTTPRequest{
		Method:      r.Method,
		Path:        r.URL.Path,
		RawQuery:    r.URL.RawQuery,
		Headers:     headers,
		ContentType: r.Header.Get("Content-Type"),
		Body:        raw,
	}
}

// Trigger builds the request's `$trigger`. It shares the headers map and
// the body's bytes.
func (h *HTTPRequest) Trigger() (map[string]any, error) {
	body, err := parseBody(h.ContentType, h.Body)
	if err != nil {
		return nil, err
	}
	fields, _ := body.(map[string]any)
	t := make(map[string]any, 6+len(fields))
	for k, v := range fields {
		if !reservedTriggerKeys[k] {
			t[k] = v
		}
	}
	t["method"] = h.Method
	t["path"] = h.Path
	t["query"] = queryMap(h.RawQuery)
	t["headers"] = h.Headers
	t["body"] = body
	// The body buffer is never written after this point, so the string
	// shares its bytes instead of copying them.
	t["raw"] = unsafe.String(unsafe.SliceData(h.Body), len(h.Body))
	return t, nil
}

// parseBody interprets the body by its media type. An empty body is no body
// whatever the Content-Type (clients send application/json on GET); so is
// a JSON body of only white space. A JSON body may start with a UTF-8
// byte-order mark (.NET and Windows senders write one): it is skipped.
func parseBody(contentType string, raw []byte) (any, error) {
	if len(raw) == 0 {
		return map[string]any{}, nil
	}
	mt := mediaType(contentType)
	switch {
	case mediaTypeIsJSON(mt):
		text := jsonText(raw)
		if len(text) == 0 {
			return map[string]any{}, nil
		}
		if jsondepth.Exceeds(text, MaxBodyDepth) {
			return nil, &PayloadError{Err: fmt.Errorf("the JSON body nests objects and arrays deeper than %d levels", MaxBodyDepth)}
		}
		v, err := jsonnum.Decode(text)
		if err != nil {
			return nil, &PayloadError{Err: errors.New("malformed JSON: " + err.Error())}
		}
		return v, nil
	case mt == "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(string(raw))
		if err != nil {
			return nil, &PayloadError{Err: errors.New("malformed form body: " + err.Error())}
		}
		return valuesMap(values), nil
	case strings.HasPrefix(mt, "text/"):
		return string(raw), nil
	default:
		// Unknown types are left to the flow through `$trigger.raw`.
		return nil, nil
	}
}

// utf8BOM is the byte-order mark some senders put before a JSON body.
const utf8BOM = "\xef\xbb\xbf"

// jsonText is a JSON body without a leading byte-order mark, and empty
// when nothing but white space is left.
func jsonText[T string | []byte](raw T) T {
	if len(raw) >= len(utf8BOM) && string(raw[:len(utf8BOM)]) == utf8BOM {
		raw = raw[len(utf8BOM):]
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return raw
		}
	}
	return raw[:0]
}

// mediaType is the lower-case media type of a Content-Type header.
func mediaType(contentType string) string {
	if i := strings.IndexByte(contentType, ';'); i >= 0 {
		contentType = contentType[:i]
	}
	return strings.ToLower(strings.TrimSpace(contentType))
}

// mediaTypeIsJSON accepts application/json and the +json family.
func mediaTypeIsJSON(mt string) bool {
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// queryMap turns a query string into string values; a repeated parameter
// becomes an array.
func queryMap(rawQuery string) map[string]any {
	if rawQuery == "" {
		return map[string]any{}
	}
	values, _ := url.ParseQuery(rawQuery)
	return valuesMap(values)
}

func valuesMap(values url.Values) map[string]any {
	out := make(map[string]any, len(values))
	for k, vs := range values {
		if len(vs) == 1 {
			out[k] = vs[0]
			continue
		}
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		out[k] = list
	}
	return out
}

// headerMap lower-cases header names and joins repeated values with ", ".
func headerMap(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for k, vs := range h {
		name := lowerHeaderName(k)
		if len(vs) == 1 {
			out[name] = vs[0]
		} else {
			out[name] = strings.Join(vs, ", ")
		}
	}
	return out
}

// commonHeaderNames maps the canonical form of headers most requests carry
// to their lower-case form, so naming them allocates nothing.
var commonHeaderNames = map[string]string{
	"Accept": "accept", "Accept-Encoding": "accept-encoding", "Accept-Language": "accept-language",
	"Authorization": "authorization", "Connection": "connection", "Content-Length": "content-length",
	"Content-Type": "content-type", "Cookie": "cookie", "Host": "host", "Origin": "origin",
	"Referer": "referer", "User-Agent": "user-agent", "X-Forwarded-For": "x-forwarded-for",
	"X-Forwarded-Proto": "x-forwarded-proto", "X-Request-Id": "x-request-id",
}

// lowerHeaderName returns a header name in lower case.
func lowerHeaderName(k string) string {
	if lower, ok := commonHeaderNames[k]; ok {
		return lower
	}
	return strings.ToLower(k)
}
