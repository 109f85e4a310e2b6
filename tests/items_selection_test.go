package tests

import (
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// noteStep uploads a POST flow of one item step on the collection notes,
// with options added to its collection, and returns its trigger URL.
func noteStep(t *testing.T, srv *hookflowtest.Server, op, options string) string {
	t.Helper()
	return flow(t, srv, `{"method": "POST"}`, `[{"operation": "`+op+`", "options": {"collection": "notes", `+options+`}}]`)
}

// TestItemKeysFromMissingValues checks that an item step whose key or keys
// template gives no value fails instead of acting on every item: a delete
// keyed by {{$trigger.body.id}} must not empty the collection when a
// request lacks the id, nor a read return the whole collection.
func TestItemKeysFromMissingValues(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/notes", `[{"v": 1}, {"v": 2}, {"v": 3}]`), 200, "")
	invalid := `{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_PAYLOAD", "operation": "<any>", "type": "<any>"}}]}`
	for _, url := range []string{
		noteStep(t, srv, "item-delete", `"key": "{{$trigger.body.id}}"`),
		noteStep(t, srv, "item-delete", `"keys": "{{$trigger.body.ids}}"`),
		noteStep(t, srv, "item-update", `"key": "{{$trigger.body.id}}", "payload": {"v": 0}`),
		noteStep(t, srv, "item-update", `"keys": "{{$trigger.body.ids}}", "payload": {"v": 0}`),
		noteStep(t, srv, "item-read", `"key": "{{$trigger.body.id}}"`),
		noteStep(t, srv, "item-read", `"keys": "{{$trigger.body.ids}}"`),
	} {
		check(t, srv.Do(t, "POST", url, `{}`), 400, invalid)
	}
	// Empty keys select nothing.
	for _, url := range []string{
		noteStep(t, srv, "item-delete", `"keys": "{{$trigger.body.ids}}"`),
		noteStep(t, srv, "item-update", `"keys": "{{$trigger.body.ids}}", "payload": {"v": 0}`),
		noteStep(t, srv, "item-read", `"keys": "{{$trigger.body.ids}}"`),
	} {
		check(t, srv.Do(t, "POST", url, `{"ids": ""}`), 200, `{"data": []}`)
		check(t, srv.Do(t, "POST", url, `{"ids": []}`), 200, `{"data": []}`)
	}
	check(t, srv.Do(t, "GET", "/items/notes", nil), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}, {"id": 3, "v": 3}]}`)
	// The keys given still work.
	del := noteStep(t, srv, "item-delete", `"keys": "{{$trigger.body.ids}}"`)
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
	invalid := `{"errors": [{"message": "<any>", "extensions": {"code": "INVALID_QUERY", "operation": "<any>", "type": "<any>"}}]}`
	for _, url := range []string{
		noteStep(t, srv, "item-delete", `"query": "{{$trigger.body.query}}"`),
		noteStep(t, srv, "item-delete", `"query": {"filter": "{{$trigger.body.filter}}"}`),
		noteStep(t, srv, "item-update", `"query": "{{$trigger.body.query}}", "payload": {"v": 0}`),
		noteStep(t, srv, "item-update", `"query": {"filter": "{{$trigger.body.filter}}", "limit": 5}, "payload": {"v": 0}`),
	} {
		check(t, srv.Do(t, "POST", url, `{}`), 400, invalid)
		check(t, srv.Do(t, "POST", url, `{"query": "null"}`), 400, invalid)
	}
	check(t, srv.Do(t, "GET", "/items/notes", nil), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}]}`)
	read := noteStep(t, srv, "item-read", `"query": {"filter": "{{$trigger.body.filter}}"}`)
	check(t, srv.Do(t, "POST", read, `{}`), 200, `{"data": [{"id": 1, "v": 1}, {"id": 2, "v": 2}]}`)
	// Given values still select.
	del := noteStep(t, srv, "item-delete", `"query": {"filter": "{{$trigger.body.filter}}"}`)
	check(t, srv.Do(t, "POST", del, `{"filter": {"v": {"_eq": 2}}}`), 200, `{"data": [2]}`)
	all := noteStep(t, srv, "item-delete", `"query": "{{$trigger.body.query}}"`)
	check(t, srv.Do(t, "POST", all, `{"query": {"filter": {}}}`), 200, `{"data": [1]}`)
}
