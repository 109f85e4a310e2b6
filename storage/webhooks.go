package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Subscription is an outgoing webhook as stored (docs/webhooks.md#the-model): one record
// whatever API dialect created it. The webhooks package gives it its
// meaning (validation, matching, delivery); storage only keeps it, with
// its credentials sealed (webhook_secrets.go).
type Subscription struct {
	ID          int64   `gorm:"primaryKey;autoIncrement"`
	Name        *string `gorm:"uniqueIndex"` // nil: unnamed (the generic API does not ask for names)
	Description string
	URL         string `gorm:"not null"`
	Method      string `gorm:"not null"`
	// Status is active, inactive or disabled (by the server).
	Status string `gorm:"not null"`
	// Data says whether deliveries carry the event as their body.
	Data bool
	// Actions and Collections are the Directus form of matching.
	Actions     []string `gorm:"serializer:json"`
	Collections []string `gorm:"serializer:json"`
	// Events holds name patterns (strings) and DatoCMS event objects.
	Events []any `gorm:"serializer:json"`
	// Headers are sent with every delivery, in this order.
	Headers       []Header `gorm:"serializer:json"`
	BasicUser     string
	BasicPassword string
	// Secret signs deliveries; PreviousSecret keeps signing beside it until
	// PreviousSecretExpiresAt after a rotation.
	Secret                  string `gorm:"not null"`
	PreviousSecret          string
	PreviousSecretExpiresAt *time.Time
	// RetrySchedule is the delays between attempts in milliseconds; nil
	// means the server's default schedule, an empty list no retries.
	RetrySchedule []int64 `gorm:"serializer:json"`
	// Format is the payload shape deliveries use: the dialect that created
	// the subscription unless changed (directus, generic, datocms).
	Format    string     `gorm:"not null"`
	CreatedAt time.Time  `gorm:"autoCreateTime:false"`
	UpdatedAt *time.Time `gorm:"autoUpdateTime:false"`
	// LastTriggered is when a delivery was last attempted.
	LastTriggered *time.Time
	// FailingSince is the first failed attempt since the last success.
	FailingSince *time.Time
	// DisabledReason says why the server disabled the subscription.
	DisabledReason string
}

// TableName keeps the Directus name of the collection.
func (Subscription) TableName() string { return "webhooks" }

// Header is one custom header of a subscription.
type Header struct {
	Name  string `json:"header"`
	Value string `json:"value"`
}

// subscriptionUserColumns are the columns an API update writes; the
// delivery engine's own columns (last_triggered, failing_since) are
// written by it alone, so an edit never undoes what the engine recorded.
var subscriptionUserColumns = []string{
	"name", "description", "url", "method", "status", "data", "actions", "collections", "events",
	"headers", "basic_user", "basic_password", "secret", "previous_secret", "previous_secret_expires_at",
	"retry_schedule", "format", "updated_at", "disabled_reason",
}

// CreateSubscriptions stores new subscriptions in one transaction and sets
// their ids; ErrConflict when a name is taken.
func (s *Store) CreateSubscriptions(ctx context.Context, subs []*Subscription) error {
	stored := make([]*Subscription, len(subs))
	for i, sub := range subs {
		stored[i] = s.sealed(sub)
	}
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, sub := range stored {
			if err := tx.Create(sub).Error; err != nil {
				return subscriptionError(sub, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, sub := range subs {
		sub.ID = stored[i].ID
	}
	return nil
}

// subscriptionError names the subscription a failed write was about.
func subscriptionError(sub *Subscription, err error) error {
	err = translate(err)
	if isUniqueViolation(err) && sub.Name != nil {
		return fmt.Errorf("a webhook named %q already exists: %w", *sub.Name, ErrConflict)
	}
	return fmt.Errorf("save webhook: %w", err)
}

// GetSubscription reads one subscription.
func (s *Store) GetSubscription(ctx context.Context, id int64) (*Subscription, error) {
	var sub Subscription
	if err := s.write.WithContext(ctx).Where("id = ?", id).Take(&sub).Error; err != nil {
		return nil, fmt.Errorf("webhook %d: %w", id, translate(err))
	}
	if _, err := s.open(&sub); err != nil {
		return nil, err
	}
	return &sub, nil
}

// ListSubscriptions reads every subscription, by id.
func (s *Store) ListSubscriptions(ctx context.Context) ([]*Subscription, error) {
	var subs []*Subscription
	if err := s.write.WithContext(ctx).Order("id").Find(&subs).Error; err != nil {
		return nil, translate(err)
	}
	if err := s.openAll(subs); err != nil {
		return nil, err
	}
	return subs, nil
}

// UpdateSubscription writes the user-editable fields of a subscription;
// ErrNotFound when it no longer exists. With resetFailures the record of
// failing deliveries starts again (a subscription switched back on).
func (s *Store) UpdateSubscription(ctx context.Context, sub *Subscription, resetFailures bool) error {
	cols := subscriptionUserColumns
	if resetFailures {
		sub.FailingSince = nil
		cols = append(cols[:len(cols):len(cols)], "failing_since")
	}
	stored := s.sealed(sub)
	res := s.write.WithContext(ctx).Model(stored).Select(cols).Updates(stored)
	if res.Error != nil {
		return subscriptionError(sub, res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("webhook %d: %w", sub.ID, ErrNotFound)
	}
	return nil
}

// DeleteSubscriptions removes subscriptions, all or nothing: ErrNotFound
// when one of them does not exist. It is one short transaction whatever
// the size of their delivery logs: their deliveries and attempts are left
// to PurgeDeliveries (or the retention sweep, which removes deliveries of
// deleted subscriptions), batch by batch.
func (s *Store) DeleteSubscriptions(ctx context.Context, ids []int64) error {
	return s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			res := tx.Where("id = ?", id).Delete(&Subscription{})
			if res.Error != nil {
				return fmt.Errorf("delete webhook %d: %w", id, translate(res.Error))
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("webhook %d: %w", id, ErrNotFound)
			}
		}
		return nil
	})
}

// DisableSubscription sets a subscription's status to disabled and fails
// its pending deliveries (with reason as their last error), in one
// transaction. It returns the number of deliveries failed.
func (s *Store) DisableSubscription(ctx context.Context, id int64, reason string, at time.Time) (int64, error) {
	var failed int64
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&Subscription{}).Where("id = ?", id).
			Updates(map[string]any{"status": "disabled", "disabled_reason": reason, "updated_at": at})
		if res.Error != nil {
			return translate(res.Error)
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("webhook %d: %w", id, ErrNotFound)
		}
		res = tx.Model(&Delivery{}).Where("webhook_id = ? AND status = ?", id, DeliveryPending).
			Updates(map[string]any{"status": DeliveryFailed, "last_error": reason, "updated_at": at, "next_attempt_at": 0})
		failed = res.RowsAffected
		return translate(res.Error)
	})
	return failed, err
}
