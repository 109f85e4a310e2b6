package tests

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/operations"
)

// sharedServers starts n servers in this process on one PostgreSQL
// database, the way several instances run behind a load balancer; it
// skips, saying why, when the tests do not run on PostgreSQL.
func sharedServers(t *testing.T, n int, options ...func(*hookflow.Config)) []*hookflowtest.Server {
	t.Helper()
	testdb.RequirePostgres(t, "several servers on one database need PostgreSQL")
	db := hookflowtest.NewDatabase(t)
	servers := make([]*hookflowtest.Server, n)
	for i := range servers {
		servers[i] = hookflowtest.New(t, append([]func(*hookflow.Config){db.Use}, options...)...)
	}
	return servers
}

// within polls cond until it holds and returns how long that took,
// failing after limit.
func within(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not within %s", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// TestFlowChangesReachEveryServer: a flow created, changed, deactivated
// or deleted through one server is served that way by the other within a
// second.
func TestFlowChangesReachEveryServer(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2)
	a, b := s[0], s[1]
	id := a.CreateFlow(t, `{"name": "hello", "options": {"access": "public"},
		"operations": [{"operation": "transform", "options": {"json": {"v": 1}}}]}`)
	answers := func(srv *hookflowtest.Server, status int, body string) func() bool {
		return func() bool {
			r := srv.Do(t, "POST", "/flows/trigger/"+id, `{}`)
			return r.Status == status && (body == "" || strings.TrimSpace(string(r.Body)) == body)
		}
	}
	took := within(t, time.Second, "created on A, answering on B", answers(b, 200, `{"data":{"v":1}}`))
	t.Logf("a flow created on A answered on B after %s", took)

	op := a.Do(t, "GET", "/flows/"+id, nil).Data(t).(map[string]any)["operations"].([]any)[0].(map[string]any)
	check(t, a.Do(t, "PATCH", "/operations/"+op["id"].(string), `{"options": {"json": {"v": 2}}}`), 200, "")
	within(t, time.Second, "changed on A, answering so on B", answers(b, 200, `{"data":{"v":2}}`))

	check(t, a.Do(t, "PATCH", "/flows/"+id, `{"status": "inactive"}`), 200, "")
	within(t, time.Second, "deactivated on A, refused on B", answers(b, 404, ""))

	check(t, a.Do(t, "PATCH", "/flows/"+id, `{"status": "active"}`), 200, "")
	within(t, time.Second, "active again on A, answering on B", answers(b, 200, `{"data":{"v":2}}`))
	check(t, b.Do(t, "DELETE", "/flows/"+id, nil), 204, "")
	within(t, time.Second, "deleted on B, gone on A", answers(a, 404, ""))
}

// TestFlowsAsCodeReachEveryServer: flows put by slug and applied
// through one server (PUT /flows/{id}, POST /flows/apply with prune) are
// served that way by the other within a second, under the slug in any
// case.
func TestFlowsAsCodeReachEveryServer(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2)
	a, b := s[0], s[1]
	doc := func(v int) string {
		return fmt.Sprintf(`{"id": "github-push", "name": "push", "options": {"access": "public"},
			"operations": [{"id": "shape", "operation": "transform", "options": {"json": {"v": %d}}}]}`, v)
	}
	answers := func(srv *hookflowtest.Server, path string, status int, body string) func() bool {
		return func() bool {
			r := srv.Do(t, "POST", path, `{}`)
			return r.Status == status && (body == "" || strings.TrimSpace(string(r.Body)) == body)
		}
	}
	check(t, a.Do(t, "PUT", "/flows/github-push", doc(1)), 201, "")
	within(t, time.Second, "put on A, answering on B", answers(b, "/flows/trigger/GitHub-Push", 200, `{"data":{"v":1}}`))
	check(t, a.Do(t, "PUT", "/flows/github-push", doc(2)), 200, "")
	within(t, time.Second, "put again on A, answering so on B", answers(b, "/flows/trigger/github-push", 200, `{"data":{"v":2}}`))

	apply := func(srv *hookflowtest.Server, prune bool, docs ...string) {
		t.Helper()
		body := fmt.Sprintf(`{"prune": %t, "flows": [%s]}`, prune, strings.Join(docs, ","))
		check(t, srv.Do(t, "POST", "/flows/apply", body), 200, "")
	}
	other := `{"id": "other", "name": "other", "options": {"access": "public"},
		"operations": [{"id": "shape", "operation": "transform", "options": {"json": {"other": true}}}]}`
	apply(b, false, doc(3), other)
	within(t, time.Second, "applied on B, changed on A", answers(a, "/flows/trigger/github-push", 200, `{"data":{"v":3}}`))
	within(t, time.Second, "applied on B, created on A", answers(a, "/flows/trigger/other", 200, `{"data":{"other":true}}`))
	apply(b, true, other)
	within(t, time.Second, "pruned on B, gone on A", answers(a, "/flows/trigger/github-push", 404, ""))
}

// TestCachedAnswersFollowOtherServers: an item written through one server
// ends the cached GET answers of the other that read its collection.
func TestCachedAnswersFollowOtherServers(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2)
	a, b := s[0], s[1]
	check(t, a.Do(t, "POST", "/items/products", `[{"name": "a"}]`), 200, "")
	url := flow(t, a, `{"method": "GET", "cacheEnabled": true, "access": "public", "cacheTTL": "1h"}`, `[
		{"id": "read", "operation": "item-read", "options": {"collection": "products", "permissions": "$full"}},
		{"operation": "transform", "options": {"json": {"products": "{{read.length}}"}}}]`)
	get := func() *hookflowtest.Response { return b.Do(t, "GET", url, nil, "Authorization", "") }
	within(t, time.Second, "the flow on B", func() bool { return get().Status == 200 })
	expectCache(t, get(), "HIT", `{"products": 1}`)
	check(t, a.Do(t, "POST", "/items/products", `[{"name": "b"}]`), 200, "")
	within(t, time.Second, "B's cached answer after A's write", func() bool {
		r := get()
		return r.Header.Get("X-Cache") == "MISS" && strings.TrimSpace(string(r.Body)) == `{"data":{"products":2}}`
	})
}

// TestAccessFollowsOtherServers: a user and a grant made through one
// server count on the other within a second, and so do their removal.
func TestAccessFollowsOtherServers(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2)
	a, b := s[0], s[1]
	url := flow(t, a, `{}`, `[{"operation": "transform", "options": {"json": {"ok": true}}}]`)
	a.CreateRole(t, "caller", map[string]any{"collection": "flows", "action": "trigger"})
	userID, token := a.CreateUser(t, "caller")
	call := func(status int) func() bool {
		return func() bool { return b.Do(t, "POST", url, `{}`, "Authorization", "Bearer "+token).Status == status }
	}
	within(t, time.Second, "a user made on A, calling through B", call(200))
	check(t, a.Do(t, "DELETE", "/users/"+userID, nil), 204, "")
	within(t, time.Second, "a user deleted on A, refused by B", call(401))
}

// TestSubscriptionsFollowOtherServers: a webhook created through one
// server receives the item writes made through the other.
func TestSubscriptionsFollowOtherServers(t *testing.T) {
	t.Parallel()
	s := sharedServers(t, 2, allowLoopback)
	a, b := s[0], s[1]
	rc := hookflowtest.NewReceiver(t)
	createWebhook(t, a, map[string]any{"name": "orders", "actions": "create", "collections": "orders", "url": rc.URL})
	// B learns of the webhook within a second; a write before that would
	// owe it nothing, as on one server a write before the webhook.
	time.Sleep(time.Second)
	check(t, b.Do(t, "POST", "/items/orders", `{"n": 1}`), 200, "")
	rc.Wait(t, 1)
}

// TestRateLimitsCountOverAllServers: a flow's limit and the server-wide
// limit hold for the servers together, with the headers each answer
// carries counting every server's calls.
func TestRateLimitsCountOverAllServers(t *testing.T) {
	t.Parallel()
	clock := hookflowtest.NewClock(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC))
	s := sharedServers(t, 2, func(c *hookflow.Config) {
		c.Now = clock.Now
		c.RateLimiter = hookflow.RateLimiterConfig{Enabled: true, Points: 5, Duration: time.Minute}
	})
	a, b := s[0], s[1]
	url := flow(t, a, `{"access": "public", "rate_limit": {"points": 3, "duration": "1h", "by": "flow"}}`,
		`[{"operation": "log"}]`)
	within(t, time.Second, "the flow on B", func() bool { return b.Do(t, "POST", url, `{}`).Status != 404 })
	clock.Advance(time.Hour) // the calls so far fill no bucket
	expectLimit(t, a.Do(t, "POST", url, `{}`), 200, "3", "2", "1200", "-")
	expectLimit(t, b.Do(t, "POST", url, `{}`), 200, "3", "1", "2400", "-")
	expectLimit(t, a.Do(t, "POST", url, `{}`), 200, "3", "0", "3600", "-")
	expectLimit(t, b.Do(t, "POST", url, `{}`), 429, "3", "0", "3600", "1200")

	// The server-wide limit: 5 a minute per client address, whichever
	// server answers.
	clock.Advance(time.Hour)
	for i, srv := range []*hookflowtest.Server{a, b, a, b, a} {
		expectLimit(t, srv.Do(t, "GET", "/server/ping", nil), 200, "5", fmt.Sprint(4-i), "", "-")
	}
	expectLimit(t, b.Do(t, "GET", "/server/ping", nil), 429, "5", "0", "60", "12")
}

// TestConcurrencyCapHoldsOverAllServers: WEBHOOKS_CONCURRENCY bounds a
// webhook's attempts in flight over the servers together, while both
// deliver.
func TestConcurrencyCapHoldsOverAllServers(t *testing.T) {
	t.Parallel()
	var flying, most, total atomic.Int32
	release := make(chan struct{})
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := flying.Add(1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		select {
		case <-release:
		case <-time.After(20 * time.Millisecond):
		}
		flying.Add(-1)
		total.Add(1)
	}))
	defer receiver.Close()
	defer close(release)
	s := sharedServers(t, 2, allowLoopback, func(c *hookflow.Config) { c.Webhooks.Concurrency = 2 })
	a, b := s[0], s[1]
	createWebhook(t, a, map[string]any{"name": "slow", "actions": "create", "collections": "orders", "url": receiver.URL})
	time.Sleep(time.Second) // B learns of the webhook
	const writes = 60
	var wg sync.WaitGroup
	for i := range writes {
		srv := []*hookflowtest.Server{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			check(t, srv.Do(t, "POST", "/items/orders", fmt.Sprintf(`{"n": %d}`, i)), 200, "")
		}()
	}
	wg.Wait()
	within(t, 30*time.Second, "every delivery", func() bool { return total.Load() >= writes })
	if m := most.Load(); m > 2 {
		t.Fatalf("%d attempts of the webhook were in flight at once; the cap is 2 over all servers", m)
	}
}

// TestQueueLimitCountsOverAllServers: FLOWS_QUEUE_LIMIT counts the runs
// every server queued: once one server filled the queue, the other
// refuses too, within a second.
func TestQueueLimitCountsOverAllServers(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	s := sharedServers(t, 2, func(c *hookflow.Config) {
		c.QueueLimit, c.Workers = 4, 1
		c.Operations = map[string]operations.Operation{"hold": holdOp{release}}
	})
	t.Cleanup(func() { close(release) }) // runs before the servers close
	a, b := s[0], s[1]
	id := a.CreateFlow(t, `{"name": "held", "options": {"async": true, "access": "public"},
		"operations": [{"id": "hold", "operation": "hold"}]}`)
	url := "/flows/trigger/" + id
	within(t, time.Second, "the flow on B", func() bool { return b.Do(t, "GET", "/flows/"+id, nil).Status == 200 })
	for i := range 4 {
		if r := a.Do(t, "POST", url, `{}`); r.Status != http.StatusAccepted {
			t.Fatalf("run %d on A: %d %s", i, r.Status, r.Body)
		}
	}
	if r := a.Do(t, "POST", url, `{}`); r.Status != http.StatusServiceUnavailable {
		t.Fatalf("a fifth run on A: %d %s", r.Status, r.Body)
	}
	// B reads the count again within a second (it knows only its own runs
	// in between): then it refuses the first run it is sent.
	time.Sleep(1500 * time.Millisecond)
	if r := b.Do(t, "POST", url, `{}`); r.Status != http.StatusServiceUnavailable || r.ErrorCode(t) != "QUEUE_FULL" {
		t.Fatalf("B, after A filled the queue: %d %s", r.Status, r.Body)
	}
}
