package storage

// Outbox turns item writes into webhook deliveries inside the write's own
// transaction (the transactional outbox pattern): the deliveries commit
// with the items or not at all, so an acknowledged write can never lose
// its webhooks, and a write that fails queues none.
//
// Both methods run on the item writer's goroutine, which every item write
// waits on: they must be quick and must not block. With no subscription
// interested in a write, ItemDeliveries should return nil without
// allocating.
type Outbox interface {
	// ItemDeliveries returns the deliveries one write's events owe.
	ItemDeliveries(events []ItemEvent) []*Delivery
	// DeliveriesCommitted is told, after a transaction holding new
	// deliveries committed, which subscriptions they are for (an id may
	// repeat), so that they can be attempted at once.
	DeliveriesCommitted(webhookIDs []int64)
}

// queueDeliveries stores the deliveries a successful write's events owe,
// inside its savepoint, and notes their subscriptions in queued.
func (w *itemWriter) queueDeliveries(tx *writeTx, events []ItemEvent, queued *[]int64) error {
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
	for _, d := range rows {
		*queued = append(*queued, d.WebhookID)
	}
	return nil
}
