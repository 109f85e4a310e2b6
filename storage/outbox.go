package storage

import "github.com/hookflow/hookflow/events"

// Outbox turns item writes into webhook deliveries inside the write's own
// transaction (the transactional outbox pattern): the deliveries commit
// with the items or not at all, so an acknowledged write can never lose
// its webhooks, and a write that fails queues none. Other events take the
// same way through StoreEvent.
//
// The methods but EventDeliveries run on the item writer's goroutine,
// which every item write waits on: they must be quick. With no
// subscription interested in a write, ItemDeliveries should return nil
// without allocating.
type Outbox interface {
	// ItemDeliveries returns the deliveries one write's events owe.
	ItemDeliveries(events []ItemEvent) []*Delivery
	// EventDeliveries returns the deliveries an event other than an item
	// write owes; it runs on StoreEvent's caller's goroutine.
	EventDeliveries(e *events.Event) []*Delivery
	// DeliveriesCommitting is called just before a transaction holding new
	// deliveries commits, and DeliveriesCommitted right after: with the
	// deliveries, their ids set, when the commit succeeded, with nil when
	// it failed. Between the two calls the outbox may hold back readers of
	// the queue, so that a delivery handed over from memory is never also
	// read from the table.
	DeliveriesCommitting()
	DeliveriesCommitted(rows []*Delivery)
}

// owedWork is what the writes of a batch owe beyond their own rows: the
// webhook deliveries (Outbox) and the flow runs (RunOutbox) their events
// start, stored in the batch's transaction.
type owedWork struct {
	deliveries []*Delivery
	runs       []*Run
}

// mark notes how much the batch owes before a write, so that rollback can
// drop what a write rolled back to its savepoint owed.
func (o *owedWork) mark() [2]int { return [2]int{len(o.deliveries), len(o.runs)} }

// rollback drops what was owed since mark.
func (o *owedWork) rollback(m [2]int) {
	o.deliveries, o.runs = o.deliveries[:m[0]], o.runs[:m[1]]
}

// queueOwed stores what a successful write owes inside its savepoint —
// the deliveries and runs of its item events, and those it was given
// (tx.owed, tx.owedRuns) — and adds them to the batch's.
func (w *itemWriter) queueOwed(tx *writeTx, events []ItemEvent, owed *owedWork) error {
	rows := tx.owed
	if w.outbox != nil && len(events) > 0 {
		rows = append(rows, w.outbox.ItemDeliveries(events)...)
	}
	runs, err := w.owedRuns(tx, events)
	if err != nil {
		return err
	}
	if len(rows) > 0 {
		if err := insertDeliveries(tx.tx, rows); err != nil {
			return err
		}
		owed.deliveries = append(owed.deliveries, rows...)
	}
	if len(runs) > 0 {
		if err := w.insertQueuedRuns(tx, runs); err != nil {
			return err
		}
		owed.runs = append(owed.runs, runs...)
	}
	return nil
}
