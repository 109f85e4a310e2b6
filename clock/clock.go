// Package clock is the time source of the parts that wait for an instant
// (schedules, webhook retries): the real clock in production, a fake one
// in tests (hookflowtest.Clock) so that hours of waiting run in
// milliseconds.
package clock

import "time"

// Clock tells the time and starts timers.
type Clock interface {
	Now() time.Time
	// TimerAt returns a timer that fires once, at the instant at (at once
	// when it is past). An absolute instant, unlike a duration, cannot go
	// stale between reading the clock and starting the timer.
	TimerAt(at time.Time) Timer
}

// Timer is a Clock's one-shot timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// System is the real clock.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// TimerAt starts a time.Timer.
func (System) TimerAt(at time.Time) Timer { return systemTimer{time.NewTimer(time.Until(at))} }

type systemTimer struct{ t *time.Timer }

// C is the timer's channel.
func (t systemTimer) C() <-chan time.Time { return t.t.C }

// Stop stops the timer.
func (t systemTimer) Stop() bool { return t.t.Stop() }
