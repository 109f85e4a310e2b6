package tests

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestGenericWebhooksAPI runs every endpoint of the generic API
// (docs/webhooks.md#generic-apiv1webhooks) with example bodies: fields,
// status codes and shapes.
func TestGenericWebhooksAPI(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)

	// Create: 201, the secret in full this once.
	created := srv.Do(t, "POST", "/api/v1/webhooks", `{
		"url": "https://example.com/webhooks/data-events",
		"events": ["data.created", "data.updated", "data.deleted"],
		"description": "Data events webhook for analytics platform"
	}`)
	checkSubset(t, created, 201, `{"data": {
		"id": "<any>", "url": "https://example.com/webhooks/data-events",
		"events": ["data.created", "data.updated", "data.deleted"], "status": "active",
		"created_at": "<any>", "secret": "<any>", "description": "Data events webhook for analytics platform"}}`)
	hook := created.Data(t).(map[string]any)
	id, secret := hook["id"].(string), hook["secret"].(string)
	if !strings.HasPrefix(id, "wh_") || !strings.HasPrefix(secret, "whsec_") || strings.Contains(secret, "•") {
		t.Fatalf("id %q, secret %q", id, secret)
	}
	if _, err := time.Parse(time.RFC3339, hook["created_at"].(string)); err != nil {
		t.Fatalf("created_at: %v", err)
	}
	users := srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{
		"url":    rc.URL + "/user-events",
		"events": []any{"user.created", "user.updated", "user.deleted"}, "description": "User events webhook for CRM integration",
	})
	check(t, users, 201, "")
	usersID := users.Data(t).(map[string]any)["id"].(string)
	usersSecret := users.Data(t).(map[string]any)["secret"].(string)

	// Get one: the secret masked.
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks/"+usersID, nil), 200, fmt.Sprintf(`{"data": {
		"id": %q, "url": %q, "events": ["user.created", "user.updated", "user.deleted"], "status": "active",
		"created_at": "<any>", "updated_at": null, "last_triggered": null,
		"secret": "whsec_••••••••••••••••••••••••••••••", "description": "User events webhook for CRM integration"}}`, usersID, rc.URL+"/user-events"))

	// List with pagination meta and filters.
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks", nil), 200,
		`{"data": [{"id": "<any>"}, {"id": "<any>"}], "meta": {"total": 2, "page": 1, "limit": 20, "pages": 1}}`)
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks?event=user.updated", nil), 200,
		fmt.Sprintf(`{"data": [{"id": %q}], "meta": {"total": 1}}`, usersID))
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks?limit=1&page=2", nil), 200,
		fmt.Sprintf(`{"data": [{"id": %q}], "meta": {"total": 2, "page": 2, "limit": 1, "pages": 2}}`, usersID))
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks?limit=500", nil), 200, `{"meta": {"limit": 100}}`)
	// Invalid parameters are the generic API's 400, not an empty page.
	for _, q := range []string{"status=bogus", "limit=-1", "page=abc"} {
		if resp := srv.Do(t, "GET", "/api/v1/webhooks?"+q, nil); resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_QUERY" {
			t.Fatalf("?%s: %d %s", q, resp.Status, resp.Body)
		}
	}

	// Update (the seed's request and response).
	checkSubset(t, srv.Do(t, "PUT", "/api/v1/webhooks/"+id, `{
		"events": ["data.created", "data.updated"],
		"status": "inactive",
		"description": "Data creation and update events only"
	}`), 200, fmt.Sprintf(`{"data": {
		"id": %q, "url": "https://example.com/webhooks/data-events", "events": ["data.created", "data.updated"],
		"status": "inactive", "created_at": "<any>", "updated_at": "<any>", "description": "Data creation and update events only"}}`, id))
	checkSubset(t, srv.Do(t, "GET", "/api/v1/webhooks?status=inactive", nil), 200, fmt.Sprintf(`{"data": [{"id": %q}], "meta": {"total": 1}}`, id))

	// Test: a signed test event, sent at once, reported in the generic API's shape.
	tested := srv.Do(t, "POST", "/api/v1/webhooks/"+usersID+"/test", `{"event": "user.created"}`)
	checkSubset(t, tested, 200, `{"success": true, "message": "Test event sent successfully",
		"details": {"status_code": 200, "response_time": "<any>", "timestamp": "<any>"}}`)
	got := rc.Wait(t, 1)[0]
	var payload map[string]any
	if err := json.Unmarshal(got.Body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload["type"] != "user.created" || !strings.HasPrefix(payload["id"].(string), "evt_") || payload["created"] == nil || payload["data"] == nil {
		t.Fatalf("test payload %s", got.Body)
	}
	if !verifySeedSignature(usersSecret, got.Header.Get("X-Webhook-Signature"), got.Body) {
		t.Fatal("the test event's X-Webhook-Signature does not verify")
	}
	if err := verifyStandardWebhook(usersSecret, got.Header, got.Body, time.Now()); err != nil {
		t.Fatal(err)
	}
	rc.SetAnswer(func(int, *http.Request) (int, http.Header) { return http.StatusInternalServerError, nil })
	checkSubset(t, srv.Do(t, "POST", "/api/v1/webhooks/"+usersID+"/test", nil), 200,
		`{"success": false, "details": {"status_code": 500, "error": "status"}}`)

	// Errors: 422 for an invalid URL, 400 for other findings, 404.
	for _, body := range []string{`{"url": "not a url", "events": ["x.y"]}`, `{"url": "ftp://example.com", "events": ["x.y"]}`, `{"events": ["x.y"]}`} {
		resp := srv.Do(t, "POST", "/api/v1/webhooks", body)
		if resp.Status != http.StatusUnprocessableEntity || resp.ErrorCode(t) != "INVALID_URL" {
			t.Fatalf("%s: %d %s", body, resp.Status, resp.Body)
		}
	}
	if resp := srv.Do(t, "PUT", "/api/v1/webhooks/"+id, `{"url": "http://"}`); resp.Status != http.StatusUnprocessableEntity {
		t.Fatalf("PUT with a bad URL: %d %s", resp.Status, resp.Body)
	}
	if resp := srv.Do(t, "POST", "/api/v1/webhooks", `{"url": "https://example.com", "events": ["bad event!"]}`); resp.Status != http.StatusBadRequest {
		t.Fatalf("bad event: %d %s", resp.Status, resp.Body)
	}
	for _, path := range []string{"/api/v1/webhooks/wh_999", "/api/v1/webhooks/nope"} {
		if resp := srv.Do(t, "GET", path, nil); resp.Status != http.StatusNotFound {
			t.Fatalf("%s: %d", path, resp.Status)
		}
	}

	// Delete.
	check(t, srv.Do(t, "DELETE", "/api/v1/webhooks/"+id, nil), 200, `{"success": true, "message": "Webhook deleted successfully"}`)
	if resp := srv.Do(t, "DELETE", "/api/v1/webhooks/"+id, nil); resp.Status != http.StatusNotFound {
		t.Fatalf("second delete: %d", resp.Status)
	}
	// The one model: the generic webhook is a Directus webhook too.
	checkSubset(t, srv.Do(t, "GET", "/webhooks/"+strings.TrimPrefix(usersID, "wh_"), nil), 200,
		`{"data": {"events": ["user.created", "user.updated", "user.deleted"], "format": "generic"}}`)
}
