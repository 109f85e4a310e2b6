package hookflowtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// recordingTB keeps what the validator reports instead of failing.
type recordingTB struct {
	testing.TB
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// TestOpenAPIValidatorCatchesDrift: answers and requests that differ from
// the document are reported, matching ones are not.
func TestOpenAPIValidatorCatchesDrift(t *testing.T) {
	for _, c := range []struct {
		name         string
		method, path string
		body         string
		status       int
		answer       string
		contentType  string
		wantReported string
	}{
		{name: "documented answer", method: "GET", path: "/server/health", status: 200, answer: `{"status": "ok"}`},
		{
			name: "a body of another shape", method: "GET", path: "/server/health", status: 200, answer: `{"state": "ok"}`,
			wantReported: "does not describe",
		},
		{
			name: "an undocumented status", method: "GET", path: "/server/ping", status: 201, answer: "pong",
			contentType: "text/plain", wantReported: "does not describe",
		},
		{
			name: "a route the document lacks", method: "GET", path: "/server/secret", status: 200, answer: `{}`,
			wantReported: "no such route",
		},
		{
			name: "an unknown path answered with the envelope", method: "GET", path: "/nowhere", status: 404,
			answer: `{"errors": [{"message": "no", "extensions": {"code": "ROUTE_NOT_FOUND"}}]}`,
		},
		{
			name: "an unknown path answered without the envelope", method: "GET", path: "/nowhere", status: 404,
			answer: `not found`, wantReported: "without the error envelope",
		},
		{
			name: "a refused request accepted", method: "GET", path: "/flows/runs?limit=5000", status: 200,
			answer: `{"data": [], "meta": {"limit": 5000, "page": 1}}`, wantReported: "refuses the request",
		},
		{
			name: "a refused request refused", method: "GET", path: "/flows/runs?limit=5000", status: 400,
			answer: `{"errors": [{"message": "limit", "extensions": {"code": "INVALID_QUERY"}}]}`,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := &recordingTB{TB: t}
			handler := validateOpenAPI(rec, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ct := c.contentType
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				w.WriteHeader(c.status)
				_, _ = io.WriteString(w, c.answer)
			}))
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, httptest.NewRequest(c.method, c.path, nil))
			if w.Code != c.status || w.Body.String() != c.answer {
				t.Fatalf("the validator changed the answer: %d %s", w.Code, w.Body)
			}
			reported := strings.Join(rec.errors, "\n")
			switch {
			case c.wantReported == "" && reported != "":
				t.Fatalf("reported a matching exchange:\n%s", reported)
			case c.wantReported != "" && !strings.Contains(reported, c.wantReported):
				t.Fatalf("want a report saying %q, got:\n%s", c.wantReported, reported)
			}
		})
	}
}
