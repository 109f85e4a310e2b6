package storage

import "context"

// orphanDelivery is a delivery whose subscription is gone.
const orphanDelivery = `webhook_id NOT IN (SELECT id FROM webhooks)`

// PurgeDeliveries removes the deliveries, with their attempts, of the
// given subscriptions once they are deleted (DeleteSubscriptions); the
// deliveries of a subscription that still exists are never touched. It
// returns the number of deliveries removed.
//
// As the retention sweep does, it finds the rows through the read
// connection and deletes pruneBatch of them per transaction, with a pause
// between batches, so item writes and the delivery queue never wait for
// more than one batch however large the log. Attempts of those
// subscriptions left without a delivery go too. Stopped half-way (ctx, a
// crash), it leaves rows the retention sweep removes.
func (s *Store) PurgeDeliveries(ctx context.Context, webhookIDs []int64) (int64, error) {
	if len(webhookIDs) == 0 {
		return 0, nil
	}
	removed, err := s.deleteDeliveriesWhere(ctx, "purge deliveries", "webhook_id IN ? AND "+orphanDelivery, webhookIDs)
	if err != nil {
		return removed, err
	}
	// Attempts in flight at the deletion were recorded after it, some
	// perhaps after their delivery was purged; those recorded later still
	// are left to the retention sweep.
	return removed, s.pruneOrphanAttempts(ctx, "webhook_id IN ?", webhookIDs)
}
