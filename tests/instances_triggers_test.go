package tests

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/internal/testdb"
	"github.com/hookflow/hookflow/operations"
)

// electedMessage is what a server logs when the election names it.
const electedMessage = "elected to do the work that runs once among the servers"

// TestSchedulesFireOnTheElectedServer: of two servers sharing a database,
// only the elected one fires a schedule flow's ticks — the other, whose
// clock is well past the due time, fires none — and each tick fires once;
// when the elected server stops, the other is elected and at once fires
// the ticks that came due meanwhile, once, then every tick after them. Each server
// has a clock of its own, so the one that fires is the one whose clock
// moves the ticks.
func TestSchedulesFireOnTheElectedServer(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "several servers on one database need PostgreSQL")
	db := hookflowtest.NewDatabase(t)
	start := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	tick := start.Truncate(time.Second)
	server := func(clock *hookflowtest.Clock, logs *hookflowtest.Logs) *hookflowtest.Server {
		return hookflowtest.New(t, db.Use, logs.Configure, func(c *hookflow.Config) {
			c.ScheduleClock = clock
			// Tried every third of a second: the other server is elected
			// within a second of the first one stopping.
			c.QueueLease = time.Second
		})
	}
	clockA, logsA := hookflowtest.NewClock(start), hookflowtest.NewLogs(slog.LevelInfo)
	a := server(clockA, logsA)
	logsA.Wait(t, electedMessage)
	clockB, logsB := hookflowtest.NewClock(start), hookflowtest.NewLogs(slog.LevelInfo)
	b := server(clockB, logsB)

	// Created on B, which knows it at once; A hears of it and plans the
	// first tick.
	id := b.CreateFlow(t, fmt.Sprintf(tickFlow, "*/1 * * * * *"))
	waitNextTick(t, clockA, tick.Add(time.Second))

	// B's scheduler looks five times, each time past the due tick: it is
	// not elected, so it fires nothing.
	for range 5 {
		at := clockB.Now().Add(time.Second)
		waitNextTick(t, clockB, at)
		clockB.Advance(time.Second)
	}
	waitNextTick(t, clockB, clockB.Now().Add(time.Second))
	if runs := runsOf(t, b, id); len(runs) != 0 {
		t.Fatalf("the server that is not elected fired %d ticks: %v", len(runs), runs)
	}

	for k := 1; k <= 3; k++ {
		waitNextTick(t, clockA, tick.Add(time.Duration(k)*time.Second))
		clockA.Advance(time.Second)
		waitRuns(t, b, id, k)
	}

	// A stops, giving its lease up. B is elected and, without its clock
	// moving, fires the ticks missed since A's last one (B is at tick+5.5s:
	// tick+4s and tick+5s) once, with the first one's time; then the next.
	a.Close()
	if err := a.Hookflow.Close(); err != nil {
		t.Fatal(err)
	}
	logsB.Wait(t, electedMessage)
	waitRuns(t, b, id, 4)
	waitNextTick(t, clockB, tick.Add(6*time.Second))
	clockB.Advance(time.Second)
	waitRuns(t, b, id, 5)
	items := waitItems(t, b, "ticks", 5)
	for k, after := range []int{1, 2, 3, 4, 6} {
		if want := tick.Add(time.Duration(after) * time.Second).Format(time.RFC3339); items[k]["at"] != want {
			t.Fatalf("tick %d fired at %v, want %s (all: %v)", k+1, items[k]["at"], want, items)
		}
	}
}

// keyCounter is an operation that counts how often runs reached it with
// each option key, and how many ran on the server whose operation it is.
type keyCounter struct {
	mu     *sync.Mutex
	counts map[string]int
	ran    *atomic.Int32
}

func (o keyCounter) Prepare(operations.Prepare) (operations.Step, error) { return o, nil }

func (o keyCounter) Run(_ context.Context, in operations.Input) (any, error) {
	key := fmt.Sprint(in.Options["key"])
	o.mu.Lock()
	o.counts[key]++
	o.mu.Unlock()
	o.ran.Add(1)
	return key, nil
}

// TestEventRunsRunOnceOverAllServers: item writes sent to two servers
// sharing a database each queue one run of an action flow, in the write's
// transaction; the servers' workers share the queue, and each run is
// executed exactly once, by one of them.
func TestEventRunsRunOnceOverAllServers(t *testing.T) {
	t.Parallel()
	testdb.RequirePostgres(t, "several servers on one database need PostgreSQL")
	var mu sync.Mutex
	counts := map[string]int{}
	var ranOn [2]atomic.Int32
	s := make([]*hookflowtest.Server, 2)
	db := hookflowtest.NewDatabase(t)
	for i := range s {
		s[i] = hookflowtest.New(t, db.Use, func(c *hookflow.Config) {
			c.Operations = map[string]operations.Operation{"count": keyCounter{mu: &mu, counts: counts, ran: &ranOn[i]}}
		})
	}
	a, b := s[0], s[1]
	id := a.CreateFlow(t, `{"name": "count orders", "trigger": "event",
		"options": {"type": "action", "scope": ["items.create"], "collections": ["orders"]},
		"operations": [{"operation": "count", "options": {"key": "{{$trigger.key}}"}}]}`)
	// B hears of flows in the order they were saved: once it answers a
	// flow saved after the event flow, it knows the event flow too (a
	// write before that would start nothing there, as on one server a
	// write before the flow was saved).
	probe := flow(t, a, `{"access": "public"}`, `[{"operation": "transform", "options": {"json": {"ok": true}}}]`)
	within(t, time.Second, "the flows on B", func() bool {
		return b.Do(t, http.MethodPost, probe, `{}`).Status == http.StatusOK
	})

	const writes = 200
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for i := range writes {
		srv := s[i%2]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			check(t, srv.Do(t, http.MethodPost, "/items/orders", fmt.Sprintf(`{"n": %d}`, i)), 200, "")
		}()
	}
	wg.Wait()
	runs := waitRuns(t, a, id, writes)
	for _, r := range runs {
		if r["status"] != "completed" {
			t.Fatalf("run %v: %v", r["id"], r)
		}
	}
	// Every run has finished: any second execution would have happened.
	mu.Lock()
	defer mu.Unlock()
	if len(counts) != writes {
		t.Fatalf("%d item keys reached the flow, want %d", len(counts), writes)
	}
	for key, n := range counts {
		if n != 1 {
			t.Errorf("the run of item %s was executed %d times", key, n)
		}
	}
	t.Logf("runs executed: %d on A, %d on B", ranOn[0].Load(), ranOn[1].Load())
}
