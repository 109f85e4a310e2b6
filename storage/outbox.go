package storage

// Outbox turns item writes into webhook deliveries inside the write's own
// transaction (the transactional outbox pattern): the deliveries commit
// with the items or not at all, so an acknowledged write can never lose
// its webhooks, and a write that fails queues none.
//
// The methods run on the item writer's goroutine, which every item write
// waits on: they must be quick. With no subscription interested in a
// write, ItemDeliveries should return nil without allocating.
type Outbox interface {
	// ItemDeliveries returns the deliveries one write's events owe.
	ItemDeliveries(events []ItemEvent) []*Delivery
	// DeliveriesCommitting is called just before a transaction holding new
	// deliveries commits, and DeliveriesCommitted right after: with the
	// deliveries, their ids set, when the commit succeeded, with nil when
	// it failed. Between the two calls the outbox may hold back readers of
	// the queue, so that a delivery handed over from memory is never also
	// read from the table.
	DeliveriesCommitting()
	DeliveriesCommitted(rows []*Delivery)
}

// queueDeliveries stores the deliveries a successful write's events owe,
// inside its savepoint, and adds them to queued.
func (w *itemWriter) queueDeliveries(tx *writeTx, events []ItemEvent, queued *[]*Delivery) error {
	if w.outbox == nil || len(events) == 0 {
		return nil
	}
	rows := w.outbox.ItemDeliveries(events)
	if len(rows) == 0 {
		return nil
	}
	if err := insertDeliveries(tx.tx, rows); err != nil {
		return err
	}
	*queued = append(*queued, rows...)
	return nil
}
