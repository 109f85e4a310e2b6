package tests

import (
	"context"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestOpenAPIDocumentIsServed: GET /server/specs/oas answers the OpenAPI
// 3.1 document without a token, and it is a valid one describing the
// error envelope and the three webhook dialects. (Every scenario's
// requests and answers are validated against it by hookflowtest.)
func TestOpenAPIDocumentIsServed(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	resp := srv.Do(t, "GET", "/server/specs/oas", nil, "Authorization", "")
	if resp.Status != http.StatusOK || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET /server/specs/oas: %d %v", resp.Status, resp.Header)
	}
	doc, err := openapi3.NewLoader().LoadFromData(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid OpenAPI: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	for _, path := range []string{
		"/flows/trigger/{id}", "/flows/runs", "/flows/runs/{id}/replay", "/webhooks",
		"/webhook_calls", "/api/v1/webhooks", "/items/{collection}", "/metrics", "/server/specs/oas",
	} {
		if doc.Paths.Find(path) == nil {
			t.Errorf("the document has no path %s", path)
		}
	}
	if doc.Components.Schemas["ErrorEnvelope"] == nil || doc.Components.Schemas["DatoWebhook"] == nil ||
		doc.Components.Schemas["GenericWebhook"] == nil || doc.Components.Schemas["DirectusWebhook"] == nil {
		t.Fatal("the document lacks the error envelope or a webhook dialect")
	}
}
