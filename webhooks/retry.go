package webhooks

import (
	"net/http"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// outcome is what an attempt leads to: the delivery's new state, and
// whether the subscription must be disabled at once.
func (s *Service) outcome(en *entry, d *storage.Delivery, r *attemptResult) *storage.AttemptOutcome {
	a := r.attempt
	a.DeliveryID, a.Number = d.ID, d.Attempts+1
	o := &storage.AttemptOutcome{Attempt: a, Succeeded: r.succeeded(), Test: d.Test}
	switch {
	case o.Succeeded:
		o.Status = storage.DeliverySucceeded
	case a.ResponseStatus == http.StatusGone:
		o.Status = storage.DeliveryFailed
	case a.Number > len(en.schedule):
		o.Status = storage.DeliveryFailed
	default:
		delay := s.jitter(en.schedule[a.Number-1])
		if wait := min(r.retryAfter, s.cfg.MaxRetryAfter); wait > delay {
			delay = wait
		}
		o.Status = storage.DeliveryPending
		o.NextAttemptAt = s.cfg.Clock.Now().Add(delay).UnixMilli()
	}
	return o
}

// jitter spreads a delay uniformly over ± Config.Jitter of it, so that
// the retries of a burst that failed together do not return together.
func (s *Service) jitter(d time.Duration) time.Duration {
	if s.cfg.Jitter <= 0 || d <= 0 {
		return d
	}
	f := 1 + s.cfg.Jitter*(2*s.cfg.Random()-1)
	return time.Duration(float64(d) * f)
}
