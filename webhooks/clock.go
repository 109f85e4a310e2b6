package webhooks

import "github.com/hookflow/hookflow/clock"

// Clock is the time source of the delivery engine; tests replace it to
// run retry schedules of hours in milliseconds.
type Clock = clock.Clock

// Timer is a Clock's one-shot timer.
type Timer = clock.Timer

// SystemClock is the real clock.
type SystemClock = clock.System
