package tests

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/webhooks"
)

// credentialHeaders are custom headers whose values are credentials, and
// one that is not.
var credentialHeaders = map[string]string{
	"Authorization": "Bearer t-authorization", "Proxy-Authorization": "Basic t-proxy", "Cookie": "session=t-cookie",
	"X-Api-Key": "t-api-key", "X-Auth-Token": "t-auth-token", "X-Webhook-Secret": "t-secret", "X-Password": "t-password",
	"Idempotency-Key": "t-idempotency", "X-Source": "cms",
}

// headerValues reads the headers of a webhook as a dialect shows them: a
// Directus list of {header, value} or an object.
func headerValues(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			h := e.(map[string]any)
			out[h["header"].(string)] = h["value"].(string)
		}
	case map[string]any:
		for k, e := range x {
			out[k] = e.(string)
		}
	default:
		t.Fatalf("headers %v", v)
	}
	return out
}

// assertMasked fails unless every credential header reads as the mask
// and the other one as it is.
func assertMasked(t *testing.T, where string, shown map[string]string) {
	t.Helper()
	if len(shown) != len(credentialHeaders) {
		t.Fatalf("%s: headers %v", where, shown)
	}
	for name, value := range credentialHeaders {
		want := webhooks.PasswordMask
		if name == "X-Source" {
			want = value
		}
		if shown[name] != want {
			t.Errorf("%s: %s reads %q, want %q", where, name, shown[name], want)
		}
	}
}

// TestCredentialHeadersAreNeverShown: credential headers read masked in
// the three dialects (one webhook, lists and single reads), a client that
// sends what it read back keeps the stored values, and deliveries carry
// the real ones.
func TestCredentialHeadersAreNeverShown(t *testing.T) {
	t.Parallel()
	rc := hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	list := make([]any, 0, len(credentialHeaders))
	for name, value := range credentialHeaders {
		list = append(list, map[string]any{"header": name, "value": value})
	}
	created := createWebhook(t, srv, map[string]any{
		"name": "creds", "actions": "create", "collections": "orders",
		"url": rc.URL, "headers": list,
	})
	assertMasked(t, "the create's answer", headerValues(t, created["headers"]))
	id := created["id"]

	directus := srv.Do(t, "GET", webhookPath(created, ""), nil).Data(t).(map[string]any)
	assertMasked(t, "Directus GET", headerValues(t, directus["headers"]))
	assertMasked(t, "Directus list", headerValues(t, srv.Do(t, "GET", "/webhooks", nil).Data(t).([]any)[0].(map[string]any)["headers"]))
	generic := srv.Do(t, "GET", fmt.Sprintf("/api/v1/webhooks/wh_%v", id), nil).Data(t).(map[string]any)
	assertMasked(t, "generic GET", headerValues(t, generic["headers"]))
	assertMasked(t, "generic list", headerValues(t, srv.Do(t, "GET", "/api/v1/webhooks", nil).Data(t).([]any)[0].(map[string]any)["headers"]))
	datoDoc := dato(t, srv, "GET", fmt.Sprintf("/webhooks/%v", id), "").Data(t).(map[string]any)["attributes"].(map[string]any)
	assertMasked(t, "DatoCMS GET", headerValues(t, datoDoc["headers"]))

	// Each dialect sends back what it read (the non-credential header
	// changed): the stored credentials stay, and a delivery carries them.
	delivered := 0
	for _, update := range []func(){
		func() {
			directus["headers"] = append(directus["headers"].([]any), map[string]any{"header": "X-Directus", "value": "1"})
			resp := srv.Do(t, "PATCH", webhookPath(created, ""), map[string]any{"headers": directus["headers"]})
			check(t, resp, 200, "")
			assertMasked(t, "Directus PATCH answer", withoutHeader(headerValues(t, resp.Data(t).(map[string]any)["headers"]), "X-Directus"))
		},
		func() {
			headers := generic["headers"].(map[string]any)
			resp := srv.Do(t, "PUT", fmt.Sprintf("/api/v1/webhooks/wh_%v", id), map[string]any{
				"url":    rc.URL,
				"events": []any{"orders.created"}, "headers": headers,
			})
			check(t, resp, 200, "")
		},
		func() {
			resp := dato(t, srv, "PUT", fmt.Sprintf("/webhooks/%v", id), toJSONText(map[string]any{"data": map[string]any{
				"type": "webhook", "id": fmt.Sprint(id), "attributes": map[string]any{
					"name": "creds", "url": rc.URL,
					"headers": datoDoc["headers"], "events": []any{"orders.created"},
				},
			}}))
			check(t, resp, 200, "")
		},
	} {
		update()
		check(t, srv.Do(t, "POST", "/items/orders", `{}`), 200, "")
		delivered++
		got := rc.Wait(t, delivered)[delivered-1]
		for name, value := range credentialHeaders {
			if got.Header.Get(name) != value {
				t.Errorf("delivery %d sent %s: %q, want %q", delivered, name, got.Header.Get(name), value)
			}
		}
	}

	// A mask for a credential nothing stores is refused: it would be sent.
	resp := srv.Do(t, "PATCH", webhookPath(created, ""), map[string]any{"headers": []any{
		map[string]any{"header": "X-Other-Token", "value": webhooks.PasswordMask},
	}})
	if resp.Status != http.StatusBadRequest || !strings.Contains(string(resp.Body), "headers.X-Other-Token") {
		t.Fatalf("a mask with nothing behind it: %d %s", resp.Status, resp.Body)
	}
}

func withoutHeader(h map[string]string, name string) map[string]string {
	delete(h, name)
	return h
}

// TestAuthorizationHeaderWithBasicAuthIsRefused: a custom Authorization
// header beside basic auth is a 400 naming both in every dialect, on
// create and on update, instead of one silently replacing the other.
func TestAuthorizationHeaderWithBasicAuthIsRefused(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	refused := func(where string, resp *hookflowtest.Response) {
		t.Helper()
		body := string(resp.Body)
		if resp.Status != http.StatusBadRequest || !strings.Contains(strings.ToLower(body), "headers.authorization") ||
			!strings.Contains(body, "http_basic_user") {
			t.Errorf("%s: %d %s", where, resp.Status, body)
		}
	}
	refused("Directus create", srv.Do(t, "POST", "/webhooks", map[string]any{
		"name": "both", "actions": "create",
		"collections": "orders", "url": "https://example.com", "http_basic_user": "bob", "http_basic_password": "pw",
		"headers": map[string]any{"Authorization": "Bearer t"},
	}))
	refused("generic create", srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{
		"url":    "https://example.com",
		"events": []any{"orders.created"}, "http_basic_user": "bob", "headers": map[string]any{"authorization": "Bearer t"},
	}))
	refused("DatoCMS create", dato(t, srv, "POST", "/webhooks", `{"data": {"type": "webhook", "attributes": {"name": "d",
		"url": "https://example.com", "http_basic_user": "bob", "http_basic_password": "pw",
		"headers": {"Authorization": "Bearer t"}, "events": [{"entity_type": "item", "event_types": ["create"]}]}}}`))

	// Basic auth added to a webhook with an Authorization header, and the
	// other way round: refused, nothing changed.
	withHeader := createWebhook(t, srv, map[string]any{
		"name": "header", "actions": "create", "collections": "orders",
		"url": "https://example.com", "headers": map[string]any{"Authorization": "Bearer t"},
	})
	refused("Directus update", srv.Do(t, "PATCH", webhookPath(withHeader, ""), map[string]any{"http_basic_user": "bob"}))
	withBasic := createWebhook(t, srv, map[string]any{
		"name": "basic", "actions": "create", "collections": "orders",
		"url": "https://example.com", "http_basic_user": "bob", "http_basic_password": "pw",
	})
	refused("generic update", srv.Do(t, "PUT", fmt.Sprintf("/api/v1/webhooks/wh_%v", withBasic["id"]), map[string]any{
		"headers": map[string]any{"Authorization": "Bearer t"},
	}))
	got := srv.Do(t, "GET", webhookPath(withHeader, ""), nil).Data(t).(map[string]any)
	if got["http_basic_user"] != nil || len(got["headers"].([]any)) != 1 {
		t.Fatalf("a refused update changed the webhook: %v", got)
	}
	if got := srv.Do(t, "GET", webhookPath(withBasic, ""), nil).Data(t).(map[string]any); len(got["headers"].([]any)) != 0 {
		t.Fatalf("a refused update changed the webhook: %v", got)
	}
}
