package tests

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/hookflowtest"
)

// fieldList is "f0,f1,…" with n fields.
func fieldList(n int) string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("f%d", i)
	}
	return strings.Join(names, ",")
}

// expectInvalidQuery checks a 400 INVALID_QUERY whose message names want.
func expectInvalidQuery(t *testing.T, r *hookflowtest.Response, want string) {
	t.Helper()
	if r.Status != 400 || r.ErrorCode(t) != "INVALID_QUERY" || !strings.Contains(string(r.Body), want) {
		t.Fatalf("want 400 INVALID_QUERY naming %q, got %d %.300s", want, r.Status, r.Body)
	}
}

// TestQueryListsAreBounded: sort, groupBy, aggregate and fields lists past
// their bounds, and field paths past theirs, are 400 INVALID_QUERY naming
// the bound, on /items, on the in-memory lists and in item-read, instead of
// reaching the database (which failed with 500 past 2 000 terms); lists and
// paths at the bounds work.
func TestQueryListsAreBounded(t *testing.T) {
	t.Parallel()
	srv := hookflowtest.New(t)
	check(t, srv.Do(t, "POST", "/items/p", `[{"f0": 2, "s": "x"}, {"f0": 1, "s": "y"}]`), 200, "")

	for _, tc := range []struct{ query, want string }{
		{"sort=" + fieldList(2001), "sort: at most 100 fields, got 2001"},
		{"sort=" + fieldList(101), "sort: at most 100 fields, got 101"},
		{"groupBy=" + fieldList(2001), "groupBy: at most 100 fields, got 2001"},
		{"aggregate[sum]=" + fieldList(2001), "aggregate: at most 100 fields over all functions, got 2001"},
		{"aggregate[sum]=" + fieldList(60) + "&aggregate[avg]=" + fieldList(60), "aggregate: at most 100 fields over all functions, got 120"},
		{"aggregate=" + url.QueryEscape(`{"max": "`+fieldList(2001)+`"}`), "got 2001"},
		{"fields=" + fieldList(5000), "fields: at most 1000 fields, got 5000"},
	} {
		expectInvalidQuery(t, srv.Do(t, "GET", "/items/p?"+tc.query, nil), tc.want)
	}
	expectInvalidQuery(t, srv.Do(t, "GET", "/flows?sort="+fieldList(2001), nil), "at most 100")

	// Field paths are bounded too: translating one costs the square of its
	// length (a sort path of 50 000 segments took 2 s).
	deep := func(n int) string { return strings.Repeat("a.", n-1) + "a" }
	nested := func(n int) string {
		return url.QueryEscape(strings.Repeat(`{"a":`, n) + `{"_eq":1}` + strings.Repeat("}", n))
	}
	for _, q := range []string{"sort=" + deep(50000), "groupBy=" + deep(129), "aggregate[sum]=" + deep(129), "fields=" + deep(129)} {
		expectInvalidQuery(t, srv.Do(t, "GET", "/items/p?"+q, nil), "field path of ")
	}
	expectInvalidQuery(t, srv.Do(t, "GET", "/items/p?filter="+nested(129), nil), "a field path of more than 128 segments")
	check(t, srv.Do(t, "GET", "/items/p?sort="+deep(128)+"&filter="+nested(128), nil), 200, `{"data": []}`)

	// At the bounds every list works.
	check(t, srv.Do(t, "GET", "/items/p?sort="+fieldList(100)+"&fields="+fieldList(1000), nil), 200,
		`{"data": [{"f0": 1}, {"f0": 2}]}`)
	check(t, srv.Do(t, "GET", "/items/p?groupBy="+fieldList(50)+"&aggregate[sum]="+fieldList(50)+"&aggregate[count]="+fieldList(50)+"&limit=1", nil), 200, "")
	// A search of half a megabyte matches nothing, quickly.
	check(t, srv.Do(t, "GET", "/items/p?search="+strings.Repeat("x", 500_000), nil), 200, `{"data": []}`)

	// item-read: a query from the request is checked when the run reads,
	// and fails as an item query error (400), not as a database failure.
	read := flow(t, srv, `{"method": "GET", "access": "public"}`,
		`[{"operation": "item-read", "options": {"collection": "p", "permissions": "$full", "query": {"sort": "{{$trigger.query.sort}}", "groupBy": "{{$trigger.query.groupBy}}"}}}]`)
	for _, q := range []string{"sort=" + fieldList(2001), "groupBy=" + fieldList(2001)} {
		r := srv.Do(t, "GET", read+"?"+q, nil)
		expectInvalidQuery(t, r, "at most 100 fields, got 2001")
	}
	check(t, srv.Do(t, "GET", read+"?sort=-f0", nil), 200, `{"data": [{"f0": 2, "id": 1, "s": "x"}, {"f0": 1, "id": 2, "s": "y"}]}`)

	// Written into the flow, the same list is refused when it is saved.
	bad := srv.Do(t, "POST", "/flows", `{"name": "t", "trigger": "webhook", "operations": [
		{"operation": "item-read", "options": {"collection": "p", "query": {"sort": "`+fieldList(101)+`"}}}]}`)
	if bad.Status != 400 || !strings.Contains(string(bad.Body), `"path":"operations[0].options.query.sort"`) ||
		!strings.Contains(string(bad.Body), "at most 100 fields, got 101") {
		t.Fatalf("upload with 101 sort fields: %d %.300s", bad.Status, bad.Body)
	}
}
