package storage

import (
	"context"
	"fmt"
)

// CountQueueRuns counts the queued and the running runs, each from its
// partial index (no record is read): the queue's gauges.
func (s *Store) CountQueueRuns(ctx context.Context) (queued, running int64, err error) {
	db := s.read.WithContext(ctx)
	if err := db.Model(&Run{}).Where("status = ?", RunQueued).Count(&queued).Error; err != nil {
		return 0, 0, fmt.Errorf("count queued runs: %w", translate(err))
	}
	if err := db.Model(&Run{}).Where("status = ?", RunRunning).Count(&running).Error; err != nil {
		return 0, 0, fmt.Errorf("count running runs: %w", translate(err))
	}
	return queued, running, nil
}

// CountPendingDeliveries counts the deliveries waiting for an attempt,
// from the partial index of pending deliveries.
func (s *Store) CountPendingDeliveries(ctx context.Context) (int64, error) {
	var n int64
	err := s.read.WithContext(ctx).Model(&Delivery{}).Where("status = ?", DeliveryPending).Count(&n).Error
	if err != nil {
		return 0, fmt.Errorf("count pending deliveries: %w", translate(err))
	}
	return n, nil
}
