package webhooks

import (
	"context"
	"slices"
	"sync"
	"time"
)

// purgeQueue holds the ids of deleted subscriptions whose delivery logs
// the janitor has yet to remove.
type purgeQueue struct {
	mu   sync.Mutex
	ids  []int64
	wake chan struct{} // capacity 1: one signal stands for any number of adds
}

// add queues ids and wakes the janitor.
func (q *purgeQueue) add(ids []int64) {
	q.mu.Lock()
	q.ids = append(q.ids, ids...)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// take empties the queue.
func (q *purgeQueue) take() []int64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := q.ids
	q.ids = nil
	slices.Sort(ids)
	return slices.Compact(ids)
}

// janitor removes finished deliveries older than the retention period, at
// start and then every hour (on the elected server when several share the
// database), and the delivery logs of deleted subscriptions as soon as
// they are deleted (by the server that deleted them). Both delete in small batches
// and stop with the service; what is left is removed by the next sweep
// (which also removes every delivery of a deleted subscription).
func (s *Service) janitor() {
	defer close(s.janitorDone)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.janitorStop:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		// Servers sharing a database leave the sweep to the elected one.
		if s.store.Leader().IsLeader() {
			cutoff := s.cfg.Clock.Now().Add(-s.cfg.Retention)
			if n, err := s.store.PruneDeliveries(ctx, cutoff); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Error("pruning webhook deliveries failed", "error", err)
			} else if n > 0 {
				s.cfg.Logger.Info("pruned webhook deliveries", "deliveries", n)
			}
		}
		t := s.cfg.Clock.TimerAt(s.cfg.Clock.Now().Add(time.Hour))
	wait:
		for {
			select {
			case <-t.C():
				break wait
			case <-s.purges.wake:
				s.purge(ctx, s.purges.take())
			case <-s.janitorStop:
				t.Stop()
				return
			}
		}
	}
}

// purge removes the delivery logs of deleted subscriptions.
func (s *Service) purge(ctx context.Context, ids []int64) {
	if len(ids) == 0 {
		return
	}
	n, err := s.store.PurgeDeliveries(ctx, ids)
	if err != nil && ctx.Err() == nil {
		s.cfg.Logger.Error("removing the deliveries of deleted webhooks failed", "webhooks", ids, "error", err)
	}
	if n > 0 {
		s.cfg.Logger.Info("removed the deliveries of deleted webhooks", "webhooks", ids, "deliveries", n)
	}
}
