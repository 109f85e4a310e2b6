package webhooks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hookflow/hookflow/redact"
	"github.com/hookflow/hookflow/storage"
)

// maxLoggedBody is how much of a response body an attempt keeps.
const maxLoggedBody = 64 << 10

// maxDrainedBody is how much more of a response is read (and dropped) so
// that the connection can be reused; larger answers close it.
const maxDrainedBody = 256 << 10

// sender makes attempts: one signed HTTP request each.
type sender struct {
	client    *http.Client
	clock     Clock
	timeout   time.Duration
	userAgent string
}

// attemptResult is an attempt as logged, plus what the retry policy
// needs from the response.
type attemptResult struct {
	attempt    *storage.Attempt
	retryAfter time.Duration // 0: none given
}

// succeeded reports a 2xx answer.
func (r *attemptResult) succeeded() bool { return r.attempt.ErrorClass == "" }

// send makes one attempt of a delivery to sub with body (nil: no body),
// signed afresh with the attempt's own timestamp. ctx cancels it; the
// attempt's own timeout covers connection to last byte read.
func (s *sender) send(ctx context.Context, sub *storage.Subscription, messageID string, body []byte) *attemptResult {
	started := s.clock.Now()
	a := &storage.Attempt{
		WebhookID:         sub.ID,
		StartedAt:         started,
		RequestURL:        sub.URL,
		RequestMethod:     sub.Method,
		RequestBodySHA256: bodyHash(body),
	}
	res := &attemptResult{attempt: a}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, sub.Method, sub.URL, reader)
	if err != nil {
		a.ErrorClass, a.Error = ClassConnect, err.Error()
		return res
	}
	s.setHeaders(req, sub, messageID, started, body)
	a.RequestHeaders = loggedHeaders(req.Header)
	resp, err := s.client.Do(req)
	if err != nil {
		a.DurationMS = s.elapsed(started)
		a.ErrorClass, a.Error = classify(ctx, err), err.Error()
		return res
	}
	defer resp.Body.Close()
	// A 2xx whose body breaks off still counts: the receiver accepted the
	// delivery before it stopped talking.
	head, _ := io.ReadAll(io.LimitReader(resp.Body, maxLoggedBody))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrainedBody))
	a.DurationMS = s.elapsed(started)
	a.ResponseStatus = resp.StatusCode
	// A receiver's answer may carry credentials too (a session cookie, a
	// token it hands out, an authentication challenge): logged redacted.
	a.ResponseHeaders = loggedHeaders(resp.Header)
	a.ResponseBody = strings.ToValidUTF8(string(head), string(utf8.RuneError))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		a.ErrorClass, a.Error = ClassStatus, resp.Status
		res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), s.clock.Now())
	}
	return res
}

func (s *sender) elapsed(started time.Time) float64 {
	return float64(s.clock.Now().Sub(started).Microseconds()) / 1000
}

// setHeaders applies the subscription's headers, then ours: custom
// headers come first so that they can never replace the content type,
// basic auth or a signature.
func (s *sender) setHeaders(req *http.Request, sub *storage.Subscription, messageID string, now time.Time, body []byte) {
	h := req.Header
	for _, c := range sub.Headers {
		if !reservedHeader(c.Name) {
			h.Add(c.Name, c.Value)
		}
	}
	h.Set("User-Agent", s.userAgent)
	if body != nil {
		h.Set("Content-Type", "application/json")
	}
	if sub.BasicUser != "" {
		req.SetBasicAuth(sub.BasicUser, sub.BasicPassword)
	}
	secrets := secretsAt(sub.Secret, sub.PreviousSecret, sub.PreviousSecretExpiresAt, now)
	for _, kv := range secrets.headers(messageID, now.Unix(), body) {
		h.Set(kv[0], kv[1])
	}
}

// reservedHeaders are headers a subscription may not set: ours (the
// signatures, content type, authorization when basic auth is used) and
// those that belong to the transport.
var reservedHeaders = map[string]bool{
	"webhook-id": true, "webhook-timestamp": true, "webhook-signature": true,
	"x-webhook-signature": true, "x-webhook-signature-previous": true,
	"content-type": true, "content-length": true, "host": true, "transfer-encoding": true,
	"connection": true, "te": true, "upgrade": true, "trailer": true, "keep-alive": true,
	"proxy-connection": true, "expect": true,
}

func reservedHeader(name string) bool { return reservedHeaders[strings.ToLower(name)] }

// loggedHeaders is a request's or a response's headers as logged: one
// line per name, with credentials redacted.
func loggedHeaders(h http.Header) map[string]string {
	out := joinedHeaders(h)
	for name := range out {
		if redact.IsCredentialHeader(name) {
			out[name] = redact.Placeholder
		}
	}
	return out
}

// joinedHeaders is one value per header name (repeated values joined).
func joinedHeaders(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for name, values := range h {
		out[name] = strings.Join(values, ", ")
	}
	return out
}

// bodyHash is the hex SHA-256 of a body ("" for none).
func bodyHash(body []byte) string {
	if body == nil {
		return ""
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}
