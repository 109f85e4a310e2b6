package webhooks

import "github.com/hookflow/hookflow/storage"

// claimResult is a claim that finished: the deliveries read, when the
// subscription's next pending delivery is due (0: none) and the slots
// held, or the error; or the slots given back (released).
type claimResult struct {
	webhookID int64
	rows      []*storage.Delivery
	next      int64
	slots     int
	err       error
	released  bool
	now       int64 // when the claim was made
}

// claim starts reading due deliveries of a subscription, off the loop so
// that attempts keep starting meanwhile; claimDone takes the result.
func (d *dispatcher) claim(en *entry, ep *endpoint, now int64) {
	skip := make([]int64, 0, len(ep.held))
	for id := range ep.held {
		skip = append(skip, id)
	}
	ep.claiming, ep.dueSince = true, noDue
	c := storage.DeliveryClaim{
		WebhookID:  en.sub.ID,
		Now:        now,
		Limit:      max(prefetch-len(ep.queue), 0),
		Skip:       skip,
		Cap:        d.svc.cfg.Concurrency,
		LeaseUntil: now + d.svc.cfg.Lease.Milliseconds(),
	}
	d.attempts.Add(1)
	go func() {
		defer d.attempts.Done()
		// Wait for commits that are handing deliveries over: what this
		// claim can read has then been offered already.
		d.handoff.Lock()
		d.handoff.Unlock() //nolint:staticcheck // a barrier, not a critical section
		r := claimResult{webhookID: c.WebhookID, now: now}
		got, err := d.svc.store.ClaimDue(d.ctx, c)
		if err != nil {
			r.err, r.next = err, now+claimBackoff.Milliseconds()
		} else {
			r.rows, r.next, r.slots = got.Due, got.Next, got.Slots
		}
		d.mu.Lock()
		d.claimed = append(d.claimed, r)
		d.mu.Unlock()
		d.poke()
	}()
}

// claimDone queues what a claim read.
func (d *dispatcher) claimDone(ep *endpoint, c claimResult) {
	ep.claiming = false
	if c.released {
		ep.slots = 0
		return
	}
	if c.err != nil {
		if d.ctx.Err() == nil {
			d.svc.cfg.Logger.Error("claiming webhook deliveries failed", "webhook", c.webhookID, "error", c.err)
		}
	} else if d.leased {
		ep.slots = c.slots
	}
	ep.due = c.next
	if c.next == 0 {
		ep.due = noDue
	}
	ep.due = min(ep.due, ep.dueSince)
	for _, row := range c.rows {
		if row.TakenFrom != "" {
			d.svc.cfg.Logger.Warn("took over a webhook delivery whose lease expired", "webhook", c.webhookID,
				"delivery", row.ID, "previous", row.TakenFrom)
		}
		if !ep.held[row.ID] && !ep.recent[row.ID] {
			ep.held[row.ID] = true
			ep.queue = append(ep.queue, row)
		}
	}
	clear(ep.recent)
	if c.err == nil && d.leased && ep.slots == 0 && (len(ep.queue) > 0 || ep.due <= c.now) {
		// Other servers hold every slot: ask again in a while.
		ep.due = c.now + slotRetry.Milliseconds()
	}
}
