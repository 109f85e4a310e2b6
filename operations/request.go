package operations

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/outbound"
	"go.opentelemetry.io/otel/propagation"
)

const (
	// DefaultRequestTimeout bounds a request without a `timeout` option.
	DefaultRequestTimeout = 10 * time.Second
	// MaxRequestTimeout is the largest `timeout` a flow may set; the run's
	// own deadline applies as well.
	MaxRequestTimeout = 5 * time.Minute
	// DefaultMaxResponseSize is REQUEST_MAX_RESPONSE_SIZE's default.
	DefaultMaxResponseSize = 5 << 20
	// RequestMaxRedirects is how many redirects a request follows.
	RequestMaxRedirects = 5
)

// requestMethods are the methods a request may use.
var requestMethods = map[string]bool{
	"GET": true, "POST": true, "PUT": true, "PATCH": true, "DELETE": true, "HEAD": true, "OPTIONS": true,
}

// Request calls an HTTP endpoint: options `method` (GET by default), `url`,
// `headers` (an object or Directus's [{header, value}] list), `body` and
// `timeout`. Its result is {status, statusText, headers, data}; a non-2xx
// answer fails the operation with that same object (upstream status
// included) so a `reject` branch can inspect it.
type Request struct {
	// Client makes the calls; it must enforce the outbound policy and
	// follow at most RequestMaxRedirects redirects (outbound.NewClient).
	// Nil means a new client with the strictest policy.
	Client *http.Client
	// MaxResponseSize bounds the response body (REQUEST_MAX_RESPONSE_SIZE).
	MaxResponseSize int64
}

// Prepare checks the options that are written without placeholders.
func (r Request) Prepare(p Prepare) (Step, error) {
	var errs flows.ValidationErrors
	checkKnown(p.Options, &errs, "method", "url", "headers", "body", "timeout")
	if v, ok := p.Options["method"]; ok && v != nil && !isTemplate(v) {
		if _, err := requestMethod(v); err != nil {
			errs.Add("method", "%v", err)
		}
	}
	checkString(p.Options, "url", true, &errs)
	if s, ok := p.Options["url"].(string); ok && strings.TrimSpace(s) != "" && !isTemplate(s) {
		if _, err := requestURL(s); err != nil {
			errs.Add("url", "%v", err)
		}
	}
	checkRequestHeaders(p.Options["headers"], &errs)
	if v, ok := p.Options["timeout"]; ok && v != nil && !isTemplate(v) {
		if _, err := requestTimeout(v); err != nil {
			errs.Add("timeout", "%v", err)
		}
	}
	limit := r.MaxResponseSize
	if limit <= 0 {
		limit = DefaultMaxResponseSize
	}
	client := r.Client
	if client == nil {
		client = outbound.NewClient(outbound.Policy{}, RequestMaxRedirects)
	}
	return &requestStep{client: client, maxResponse: limit}, errs.Err()
}

// requestMethod reads the method option; null means GET.
func requestMethod(v any) (string, error) {
	if v == nil {
		return http.MethodGet, nil
	}
	s, ok := v.(string)
	m := strings.ToUpper(strings.TrimSpace(s))
	if !ok || !requestMethods[m] {
		return "", fmt.Errorf("must be one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS")
	}
	return m, nil
}

// requestURL parses an absolute http(s) URL.
func requestURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("is not a valid URL: %v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("must be an absolute http:// or https:// URL")
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("has no host")
	}
	return u, nil
}

// requestTimeout reads `timeout`: milliseconds as a number or numeric
// string, or a duration such as "30s".
func requestTimeout(v any) (time.Duration, error) {
	if v == nil {
		return DefaultRequestTimeout, nil
	}
	d, ok := optionDuration(v)
	if !ok || d <= 0 || d > MaxRequestTimeout {
		return 0, fmt.Errorf("must be a duration between 1ms and %s (milliseconds, or text such as \"30s\")", MaxRequestTimeout)
	}
	return d, nil
}

type requestStep struct {
	client      *http.Client
	maxResponse int64
}

// Run sends the request and reads the answer.
func (s *requestStep) Run(ctx context.Context, in Input) (any, error) {
	method, err := requestMethod(in.Options["method"])
	if err != nil {
		return nil, invalidRequest("method %v", err)
	}
	u, err := requestURL(optionText(in.Options, "url"))
	if err != nil {
		return nil, invalidRequest("url %v", err)
	}
	timeout, err := requestTimeout(in.Options["timeout"])
	if err != nil {
		return nil, invalidRequest("timeout %v", err)
	}
	header, err := requestHeaders(in.Options["headers"])
	if err != nil {
		return nil, invalidRequest("headers: %v", err)
	}
	body, contentType, err := requestBody(in.Options["body"])
	if err != nil {
		return nil, invalidRequest("body: %v", err)
	}
	if contentType != "" && header.Get("Content-Type") == "" {
		header.Set("Content-Type", contentType)
	}
	if header.Get("User-Agent") == "" {
		header.Set("User-Agent", "hookflow")
	}
	if header.Get("Accept") == "" {
		header.Set("Accept", "application/json, text/plain, */*")
	}

	reqCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, method, u.String(), body)
	if err != nil {
		return nil, invalidRequest("%v", err)
	}
	req.Header = header
	if header.Get("Traceparent") == "" {
		// The run's trace goes on upstream (W3C Trace Context) when runs
		// are traced; without a span in ctx nothing is added. A traceparent
		// the flow sets itself is kept.
		propagation.TraceContext{}.Inject(reqCtx, propagation.HeaderCarrier(req.Header))
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, transportFailure(reqCtx, method, u, timeout, err)
	}
	defer resp.Body.Close()
	result, err := readResponse(reqCtx, resp, s.maxResponse)
	if err != nil {
		return nil, responseFailure(reqCtx, method, u, timeout, result, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &Error{
			Status:  http.StatusBadGateway,
			Code:    "REQUEST_FAILED",
			Details: result,
			Message: "request " + method + " " + u.Redacted() + " answered " + resp.Status,
		}
	}
	return result, nil
}

// invalidRequest is a request the flow built wrongly at run time (the
// options had placeholders, so they could not be checked on save).
func invalidRequest(format string, args ...any) error {
	return Failf(http.StatusInternalServerError, "INVALID_REQUEST", "request: "+format, args...)
}
