package webhooks

import (
	"context"
	"log/slog"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// DeliveryObserver hears of delivery attempts and disabled subscriptions:
// the server's metrics. It is called from the goroutine that records
// attempts, so it must be cheap.
type DeliveryObserver interface {
	// DeliveryAttempted reports one attempt by what it led to: "succeeded",
	// "failed" (the delivery gave up) or "retrying", and how long it took.
	DeliveryAttempted(outcome string, took time.Duration)
	// WebhookDisabled reports a subscription the server disabled.
	WebhookDisabled()
}

// Outcomes of an attempt as DeliveryObserver hears them.
const (
	AttemptSucceeded = "succeeded"
	AttemptFailed    = "failed"
	AttemptRetrying  = "retrying"
)

// observe reports recorded attempts to the observer and logs, at warn,
// every delivery that failed for good. Test deliveries are neither: they
// are no event's delivery.
func (s *Service) observe(batch []*storage.AttemptOutcome) {
	for _, o := range batch {
		if o.Test {
			continue
		}
		outcome := AttemptRetrying
		switch o.Status {
		case storage.DeliverySucceeded:
			outcome = AttemptSucceeded
		case storage.DeliveryFailed:
			outcome = AttemptFailed
			s.logGaveUp(o.Attempt)
		}
		if s.cfg.Observer != nil {
			s.cfg.Observer.DeliveryAttempted(outcome, time.Duration(o.Attempt.DurationMS*float64(time.Millisecond)))
		}
	}
}

// logGaveUp logs a delivery that will not be attempted again.
func (s *Service) logGaveUp(a *storage.Attempt) {
	ctx := context.Background()
	if !s.cfg.Logger.Enabled(ctx, slog.LevelWarn) {
		return
	}
	s.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, "webhook delivery failed for good",
		slog.Int64("webhook_id", a.WebhookID),
		slog.Int64("delivery_id", a.DeliveryID),
		slog.Int("attempts", a.Number),
		slog.Int("response_status", a.ResponseStatus),
		slog.String("error_class", a.ErrorClass),
		slog.String("error", a.Error),
	)
}
