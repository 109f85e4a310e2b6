package webhooks

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// maxResultBatch bounds the outcomes recorded in one transaction.
const maxResultBatch = 512

// resultLinger is how long a small batch waits for more outcomes. A commit
// costs about the same for one outcome as for dozens, and nothing waits
// on it: the attempt's slot is already free, only the delivery stays held.
const resultLinger = 10 * time.Millisecond

// resultWriter records attempt outcomes in group commits: whatever
// outcomes arrive while the previous batch commits, or within
// resultLinger, go into the next transaction, so under load the log costs
// a fraction of a commit per attempt.
type resultWriter struct {
	svc  *Service
	ch   chan *storage.AttemptOutcome
	done chan struct{}
}

func newResultWriter(svc *Service) *resultWriter {
	return &resultWriter{svc: svc, ch: make(chan *storage.AttemptOutcome, 1024), done: make(chan struct{})}
}

func (w *resultWriter) submit(o *storage.AttemptOutcome) { w.ch <- o }

// close records what is queued and stops; no submit may follow.
func (w *resultWriter) close() {
	close(w.ch)
	<-w.done
}

func (w *resultWriter) loop() {
	defer close(w.done)
	batch := make([]*storage.AttemptOutcome, 0, maxResultBatch)
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for first := range w.ch {
		batch = append(batch[:0], first)
		linger.Reset(resultLinger)
	collect:
		for len(batch) < maxResultBatch {
			select {
			case o, ok := <-w.ch:
				if !ok {
					break collect
				}
				batch = append(batch, o)
			case <-linger.C:
				break collect
			}
		}
		linger.Stop()
		w.svc.record(batch)
	}
}

// record commits a batch of outcomes, hands the deliveries back to the
// dispatcher, and applies the disable rules.
func (s *Service) record(batch []*storage.AttemptOutcome) {
	ctx := context.Background()
	failing, err := s.store.CompleteAttempts(ctx, s.ofExisting(batch))
	now := s.cfg.Clock.Now()
	rs := make([]release, len(batch))
	for i, o := range batch {
		rs[i] = release{webhookID: o.Attempt.WebhookID, deliveryID: o.Attempt.DeliveryID}
		switch {
		case err != nil:
			// Not recorded: the delivery is still pending and due; it is
			// attempted again (at least once) after a pause.
			rs[i].retryAt = now.Add(claimBackoff).UnixMilli()
		case o.Status == storage.DeliveryPending:
			rs[i].retryAt = o.NextAttemptAt
		}
	}
	s.disp.releaseAttempts(rs)
	if err != nil {
		s.cfg.Logger.Error("recording webhook attempts failed", "attempts", len(batch), "error", err)
		return
	}
	s.observe(batch)
	for _, o := range batch {
		if o.Attempt.ResponseStatus == http.StatusGone && !o.Test {
			s.disable(ctx, o.Attempt.WebhookID, "the endpoint answered 410 Gone")
		}
	}
	for id, since := range failing {
		if now.Sub(since) >= s.cfg.DisableAfter {
			s.disable(ctx, id, fmt.Sprintf("every attempt has failed since %s", since.UTC().Format(time.RFC3339)))
		}
	}
}

// disable switches an active subscription off, fails its pending
// deliveries and announces it with a system.alert event, which other
// subscriptions receive (stored here) and flows may hear (on the bus).
func (s *Service) disable(ctx context.Context, id int64, reason string) {
	en := s.snap.Load().active(id)
	if en == nil {
		return
	}
	failed, err := s.store.DisableSubscription(ctx, id, reason, s.cfg.Clock.Now())
	if err != nil {
		s.cfg.Logger.Error("disabling webhook failed", "webhook", id, "error", err)
		return
	}
	if err := s.reload(ctx); err != nil {
		s.cfg.Logger.Error("reloading webhooks failed", "error", err)
	}
	if s.cfg.Observer != nil {
		s.cfg.Observer.WebhookDisabled()
	}
	s.cfg.Logger.Warn("webhook disabled", "webhook", id, "url", en.sub.URL, "reason", reason, "failed_deliveries", failed)
	var name any
	if en.sub.Name != nil {
		name = *en.sub.Name
	}
	alert := events.Event{Name: AlertEvent, Time: s.cfg.Clock.Now(), Payload: map[string]any{
		"type":    "webhook.disabled",
		"message": fmt.Sprintf("Webhook %d (%s) was disabled: %s.", id, en.sub.URL, reason),
		"webhook": map[string]any{"id": id, "name": name, "url": en.sub.URL},
		"reason":  reason, "failed_deliveries": failed,
	}}
	s.storeEvent(ctx, alert)
	if s.cfg.Bus != nil {
		s.cfg.Bus.Publish(alert)
	}
}

// AlertEvent is the event the server emits when it disables a
// subscription.
const AlertEvent = "system.alert"

// ofExisting leaves out the outcomes of subscriptions deleted while their
// attempts were in flight: their logs are being removed, and an attempt
// recorded now would outlive its delivery.
func (s *Service) ofExisting(batch []*storage.AttemptOutcome) []*storage.AttemptOutcome {
	snap := s.snap.Load()
	for i, o := range batch {
		if snap.all[o.Attempt.WebhookID] != nil {
			continue
		}
		kept := append(make([]*storage.AttemptOutcome, 0, len(batch)), batch[:i]...)
		for _, o := range batch[i+1:] {
			if snap.all[o.Attempt.WebhookID] != nil {
				kept = append(kept, o)
			}
		}
		return kept
	}
	return batch
}
