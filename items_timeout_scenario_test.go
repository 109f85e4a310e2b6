package hookflow_test

import (
	"fmt"
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
	srv := hookflowtest.New(t, func(c *hookflow.Config) { c.SyncTimeout = 300 * time.Millisecond })
	items := make([]string, 3000)
	for i := range items {
		items[i] = fmt.Sprintf(`{"name": "item %d"}`, i)
	}
	check(t, srv.Do(t, "POST", "/items/big", "["+strings.Join(items, ",")+"]"), 200, "")
	// 900 distinct regular expressions, none matching, or one name:
	// minutes of work on 3000 items.
	conds := make([]string, 900)
	for i := range conds {
		conds[i] = fmt.Sprintf(`{"name": {"_regex": "^zz%d"}}`, i)
	}
	conds = append(conds, `{"name": {"_eq": "item 7"}}`)
	filter := `{"_or": [` + strings.Join(conds, ",") + `]}`
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
