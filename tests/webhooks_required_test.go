package tests

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestWebhookRequiredFieldsCannotBeCleared: a field a dialect requires on
// create cannot be given as null or blank there, nor be set to null or
// blank by an update (Directus PATCH, DatoCMS PUT, generic PUT): 400 with
// the field's path, and the webhook stays as it was.
func TestWebhookRequiredFieldsCannotBeCleared(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	hook := createWebhook(t, srv, map[string]any{
		"name": "kept", "actions": "create", "collections": "orders",
		"url": "https://example.com/hook",
	})
	id := fmt.Sprint(hook["id"])
	before := srv.Do(t, "GET", "/webhooks/"+id, nil).Data(t)
	dato := []string{"X-Api-Version", "2"}
	tests := []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		paths                    []string
	}{
		{
			"Directus create, nulls", "POST", "/webhooks", `{"name": null, "actions": null, "collections": "orders", "url": "https://example.com"}`,
			nil, 400,
			[]string{"name", "actions"},
		},
		{
			"Directus create, blank name", "POST", "/webhooks", `{"name": "  ", "actions": "create", "collections": "orders", "url": "https://example.com"}`,
			nil, 400,
			[]string{"name"},
		},
		{"Directus PATCH name null", "PATCH", "/webhooks/" + id, `{"name": null}`, nil, 400, []string{"name"}},
		{"Directus PATCH name blank", "PATCH", "/webhooks/" + id, `{"name": ""}`, nil, 400, []string{"name"}},
		{
			"Directus PATCH every required null", "PATCH", "/webhooks/" + id,
			`{"name": null, "actions": null, "collections": null, "url": null}`, nil, 400,
			[]string{"name", "actions", "collections", "url"},
		},
		{
			"DatoCMS PUT nulls", "PUT", "/webhooks/" + id,
			`{"data": {"type": "webhook", "attributes": {"name": null, "headers": null, "events": null}}}`, dato, 400,
			[]string{"data.attributes.name", "data.attributes.headers", "data.attributes.events"},
		},
		{"generic PUT events null", "PUT", "/api/v1/webhooks/wh_" + id, `{"events": null}`, nil, 400, []string{"events"}},
		{"generic PUT url null", "PUT", "/api/v1/webhooks/wh_" + id, `{"url": null}`, nil, 422, []string{"url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := srv.Do(t, tc.method, tc.path, tc.body, tc.headers...)
			if resp.Status != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.Status, tc.status, resp.Body)
			}
			found := map[string]bool{}
			for _, e := range resp.JSON(t)["errors"].([]any) {
				ext, _ := e.(map[string]any)["extensions"].(map[string]any)
				found[fmt.Sprint(ext["path"])] = true
			}
			for _, p := range tc.paths {
				if !found[p] {
					t.Errorf("no finding at %s: %s", p, resp.Body)
				}
			}
		})
	}
	if after := srv.Do(t, "GET", "/webhooks/"+id, nil).Data(t); !reflect.DeepEqual(after, before) {
		t.Fatalf("refused updates changed the webhook: %v, was %v", after, before)
	}
	// Optional fields may still be cleared, and required ones changed.
	checkSubset(t, srv.Do(t, "PATCH", "/webhooks/"+id, `{"description": null, "http_basic_user": null, "name": "renamed"}`),
		http.StatusOK, `{"data": {"name": "renamed", "description": ""}}`)
}
