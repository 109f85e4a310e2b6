package tests

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestItemWriteDeliversSignedDirectusPayload: a Directus webhook fires on
// an item create with Directus's payload, signed both ways, and its
// delivery log records the attempt.
func TestItemWriteDeliversSignedDirectusPayload(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{
		"name": "Build Website", "actions": "create,update", "collections": []any{"articles"}, "url": rc.URL + "/hook",
		"headers": []any{map[string]any{"header": "X-Foo", "value": "Bar"}},
	})
	secret, _ := hook["secret"].(string)
	if !strings.HasPrefix(secret, "whsec_") || len(secret) != len("whsec_")+44 {
		t.Fatalf("secret %q", secret)
	}
	check(t, srv.Do(t, "POST", "/items/articles", `{"title": "Hello"}`), 200, `{"data": {"id": 1, "title": "Hello"}}`)
	check(t, srv.Do(t, "POST", "/items/other", `{"title": "ignored"}`), 200, "")

	got := rc.Wait(t, 1)[0]
	if got.Method != "POST" || got.Path != "/hook" || got.Header.Get("Content-Type") != "application/json" || got.Header.Get("X-Foo") != "Bar" {
		t.Fatalf("request %s %s %v", got.Method, got.Path, got.Header)
	}
	var body map[string]any
	if err := json.Unmarshal(got.Body, &body); err != nil {
		t.Fatal(err)
	}
	if toJSONText(body) != `{"accountability":{"role":"admin","user":"admin"},"collection":"articles","event":"items.create","key":1,"payload":{"id":1,"title":"Hello"}}` {
		t.Fatalf("body %s", got.Body)
	}
	if err := verifyStandardWebhook(secret, got.Header, got.Body, time.Now()); err != nil {
		t.Fatalf("standard webhooks check: %v", err)
	}
	if !verifySeedSignature(secret, got.Header.Get("X-Webhook-Signature"), got.Body) {
		t.Fatal("X-Webhook-Signature does not verify")
	}
	if !strings.HasPrefix(got.Header.Get("webhook-id"), "evt_") {
		t.Fatalf("webhook-id %q", got.Header.Get("webhook-id"))
	}
	list := waitDeliveries(t, srv, hook, func(l []any) bool {
		return len(l) == 1 && l[0].(map[string]any)["status"] == "succeeded"
	})
	d := list[0].(map[string]any)
	if d["event"] != "articles.created" || d["attempt_count"] != 1.0 || d["last_status"] != 200.0 {
		t.Fatalf("delivery %v", d)
	}
	detail := srv.Do(t, "GET", "/webhooks/deliveries/"+toJSONText(d["id"]), nil)
	attempts := detail.Data(t).(map[string]any)["attempts"].([]any)
	a := attempts[0].(map[string]any)
	req := a["request"].(map[string]any)
	if req["url"] != rc.URL+"/hook" || req["method"] != "POST" || a["error_class"] != nil ||
		a["response"].(map[string]any)["body"] != `{"received": true}` {
		t.Fatalf("attempt %s", detail.Body)
	}
	last := srv.Do(t, "GET", webhookPath(hook, ""), nil).Data(t).(map[string]any)
	if last["last_triggered"] == nil || last["secret"] == secret {
		t.Fatalf("webhook after delivery %v", last)
	}
}

// TestPayloadFormats: the generic and DatoCMS formats send one message
// per item (a bulk update becomes one delivery per key), data false sends
// no body, and emitted events reach pattern subscriptions.
func TestPayloadFormats(t *testing.T) {
	t.Parallel()
	generic, dato, bare, emitted := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": generic.URL, "events": []any{"orders.updated"}}), 201, "")
	resp := srv.Do(t, "POST", "/webhooks", map[string]any{"data": map[string]any{"type": "webhook", "attributes": map[string]any{
		"name": "dato", "url": dato.URL, "headers": map[string]any{},
		"events": []any{map[string]any{
			"entity_type": "item", "event_types": []any{"update"},
			"filter": map[string]any{"entity_type": "item", "entity_ids": []any{"2"}},
		}},
	}}}, "X-Api-Version", "2")
	check(t, resp, 200, "")
	createWebhook(t, srv, map[string]any{"name": "bare", "actions": []any{"update"}, "collections": "orders", "url": bare.URL, "data": false})
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": emitted.URL, "events": []any{"report.*"}}), 201, "")

	check(t, srv.Do(t, "POST", "/items/orders", `[{"total": 1}, {"total": 2}, {"total": 3}]`), 200, "")
	check(t, srv.Do(t, "PATCH", "/items/orders", `{"keys": [1, 2], "data": {"paid": true}}`), 200, "")

	got := generic.Wait(t, 2)
	bodies := map[string]bool{}
	ids := map[string]bool{}
	for _, r := range got {
		var b map[string]any
		_ = json.Unmarshal(r.Body, &b)
		ids[b["id"].(string)] = true
		if b["type"] != "orders.updated" || !strings.HasPrefix(b["id"].(string), "evt_") || b["created"] == nil {
			t.Fatalf("generic body %s", r.Body)
		}
		bodies[toJSONText(b["data"])] = true
	}
	if !bodies[`{"id":1,"paid":true,"total":1}`] || !bodies[`{"id":2,"paid":true,"total":2}`] || len(ids) != 2 {
		t.Fatalf("generic bodies %v", bodies)
	}
	var d map[string]any
	_ = json.Unmarshal(dato.Wait(t, 1)[0].Body, &d)
	entity := toJSONText(d["entity"])
	if d["entity_type"] != "item" || d["event_type"] != "update" || d["environment"] != "main" ||
		entity != `{"attributes":{"paid":true,"total":2},"id":"2","relationships":{"item_type":{"data":{"id":"orders","type":"item_type"}}},"type":"item"}` {
		t.Fatalf("dato body %v", d)
	}
	dato.Quiet(t, 1) // item 1 is filtered out
	b := bare.Wait(t, 1)[0]
	if len(b.Body) != 0 || b.Header.Get("Content-Type") != "" || b.Header.Get("webhook-signature") == "" {
		t.Fatalf("data false sent %q with %v", b.Body, b.Header)
	}

	flow := srv.CreateFlow(t, map[string]any{"operations": []any{map[string]any{
		"operation": "emit",
		"options":   map[string]any{"event": "report.generated", "data": map[string]any{"rows": 3}},
	}}})
	check(t, srv.Do(t, "POST", "/flows/trigger/"+flow, nil), 200, "")
	var e map[string]any
	_ = json.Unmarshal(emitted.Wait(t, 1)[0].Body, &e)
	if e["type"] != "report.generated" || toJSONText(e["data"]) != `{"rows":3}` {
		t.Fatalf("emitted event body %v", e)
	}
	emitted.Quiet(t, 1) // item events do not match report.*
}

// TestRedirectIsAFailedAttempt: deliveries do not follow redirects.
func TestRedirectIsAFailedAttempt(t *testing.T) {
	t.Parallel()
	target := hookflowtest.NewReceiver(t)
	rc := hookflowtest.NewReceiver(t)
	rc.SetAnswer(func(int, *http.Request) (int, http.Header) {
		return http.StatusFound, http.Header{"Location": {target.URL}}
	})
	srv := hookflowtest.New(t, allowLoopback)
	hook := createWebhook(t, srv, map[string]any{"name": "r", "actions": "create", "collections": "c", "url": rc.URL})
	check(t, srv.Do(t, "POST", "/items/c", `{}`), 200, "")
	list := waitDeliveries(t, srv, hook, func(l []any) bool {
		return len(l) == 1 && l[0].(map[string]any)["last_status"] == 302.0
	})
	if list[0].(map[string]any)["status"] != "pending" {
		t.Fatalf("delivery %v", list[0])
	}
	target.Quiet(t, 0)
}
