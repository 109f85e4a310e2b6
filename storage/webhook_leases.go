package storage

import (
	"context"
	"fmt"
)

// The leases of deliveries and slots (webhook_claim.go) after the claim:
// renewed while the server works, given back when it stops. On SQLite,
// where nothing is leased, these do nothing.

// LeaseRenewal says which leases a server still holds after renewing.
type LeaseRenewal struct {
	// Lost are the deliveries whose lease another server took over after
	// it expired: their attempts must stop. (Deliveries this server
	// recorded meanwhile are not lost.)
	Lost []int64
	// Slots is how many slots the server holds per webhook it renewed.
	Slots map[int64]int
}

// RenewDeliveryLeases extends this store's leases on the given deliveries
// and on its slots of the given webhooks to until (Unix ms).
func (s *Store) RenewDeliveryLeases(ctx context.Context, deliveries, webhooks []int64, until int64) (*LeaseRenewal, error) {
	out := &LeaseRenewal{Slots: map[int64]int{}}
	if s.kind != DialectPostgres {
		return out, nil
	}
	db, err := s.write.DB()
	if err != nil {
		return nil, err
	}
	if len(deliveries) > 0 {
		// A delivery this server recorded meanwhile has no lease left; one
		// another server leases now was taken over. (The SELECT reads the
		// rows as they were before the UPDATE, which leaves those alone.)
		// Rows locked by a transaction recording their attempts are skipped,
		// not waited for: their leases are ending, and waiting could
		// deadlock with that transaction's other rows.
		rows, err := db.QueryContext(ctx, `WITH renewed AS (
			UPDATE webhook_deliveries SET lease_until = $1 WHERE id IN (
				SELECT id FROM webhook_deliveries WHERE lease_owner = $2 AND id = ANY($3) FOR UPDATE SKIP LOCKED
			) RETURNING id
		) SELECT id FROM webhook_deliveries WHERE id = ANY($3) AND lease_owner <> $2`, until, s.instance, deliveries)
		if err != nil {
			return nil, fmt.Errorf("renew delivery leases: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("renew delivery leases: %w", err)
			}
			out.Lost = append(out.Lost, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("renew delivery leases: %w", err)
		}
	}
	if len(webhooks) > 0 {
		// Slots are locked in (webhook, slot) order, as every statement
		// that changes several does, so that two never deadlock.
		rows, err := db.QueryContext(ctx, `WITH mine AS (
			SELECT webhook_id, slot FROM hf_webhook_slots WHERE owner = $2 AND webhook_id = ANY($3)
			ORDER BY webhook_id, slot FOR UPDATE
		) UPDATE hf_webhook_slots s SET until = $1 FROM mine
		WHERE s.webhook_id = mine.webhook_id AND s.slot = mine.slot AND s.owner = $2 RETURNING s.webhook_id`,
			until, s.instance, webhooks)
		if err != nil {
			return nil, fmt.Errorf("renew webhook slots: %w", err)
		}
		defer rows.Close()
		for _, id := range webhooks {
			out.Slots[id] = 0
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, fmt.Errorf("renew webhook slots: %w", err)
			}
			out.Slots[id]++
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("renew webhook slots: %w", err)
		}
	}
	return out, nil
}

// ReleaseSlots gives back this store's slots of a webhook it has no work
// for, so that other servers may take them at once.
func (s *Store) ReleaseSlots(ctx context.Context, webhookID int64) error {
	if s.kind != DialectPostgres {
		return nil
	}
	db, err := s.write.DB()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `WITH mine AS (
		SELECT slot FROM hf_webhook_slots WHERE webhook_id = $1 AND owner = $2 ORDER BY slot FOR UPDATE
	) UPDATE hf_webhook_slots s SET owner = NULL, until = 0 FROM mine
	WHERE s.webhook_id = $1 AND s.slot = mine.slot AND s.owner = $2`, webhookID, s.instance); err != nil {
		return fmt.Errorf("release slots of webhook %d: %w", webhookID, err)
	}
	return nil
}

// ReleaseDeliveryLeases gives back every delivery lease and slot this
// store holds (a server stopping: what it did not attempt is due at once
// for the others).
func (s *Store) ReleaseDeliveryLeases(ctx context.Context) error {
	if s.kind != DialectPostgres {
		return nil
	}
	db, err := s.write.DB()
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `UPDATE webhook_deliveries SET lease_owner = NULL, lease_until = NULL
		WHERE lease_owner = $1 AND status = 'pending'`, s.instance); err != nil {
		return fmt.Errorf("release delivery leases: %w", err)
	}
	if _, err := db.ExecContext(ctx, `WITH mine AS (
		SELECT webhook_id, slot FROM hf_webhook_slots WHERE owner = $1 ORDER BY webhook_id, slot FOR UPDATE
	) UPDATE hf_webhook_slots s SET owner = NULL, until = 0 FROM mine
	WHERE s.webhook_id = mine.webhook_id AND s.slot = mine.slot AND s.owner = $1`, s.instance); err != nil {
		return fmt.Errorf("release webhook slots: %w", err)
	}
	return nil
}
