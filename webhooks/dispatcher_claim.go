package webhooks

import "github.com/hookflow/hookflow/storage"

// claimResult is a claim that finished: the deliveries read, and when the
// subscription's next pending delivery is due (0: none), or the error.
type claimResult struct {
	webhookID int64
	rows      []*storage.Delivery
	next      int64
	err       error
}

// claim starts reading due deliveries of a subscription, off the loop so
// that attempts keep starting meanwhile; claimDone takes the result.
func (d *dispatcher) claim(en *entry, ep *endpoint, now int64) {
	skip := make([]int64, 0, len(ep.held))
	for id := range ep.held {
		skip = append(skip, id)
	}
	ep.claiming, ep.dueSince = true, noDue
	id, limit := en.sub.ID, prefetch-len(ep.queue)
	d.attempts.Add(1)
	go func() {
		defer d.attempts.Done()
		// Wait for commits that are handing deliveries over: what this
		// claim can read has then been offered already.
		d.handoff.Lock()
		d.handoff.Unlock() //nolint:staticcheck // a barrier, not a critical section
		rows, next, err := d.svc.store.ClaimDue(d.ctx, id, now, skip, limit)
		if err != nil {
			next = now + claimBackoff.Milliseconds()
		}
		d.mu.Lock()
		d.claimed = append(d.claimed, claimResult{webhookID: id, rows: rows, next: next, err: err})
		d.mu.Unlock()
		d.poke()
	}()
}

// claimDone queues what a claim read.
func (d *dispatcher) claimDone(ep *endpoint, c claimResult) {
	ep.claiming = false
	if c.err != nil && d.ctx.Err() == nil {
		d.svc.cfg.Logger.Error("claiming webhook deliveries failed", "webhook", c.webhookID, "error", c.err)
	}
	ep.due = c.next
	if c.next == 0 {
		ep.due = noDue
	}
	ep.due = min(ep.due, ep.dueSince)
	for _, row := range c.rows {
		if !ep.held[row.ID] && !ep.recent[row.ID] {
			ep.held[row.ID] = true
			ep.queue = append(ep.queue, row)
		}
	}
	clear(ep.recent)
}
