package tests

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestItemTypeEventsFireOnCollectionChanges: creating, changing and
// deleting a collection publish collections.created|updated|deleted.
// DatoCMS's documented example webhook (entity_type item_type) receives those of
// the item types (collections) and event types it names, as DatoCMS
// item_type payloads; a name pattern receives them all; a Directus-form
// webhook still receives item events only.
func TestItemTypeEventsFireOnCollectionChanges(t *testing.T) {
	t.Parallel()
	dato, patterns, directus := hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t), hookflowtest.NewReceiver(t)
	srv := hookflowtest.New(t, allowLoopback)
	created := srv.Do(t, "POST", "/webhooks", fmt.Sprintf(`{"data": {"type": "webhook", "attributes": {
		"name": "Item type creation/update", "url": %q, "headers": {"X-Foo": "Bar"},
		"events": [{"entity_type": "item_type", "event_types": ["update", "create"], "filter": {"entity_type": "item_type", "entity_ids": ["articles", "pages"]}}],
		"http_basic_user": "user", "http_basic_password": "password"}}}`, dato.URL), "X-Api-Version", "2")
	check(t, created, 200, "")
	datoID := created.Data(t).(map[string]any)["id"].(string)
	check(t, srv.Do(t, "POST", "/api/v1/webhooks", map[string]any{"url": patterns.URL, "events": []any{"collections.*"}}), 201, "")
	createWebhook(t, srv, map[string]any{"name": "items", "actions": "create,update,delete", "collections": "articles", "url": directus.URL})

	check(t, srv.Do(t, "POST", "/collections", `{"collection": "articles", "schema": {"type": "object"}}`), 200, "")
	check(t, srv.Do(t, "POST", "/collections", `{"collection": "other"}`), 200, "")
	check(t, srv.Do(t, "PATCH", "/collections/articles", `{"indexes": ["title"]}`), 200, "")
	check(t, srv.Do(t, "POST", "/items/articles", `{"title": "Hi"}`), 200, "")
	check(t, srv.Do(t, "DELETE", "/collections/articles", nil), 204, "")
	// Refused changes announce nothing.
	if r := srv.Do(t, "POST", "/collections", `{"collection": "other"}`); r.Status == 200 {
		t.Fatalf("duplicate collection: %d", r.Status)
	}
	if r := srv.Do(t, "DELETE", "/collections/missing", nil); r.Status != 404 {
		t.Fatalf("missing collection: %d", r.Status)
	}

	// Deliveries have no order: they are told apart by their event type.
	indexes := map[string]string{"create": `[]`, "update": `[["title"]]`}
	for _, r := range dato.Wait(t, 2) {
		var body map[string]any
		if err := json.Unmarshal(r.Body, &body); err != nil {
			t.Fatal(err)
		}
		event, _ := body["event_type"].(string)
		want, ok := indexes[event]
		delete(indexes, event)
		entity := fmt.Sprintf(`{"attributes":{"api_key":"articles","indexes":%s,"name":"articles","schema":{"type":"object"}},"id":"articles","relationships":{},"type":"item_type"}`, want)
		if !ok || body["entity_type"] != "item_type" || body["webhook_id"] != datoID ||
			body["environment"] != "main" || toJSONText(body["entity"]) != entity {
			t.Fatalf("DatoCMS body %s", r.Body)
		}
		if r.Header.Get("X-Foo") != "Bar" {
			t.Fatalf("headers %v", r.Header)
		}
	}
	dato.Quiet(t, 2) // not other (not listed), not the deletion (not an event type it names)

	types := []string{}
	for _, r := range patterns.Wait(t, 4) {
		var body map[string]any
		_ = json.Unmarshal(r.Body, &body)
		data, _ := body["data"].(map[string]any)
		types = append(types, fmt.Sprint(body["type"], " ", data["collection"]))
	}
	sort.Strings(types)
	if want := "[collections.created articles collections.created other collections.deleted articles collections.updated articles]"; fmt.Sprint(types) != want {
		t.Fatalf("pattern webhook got %v, want %s", types, want)
	}
	patterns.Quiet(t, 4)

	var item map[string]any
	_ = json.Unmarshal(directus.Wait(t, 1)[0].Body, &item)
	if item["event"] != "items.create" || item["collection"] != "articles" {
		t.Fatalf("Directus webhook got %v", item)
	}
	directus.Quiet(t, 1)

	// The delivery log names them as DatoCMS does.
	calls := srv.Do(t, "GET", "/webhook_calls?filter[fields][webhook_id][eq]="+datoID+"&order_by=created_at_asc", nil, "X-Api-Version", "2")
	checkSubset(t, calls, 200, `{"data": [{"attributes": {"entity_type": "item_type", "event_type": "create"}},
		{"attributes": {"entity_type": "item_type", "event_type": "update"}}]}`)
}
