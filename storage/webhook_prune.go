package storage

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// prunedDelivery is what retention removes: a finished delivery last
// changed before the cutoff, or any delivery whose subscription is gone
// (an item write can queue one just as its subscription is deleted).
const prunedDelivery = `((status != 'pending' AND updated_at < ?) OR ` + orphanDelivery + `)`

// PruneDeliveries removes finished deliveries (and their attempts) last
// changed before cutoff, deliveries whose subscription is gone, and
// attempts whose delivery is gone. It returns the number of deliveries
// removed.
//
// The rows are found through the read connection and deleted pruneBatch
// at a time, with a pause between batches: the write connection is shared
// with item writes and the delivery queue, which wait at most for one
// batch, however much a sweep removes.
func (s *Store) PruneDeliveries(ctx context.Context, cutoff time.Time) (int64, error) {
	removed, err := s.deleteDeliveriesWhere(ctx, "prune deliveries", prunedDelivery, cutoff)
	if err != nil {
		return removed, err
	}
	return removed, s.pruneOrphanAttempts(ctx, "1 = 1")
}

// deleteDeliveriesWhere deletes the deliveries meeting cond (with args),
// and their attempts: it finds them through the read connection, oldest
// first, and deletes pruneBatch of them per transaction with a pause
// between batches (see PruneDeliveries). what names the work in errors.
func (s *Store) deleteDeliveriesWhere(ctx context.Context, what, cond string, args ...any) (int64, error) {
	var removed int64
	after := int64(0)
	for {
		var ids []int64
		err := s.read.WithContext(ctx).Model(&Delivery{}).Where("id > ?", after).Where(cond, args...).
			Order("id").Limit(pruneBatch).Pluck("id", &ids).Error
		if err != nil {
			return removed, fmt.Errorf("%s: %w", what, translate(err))
		}
		if len(ids) == 0 {
			return removed, nil
		}
		after = ids[len(ids)-1]
		// cond is checked again: a resend may have made a listed delivery
		// pending since it was read.
		n, err := s.deleteDeliveryBatch(ctx, ids, cond, args...)
		removed += n
		if err != nil {
			return removed, fmt.Errorf("%s: %w", what, err)
		}
		if len(ids) < pruneBatch {
			return removed, nil
		}
		if err := prunePauseOrDone(ctx); err != nil {
			return removed, err
		}
	}
}

// deleteDeliveryBatch deletes, in one transaction, the listed deliveries
// that still meet cond (with args) and their attempts.
func (s *Store) deleteDeliveryBatch(ctx context.Context, ids []int64, cond string, args ...any) (int64, error) {
	var n int64
	where := append([]any{ids}, args...)
	err := s.write.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		doomed := tx.Model(&Delivery{}).Select("id").Where("id IN ? AND "+cond, where...)
		if err := tx.Where("delivery_id IN (?)", doomed).Delete(&Attempt{}).Error; err != nil {
			return translate(err)
		}
		res := tx.Where("id IN ? AND "+cond, where...).Delete(&Delivery{})
		n = res.RowsAffected
		return translate(res.Error)
	})
	return n, err
}

// pruneOrphanAttempts removes attempts meeting cond (with args) recorded
// after their delivery was deleted (an attempt in flight when its webhook
// was deleted). They are found through the read connection (an attempt
// whose delivery is gone stays so) and deleted pruneBatch at a time.
func (s *Store) pruneOrphanAttempts(ctx context.Context, cond string, args ...any) error {
	after := int64(0)
	for {
		var ids []int64
		err := s.read.WithContext(ctx).Model(&Attempt{}).
			Where("id > ? AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = webhook_attempts.delivery_id)", after).
			Where(cond, args...).
			Order("id").Limit(pruneBatch).Pluck("id", &ids).Error
		if err != nil {
			return fmt.Errorf("prune attempts: %w", translate(err))
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		if err := s.write.WithContext(ctx).Where("id IN ?", ids).Delete(&Attempt{}).Error; err != nil {
			return fmt.Errorf("prune attempts: %w", translate(err))
		}
		if len(ids) < pruneBatch {
			return nil
		}
		if err := prunePauseOrDone(ctx); err != nil {
			return err
		}
	}
}

// prunePauseOrDone waits between two delete batches, so that queued
// writes go first; it returns early with ctx's error.
func prunePauseOrDone(ctx context.Context) error {
	t := time.NewTimer(prunePause)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
