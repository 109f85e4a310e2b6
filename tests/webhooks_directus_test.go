package tests

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestDirectusWebhooksAPI runs every endpoint of docs/webhooks.md#directus-webhooks with the
// seeds' example bodies.
func TestDirectusWebhooksAPI(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)

	// Create a webhook (the seed's request and response).
	created := srv.Do(t, "POST", "/webhooks", `{
		"name": "Example",
		"actions": ["create", "update"],
		"collections": ["articles"],
		"url": "https://example.com"
	}`)
	checkSubset(t, created, 200, `{"data": {
		"id": "<any>", "name": "Example", "method": "POST", "url": "https://example.com", "status": "active",
		"data": true, "actions": ["create", "update"], "collections": ["articles"]}}`)
	id := created.Data(t).(map[string]any)["id"]
	if _, isNumber := id.(float64); !isNumber {
		t.Fatalf("id %v is not an integer", id)
	}

	// Create several at once; lists may be CSV.
	many := srv.Do(t, "POST", "/webhooks", `[
		{"name": "Build Website", "actions": "create,update", "collections": "articles,pages", "url": "https://example.com/", "method": "GET", "data": false},
		{"name": "Audit", "actions": ["delete"], "collections": ["articles"], "url": "https://audit.example.com/hook"}
	]`)
	checkSubset(t, many, 200, `{"data": [
		{"name": "Build Website", "method": "GET", "url": "https://example.com/", "status": "active", "data": false,
		 "actions": ["create", "update"], "collections": ["articles", "pages"]},
		{"name": "Audit", "actions": ["delete"]}]}`)

	// List: all of them, then with the global query parameters.
	checkSubset(t, srv.Do(t, "GET", "/webhooks", nil), 200, `{"data": [{"name": "Example"}, {"name": "Build Website"}, {"name": "Audit"}]}`)
	check(t, srv.Do(t, "GET", `/webhooks?filter={"actions":{"_contains":"update"}}&fields=id,name&sort=-name&meta=total_count,filter_count`, nil), 200,
		`{"data": [{"id": 1, "name": "Example"}, {"id": 2, "name": "Build Website"}], "meta": {"total_count": 3, "filter_count": 2}}`)
	check(t, srv.Do(t, "GET", "/webhooks?filter[collections][_contains]=pages&fields=name", nil), 200, `{"data": [{"name": "Build Website"}]}`)
	check(t, srv.Do(t, "GET", "/webhooks?limit=1&page=2&fields=id", nil), 200, `{"data": [{"id": 2}]}`)
	check(t, srv.Do(t, "GET", "/webhooks?search=audit&fields=id", nil), 200, `{"data": [{"id": 3}]}`)
	if code := srv.Do(t, "GET", "/webhooks?aggregate[count]=*", nil).ErrorCode(t); code != "INVALID_QUERY" {
		t.Fatalf("aggregate: %s", code)
	}

	// Retrieve one; the secret is masked after creation.
	checkSubset(t, srv.Do(t, "GET", "/webhooks/1", nil), 200, `{"data": {
		"id": 1, "name": "Example", "method": "POST", "url": "https://example.com", "status": "active",
		"data": true, "actions": ["create", "update"], "collections": ["articles"],
		"secret": "whsec_••••••••••••••••••••••••••••••"}}`)
	check(t, srv.Do(t, "GET", "/webhooks/1?fields=name,status", nil), 200, `{"data": {"name": "Example", "status": "active"}}`)
	if code := srv.Do(t, "GET", "/webhooks/99", nil).ErrorCode(t); code != "NOT_FOUND" {
		t.Fatalf("unknown id: %s", code)
	}

	// Update (the seed's request and response).
	checkSubset(t, srv.Do(t, "PATCH", "/webhooks/1", `{"name": "Renamed"}`), 200, `{"data": {
		"id": 1, "name": "Renamed", "method": "POST", "url": "https://example.com", "status": "active",
		"data": true, "actions": ["create", "update"], "collections": ["articles"]}}`)
	checkSubset(t, srv.Do(t, "PATCH", "/webhooks/1", `{"headers": [{"header": "X-Token", "value": "abc"}, {"header": "X-Source", "value": "cms"}], "status": "inactive"}`), 200,
		`{"data": {"headers": [{"header": "X-Token", "value": "••••••••"}, {"header": "X-Source", "value": "cms"}], "status": "inactive"}}`)

	// Delete one, then several (the seed's body with ids that exist).
	del := srv.Do(t, "DELETE", "/webhooks/1", nil)
	if del.Status != http.StatusNoContent || len(del.Body) != 0 {
		t.Fatalf("delete: %d %q", del.Status, del.Body)
	}
	if code := srv.Do(t, "DELETE", "/webhooks", `[2, 15, 41]`).ErrorCode(t); code != "NOT_FOUND" {
		t.Fatalf("deleting unknown ids: %s", code)
	}
	check(t, srv.Do(t, "DELETE", "/webhooks", `[2, 3]`), 204, "")
	check(t, srv.Do(t, "GET", "/webhooks", nil), 200, `{"data": []}`)
}

// TestDirectusWebhookValidation: every finding comes back at once, each
// with its path.
func TestDirectusWebhookValidation(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	tests := []struct {
		name, body string
		paths      []string
	}{
		{"required fields", `{}`, []string{"name", "actions", "collections", "url"}},
		{
			"bad values", `{"name": "x", "actions": ["create", "publish"], "collections": ["bad name"], "url": "ftp://example.com", "method": "HEAD", "status": "disabled"}`,
			[]string{"status", "url", "method", "actions[1]", "collections[0]"},
		},
		{
			"headers we own", `{"name": "x", "actions": "create", "collections": "a", "url": "https://example.com", "headers": {"webhook-signature": "v1,forged", "Content-Type": "text/plain"}}`,
			[]string{"headers"},
		},
		{"loopback refused by the outbound policy", `{"name": "x", "actions": "create", "collections": "a", "url": "http://127.0.0.1:9/hook"}`, []string{"url"}},
		{"credentials in the URL", `{"name": "x", "actions": "create", "collections": "a", "url": "https://user:pw@example.com"}`, []string{"url"}},
		{"unknown field", `{"name": "x", "actions": "create", "collections": "a", "url": "https://example.com", "colour": "red"}`, []string{"colour"}},
		{
			"array item", `[{"name": "ok", "actions": "create", "collections": "a", "url": "https://example.com"}, {"name": "x"}]`,
			[]string{"[1].actions", "[1].collections", "[1].url"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := srv.Do(t, "POST", "/webhooks", tc.body)
			if resp.Status != http.StatusBadRequest {
				t.Fatalf("status %d: %s", resp.Status, resp.Body)
			}
			paths := map[string]bool{}
			for _, e := range resp.JSON(t)["errors"].([]any) {
				ext := e.(map[string]any)["extensions"].(map[string]any)
				paths[fmt.Sprint(ext["path"])] = ext["code"] == "INVALID_PAYLOAD"
			}
			for _, p := range tc.paths {
				if !paths[p] {
					t.Errorf("no INVALID_PAYLOAD finding at %s: %s", p, resp.Body)
				}
			}
		})
	}
	check(t, srv.Do(t, "GET", "/webhooks", nil), 200, `{"data": []}`)
	check(t, srv.Do(t, "POST", "/webhooks", `{"name": "dup", "actions": "create", "collections": "a", "url": "https://example.com"}`), 200, "")
	if code := srv.Do(t, "POST", "/webhooks", `{"name": "dup", "actions": "create", "collections": "a", "url": "https://example.com"}`).ErrorCode(t); code != "RECORD_NOT_UNIQUE" {
		t.Fatalf("duplicate name: %s", code)
	}
	for _, path := range []string{"/webhooks", "/api/v1/webhooks", "/webhook_calls"} {
		if resp := srv.Do(t, "GET", path, nil, "Authorization", ""); resp.Status != http.StatusUnauthorized {
			t.Fatalf("%s without a token: %d", path, resp.Status)
		}
	}
}
