package tests

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/internal/testdb"
)

// processInstances builds the binary and starts n instances on one
// PostgreSQL database; it skips under -short and without PostgreSQL.
func processInstances(t *testing.T, n int, env ...string) (db hookflowtest.Database, ins []*serverProcess) {
	t.Helper()
	testdb.RequirePostgres(t, "several server processes on one database need PostgreSQL")
	dir := t.TempDir()
	bin := buildServer(t, dir)
	db = hookflowtest.NewDatabase(t)
	for i := range n {
		ins = append(ins, runServerLogged(t, bin, filepath.Join(dir, fmt.Sprintf("server-%c.log", 'A'+i)), append(db.Env(), env...)...))
	}
	return db, ins
}

// TestFlowCreatedOnOneProcessAnswersOnAnother: two server processes on one
// database; a flow uploaded to A answers on B within a second.
func TestFlowCreatedOnOneProcessAnswersOnAnother(t *testing.T) {
	t.Parallel()
	_, ins := processInstances(t, 2)
	a, b := ins[0], ins[1]
	var created struct{ Data struct{ ID string } }
	if status := post(t, a.base+"/flows", `{"name": "hello", "options": {"access": "public"},
		"operations": [{"operation": "transform", "options": {"json": {"from": "a flow made on A"}}}]}`, &created); status != 200 {
		t.Fatalf("upload to A: %d", status)
	}
	start := time.Now()
	for {
		var out struct{ Data struct{ From string } }
		if status := post(t, b.base+"/flows/trigger/"+created.Data.ID, `{}`, &out); status == 200 && out.Data.From == "a flow made on A" {
			break
		}
		if time.Since(start) > time.Second {
			t.Fatal("the flow made on A does not answer on B within a second")
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("a flow uploaded to A answered on B after %s", time.Since(start))
}

// countingReceiver records, per path, how often each key arrived: runs
// report their number (/run), webhooks deliver item events (/hook/…)
// under a webhook-id that stays the same on every attempt.
type countingReceiver struct {
	*httptest.Server
	mu    sync.Mutex
	runs  map[string]int // run number → executions
	hooks map[string]int // path and webhook-id → arrivals
}

func newCountingReceiver(t *testing.T) *countingReceiver {
	rc := &countingReceiver{runs: map[string]int{}, hooks: map[string]int{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(10 * time.Millisecond) // work in flight when a server dies
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if r.URL.Path == "/run" {
			var m struct{ N json.Number }
			_ = json.Unmarshal(body, &m)
			rc.runs[m.N.String()]++
			return
		}
		rc.hooks[r.URL.Path+" "+r.Header.Get("webhook-id")]++
	}))
	t.Cleanup(rc.Close)
	return rc
}

// repeats counts the keys of m that arrived more than once.
func repeats(m map[string]int) (distinct, twice int) {
	for _, n := range m {
		if n > 1 {
			twice++
		}
	}
	return len(m), twice
}

// TestInstancesSurviveKill9: two server processes on one PostgreSQL
// database take 2 000 async triggers and 2 000 item writes, each watched by
// two webhooks (one created through each server), spread over both. Half
// way through one is killed with SIGKILL and started again. Every
// acknowledged run finishes and every delivery arrives at least once;
// only work in flight at the kill may repeat.
func TestInstancesSurviveKill9(t *testing.T) {
	t.Parallel()
	rc := newCountingReceiver(t)
	const lease = 2 * time.Second
	db, ins := processInstances(t, 2, "OUTBOUND_ALLOW_CIDRS=127.0.0.0/8", "QUEUE_LEASE="+lease.String(),
		"FLOWS_WORKERS=4", "FLOWS_QUEUE_LIMIT=100000")
	a, b := ins[0], ins[1]

	var flow struct{ Data struct{ ID string } }
	if status := post(t, a.base+"/flows", fmt.Sprintf(`{"name": "report", "options": {"async": true, "access": "public"},
		"operations": [{"operation": "request", "options": {"method": "POST", "url": %q, "body": {"n": "{{$trigger.body.n}}"}}}]}`,
		rc.URL+"/run"), &flow); status != 200 {
		t.Fatalf("upload: %d", status)
	}
	for i, in := range ins {
		var hook struct{ Data struct{ ID int } }
		if status := post(t, in.base+"/webhooks", fmt.Sprintf(`{"name": "hook-%d", "actions": "create", "collections": "orders", "url": %q}`,
			i, fmt.Sprintf("%s/hook/%d", rc.URL, i)), &hook); status != 200 {
			t.Fatalf("webhook on %s: %d", in.base, status)
		}
	}
	time.Sleep(time.Second) // each server knows the flow and both webhooks

	const each = 2000
	var (
		acked   sync.Map // run id or item id → true
		ackRuns atomic.Int64
		ackItem atomic.Int64
		sent    atomic.Int64
		down    atomic.Bool // A is dead
		atKill  atomic.Int64
		// What A held at the kill: the runs it was executing and the
		// deliveries leased to it (queued, in flight, or attempted and not
		// yet recorded): only these may repeat.
		heldRuns, heldDeliveries atomic.Int64
	)
	client := &http.Client{Timeout: 10 * time.Second}
	send := func(in *serverProcess, path, body string) (map[string]any, bool) {
		req, _ := http.NewRequest(http.MethodPost, in.base+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer crash-admin")
		resp, err := client.Do(req)
		if err != nil {
			return nil, false
		}
		defer resp.Body.Close()
		var out struct{ Data map[string]any }
		if json.NewDecoder(resp.Body).Decode(&out) != nil || resp.StatusCode >= 300 {
			return nil, false
		}
		return out.Data, true
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				path := "/flows/trigger/" + flow.Data.ID
				if i >= each {
					path = "/items/orders"
				}
				// Spread over both; while A is dead, or when it fails, B.
				targets := []*serverProcess{a, b}
				if i%2 == 1 || down.Load() {
					targets = []*serverProcess{b, a}
				}
				for try, in := range targets {
					if in == a && down.Load() {
						continue
					}
					// Each request its own number: a run that reports a
					// number twice ran twice.
					body := fmt.Sprintf(`{"n": %d}`, 10*i+try)
					if data, ok := send(in, path, body); ok {
						if i < each {
							acked.Store("run "+fmt.Sprint(data["id"]), true)
							ackRuns.Add(1)
						} else {
							acked.Store(fmt.Sprint(data["id"]), true)
							ackItem.Add(1)
						}
						break
					}
				}
				sent.Add(1)
			}
		}()
	}
	sqlDB := db.SQL(t)
	killed := make(chan struct{})
	go func() {
		defer close(killed)
		for sent.Load() < 2*each/2 {
			time.Sleep(time.Millisecond)
		}
		down.Store(true)
		owner := fmt.Sprintf("%%/%d/%%", a.Process.Pid) // A's instance name (storage.Store.Instance)
		a.kill9()
		var n, runs, deliveries int64
		_ = sqlDB.QueryRowContext(context.Background(), `SELECT (SELECT count(*) FROM runs WHERE status IN ('queued', 'running'))
			+ (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'),
			(SELECT count(*) FROM runs WHERE status = 'running' AND lease_owner LIKE $1),
			(SELECT count(*) FROM webhook_deliveries WHERE status = 'pending' AND lease_owner LIKE $1)`, owner).Scan(&n, &runs, &deliveries)
		atKill.Store(n)
		heldRuns.Store(runs)
		heldDeliveries.Store(deliveries)
	}()
	order := make([]int, 0, 2*each)
	for i := range each {
		order = append(order, i, each+i) // runs and writes interleaved
	}
	for k, i := range order {
		if k == len(order)*3/4 {
			// A was killed half way; it starts again (another process,
			// as after a crash) and takes its share of the rest.
			<-killed
			a.restart()
			down.Store(false)
		}
		work <- i
	}
	close(work)
	wg.Wait()
	t.Logf("acknowledged %d of %d runs and %d of %d item writes; at the kill %d runs and deliveries were unfinished, "+
		"A held %d runs and %d deliveries", ackRuns.Load(), each, ackItem.Load(), each, atKill.Load(), heldRuns.Load(), heldDeliveries.Load())
	if atKill.Load() == 0 {
		t.Fatal("nothing was left to do at the kill: the test did not exercise recovery")
	}

	// Every acknowledged run finishes; every delivery is made.
	deadline := time.Now().Add(3 * time.Minute)
	for {
		unfinished, pending := count(t, sqlDB, `SELECT count(*) FROM runs WHERE status IN ('queued', 'running')`),
			count(t, sqlDB, `SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'`)
		if unfinished == 0 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 3 minutes %d runs are unfinished and %d deliveries pending", unfinished, pending)
		}
		time.Sleep(100 * time.Millisecond)
	}
	rows, err := sqlDB.QueryContext(context.Background(), `SELECT id, status FROM runs WHERE flow_id = $1`, flow.Data.ID)
	if err != nil {
		t.Fatal(err)
	}
	completed := 0
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			t.Fatal(err)
		}
		if _, ok := acked.Load("run " + id); ok {
			if status != "completed" {
				t.Errorf("acknowledged run %s ended %s", id, status)
			}
			completed++
		}
	}
	rows.Close()
	if int64(completed) != ackRuns.Load() {
		t.Errorf("%d acknowledged runs are stored completed, of %d", completed, ackRuns.Load())
	}
	if failed := count(t, sqlDB, `SELECT count(*) FROM webhook_deliveries WHERE status <> 'succeeded'`); failed != 0 {
		t.Errorf("%d deliveries did not succeed", failed)
	}
	delivered := count(t, sqlDB, `SELECT count(*) FROM webhook_deliveries`)
	if acks := ackItem.Load(); delivered < 2*acks {
		t.Errorf("%d deliveries stored for %d acknowledged writes to two webhooks", delivered, acks)
	}

	rc.mu.Lock()
	ranDistinct, ranTwice := repeats(rc.runs)
	hookDistinct, cameTwice := repeats(rc.hooks)
	rc.mu.Unlock()
	if int64(ranDistinct) < ackRuns.Load() {
		t.Errorf("%d runs reported, %d acknowledged", ranDistinct, ackRuns.Load())
	}
	if int64(hookDistinct) != delivered {
		t.Errorf("%d distinct deliveries arrived, %d stored", hookDistinct, delivered)
	}
	t.Logf("runs: %d ran, %d of them twice; deliveries: %d arrived, %d of them twice", ranDistinct, ranTwice, hookDistinct, cameTwice)
	// What repeats is what A held at the kill.
	if int64(ranTwice) > heldRuns.Load() {
		t.Errorf("%d runs ran twice; at most the %d A was executing at the kill may", ranTwice, heldRuns.Load())
	}
	if int64(cameTwice) > heldDeliveries.Load() {
		t.Errorf("%d deliveries came twice; at most the %d leased to A at the kill may", cameTwice, heldDeliveries.Load())
	}
	for _, what := range []string{"took over a queued run", "took over a webhook delivery", "took over as the elected server"} {
		n := 0
		for _, in := range ins {
			raw, _ := os.ReadFile(in.log)
			n += strings.Count(string(raw), what)
		}
		t.Logf("logged at warn: %q %d times", what, n)
	}
}

// count runs a COUNT query.
func count(t *testing.T, db *sql.DB, query string) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
