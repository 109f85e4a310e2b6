package tests

import (
	"fmt"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// TestGetCacheTellsCollectionsApart: writes to thousands of collections a
// cached flow does not read never drop its answer, whichever they are
// (the cache once hashed collections onto 1 024 shared counters, so some
// other collection always shared products' counter and dropped its
// answers); a write to the collection it reads always does.
func TestGetCacheTellsCollectionsApart(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/products", `{"name": "a"}`), 200, "")
	url := flow(t, srv, `{"method": "GET", "cacheEnabled": true}`,
		`[{"operation": "item-read", "options": {"collection": "products", "query": {"fields": ["name"]}}}]`)
	expectCache(t, srv.Do(t, "GET", url, nil), "MISS", `[{"name": "a"}]`)
	const others = 4000
	for i := range others {
		check(t, srv.Do(t, "POST", fmt.Sprintf("/items/other_%d", i), `{"n": 1}`), 200, "")
	}
	expectCache(t, srv.Do(t, "GET", url, nil), "HIT", `[{"name": "a"}]`)
	check(t, srv.Do(t, "POST", "/items/products", `{"name": "b"}`), 200, "")
	expectCache(t, srv.Do(t, "GET", url, nil), "MISS", `[{"name": "a"}, {"name": "b"}]`)
}
