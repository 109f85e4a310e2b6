package storage

import (
	"context"
	"fmt"

	"github.com/hookflow/hookflow/events"
)

// StoreEvent makes an event that is not an item write (one a flow
// emitted, a server alert) durable: what it owes — its webhook deliveries,
// from Config.Outbox, and the runs of the flows it starts, from
// Config.RunOutbox — is inserted in one transaction of the item writer,
// and StoreEvent returns once that has committed. A caller that answers
// only after StoreEvent never acknowledges an event a crash could lose.
// Concurrent events share commits with each other and with item writes;
// an event nothing is owed for writes nothing.
//
// When ctx ends before the write starts, nothing is stored; once it has
// started it completes, so an event whose caller gave up may still be
// delivered (deliveries are at least once).
func (s *Store) StoreEvent(ctx context.Context, e events.Event) error {
	var rows []*Delivery
	if s.outbox != nil {
		rows = s.outbox.EventDeliveries(&e)
	}
	var runs []*Run
	if s.runOutbox != nil {
		var err error
		if runs, err = s.runOutbox.EventRuns(ctx, &e); err != nil {
			return fmt.Errorf("store event %s: %w", e.Name, err)
		}
	}
	if len(rows) == 0 && len(runs) == 0 {
		return nil
	}
	if _, err := s.items.do(ctx, "", storeOwed(rows, runs)); err != nil {
		return fmt.Errorf("store event %s: %w", e.Name, err)
	}
	return nil
}

// storeOwed is a write that changes no item and only queues deliveries and
// runs.
func storeOwed(rows []*Delivery, runs []*Run) func(*writeTx) (any, []ItemEvent, error) {
	return func(tx *writeTx) (any, []ItemEvent, error) {
		tx.owed = append(tx.owed, rows...)
		tx.owedRuns = append(tx.owedRuns, runs...)
		return nil, nil, nil
	}
}
