package webhooks

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/hookflow/hookflow/storage"
)

// ErrNotActive is returned for a resend to a subscription that is not
// active: nothing would send it.
var ErrNotActive = errors.New("the webhook is not active")

// GenericIDPrefix starts the ids of the generic API ("wh_12").
const GenericIDPrefix = "wh_"

// ParseID reads a subscription id as any dialect writes it: "12" or
// "wh_12". Anything else is not found.
func ParseID(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimPrefix(s, GenericIDPrefix), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("webhook %q: %w", s, storage.ErrNotFound)
	}
	return n, nil
}

// GenericID is a subscription's id in the generic API.
func GenericID(id int64) string { return GenericIDPrefix + strconv.FormatInt(id, 10) }

// Create stores new subscriptions (already passed through Apply), all or
// nothing, generating secrets where none was chosen. Their deliveries
// start with the next event.
func (s *Service) Create(ctx context.Context, subs []*storage.Subscription) error {
	now := s.cfg.Clock.Now()
	for _, sub := range subs {
		if sub.Secret == "" {
			secret, err := NewSecret()
			if err != nil {
				return fmt.Errorf("generate webhook secret: %w", err)
			}
			sub.Secret = secret
		}
		sub.CreatedAt, sub.UpdatedAt = now, nil
	}
	if err := s.store.CreateSubscriptions(ctx, subs); err != nil {
		return err
	}
	return s.reload(ctx)
}

// Get reads one subscription.
func (s *Service) Get(ctx context.Context, id int64) (*storage.Subscription, error) {
	return s.store.GetSubscription(ctx, id)
}

// List reads every subscription.
func (s *Service) List(ctx context.Context) ([]*storage.Subscription, error) {
	return s.store.ListSubscriptions(ctx)
}

// Update saves a subscription changed through Apply. was is its status
// before the change: a subscription switched back on starts a new failure
// record and resumes its held deliveries.
func (s *Service) Update(ctx context.Context, sub *storage.Subscription, was string) error {
	now := s.cfg.Clock.Now()
	sub.UpdatedAt = &now
	reactivated := sub.Status == StatusActive && was != StatusActive
	if reactivated {
		sub.DisabledReason = ""
	}
	if err := s.store.UpdateSubscription(ctx, sub, reactivated); err != nil {
		return err
	}
	if err := s.reload(ctx); err != nil {
		return err
	}
	if reactivated {
		s.disp.notify([]int64{sub.ID}, 0)
	}
	return nil
}

// Delete removes subscriptions, all or nothing: nothing more is delivered
// for them from now on. Their delivery logs are removed afterwards, in
// the background and in small batches, so that deleting a webhook with a
// large log never holds up item writes or other deliveries.
func (s *Service) Delete(ctx context.Context, ids []int64) error {
	if err := s.store.DeleteSubscriptions(ctx, ids); err != nil {
		return err
	}
	err := s.reload(ctx)
	s.purges.add(ids)
	return err
}

// RotateSecret gives a subscription a new secret. The previous one keeps
// signing beside it for Config.RotationGrace, so receivers can switch
// without missing a delivery.
func (s *Service) RotateSecret(ctx context.Context, id int64) (*storage.Subscription, error) {
	sub, err := s.store.GetSubscription(ctx, id)
	if err != nil {
		return nil, err
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, fmt.Errorf("generate webhook secret: %w", err)
	}
	now := s.cfg.Clock.Now()
	until := now.Add(s.cfg.RotationGrace)
	sub.PreviousSecret, sub.PreviousSecretExpiresAt, sub.Secret = sub.Secret, &until, secret
	if err := s.Update(ctx, sub, sub.Status); err != nil {
		return nil, err
	}
	return sub, nil
}

// Resend makes a delivery due again at once; its attempt log continues.
// ErrNotActive when its subscription is not active.
func (s *Service) Resend(ctx context.Context, deliveryID int64) (*storage.Delivery, error) {
	d, err := s.store.GetDelivery(ctx, deliveryID)
	if err != nil {
		return nil, err
	}
	if s.snap.Load().active(d.WebhookID) == nil {
		return nil, fmt.Errorf("resend delivery %d: %w", deliveryID, ErrNotActive)
	}
	d, err = s.store.RequeueDelivery(ctx, deliveryID, s.cfg.Clock.Now())
	if err != nil {
		return nil, err
	}
	s.disp.notify([]int64{d.WebhookID}, 0)
	return d, nil
}
