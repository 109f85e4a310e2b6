package operations

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/jsonnum"
	"github.com/hookflow/hookflow/outbound"
)

// errResponseTooLarge is a response body over the configured limit.
var errResponseTooLarge = errors.New("response body too large")

// readResponse turns a response into {status, statusText, headers, data}:
// data is the parsed JSON for a JSON media type (text when it does not
// parse), the text otherwise, null when the body is empty. The partial
// result (without data) comes back with an error too.
func readResponse(_ context.Context, resp *http.Response, limit int64) (map[string]any, error) {
	result := map[string]any{
		"status":     float64(resp.StatusCode),
		"statusText": statusText(resp),
		"headers":    responseHeaders(resp.Header),
	}
	if resp.ContentLength > limit {
		return result, errResponseTooLarge
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return result, err
	}
	if int64(len(raw)) > limit {
		return result, errResponseTooLarge
	}
	result["data"] = responseData(resp.Header.Get("Content-Type"), raw)
	return result, nil
}

func responseData(contentType string, raw []byte) any {
	if len(raw) == 0 {
		return nil
	}
	if isJSONMediaType(contentType) {
		if v, err := jsonnum.Decode(raw); err == nil {
			return v
		}
	}
	return string(raw)
}

// isJSONMediaType accepts application/json and the +json family.
func isJSONMediaType(contentType string) bool {
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.ToLower(strings.TrimSpace(mt))
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// statusText is the reason phrase the server sent ("Not Found"), or the
// standard one when it sent none.
func statusText(resp *http.Response) string {
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	return text
}

// responseHeaders lower-cases names and joins repeated values with ", ",
// as `$trigger.headers` does.
func responseHeaders(h http.Header) map[string]any {
	out := make(map[string]any, len(h))
	for k, vs := range h {
		out[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return out
}

// transportFailure classifies a request that got no response.
func transportFailure(ctx context.Context, method string, u *url.URL, timeout time.Duration, err error) error {
	target := method + " " + u.Redacted()
	details := map[string]any{"method": method, "url": u.Redacted()}
	cause := err
	var urlErr *url.Error
	if errors.As(err, &urlErr) {
		cause = urlErr.Err
	}
	switch {
	case outbound.IsBlocked(err):
		return &Error{
			Status:  http.StatusBadGateway,
			Code:    "OUTBOUND_BLOCKED",
			Details: details,
			Message: fmt.Sprintf("request %s: %v (internal ranges can be allowed with OUTBOUND_ALLOW_CIDRS)", target, cause),
		}
	case errors.Is(err, outbound.ErrTooManyRedirects):
		return &Error{
			Status:  http.StatusBadGateway,
			Code:    "TOO_MANY_REDIRECTS",
			Details: details,
			Message: fmt.Sprintf("request %s: more than %d redirects", target, RequestMaxRedirects),
		}
	case isTimeout(ctx, err):
		return &Error{
			Status:  http.StatusGatewayTimeout,
			Code:    "REQUEST_TIMEOUT",
			Details: details,
			Message: fmt.Sprintf("request %s: no answer within %s", target, timeout),
		}
	default:
		return &Error{
			Status:  http.StatusBadGateway,
			Code:    "REQUEST_UNREACHABLE",
			Details: details,
			Message: fmt.Sprintf("request %s: %v", target, cause),
		}
	}
}

// responseFailure classifies a response whose body could not be read.
func responseFailure(ctx context.Context, method string, u *url.URL, timeout time.Duration, partial map[string]any, err error) error {
	if errors.Is(err, errResponseTooLarge) {
		return &Error{
			Status:  http.StatusBadGateway,
			Code:    "RESPONSE_TOO_LARGE",
			Details: partial,
			Message: fmt.Sprintf("request %s %s: the response body is larger than REQUEST_MAX_RESPONSE_SIZE", method, u.Redacted()),
		}
	}
	return transportFailure(ctx, method, u, timeout, err)
}

func isTimeout(ctx context.Context, err error) bool {
	var netErr net.Error
	return errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) ||
		(errors.As(err, &netErr) && netErr.Timeout())
}
