package triggers

import "time"

// Clock is the time source of schedules; tests replace it to fire a day of
// ticks in milliseconds.
type Clock interface {
	Now() time.Time
	// TimerAt returns a timer that fires once, at the instant at (at once
	// when it is past).
	TimerAt(at time.Time) Timer
}

// Timer is a Clock's one-shot timer.
type Timer interface {
	C() <-chan time.Time
	Stop() bool
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time in UTC.
func (SystemClock) Now() time.Time { return time.Now().UTC() }

// TimerAt starts a time.Timer.
func (SystemClock) TimerAt(at time.Time) Timer { return systemTimer{time.NewTimer(time.Until(at))} }

type systemTimer struct{ t *time.Timer }

// C is the timer's channel.
func (t systemTimer) C() <-chan time.Time { return t.t.C }

// Stop stops the timer.
func (t systemTimer) Stop() bool { return t.t.Stop() }
