package triggers

import "github.com/hookflow/hookflow/clock"

// Clock is the time source of schedules; tests replace it to fire a day of
// ticks in milliseconds.
type Clock = clock.Clock

// Timer is a Clock's one-shot timer.
type Timer = clock.Timer

// SystemClock is the real clock.
type SystemClock = clock.System
