package tests

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
)

// TestSlowItemQueriesEndAtTheSyncTimeout: an item-read or item-update
// whose query outlives FLOWS_SYNC_TIMEOUT answers 504 FLOW_TIMEOUT at the
// deadline, and its SQL stops there: the update writes nothing, and the
// writer is free for the next write at once (it used to finish the
// abandoned query first, minutes later).
func TestSlowItemQueriesEndAtTheSyncTimeout(t *testing.T) {
	t.Parallel()
	srv, filter := slowItemServer(t, func(c *hookflow.Config) { c.SyncTimeout = 300 * time.Millisecond })
	read := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-read", "options": {"collection": "big",
		"query": {"filter": `+filter+`, "limit": -1}}}]`)
	update := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-update", "options": {"collection": "big",
		"query": {"filter": `+filter+`}, "payload": {"touched": true}}}]`)
	for _, url := range []string{read, update} {
		start := time.Now()
		resp := srv.Do(t, "POST", url, `{}`)
		if resp.Status != 504 || resp.ErrorCode(t) != "FLOW_TIMEOUT" || time.Since(start) > 10*time.Second {
			t.Fatalf("got %d %s after %s", resp.Status, resp.Body, time.Since(start))
		}
	}
	start := time.Now()
	check(t, srv.Do(t, "POST", "/items/other", `{"n": 1}`), 200, `{"data": {"id": 1, "n": 1}}`)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("a write after the timed-out update waited %s", took)
	}
	check(t, srv.Do(t, "GET", "/items/big?aggregate[count]=touched", nil), 200, `{"data": [{"count": {"touched": 0}}]}`)
}

// slowItemServer starts a server configured by option whose collection
// "big" holds slowItems(300), and returns it with slowItemFilter().
func slowItemServer(t *testing.T, option func(*hookflow.Config)) (*hookflowtest.Server, string) {
	t.Helper()
	srv := hookflowtest.New(t, option)
	check(t, srv.Do(t, "POST", "/items/big", slowItems(300)), 200, "")
	return srv, slowItemFilter()
}

// slowItems is n items with a 2000-character text each.
func slowItems(n int) string {
	items := make([]string, n)
	text := strings.Repeat("0", 2000)
	for i := range items {
		items[i] = fmt.Sprintf(`{"name": "item %d", "text": %q}`, i, text)
	}
	return "[" + strings.Join(items, ",") + "]"
}

// slowItemFilter takes seconds on slowItems(300): 900 case-insensitive
// substring tests of the text (each folds it again), none matching, or one
// name.
func slowItemFilter() string {
	conds := make([]string, 900)
	for i := range conds {
		conds[i] = fmt.Sprintf(`{"text": {"_icontains": "zz%d"}}`, i)
	}
	conds = append(conds, `{"name": {"_eq": "item 7"}}`)
	return `{"_or": [` + strings.Join(conds, ",") + `]}`
}

// TestSlowItemQueriesEndAtTheQueryTimeout: /items reads and writes by
// query, and item operations, stop at DB_QUERY_TIMEOUT with 503
// QUERY_TIMEOUT, whoever waits for them.
func TestSlowItemQueriesEndAtTheQueryTimeout(t *testing.T) {
	t.Parallel()
	srv, filter := slowItemServer(t, func(c *hookflow.Config) { c.QueryTimeout = 300 * time.Millisecond })
	read := flow(t, srv, `{"method": "POST"}`, `[{"operation": "item-read", "options": {"collection": "big",
		"query": {"filter": `+filter+`}}}]`)
	for _, call := range []struct{ method, path, body string }{
		{"GET", "/items/big?filter=" + url.QueryEscape(filter), ""},
		{"PATCH", "/items/big", `{"query": {"filter": ` + filter + `}, "data": {"touched": true}}`},
		{"POST", read, `{}`},
	} {
		start := time.Now()
		var body any
		if call.body != "" {
			body = call.body
		}
		resp := srv.Do(t, call.method, call.path, body)
		if resp.Status != 503 || resp.ErrorCode(t) != "QUERY_TIMEOUT" || time.Since(start) > 10*time.Second {
			t.Errorf("%s %.40s: got %d %s after %s", call.method, call.path, resp.Status, resp.Body, time.Since(start))
		}
	}
	check(t, srv.Do(t, "GET", "/items/big?aggregate[count]=touched", nil), 200, `{"data": [{"count": {"touched": 0}}]}`)
}
