package hookflowtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/hookflow/hookflow/api"
)

// openAPI is the server's OpenAPI document loaded for validation.
type openAPI struct {
	router routers.Router
	// envelope is the error envelope's schema, which answers of paths the
	// document does not have must match.
	envelope *openapi3.Schema
}

// loadOpenAPI loads the document once per test process: it is the same
// for every server, and immutable.
var loadOpenAPI = sync.OnceValues(func() (*openAPI, error) {
	raw, err := api.OpenAPI()
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("load the OpenAPI document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the OpenAPI document is invalid: %w", err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	envelope := doc.Components.Schemas["ErrorEnvelope"]
	if envelope == nil || envelope.Value == nil {
		return nil, errors.New("the OpenAPI document has no ErrorEnvelope schema")
	}
	return &openAPI{router: router, envelope: envelope.Value}, nil
})

// openAPIValidator checks every request a test server serves, and its
// answer, against the OpenAPI document the server publishes at
// /server/specs/oas, and fails the test on a difference:
//
//   - a route the document lacks (answered other than 404 or 405);
//   - an answer the document does not describe: an undocumented status, a
//     body that does not match its schema;
//   - a request the document refuses (a bad parameter, a body of another
//     shape) that the server accepted with a 2xx or 3xx — the document is
//     stricter than the server.
//
// Requests the document refuses are still sent: tests of bad input check
// the server's own answer, which must then be an error the document
// describes.
type openAPIValidator struct {
	t    testing.TB
	doc  *openAPI
	next http.Handler
}

// validateOpenAPI wraps a server's handler in the validator.
func validateOpenAPI(t testing.TB, next http.Handler) http.Handler {
	t.Helper()
	doc, err := loadOpenAPI()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return &openAPIValidator{t: t, doc: doc, next: next}
}

// ServeHTTP validates the request, serves it, validates the answer and
// sends it on.
func (v *openAPIValidator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	// Routes are found by the path as sent: an id holding an escaped
	// slash ("a%2Fb") is one segment.
	routed := r.Clone(r.Context())
	routed.URL.Path = r.URL.EscapedPath()
	route, params, routeErr := v.doc.router.FindRoute(routed)
	var in *openapi3filter.RequestValidationInput
	var requestErr error
	if routeErr == nil {
		in = &openapi3filter.RequestValidationInput{
			Request:    r.Clone(r.Context()),
			PathParams: params,
			Route:      route,
			Options: &openapi3filter.Options{
				AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
				MultiError:         true,
				// A trigger takes any body: $trigger.raw keeps what no
				// decoder knows.
				ExcludeRequestBody: strings.HasPrefix(route.Path, "/flows/trigger/"),
			},
		}
		// A UTF-8 byte-order mark before a JSON body is accepted by the
		// server (docs/items.md) but not by the validator's decoder.
		in.Request.Body = io.NopCloser(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
		requestErr = openapi3filter.ValidateRequest(r.Context(), in)
	}

	rec := httptest.NewRecorder()
	v.next.ServeHTTP(rec, r)
	for k, vals := range rec.Header() {
		w.Header()[k] = vals
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())

	what := fmt.Sprintf("%s %s answered %d", r.Method, r.URL.RequestURI(), rec.Code)
	switch {
	case routeErr != nil:
		if rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			v.t.Errorf("OpenAPI: %s, but the document has no such route: %v", what, routeErr)
		} else if err := v.checkEnvelope(r, rec); err != nil {
			v.t.Errorf("OpenAPI: %s without the error envelope: %v\nbody: %s", what, err, clip(rec.Body.Bytes()))
		}
		return
	case requestErr != nil && rec.Code < http.StatusBadRequest:
		v.t.Errorf("OpenAPI: %s, but the document refuses the request:\n%v", what, requestErr)
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if r.Method == http.MethodHead {
		out.Options.ExcludeResponseBody = true
	}
	if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
		v.t.Errorf("OpenAPI: %s, which the document does not describe:\n%v\nbody: %s", what, err, clip(rec.Body.Bytes()))
	}
}

// checkEnvelope checks that an answer is the error envelope.
func (v *openAPIValidator) checkEnvelope(r *http.Request, rec *httptest.ResponseRecorder) error {
	if r.Method == http.MethodHead {
		return nil
	}
	var body any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		return err
	}
	return v.doc.envelope.VisitJSON(body, openapi3.EnableJSONSchema2020())
}

// clip shortens an answer for an error message.
func clip(b []byte) string {
	if len(b) > 2000 {
		return string(b[:2000]) + "…"
	}
	return string(b)
}
