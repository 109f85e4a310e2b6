package webhooks

import (
	"context"
	"strings"

	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/storage"
)

// TestEvent is the event a test delivery announces when none is named and
// the subscription lists none.
const TestEvent = "webhook.test"

// TestResult is a synchronous test delivery: the logged delivery and its
// one attempt.
type TestResult struct {
	Delivery *storage.Delivery
	Attempt  *storage.Attempt
}

// Test sends one signed test message to a subscription now, whatever its
// status, and logs it like any delivery (it is never retried). event
// names the event to announce ("" picks one the subscription listens to).
func (s *Service) Test(ctx context.Context, id int64, event string) (*TestResult, error) {
	sub, err := s.store.GetSubscription(ctx, id)
	if err != nil {
		return nil, err
	}
	if event == "" {
		event = testEventFor(sub)
	}
	now := s.cfg.Clock.Now()
	m := Message{
		ID:      newMessageID(),
		Event:   event,
		Time:    now,
		Test:    true,
		Payload: map[string]any{"test": true, "message": "This is a test event from hookflow."},
	}
	if collection, past, ok := strings.Cut(event, "."); ok {
		for action, tense := range pastTense {
			if past == tense && storage.CheckCollectionName(collection) == nil {
				m.Action, m.Collection, m.Keys = action, collection, []any{"test"}
				m.Payload = map[string]any{"id": "test", "test": true}
			}
		}
	}
	raw, err := encodeMessage(&m)
	if err != nil {
		return nil, err
	}
	// Stored first, and never pending, so that it has an id for the body
	// and the queue never picks it up.
	d := &storage.Delivery{
		WebhookID: sub.ID,
		MessageID: m.ID,
		Event:     event,
		Message:   raw,
		Status:    storage.DeliveryFailed,
		Test:      true,
		CreatedAt: now,
		UpdatedAt: now,
	}
	if err := s.store.CreateDelivery(ctx, d); err != nil {
		return nil, err
	}
	body, err := Body(sub, d)
	if err != nil {
		return nil, err
	}
	r := s.sender.send(ctx, sub, d.MessageID, body)
	r.attempt.DeliveryID, r.attempt.Number = d.ID, 1
	o := &storage.AttemptOutcome{
		Attempt:   r.attempt,
		Status:    storage.DeliveryFailed,
		Succeeded: r.succeeded(),
		Test:      true,
	}
	if o.Succeeded {
		o.Status = storage.DeliverySucceeded
	}
	if _, err := s.store.CompleteAttempts(ctx, []*storage.AttemptOutcome{o}); err != nil {
		return nil, err
	}
	d.Status, d.Attempts, d.LastStatus, d.LastError = o.Status, 1, r.attempt.ResponseStatus, r.attempt.Error
	d.LastAttemptAt = &r.attempt.StartedAt
	return &TestResult{Delivery: d, Attempt: r.attempt}, nil
}

// testEventFor picks an event a subscription listens to.
func testEventFor(sub *storage.Subscription) string {
	for _, e := range sub.Events {
		if name, ok := e.(string); ok && !strings.Contains(name, "*") {
			return name
		}
	}
	if len(sub.Collections) > 0 && sub.Collections[0] != "*" {
		return itemEventName(sub.Collections[0], "create")
	}
	return TestEvent
}

// Listens reports whether a subscription would receive an event of this
// name: an item event's ("orders.created") or an emitted one's.
func (s *Service) Listens(sub *storage.Subscription, name string) bool {
	var errs flows.ValidationErrors
	m := compileMatcher(sub.Actions, sub.Collections, sub.Events, &errs)
	if m.custom(name) {
		return true
	}
	collection, past, ok := strings.Cut(name, ".")
	for action, tense := range pastTense {
		if ok && past == tense {
			e := newItemEvent(action, collection)
			return m.item(&e, "", func(map[string]bool) bool { return true })
		}
	}
	return false
}
