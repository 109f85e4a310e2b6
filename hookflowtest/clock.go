package hookflowtest

import (
	"sync"
	"time"

	"github.com/hookflow/hookflow/clock"
)

// Clock is a fake clock that moves only when the test moves it. It serves
// as Config.Now (rate limits, cached answers, run retention), as the
// webhooks' clock (Config.Webhooks.Clock) and as the clock of schedules
// (Config.ScheduleClock): retry schedules of hours then run in
// milliseconds, and Advance fires the timers that come due.
type Clock struct {
	mu     sync.Mutex
	t      time.Time
	timers []*clockTimer
}

// NewClock returns a clock showing start.
func NewClock(start time.Time) *Clock { return &Clock{t: start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward and fires the timers that are due.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	kept := c.timers[:0]
	for _, t := range c.timers {
		switch {
		case t.done:
		case !t.at.After(c.t):
			t.done = true
			t.c <- c.t
		default:
			kept = append(kept, t)
		}
	}
	clear(c.timers[len(kept):])
	c.timers = kept
}

// TimerAt returns a timer that fires when the clock reaches at (at once
// when it already has).
func (c *Clock) TimerAt(at time.Time) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &clockTimer{at: at, c: make(chan time.Time, 1), clock: c}
	if at.After(c.t) {
		c.timers = append(c.timers, t)
	} else {
		t.done = true
		t.c <- c.t
	}
	return t
}

// NextTimer is when the earliest timer still waiting fires: a test moves
// the clock once the server waits for the instant it expects (a
// schedule's next tick).
func (c *Clock) NextTimer() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var next time.Time
	found := false
	for _, t := range c.timers {
		if !t.done && (!found || t.at.Before(next)) {
			next, found = t.at, true
		}
	}
	return next, found
}

// clockTimer is a timer of a Clock.
type clockTimer struct {
	at    time.Time
	c     chan time.Time
	clock *Clock
	done  bool // fired or stopped; guarded by clock.mu
}

// C is the channel the timer fires on.
func (t *clockTimer) C() <-chan time.Time { return t.c }

// Stop stops the timer and reports whether it had yet to fire.
func (t *clockTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	was := !t.done
	t.done = true
	return was
}
