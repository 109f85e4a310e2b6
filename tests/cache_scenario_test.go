package tests

import (
	"fmt"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// expectCache checks a response's status, X-Cache header and data.
func expectCache(t *testing.T, r *hookflowtest.Response, xcache, data string) {
	t.Helper()
	if got := r.Header.Get("X-Cache"); got != xcache {
		t.Fatalf("X-Cache %q, want %q: %d %s", got, xcache, r.Status, r.Body)
	}
	if data != "" {
		check(t, r, 200, `{"data": `+data+`}`)
	}
}

func TestGetCache(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Now = clock.Now })
	check(t, srv.Do(t, "POST", "/items/products", `[{"name": "a", "status": "active"}, {"name": "b", "status": "draft"}]`), 200, "")
	// The seed's GET flow, returning the query too, so that answers differ
	// by query; the writer flow changes products without events.
	url := flow(t, srv, `{"method": "GET", "cacheEnabled": true, "access": "public", "cacheTTL": "10m"}`, `[
		{"id": "read", "operation": "item-read", "options": {"collection": "products", "query": {"filter": {"status": {"_eq": "active"}}}}},
		{"operation": "transform", "options": {"json": {"products": "{{read.length}}", "query": "{{$trigger.query}}"}}}]`)
	quietWrite := flow(t, srv, `{"access": "public"}`, `[{"operation": "item-create",
		"options": {"collection": "products", "payload": {"name": "q", "status": "active"}, "emitEvents": false, "permissions": "$full"}}]`)
	srv.Grant(t, "public", map[string]any{"collection": "products", "action": "read"})
	srv.CreateRole(t, "reader", map[string]any{"collection": "flows", "action": "trigger"})
	_, reader := srv.CreateUser(t, "reader")
	anon := []string{"Authorization", ""}
	get := func(query string, headers ...string) *hookflowtest.Response {
		return srv.Do(t, "GET", url+query, nil, append(append([]string{}, anon...), headers...)...)
	}

	miss := get("?b=2&a=1&a=0")
	expectCache(t, miss, "MISS", `{"products": 1, "query": {"a": ["1", "0"], "b": "2"}}`)
	if miss.Header.Get("X-Run-Id") == "" {
		t.Fatal("a miss runs the flow")
	}
	hit := get("?a=1&b=2&a=0") // the same parameters in another order
	expectCache(t, hit, "HIT", `{"products": 1, "query": {"a": ["1", "0"], "b": "2"}}`)
	if hit.Header.Get("X-Run-Id") != "" {
		t.Fatal("a hit runs nothing")
	}
	expectCache(t, get("?a=0&a=1&b=2"), "MISS", "") // repeated values keep their order
	// access_token is our parameter whatever it holds: gone from the query
	// the flow sees, so not part of the key.
	expectCache(t, get("?a=1&b=2&a=0&access_token=nope"), "HIT", `{"products": 1, "query": {"a": ["1", "0"], "b": "2"}}`)
	// Another role has its own entries.
	expectCache(t, srv.Do(t, "GET", url+"?b=2&a=1&a=0", nil, "Authorization", "Bearer "+reader), "MISS", "")
	expectCache(t, srv.Do(t, "GET", url+"?b=2&a=1&a=0", nil, "Authorization", "Bearer "+reader), "HIT", "")
	// A token of ours given as ?access_token= authenticates and is gone from
	// the query: the role's answer, which holds no token, is served.
	expectCache(t, srv.Do(t, "GET", url+"?b=2&access_token="+reader+"&a=1&a=0", nil, "Authorization", ""), "HIT",
		`{"products": 1, "query": {"a": ["1", "0"], "b": "2"}}`)
	// no-store bypasses the cache and stores nothing; no-cache refreshes.
	expectCache(t, get("?fresh=1", "Cache-Control", "no-store"), "MISS", "")
	expectCache(t, get("?fresh=1"), "MISS", "")
	expectCache(t, get("?fresh=1", "Cache-Control", "max-age=0, No-Cache"), "MISS", "")
	expectCache(t, get("?fresh=1"), "HIT", "")

	// An item write in the collection the flow reads invalidates it, one in
	// another collection does not.
	check(t, srv.Do(t, "POST", "/items/orders", `{"n": 1}`), 200, "")
	expectCache(t, get("?b=2&a=1&a=0"), "HIT", "")
	check(t, srv.Do(t, "PATCH", "/items/products/2", `{"status": "active"}`), 200, "")
	expectCache(t, get("?b=2&a=1&a=0"), "MISS", `{"products": 2, "query": {"a": ["1", "0"], "b": "2"}}`)
	expectCache(t, get("?b=2&a=1&a=0"), "HIT", "")
	// So does a write by a flow that publishes no event.
	check(t, srv.Do(t, "POST", quietWrite, `{}`), 200, "")
	expectCache(t, get("?b=2&a=1&a=0"), "MISS", `{"products": 3, "query": {"a": ["1", "0"], "b": "2"}}`)
	// And deleting the collection.
	check(t, srv.Do(t, "DELETE", "/collections/products", nil), 204, "")
	expectCache(t, get("?b=2&a=1&a=0"), "MISS", `{"products": 0, "query": {"a": ["1", "0"], "b": "2"}}`)

	// Saving the flow invalidates its entries.
	expectCache(t, get(""), "MISS", "")
	expectCache(t, get(""), "HIT", "")
	id := url[len("/flows/trigger/"):]
	check(t, srv.Do(t, "PATCH", "/flows/"+id, `{"name": "renamed"}`), 200, "")
	expectCache(t, get(""), "MISS", "")

	// Entries live for the flow's cacheTTL.
	expectCache(t, get(""), "HIT", "")
	clock.Advance(9 * time.Minute)
	expectCache(t, get(""), "HIT", "")
	clock.Advance(time.Minute)
	expectCache(t, get(""), "MISS", "")
}

// TestGetCacheFollowsPermissionChanges: a cached answer was computed with
// the caller's role's permissions; once they change it is not served
// again, so revoking a grant takes effect at the next request.
func TestGetCacheFollowsPermissionChanges(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/products", `[{"name": "a"}]`), 200, "")
	url := flow(t, srv, `{"method": "GET", "cacheEnabled": true, "access": "public"}`,
		`[{"id": "read", "operation": "item-read", "options": {"collection": "products"}}]`)
	grant := srv.Do(t, "POST", "/permissions", `{"role": "public", "collection": "products", "action": "read"}`)
	check(t, grant, 200, "")
	anon := func() *hookflowtest.Response { return srv.Do(t, "GET", url, nil, "Authorization", "") }
	expectCache(t, anon(), "MISS", `[{"id": 1, "name": "a"}]`)
	expectCache(t, anon(), "HIT", "")

	check(t, srv.Do(t, "DELETE", fmt.Sprintf("/permissions/%v", grant.Data(t).(map[string]any)["id"]), nil), 204, "")
	refused := anon()
	if refused.Status != 403 || refused.Header.Get("X-Cache") != "MISS" {
		t.Fatalf("after the revoke: %d X-Cache %q %s", refused.Status, refused.Header.Get("X-Cache"), refused.Body)
	}
	// Any change of users, roles or permissions counts: a new grant too.
	srv.Grant(t, "public", map[string]any{"collection": "products", "action": "read"})
	expectCache(t, anon(), "MISS", `[{"id": 1, "name": "a"}]`)
	srv.CreateRole(t, "other")
	expectCache(t, anon(), "MISS", "")
	expectCache(t, anon(), "HIT", "")
}

// TestCachedAnswersNeverHoldAnotherCallersToken: two users of one role
// calling a cached flow that echoes its query with ?access_token= share
// the answer, and it holds neither token.
func TestCachedAnswersNeverHoldAnotherCallersToken(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	url := flow(t, srv, `{"method": "GET", "cacheEnabled": true}`,
		`[{"operation": "transform", "options": {"json": {"query": "{{$trigger.query}}"}}}]`)
	srv.CreateRole(t, "reader", map[string]any{"collection": "flows", "action": "trigger"})
	_, first := srv.CreateUser(t, "reader")
	_, second := srv.CreateUser(t, "reader")
	a := srv.Do(t, "GET", url+"?x=1&access_token="+first, nil, "Authorization", "")
	expectCache(t, a, "MISS", `{"query": {"x": "1"}}`)
	b := srv.Do(t, "GET", url+"?x=1&access_token="+second, nil, "Authorization", "")
	expectCache(t, b, "HIT", `{"query": {"x": "1"}}`)
}

func TestGetCacheDefaultsAndFailures(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.Now = clock.Now; c.CacheTTL = time.Minute })
	// A templated collection: any item write invalidates.
	url := flow(t, srv, `{"method": "GET", "cacheEnabled": true, "access": "public"}`, `[
		{"id": "check", "operation": "condition", "options": {"filter": {"$trigger": {"query": {"c": {"_nnull": true}}}}}, "reject": "fail"},
		{"operation": "item-read", "options": {"collection": "{{$trigger.query.c}}", "permissions": "$full"}},
		{"id": "fail", "operation": "throw-error", "options": {"status": 400, "code": "NO_COLLECTION"}}]`)
	expectCache(t, srv.Do(t, "GET", url, nil), "MISS", "")
	check(t, srv.Do(t, "GET", url, nil), 400, "") // errors are never cached
	expectCache(t, srv.Do(t, "GET", url+"?c=a", nil), "MISS", `[]`)
	expectCache(t, srv.Do(t, "GET", url+"?c=a", nil), "HIT", `[]`)
	check(t, srv.Do(t, "POST", "/items/unrelated", `{"n": 1}`), 200, "")
	expectCache(t, srv.Do(t, "GET", url+"?c=a", nil), "MISS", `[]`)
	// CACHE_TTL applies when the flow sets none.
	expectCache(t, srv.Do(t, "GET", url+"?c=a", nil), "HIT", "")
	clock.Advance(time.Minute)
	expectCache(t, srv.Do(t, "GET", url+"?c=a", nil), "MISS", "")
	// Without cacheEnabled nothing is cached.
	plain := flow(t, srv, `{"method": "GET", "access": "public"}`, `[{"operation": "log"}]`)
	if r := srv.Do(t, "GET", plain, nil); r.Header.Get("X-Cache") != "" {
		t.Fatalf("X-Cache on an uncached flow: %v", r.Header)
	}
}
