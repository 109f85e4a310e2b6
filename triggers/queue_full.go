package triggers

import (
	"log/slog"
	"sync/atomic"
	"time"
)

// refusalLogInterval is the least time between two warnings of a full
// queue: a flood of refused triggers must not become a flood of log lines.
const refusalLogInterval = 10 * time.Second

// refusals counts the triggers a full queue refused and says when to warn
// of them: the first refusal warns at once, later ones at most every
// refusalLogInterval with their count since the last warning.
type refusals struct {
	count    atomic.Int64
	lastWarn atomic.Int64 // Unix nanoseconds of the last warning
}

// note counts a refusal and warns when it is time.
func (r *refusals) note(logger *slog.Logger, limit int, now time.Time) {
	r.count.Add(1)
	last := r.lastWarn.Load()
	if last != 0 && now.UnixNano()-last < int64(refusalLogInterval) {
		return
	}
	if !r.lastWarn.CompareAndSwap(last, now.UnixNano()) {
		return // another refusal is warning now
	}
	logger.Warn("async run refused: the queue is full", "limit", limit, "refused", r.count.Swap(0),
		"hint", "raise FLOWS_QUEUE_LIMIT or FLOWS_WORKERS, or find what slows queued runs down")
}
