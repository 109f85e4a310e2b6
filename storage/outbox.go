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

// queueDeliveries stores the deliveries a successful write owes (those of
// its item events, and those it was given: tx.owed) inside its savepoint,
// and adds them to queued.
func (w *itemWriter) queueDeliveries(tx *writeTx, events []ItemEvent, queued *[]*Delivery) error {
	rows := tx.owed
	if w.outbox != nil && len(events) > 0 {
		rows = append(rows, w.outbox.ItemDeliveries(events)...)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := insertDeliveries(tx.tx, rows); err != nil {
		return err
	}
	*queued = append(*queued, rows...)
	return nil
}
