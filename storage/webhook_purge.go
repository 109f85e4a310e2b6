package storage

import (
	"context"
	"fmt"
)

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
	var removed int64
	after := int64(0)
	for {
		var ids []int64
		err := s.read.WithContext(ctx).Model(&Delivery{}).
			Where("webhook_id IN ? AND id > ? AND "+orphanDelivery, webhookIDs, after).
			Order("id").Limit(pruneBatch).Pluck("id", &ids).Error
		if err != nil {
			return removed, fmt.Errorf("purge deliveries: %w", translate(err))
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		n, err := s.deleteDeliveryBatch(ctx, ids, orphanDelivery)
		removed += n
		if err != nil {
			return removed, fmt.Errorf("purge deliveries: %w", err)
		}
		if len(ids) < pruneBatch {
			break
		}
		if err := prunePauseOrDone(ctx); err != nil {
			return removed, err
		}
	}
	// Attempts in flight at the deletion were recorded after it, some
	// perhaps after their delivery was purged; those recorded later still
	// are left to the retention sweep.
	return removed, s.pruneOrphanAttempts(ctx, "webhook_id IN ?", webhookIDs)
}
