package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestDeliveryLogEndpoints: the synchronous test, the delivery list with
// its filters, one delivery with every attempt and its body, resend, and
// rotate-secret in the generic dialect.
func TestDeliveryLogEndpoints(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n == 2 {
			return http.StatusTeapot, http.Header{"X-Reason": {"short and stout"}}
		}
		return http.StatusOK, nil
	})
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{
		"name": "log", "actions": "create", "collections": "orders", "url": rc.URL,
		"http_basic_user": "u", "http_basic_password": "secret-pw",
	})

	// A synchronous test delivery, in full.
	tested := srv.Do(t, "POST", webhookPath(hook, "/test"), `{"event": "orders.created"}`)
	checkSubset(t, tested, 200, fmt.Sprintf(`{"data": {"status": "succeeded", "event": "orders.created", "test": true,
		"attempt_count": 1, "last_status": 200, "body": "<any>",
		"attempts": [{"number": 1, "request": {"url": %q, "method": "POST", "body_sha256": "<any>"},
		              "response": {"status": 200, "body": "{\"received\": true}"}, "error_class": null}]}}`, rc.URL))
	logged := tested.Data(t).(map[string]any)["attempts"].([]any)[0].(map[string]any)["request"].(map[string]any)["headers"].(map[string]any)
	if logged["Authorization"] != "[REDACTED]" || logged["Webhook-Signature"] == nil {
		t.Fatalf("logged request headers %v", logged)
	}
	if !strings.Contains(string(rc.Wait(t, 1)[0].Body), `"key":"test"`) {
		t.Fatalf("test body %s", rc.Requests()[0].Body)
	}

	// An item write whose delivery fails once.
	check(t, srv.Do(t, "POST", "/items/orders", `{"total": 3}`), 200, "")
	rc.Wait(t, 2)
	list := waitDeliveries(t, srv, hook, func(l []any) bool {
		return len(l) == 2 && l[0].(map[string]any)["attempt_count"] == 1.0 && l[0].(map[string]any)["status"] == "pending"
	})
	d := list[0].(map[string]any)
	id := fmt.Sprint(d["id"])
	checkSubset(t, srv.Do(t, "GET", webhookPath(hook, "/deliveries?status=pending"), nil), 200,
		`{"data": [{"event": "orders.created", "last_status": 418, "last_error": "418 I'm a teapot"}], "meta": {"total": 1, "page": 1, "limit": 50}}`)
	checkSubset(t, srv.Do(t, "GET", webhookPath(hook, "/deliveries?status=succeeded&limit=1"), nil), 200,
		`{"data": [{"test": true}], "meta": {"total": 1, "limit": 1}}`)
	if resp := srv.Do(t, "GET", webhookPath(hook, "/deliveries?status=success"), nil); resp.Status != http.StatusBadRequest || resp.ErrorCode(t) != "INVALID_QUERY" {
		t.Fatalf("unknown status: %d %s", resp.Status, resp.Body)
	}
	checkSubset(t, srv.Do(t, "GET", "/webhooks/deliveries/"+id, nil), 200, `{"data": {"attempts": [{"number": 1,
		"response": {"status": 418, "headers": {"X-Reason": "short and stout"}}, "error_class": "status", "error": "418 I'm a teapot"}],
		"message": {"event": "orders.created", "action": "create", "collection": "orders", "keys": [1]}}}`)

	// Resend: due at once, the same message.
	checkSubset(t, srv.Do(t, "POST", "/webhooks/deliveries/"+id+"/resend", nil), 202, `{"data": {"status": "pending"}}`)
	got := rc.Wait(t, 3)
	if got[2].Header.Get("webhook-id") != got[1].Header.Get("webhook-id") {
		t.Fatal("a resend is another message")
	}
	waitDeliveries(t, srv, hook, func(l []any) bool { return l[0].(map[string]any)["status"] == "succeeded" })
	for _, path := range []string{"/webhooks/deliveries/999", "/webhooks/deliveries/x"} {
		if resp := srv.Do(t, "GET", path, nil); resp.Status != http.StatusNotFound {
			t.Fatalf("%s: %d", path, resp.Status)
		}
	}

	// Resending to an inactive webhook is refused.
	check(t, srv.Do(t, "PATCH", webhookPath(hook, ""), `{"status": "inactive"}`), 200, "")
	if resp := srv.Do(t, "POST", "/webhooks/deliveries/"+id+"/resend", nil); resp.Status != http.StatusConflict || resp.ErrorCode(t) != "WEBHOOK_NOT_ACTIVE" {
		t.Fatalf("resend to an inactive webhook: %d %s", resp.Status, resp.Body)
	}

	// Rotation in the generic dialect shows the new secret once.
	rotated := srv.Do(t, "POST", fmt.Sprintf("/api/v1/webhooks/wh_%v/rotate-secret", hook["id"]), nil)
	checkSubset(t, rotated, 200, `{"data": {"secret": "<any>", "previous_secret_expires_at": "<any>"}}`)
	if s := rotated.Data(t).(map[string]any)["secret"].(string); s == hook["secret"] || strings.Contains(s, "•") {
		t.Fatalf("rotated secret %q", s)
	}
}

// TestOutboundPolicyGuardsEveryDelivery: a webhook saved while loopback
// was allowed is refused at connect time once the policy no longer allows
// it, and the attempt is logged as blocked.
func TestOutboundPolicyGuardsEveryDelivery(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	useDB := hookflowtest.NewDatabase(t).Use
	first := hookflowtest.New(t, useDB, allowLoopback)
	hook := createWebhook(t, first, map[string]any{"name": "internal", "actions": "create", "collections": "orders", "url": rc.URL})
	first.Close()
	if err := first.Hookflow.Close(); err != nil {
		t.Fatal(err)
	}

	srv := hookflowtest.New(t, useDB, func(c *hookflow.Config) { c.Outbound.AnyPort = true })
	check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
	list := waitDeliveries(t, srv, hook, func(l []any) bool { return len(l) == 1 && l[0].(map[string]any)["attempt_count"] == 1.0 })
	detail := srv.Do(t, "GET", "/webhooks/deliveries/"+fmt.Sprint(list[0].(map[string]any)["id"]), nil)
	checkSubset(t, detail, 200, `{"data": {"attempts": [{"error_class": "blocked", "response": null}]}}`)
	rc.Quiet(t, 0)
}
