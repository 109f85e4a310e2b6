package webhooks_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
)

// answers makes the receiver answer status to every request.
func answers(rc *hookflowtest.Receiver, status int) {
	rc.SetAnswer(func(int, *http.Request) (int, http.Header) { return status, nil })
}

// TestRetriesFollowTheSchedule: each failed attempt is recorded with the
// delivery due again after the schedule's next delay; when the schedule
// is exhausted the delivery fails and nothing more is sent.
func TestRetriesFollowTheSchedule(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *webhooks.Config) { c.Schedule = []time.Duration{5 * time.Second, time.Minute} })
	answers(b.rc, http.StatusInternalServerError)
	sub := b.subscribe(t, &storage.Subscription{Events: []any{"*"}})
	b.emit(t, "report.generated", nil)

	b.rc.Wait(t, 1)
	d := b.waitDelivery(t, sub.ID, storage.DeliveryPending, 1)
	if d.NextAttemptAt != epoch.Add(5*time.Second).UnixMilli() || d.LastStatus != 500 {
		t.Fatalf("after the first attempt: due %d, last status %d", d.NextAttemptAt, d.LastStatus)
	}
	b.clock.Advance(5*time.Second - time.Millisecond)
	b.rc.Quiet(t, 1)
	b.clock.Advance(time.Millisecond)
	b.rc.Wait(t, 2)
	d = b.waitDelivery(t, sub.ID, storage.DeliveryPending, 2)
	if want := epoch.Add(5*time.Second + time.Minute).UnixMilli(); d.NextAttemptAt != want {
		t.Fatalf("after the second attempt: due %d, want %d", d.NextAttemptAt, want)
	}
	b.clock.Advance(time.Minute)
	b.rc.Wait(t, 3)
	b.waitDelivery(t, sub.ID, storage.DeliveryFailed, 3)
	b.clock.Advance(24 * time.Hour)
	b.rc.Quiet(t, 3)

	attempts, err := b.store.ListAttempts(b.ctx, d.ID)
	if err != nil || len(attempts) != 3 {
		t.Fatalf("%d attempts logged (%v)", len(attempts), err)
	}
	for i, a := range attempts {
		if a.Number != i+1 || a.ResponseStatus != 500 || a.ErrorClass != webhooks.ClassStatus {
			t.Fatalf("attempt %d logged as %+v", i+1, a)
		}
	}
}

// TestRetryAfterDelaysTheNextAttempt: a Retry-After answer (seconds or a
// date) moves the next attempt when it asks for longer than the schedule,
// up to MaxRetryAfter.
func TestRetryAfterDelaysTheNextAttempt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, retryAfter string
		next             time.Duration
	}{
		{"seconds beyond the schedule", "120", 2 * time.Minute},
		{"sooner than the schedule", "1", 5 * time.Second},
		{"an HTTP date", epoch.Add(10 * time.Minute).Format(http.TimeFormat), 10 * time.Minute},
		{"bounded", "86400", time.Hour},
		{"unreadable", "soon", 5 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, func(c *webhooks.Config) { c.MaxRetryAfter = time.Hour })
			b.rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
				if n == 1 {
					return http.StatusServiceUnavailable, http.Header{"Retry-After": {tc.retryAfter}}
				}
				return http.StatusOK, nil
			})
			sub := b.subscribe(t, &storage.Subscription{Events: []any{"*"}})
			b.emit(t, "report.generated", nil)

			d := b.waitDelivery(t, sub.ID, storage.DeliveryPending, 1)
			if want := epoch.Add(tc.next).UnixMilli(); d.NextAttemptAt != want {
				t.Fatalf("due in %s, want %s", time.UnixMilli(d.NextAttemptAt).Sub(epoch), tc.next)
			}
			b.clock.Advance(tc.next)
			b.rc.Wait(t, 2)
			b.waitDelivery(t, sub.ID, storage.DeliverySucceeded, 2)
		})
	}
}

// alertOf decodes the system.alert a receiver got in the generic format.
func alertOf(t *testing.T, r hookflowtest.Received) map[string]any {
	t.Helper()
	var alert struct {
		Type string         `json:"type"`
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &alert); err != nil || alert.Type != webhooks.AlertEvent {
		t.Fatalf("alert %s (%v)", r.Body, err)
	}
	return alert.Data
}

// TestGoneDisablesTheWebhook: a 410 answer fails its delivery, disables
// the webhook at once, fails its other pending deliveries and sends
// system.alert to the webhooks that listen; later events owe it nothing.
func TestGoneDisablesTheWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.rc.SetAnswer(func(n int, _ *http.Request) (int, http.Header) {
		if n == 1 {
			return http.StatusInternalServerError, nil
		}
		return http.StatusGone, nil
	})
	alerts := hookflowtest.NewReceiver(t)
	gone := b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}})
	b.subscribe(t, &storage.Subscription{Events: []any{webhooks.AlertEvent}, URL: alerts.URL})
	b.emit(t, "report.generated", 1)
	b.waitDelivery(t, gone.ID, storage.DeliveryPending, 1) // retried in 5 s
	b.emit(t, "report.generated", 2)
	b.rc.Wait(t, 2)

	sub := b.waitSubscription(t, gone.ID, func(s *storage.Subscription) bool { return s.Status == webhooks.StatusDisabled })
	const reason = "the endpoint answered 410 Gone"
	if sub.DisabledReason != reason {
		t.Fatalf("disabled because %q", sub.DisabledReason)
	}
	rows := b.deliveries(t, gone.ID)
	if len(rows) != 2 || rows[0].Status != storage.DeliveryFailed || rows[0].LastError != reason ||
		rows[1].Status != storage.DeliveryFailed || rows[1].LastStatus != http.StatusGone {
		t.Fatalf("deliveries %+v %+v", rows[0], rows[1])
	}
	alert := alertOf(t, alerts.Wait(t, 1)[0])
	if alert["type"] != "webhook.disabled" || alert["reason"] != reason || alert["failed_deliveries"] != 1.0 ||
		alert["webhook"].(map[string]any)["id"] != float64(gone.ID) {
		t.Fatalf("alert %v", alert)
	}

	b.emit(t, "report.generated", 3)
	b.clock.Advance(time.Hour)
	b.rc.Quiet(t, 2)
	if n := len(b.deliveries(t, gone.ID)); n != 2 {
		t.Fatalf("a disabled webhook was owed %d deliveries", n)
	}
}

// TestSustainedFailureDisablesTheWebhook: a webhook whose attempts have
// all failed for DisableAfter is disabled, with the time of its first
// failure in the reason; before that it keeps being retried.
func TestSustainedFailureDisablesTheWebhook(t *testing.T) {
	t.Parallel()
	b := setup(t, func(c *webhooks.Config) {
		c.DisableAfter = 10 * time.Minute
		c.Schedule = []time.Duration{5 * time.Minute, 5 * time.Minute, 5 * time.Minute}
	})
	answers(b.rc, http.StatusBadGateway)
	alerts := hookflowtest.NewReceiver(t)
	down := b.subscribe(t, &storage.Subscription{Events: []any{"report.*"}})
	b.subscribe(t, &storage.Subscription{Events: []any{"system.*"}, URL: alerts.URL})
	b.emit(t, "report.generated", nil)

	b.waitDelivery(t, down.ID, storage.DeliveryPending, 1)
	sub, err := b.svc.Get(b.ctx, down.ID)
	if err != nil || sub.FailingSince == nil || !sub.FailingSince.Equal(epoch) {
		t.Fatalf("failing since %v (%v)", sub.FailingSince, err)
	}
	b.clock.Advance(5 * time.Minute)
	b.waitDelivery(t, down.ID, storage.DeliveryPending, 2)
	alerts.Quiet(t, 0)

	b.clock.Advance(5 * time.Minute)
	d := b.waitDelivery(t, down.ID, storage.DeliveryFailed, 3)
	const reason = "every attempt has failed since 2030-01-02T03:04:05Z"
	if d.LastError != reason || d.LastStatus != http.StatusBadGateway {
		t.Fatalf("delivery failed with %d %q", d.LastStatus, d.LastError)
	}
	sub = b.waitSubscription(t, down.ID, func(s *storage.Subscription) bool { return s.Status == webhooks.StatusDisabled })
	if sub.DisabledReason != reason {
		t.Fatalf("disabled because %q", sub.DisabledReason)
	}
	if alert := alertOf(t, alerts.Wait(t, 1)[0]); alert["reason"] != reason {
		t.Fatalf("alert %v", alert)
	}
}

// TestAttemptsOfADeletedWebhookAreNotRecorded: an answer that arrives
// after its webhook was deleted is dropped rather than logged, so no
// attempt outlives the delivery log's removal.
func TestAttemptsOfADeletedWebhookAreNotRecorded(t *testing.T) {
	t.Parallel()
	b := setup(t)
	g := newGate()
	b.rc.SetAnswer(func(_ int, r *http.Request) (int, http.Header) {
		g.hold(r)
		return http.StatusOK, nil
	})
	sub := b.subscribe(t, &storage.Subscription{Events: []any{"*"}})
	b.emit(t, "report.generated", nil)
	b.rc.Wait(t, 1)
	id := b.deliveries(t, sub.ID)[0].ID
	if err := b.svc.Delete(b.ctx, []int64{sub.ID}); err != nil {
		t.Fatal(err)
	}
	g.release()
	// Stopping waits for the attempt and records every outcome it got.
	b.svc.Stop(b.ctx)

	attempts, err := b.store.ListAttempts(b.ctx, id)
	if err != nil || len(attempts) != 0 {
		t.Fatalf("%d attempts logged for a deleted webhook (%v)", len(attempts), err)
	}
	if _, err := b.store.GetDelivery(b.ctx, id); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the delivery of a deleted webhook: %v", err)
	}
}
