package storage

import (
	"context"
	"log/slog"
	"time"
)

// housekeepingEvery is how often the elected server removes what the
// servers sharing a database leave behind: full rate-limit buckets, the
// slots of deleted webhooks.
const housekeepingEvery = time.Minute

// orphanSlotsSQL removes the slots of deleted webhooks (webhook_claim.go).
const orphanSlotsSQL = `DELETE FROM hf_webhook_slots s WHERE NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.id = s.webhook_id)`

// housekeeping is the background work of a shared database that one
// server does for all: the elected one (Leader).
type housekeeping struct {
	stop chan struct{}
	done chan struct{}
}

// startHousekeeping runs the housekeeping every housekeepingEvery, on the
// elected server only.
func (s *Store) startHousekeeping(logger *slog.Logger) *housekeeping {
	h := &housekeeping{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		tick := time.NewTicker(housekeepingEvery)
		defer tick.Stop()
		for {
			select {
			case <-h.stop:
				return
			case <-tick.C:
			}
			if !s.leader.IsLeader() {
				continue
			}
			if n, err := s.PruneRateLimits(ctx, time.Now()); err != nil {
				logger.Error("removing full rate-limit buckets failed", "error", err)
			} else if n > 0 {
				logger.Debug("removed full rate-limit buckets", "buckets", n)
			}
			if err := s.write.WithContext(ctx).Exec(orphanSlotsSQL).Error; err != nil {
				logger.Error("removing the slots of deleted webhooks failed", "error", err)
			}
		}
	}()
	return h
}

// close stops the housekeeping.
func (h *housekeeping) close() {
	if h == nil {
		return
	}
	close(h.stop)
	<-h.done
}
