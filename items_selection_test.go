package hookflow_test

import (
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestItemKeysFromMissingValues checks that an item step whose key or keys
// template gives no value fails instead of acting on every item: a delete
// keyed by {{$trigger.body.id}} must not empty the collection when a
// request lacks the id, nor a read return the whole collection.
func TestItemKeysFromMissingValues(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/notes", `[{"v": 1}, {"v": 2}, {"v": 3}]`), 200, "")
	fails := func(op, selection string) string {
		return flow(t, srv, `{"method": "POST"}`, `[{"operation": "`+op+`", "options": {"collection": "notes", `+selection+`}}]`)
	}
	invalid := `{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "operation": "<any>", "type": "<any>"}}]}`
	for _, url := range []string{
		fails("item-delete", `"key": "{{$trigger.body.id}}"`),
		fails("item-delete", `"keys": "{{$trigger.body.ids}}"`),
		fails("item-update", `"key": "{{$trigger.body.id}}", "payload": {"v": 0}`),
		fails("item-update", `"keys": "{{$trigger.body.ids}}", "payload": {"v": 0}`),
		fails("item-read", `"key": "{{$trigger.body.id}}"`),
		fails("item-read", `"keys": "{{$trigger.body.ids}}"`),
	} {
		check(t, srv.Do(t, "POST", url, `{}`), 400, invalid)
	}
	// Empty keys select nothing.
	for _, url := range []string{
		fails("item-delete", `"keys": "{{$trigger.body.ids}}"`),
		fails("item-update", `"keys": "{{$trigger.body.ids}}", "payload": {"v": 0}`),
		fails("item-read", `"keys": "{{$trigger.body.ids}}"`),
	} {
		check(t, srv.Do(t, "POST", url, `{"ids": ""}`), 200, `{"data": []}`)
		check(t, srv.Do(t, "POST", url, `{"ids": []}`), 200, `{"data": []}`)
	}
	check(t, srv.Do(t, "GET", "/items/notes", nil), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}, {"id": 3, "v": 3}]}`)
	// The keys given still work.
	del := fails("item-delete", `"keys": "{{$trigger.body.ids}}"`)
	check(t, srv.Do(t, "POST", del, `{"ids": "1, 3"}`), 200, `{"data": [1, 3]}`)
	check(t, srv.Do(t, "GET", "/items/notes", nil), 200, `{"data": [{"id": 2, "v": 2}]}`)
}

// TestItemWriteQueriesFromMissingValues checks that an item-update or
// item-delete whose query, or whose filter, is a template that gives no
// value fails instead of writing every item; a read takes it as no query.
func TestItemWriteQueriesFromMissingValues(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/notes", `[{"v": 1}, {"v": 2}]`), 200, "")
	step := func(op, options string) string {
		return flow(t, srv, `{"method": "POST"}`, `[{"operation": "`+op+`", "options": {"collection": "notes", `+options+`}}]`)
	}
	invalid := `{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_QUERY", "operation": "<any>", "type": "<any>"}}]}`
	for _, url := range []string{
		step("item-delete", `"query": "{{$trigger.body.query}}"`),
		step("item-delete", `"query": {"filter": "{{$trigger.body.filter}}"}`),
		step("item-update", `"query": "{{$trigger.body.query}}", "payload": {"v": 0}`),
		step("item-update", `"query": {"filter": "{{$trigger.body.filter}}", "limit": 5}, "payload": {"v": 0}`),
	} {
		check(t, srv.Do(t, "POST", url, `{}`), 400, invalid)
		check(t, srv.Do(t, "POST", url, `{"query": "null"}`), 400, invalid)
	}
	check(t, srv.Do(t, "GET", "/items/notes", nil), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}]}`)
	read := step("item-read", `"query": {"filter": "{{$trigger.body.filter}}"}`)
	check(t, srv.Do(t, "POST", read, `{}`), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}]}`)
	// Given values still select.
	del := step("item-delete", `"query": {"filter": "{{$trigger.body.filter}}"}`)
	check(t, srv.Do(t, "POST", del, `{"filter": {"v": {"_eq": 2}}}`), 200, `{"data": [2]}`)
	all := step("item-delete", `"query": "{{$trigger.body.query}}"`)
	check(t, srv.Do(t, "POST", all, `{"query": {"filter": {}}}`), 200, `{"data": [1]}`)
}
