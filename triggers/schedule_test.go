package triggers

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// testClock is a fake Clock: time moves when the test moves it.
type testClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*testTimer
}

type testTimer struct {
	at   time.Time
	c    chan time.Time
	done bool
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) TimerAt(at time.Time) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &testTimer{at: at, c: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.done = true
		t.c <- c.now
	} else {
		c.timers = append(c.timers, t)
	}
	return &testTimerHandle{t: t, clock: c}
}

// waiting reports whether a timer waits for at.
func (c *testClock) waiting(at time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range c.timers {
		if !t.done && t.at.Equal(at) {
			return true
		}
	}
	return false
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if !t.done && !t.at.After(c.now) {
			t.done = true
			t.c <- c.now
		}
	}
}

type testTimerHandle struct {
	t     *testTimer
	clock *testClock
}

func (h *testTimerHandle) C() <-chan time.Time { return h.t.c }

func (h *testTimerHandle) Stop() bool {
	h.clock.mu.Lock()
	defer h.clock.mu.Unlock()
	was := !h.t.done
	h.t.done = true
	return was
}

// switchLeader is a Leader a test switches.
type switchLeader struct{ on atomic.Bool }

func (l *switchLeader) IsLeader() bool { return l.on.Load() }

// waitUntil polls cond for up to 10 seconds.
func waitUntil(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out: " + what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// queuedRuns counts the runs queued (not claimed: no queue runs them).
func queuedRuns(t *testing.T, store *storage.Store) int64 {
	t.Helper()
	n, err := store.CountUnfinishedRuns(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSchedulerFiresOnTheLeaderOnly: a server that does not lead fires no
// tick; two leading servers on one database fire each tick once.
func TestSchedulerFiresOnTheLeaderOnly(t *testing.T) {
	t.Parallel()
	b := setupEvents(t, EventConfig{})
	b.save(t, `{"trigger": "schedule", "options": {"cron": "*/1 * * * * *"}, "operations": [{"operation": "stamp"}]}`)
	start := time.Date(2030, 1, 2, 3, 4, 5, 500_000_000, time.UTC)
	clock := &testClock{now: start}
	leaders := [2]*switchLeader{{}, {}}
	for _, l := range leaders {
		s := NewScheduler(b.catalog, b.runner, b.queue, b.store, ScheduleConfig{Clock: clock, Leader: l}, b.runner.logger)
		s.Start()
		t.Cleanup(s.Stop)
	}
	clock.advance(3 * time.Second)
	waitUntil(t, func() bool { return clock.waiting(start.Add(4 * time.Second)) },
		"servers that do not lead to look again in a second")
	if n := queuedRuns(t, b.store); n != 0 {
		t.Fatalf("%d runs queued by servers that do not lead", n)
	}

	leaders[0].on.Store(true)
	leaders[1].on.Store(true)
	clock.advance(time.Second) // 03:04:09.5: both look, one plans 03:04:10
	tick := time.Date(2030, 1, 2, 3, 4, 10, 0, time.UTC)
	for k := 1; k <= 3; k++ {
		waitUntil(t, func() bool { return clock.waiting(tick) }, "the next tick to be planned")
		clock.advance(time.Second)
		waitUntil(t, func() bool { return queuedRuns(t, b.store) >= int64(k) }, "the tick's run")
		tick = tick.Add(time.Second)
	}
	waitUntil(t, func() bool { return clock.waiting(tick) }, "the next tick to be planned")
	if n := queuedRuns(t, b.store); n != 3 {
		t.Fatalf("two leading servers queued %d runs for 3 ticks", n)
	}
}
