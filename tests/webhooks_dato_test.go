package tests

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// datoSeedAttributes is DatoCMS's documented example webhook, pointed at url.
func datoSeedAttributes(url string) string {
	return fmt.Sprintf(`"name": "Item type creation/update", "url": %q, "headers": {"X-Foo": "Bar"},
		"events": [{"entity_type": "item_type", "event_types": ["update", "create"],
			"filter": {"entity_type": "item_type", "entity_ids": ["42", "43"]}}],
		"http_basic_user": "user", "http_basic_password": "password"`, url)
}

// datoSeedResource is DatoCMS's documented response resource (the password is never
// shown, so it is not compared here).
const datoSeedResource = `{"type": "webhook", "id": "<any>", "attributes": {
	"name": "Item type creation/update", "url": "https://www.example.com/webhook", "http_basic_user": "user",
	"http_basic_password": "<any>", "headers": {"X-Foo": "Bar"},
	"events": [{"entity_type": "item_type", "event_types": ["update", "create"],
		"filter": {"entity_type": "item_type", "entity_ids": ["42", "43"]}}]}}`

// TestDatoCMSWebhooksAPI runs every endpoint of the DatoCMS dialect
// (docs/webhooks.md#datocms-webhooks-with-x-api-version-2) with DatoCMS's
// documented example bodies.
func TestDatoCMSWebhooksAPI(t *testing.T) {
	t.Parallel()
	// The limit refills a call every 50 ms: on a clock that stands still
	// the remaining calls count down one per request, however slow the
	// machine.
	clock := newFakeClock()
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Now = clock.Now })
	created := dato(t, srv, "POST", "/webhooks", `{"data": {"type": "webhook", "attributes": {`+
		datoSeedAttributes("https://www.example.com/webhook")+`}}}`)
	checkSubset(t, created, 200, `{"data": `+datoSeedResource+`}`)
	res := created.Data(t).(map[string]any)
	id := res["id"].(string)
	if _, err := strconv.Atoi(id); err != nil {
		t.Fatalf("id %q is not a number as a string", id)
	}
	if pw := res["attributes"].(map[string]any)["http_basic_password"]; pw == "password" {
		t.Fatal("the basic-auth password was returned")
	}
	remaining, _ := strconv.Atoi(created.Header.Get("X-RateLimit-Remaining"))

	list := dato(t, srv, "GET", "/webhooks", "")
	checkSubset(t, list, 200, `{"data": [`+datoSeedResource+`]}`)
	if now, _ := strconv.Atoi(list.Header.Get("X-RateLimit-Remaining")); now != remaining-1 {
		t.Fatalf("remaining went from %d to %d", remaining, now)
	}
	checkSubset(t, dato(t, srv, "GET", "/webhooks/"+id, ""), 200, `{"data": `+datoSeedResource+`}`)

	// Update with the seed's body; the masked password sent back keeps the
	// password.
	updated := dato(t, srv, "PUT", "/webhooks/"+id, `{"data": {"type": "webhook", "id": "`+id+`", "attributes": {`+
		datoSeedAttributes("https://www.example.com/webhook")+`}}}`)
	checkSubset(t, updated, 200, `{"data": `+datoSeedResource+`}`)
	checkSubset(t, dato(t, srv, "PUT", "/webhooks/"+id, `{"data": {"type": "webhook", "attributes": {
		"name": "Renamed", "http_basic_password": "••••••••", "enabled": false, "auto_retry": false}}}`), 200,
		`{"data": {"attributes": {"name": "Renamed", "http_basic_user": "user", "http_basic_password": "••••••••", "enabled": false, "auto_retry": false}}}`)
	checkSubset(t, srv.Do(t, "GET", "/webhooks/"+id, nil), 200, `{"data": {"status": "inactive", "retry_schedule": []}}`)

	// Errors.
	if resp := dato(t, srv, "PUT", "/webhooks/"+id, `{"data": {"type": "item", "id": "999", "attributes": {}}}`); resp.Status != http.StatusBadRequest {
		t.Fatalf("wrong type and id: %d %s", resp.Status, resp.Body)
	}
	if resp := dato(t, srv, "POST", "/webhooks", `{"data": {"type": "webhook", "attributes": {"name": "x"}}}`); resp.Status != http.StatusBadRequest {
		t.Fatalf("missing attributes: %d %s", resp.Status, resp.Body)
	}

	// Delete answers the deleted resource.
	checkSubset(t, dato(t, srv, "DELETE", "/webhooks/"+id, ""), 200, `{"data": {"type": "webhook", "id": "`+id+`", "attributes": {"name": "Renamed"}}}`)
	check(t, dato(t, srv, "GET", "/webhooks", ""), 200, `{"data": []}`)
	if resp := dato(t, srv, "GET", "/webhooks/"+id, ""); resp.Status != http.StatusNotFound {
		t.Fatalf("deleted: %d", resp.Status)
	}
}

// TestDatoCMSDeliveriesAndWebhookCalls: an item-event DatoCMS webhook with
// basic auth and custom headers fires, its calls are listed as
// webhook_calls (with secrets redacted in the logged request), and a call
// can be resent.
func TestDatoCMSDeliveriesAndWebhookCalls(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	created := dato(t, srv, "POST", "/webhooks", fmt.Sprintf(`{"data": {"type": "webhook", "attributes": {
		"name": "Articles", "url": %q, "headers": {"X-Foo": "Bar", "X-Api-Key": "k3y"},
		"events": [{"entity_type": "item", "event_types": ["create", "delete"], "filter": {"entity_type": "item_type", "entity_ids": ["articles"]}}],
		"http_basic_user": "user", "http_basic_password": "password"}}}`, rc.URL))
	check(t, created, 200, "")
	id := created.Data(t).(map[string]any)["id"].(string)

	check(t, srv.Do(t, "POST", "/items/articles", `{"id": "a1", "title": "Hi"}`), 200, "")
	check(t, srv.Do(t, "POST", "/items/pages", `{"title": "not articles"}`), 200, "")
	got := rc.Wait(t, 1)[0]
	if got.Header.Get("Authorization") != "Basic "+base64.StdEncoding.EncodeToString([]byte("user:password")) ||
		got.Header.Get("X-Foo") != "Bar" || got.Header.Get("X-Api-Key") != "k3y" {
		t.Fatalf("headers %v", got.Header)
	}
	var body map[string]any
	_ = json.Unmarshal(got.Body, &body)
	if body["entity_type"] != "item" || body["event_type"] != "create" || body["webhook_id"] != id ||
		toJSONText(body["entity"]) != `{"attributes":{"title":"Hi"},"id":"a1","relationships":{"item_type":{"data":{"id":"articles","type":"item_type"}}},"type":"item"}` {
		t.Fatalf("body %s", got.Body)
	}
	rc.Quiet(t, 1)

	var calls *hookflowtest.Response
	for i := 0; i < 50; i++ { // the outcome is recorded just after the answer
		calls = dato(t, srv, "GET", "/webhook_calls?filter[fields][webhook_id][eq]="+id, "")
		if data, _ := calls.JSON(t)["data"].([]any); len(data) == 1 && data[0].(map[string]any)["attributes"].(map[string]any)["status"] == "success" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	checkSubset(t, calls, 200, fmt.Sprintf(`{"data": [{"type": "webhook_call", "id": "<any>", "attributes": {
		"entity_type": "item", "event_type": "create", "created_at": "<any>", "request_url": %q,
		"request_headers": {"Authorization": "[REDACTED]", "X-Api-Key": "[REDACTED]", "X-Foo": "Bar"},
		"request_payload": %q, "response_status": 200, "response_payload": "{\"received\": true}",
		"attempted_auto_retries_count": 0, "last_sent_at": "<any>", "next_retry_at": null, "status": "success"},
		"relationships": {"webhook": {"data": {"type": "webhook", "id": %q}}}}], "meta": {"total_count": 1}}`, rc.URL, got.Body, id))
	callID := calls.Data(t).([]any)[0].(map[string]any)["id"].(string)
	checkSubset(t, dato(t, srv, "GET", "/webhook_calls/"+callID, ""), 200, `{"data": {"type": "webhook_call", "id": "`+callID+`"}}`)
	checkSubset(t, dato(t, srv, "GET", "/webhook_calls?filter[fields][status][eq]=failed", ""), 200, `{"data": [], "meta": {"total_count": 0}}`)
	checkSubset(t, dato(t, srv, "GET", "/webhook_calls?filter[ids]="+callID+"&page[limit]=5&order_by=created_at_asc", ""), 200,
		`{"data": [{"id": "`+callID+`"}], "meta": {"total_count": 1}}`)

	resent := dato(t, srv, "POST", "/webhook_calls/"+callID+"/resend_webhook", "")
	if resent.Status != http.StatusNoContent {
		t.Fatalf("resend: %d %s", resent.Status, resent.Body)
	}
	again := rc.Wait(t, 2)[1]
	if again.Header.Get("webhook-id") != got.Header.Get("webhook-id") || string(again.Body) != string(got.Body) {
		t.Fatal("a resend is the same message")
	}
	if resp := dato(t, srv, "POST", "/webhook_calls/999/resend_webhook", ""); resp.Status != http.StatusNotFound {
		t.Fatalf("unknown call: %d", resp.Status)
	}
}

// TestDatoCMSRateLimit: past 60 requests in 3 seconds the DatoCMS dialect
// answers 429 with Retry-After, and the budget comes back with time. The
// clock is frozen so that no token refills while the requests are sent.
func TestDatoCMSRateLimit(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Now = clock.Now })
	var last *hookflowtest.Response
	for i := 0; i < 61; i++ {
		last = srv.Do(t, "GET", "/webhooks", nil, "X-Api-Version", "2")
		if last.Status == http.StatusTooManyRequests {
			break
		}
	}
	if last.Status != http.StatusTooManyRequests || last.ErrorCode(t) != "REQUESTS_EXCEEDED" ||
		last.Header.Get("Retry-After") == "" || last.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Fatalf("61st request: %d %v %s", last.Status, last.Header, last.Body)
	}
	// The Directus dialect is not limited.
	check(t, srv.Do(t, "GET", "/webhooks", nil), 200, "")
	clock.Advance(3 * time.Second)
	if again := srv.Do(t, "GET", "/webhooks", nil, "X-Api-Version", "2"); again.Status != http.StatusOK {
		t.Fatalf("after the window: %d %s", again.Status, again.Body)
	}
}
