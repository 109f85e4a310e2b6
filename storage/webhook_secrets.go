package storage

import (
	"context"
	"fmt"

	"github.com/hookflow/hookflow/redact"
	"gorm.io/gorm"
)

// The credentials of a subscription are stored sealed (secrets.Keyring):
// its signing secrets, its basic-auth password and the values of its
// credential headers (redact.IsCredentialHeader). Callers see them in
// clear: they are sealed on the way in and opened on the way out, and the
// purpose each is sealed for keeps one from being moved into the other's
// column.
const (
	purposeSecret         = "webhooks.secret"
	purposePreviousSecret = "webhooks.previous_secret"
	purposeBasicPassword  = "webhooks.basic_password"
	purposeHeader         = "webhooks.headers"
)

// sealed is a copy of sub as stored: its credentials sealed.
func (s *Store) sealed(sub *Subscription) *Subscription {
	c := *sub
	c.Secret = s.keys.Seal(purposeSecret, sub.Secret)
	c.PreviousSecret = s.keys.Seal(purposePreviousSecret, sub.PreviousSecret)
	c.BasicPassword = s.keys.Seal(purposeBasicPassword, sub.BasicPassword)
	if len(sub.Headers) > 0 {
		c.Headers = make([]Header, len(sub.Headers))
		for i, h := range sub.Headers {
			if redact.IsCredentialHeader(h.Name) {
				h.Value = s.keys.Seal(purposeHeader, h.Value)
			}
			c.Headers[i] = h
		}
	}
	return &c
}

// open opens the credentials of a subscription read from the table, in
// place. stale says that some were in clear or sealed under a previous
// key.
func (s *Store) open(sub *Subscription) (stale bool, err error) {
	field := func(purpose, name string, v *string) {
		if err != nil {
			return
		}
		plain, current, openErr := s.keys.Open(purpose, *v)
		if openErr != nil {
			err = fmt.Errorf("webhook %d: its %s: %w", sub.ID, name, openErr)
			return
		}
		*v, stale = plain, stale || !current
	}
	field(purposeSecret, "secret", &sub.Secret)
	field(purposePreviousSecret, "previous secret", &sub.PreviousSecret)
	field(purposeBasicPassword, "basic-auth password", &sub.BasicPassword)
	for i := range sub.Headers {
		if redact.IsCredentialHeader(sub.Headers[i].Name) {
			field(purposeHeader, "header "+sub.Headers[i].Name, &sub.Headers[i].Value)
		}
	}
	return stale, err
}

// openAll opens the credentials of subscriptions read from the table.
func (s *Store) openAll(subs []*Subscription) error {
	for _, sub := range subs {
		if _, err := s.open(sub); err != nil {
			return err
		}
	}
	return nil
}

// SealCredentials seals every subscription credential stored in clear
// (written before they were encrypted) or under a previous key, and
// returns how many subscriptions it rewrote. When it rewrote any, the
// database file is then rewritten without free space, where the values
// replaced would otherwise linger (scrubFreeSpace). It fails, changing
// nothing, when a value opens under no key: the key was changed without
// SECRET_KEY_PREVIOUS. Call it once at start, before reading
// subscriptions.
func (s *Store) SealCredentials(ctx context.Context) (int, error) {
	rewritten := 0
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var subs []*Subscription
		if err := tx.Order("id").Find(&subs).Error; err != nil {
			return translate(err)
		}
		for _, sub := range subs {
			stale, err := s.open(sub)
			if err != nil {
				return err
			}
			if !stale {
				continue
			}
			c := s.sealed(sub)
			err = tx.Model(c).Select("secret", "previous_secret", "basic_password", "headers").Updates(c).Error
			if err != nil {
				return fmt.Errorf("seal the credentials of webhook %d: %w", sub.ID, translate(err))
			}
			rewritten++
		}
		return nil
	})
	if err != nil || rewritten == 0 {
		return 0, err
	}
	if err := s.scrubFreeSpace(ctx); err != nil {
		return rewritten, err
	}
	return rewritten, nil
}
