package tests

import (
	"net/http"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

func TestItemsREST(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/orders", `{"customer": "ada", "total": 10}`), 200,
		`{"data": {"id": 1, "customer": "ada", "total": 10}}`)
	check(t, srv.Do(t, "POST", "/items/orders", `[{"customer": "bob", "total": 5}, {"id": "x1", "customer": "cy", "total": 7.5}]`), 200,
		`{"data": [{"id": 2, "customer": "bob", "total": 5}, {"id": "x1", "customer": "cy", "total": 7.5}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?sort=-total&fields=id,total&meta=total_count,filter_count&filter[total][_gte]=6", nil), 200,
		`{"data": [{"id": 1, "total": 10}, {"id": "x1", "total": 7.5}], "meta": {"total_count": 3, "filter_count": 2}}`)
	check(t, srv.Do(t, "GET", `/items/orders?filter={"customer":{"_in":["bob","cy"]}}&fields=customer`, nil), 200,
		`{"data": [{"customer": "bob"}, {"customer": "cy"}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?aggregate[count]=*", nil), 200, `{"data": [{"count": 3}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?aggregate[sum]=total&aggregate[max]=total", nil), 200,
		`{"data": [{"sum": {"total": 22.5}, "max": {"total": 10}}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?search=AD&fields=id", nil), 200, `{"data": [{"id": 1}]}`)
	check(t, srv.Do(t, "GET", "/items/orders?limit=1&page=2&fields=id", nil), 200, `{"data": [{"id": 2}]}`)
	check(t, srv.Do(t, "GET", "/items/orders/x1", nil), 200, `{"data": {"id": "x1", "customer": "cy", "total": 7.5}}`)
	check(t, srv.Do(t, "GET", "/items/orders/2?fields=customer", nil), 200, `{"data": {"customer": "bob"}}`)
	check(t, srv.Do(t, "PATCH", "/items/orders/2", `{"total": 6, "note": "late"}`), 200,
		`{"data": {"id": 2, "customer": "bob", "total": 6, "note": "late"}}`)
	check(t, srv.Do(t, "PATCH", "/items/orders", `{"keys": [1, "x1"], "data": {"paid": true}}`), 200,
		`{"data": [{"id": 1, "customer": "ada", "total": 10, "paid": true}, {"id": "x1", "customer": "cy", "total": 7.5, "paid": true}]}`)
	check(t, srv.Do(t, "PATCH", "/items/orders?fields=id,paid", `{"query": {"filter": {"paid": {"_null": true}}}, "data": {"paid": false}}`), 200,
		`{"data": [{"id": 2, "paid": false}]}`)
	check(t, srv.Do(t, "PATCH", "/items/orders?fields=id,total", `[{"id": 1, "total": 11}]`), 200, `{"data": [{"id": 1, "total": 11}]}`)
	check(t, srv.Do(t, "DELETE", "/items/orders/2", nil), 204, "")
	check(t, srv.Do(t, "GET", "/items/orders/2", nil), 404, `{"errors": [{"message": "<any>", "extensions": {"code": "NOT_FOUND"}}]}`)
	check(t, srv.Do(t, "DELETE", "/items/orders", `{"keys": ["x1"]}`), 204, "")
	check(t, srv.Do(t, "DELETE", "/items/orders", `[1]`), 204, "")
	check(t, srv.Do(t, "GET", "/items/orders", nil), 200, `{"data": []}`)
	// Ids with characters that URLs escape.
	check(t, srv.Do(t, "POST", "/items/orders", `{"id": "a b/é"}`), 200, "")
	check(t, srv.Do(t, "GET", "/items/orders/a%20b%2F%C3%A9", nil), 200, `{"data": {"id": "a b/é"}}`)
	check(t, srv.Do(t, "PATCH", "/items/orders/a%20b%2F%C3%A9", `{"x": 1}`), 200, `{"data": {"id": "a b/é", "x": 1}}`)
	check(t, srv.Do(t, "DELETE", "/items/orders/a%20b%2F%C3%A9", nil), 204, "")
}

func TestItemsBadInput(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/collections", `{"collection": "people", "schema": {"type": "object", "required": ["email"],
		"properties": {"email": {"type": "string"}, "age": {"type": "integer", "minimum": 0}}}}`), 200, "")
	check(t, srv.Do(t, "POST", "/items/things", `{"id": 1}`), 200, "")
	tests := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown item", "GET", "/items/things/99", "", 404, "NOT_FOUND"},
		{"unknown item of an unknown collection", "GET", "/items/nothing/1", "", 404, "NOT_FOUND"},
		{"limit not a number", "GET", "/items/things?limit=abc", "", 400, "INVALID_QUERY"},
		{"malformed filter JSON", "GET", "/items/things?filter={bad", "", 400, "INVALID_QUERY"},
		{"unknown operator", "GET", "/items/things?filter[id][_like]=1", "", 400, "INVALID_QUERY"},
		{"unknown aggregate", "GET", "/items/things?aggregate[median]=id", "", 400, "INVALID_QUERY"},
		{"payload not an object", "POST", "/items/things", `"text"`, 400, "INVALID_PAYLOAD"},
		{"payload array of scalars", "POST", "/items/things", `[1, 2]`, 400, "INVALID_PAYLOAD"},
		{"malformed body", "POST", "/items/things", `{"a":`, 400, "INVALID_PAYLOAD"},
		{"duplicate id", "POST", "/items/things", `{"id": 1}`, 409, "RECORD_NOT_UNIQUE"},
		{"boolean id", "POST", "/items/things", `{"id": true}`, 400, "INVALID_PAYLOAD"},
		{"invalid collection name", "POST", "/items/bad-name", `{}`, 400, "INVALID_PAYLOAD"},
		{"invalid collection name on read", "GET", "/items/bad-name", "", 400, "INVALID_PAYLOAD"},
		{"schema violation", "POST", "/items/people", `{"age": -1}`, 400, "FAILED_VALIDATION"},
		{"update of an unknown item", "PATCH", "/items/things/99", `{"a": 1}`, 404, "NOT_FOUND"},
		{"update without a selection", "PATCH", "/items/things", `{"data": {"a": 1}}`, 400, "INVALID_PAYLOAD"},
		{"delete of an unknown item", "DELETE", "/items/things/99", "", 404, "NOT_FOUND"},
		{"delete body not keys", "DELETE", "/items/things", `"all"`, 400, "INVALID_PAYLOAD"},
		{"collection twice", "POST", "/collections", `{"collection": "people"}`, 409, "RECORD_NOT_UNIQUE"},
		{"collection without a name", "POST", "/collections", `{"schema": {}}`, 400, "INVALID_PAYLOAD"},
		{"invalid schema", "POST", "/collections", `{"collection": "x", "schema": {"type": 5}}`, 400, "INVALID_PAYLOAD"},
		{"unknown collection", "GET", "/collections/nothing", "", 404, "NOT_FOUND"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != "" {
				body = tt.body
			}
			resp := srv.Do(t, tt.method, tt.path, body)
			if resp.Status != tt.status || resp.ErrorCode(t) != tt.code {
				t.Errorf("%d %s, want %d %s: %s", resp.Status, resp.ErrorCode(t), tt.status, tt.code, resp.Body)
			}
		})
	}
	// The schema violation names each bad field.
	resp := srv.Do(t, "POST", "/items/people", `[{"email": "a@b.c"}, {"age": -1}]`)
	check(t, resp, 400, `{"errors": [
		{"message": "<any>", "extensions": {"code": "FAILED_VALIDATION", "collection": "people", "field": "[1].age"}},
		{"message": "<any>", "extensions": {"code": "FAILED_VALIDATION", "collection": "people", "field": "[1].email"}}]}`)
	// ... and stored nothing, not even the valid first item.
	check(t, srv.Do(t, "GET", "/items/people", nil), 200, `{"data": []}`)
	// The query error names the problem.
	resp = srv.Do(t, "GET", "/items/things?filter[id][_like]=1", nil)
	if !strings.Contains(string(resp.Body), `_like`) {
		t.Errorf("the error does not name the operator: %s", resp.Body)
	}
	// Unknown collections read as empty lists.
	check(t, srv.Do(t, "GET", "/items/nothing", nil), 200, `{"data": []}`)
	// Items need a token.
	resp = srv.Do(t, "GET", "/items/things", nil, "Authorization", "")
	if resp.Status != http.StatusUnauthorized {
		t.Errorf("anonymous read: %d", resp.Status)
	}
}

func TestCollectionsREST(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/collections", `{"collection": "orders", "indexes": ["status", ["status", "created"]]}`), 200,
		`{"data": {"collection": "orders", "schema": null, "indexes": [["status"], ["status", "created"]]}}`)
	check(t, srv.Do(t, "POST", "/items/events", `{}`), 200, "")
	check(t, srv.Do(t, "GET", "/collections", nil), 200, `{"data": [
		{"collection": "events", "schema": null, "indexes": []},
		{"collection": "orders", "schema": null, "indexes": [["status"], ["status", "created"]]}]}`)
	check(t, srv.Do(t, "PATCH", "/collections/events", `{"schema": {"type": "object", "required": ["kind"]}}`), 200,
		`{"data": {"collection": "events", "schema": {"type": "object", "required": ["kind"]}, "indexes": []}}`)
	check(t, srv.Do(t, "POST", "/items/events", `{}`), 400, "")
	check(t, srv.Do(t, "GET", "/collections/events", nil), 200, `{"data": {"collection": "events", "schema": "<any>", "indexes": []}}`)
	check(t, srv.Do(t, "DELETE", "/collections/events", nil), 204, "")
	check(t, srv.Do(t, "GET", "/items/events", nil), 200, `{"data": []}`)
	check(t, srv.Do(t, "DELETE", "/collections/events", nil), 404, "")
}
