package webhooks

import (
	"context"
	"time"
)

// The dispatcher's leases on a shared database (PostgreSQL): what it
// claimed is leased to this server, which renews the leases every third
// of the lease (renew), gives a webhook's slots back when it has no more
// work for it (retire), and stops the attempts whose lease another server
// took over (renewDone). On SQLite none of this runs.

// slotRetry is how soon a server that got none of a webhook's slots asks
// again while it knows deliveries are due.
const slotRetry = 250 * time.Millisecond

// renewal is the result of renewing the leases.
type renewal struct {
	// lost maps deliveries whose lease was taken over to their webhook.
	lost map[int64]int64
	// slots is how many slots this server still holds, per webhook asked.
	slots map[int64]int
	err   error
}

// resyncEvery is how often every webhook's pending deliveries are looked
// up: on a shared database often enough to find the deliveries of a
// server that died soon after its leases expired.
func (d *dispatcher) resyncEvery() time.Duration {
	if d.leased {
		return min(resyncEvery, d.svc.cfg.Lease/3)
	}
	return resyncEvery
}

// nextRenewal is when the leases are renewed next (noDue: never).
func (d *dispatcher) nextRenewal(now int64) int64 {
	if !d.leased {
		return noDue
	}
	return now + (d.svc.cfg.Lease / 3).Milliseconds()
}

// renew extends the leases of every delivery held and of the slots of
// every webhook with work here, off the loop.
func (d *dispatcher) renew(now int64) {
	if d.renewing {
		return
	}
	var ids, webhooks []int64
	of := map[int64]int64{}
	for id, ep := range d.endpoints {
		if ep.slots > 0 {
			webhooks = append(webhooks, id)
		}
		for delivery := range ep.held {
			ids = append(ids, delivery)
			of[delivery] = id
		}
	}
	if len(ids) == 0 && len(webhooks) == 0 {
		return
	}
	d.renewing = true
	until := now + d.svc.cfg.Lease.Milliseconds()
	d.attempts.Add(1)
	go func() {
		defer d.attempts.Done()
		r := &renewal{lost: map[int64]int64{}}
		got, err := d.svc.store.RenewDeliveryLeases(d.ctx, ids, webhooks, until)
		if err != nil {
			r.err = err
		} else {
			r.slots = got.Slots
			for _, id := range got.Lost {
				r.lost[id] = of[id]
			}
		}
		d.mu.Lock()
		d.renewed = r
		d.mu.Unlock()
		d.poke()
	}()
}

// renewDone applies a renewal: slots lost are no longer used, and a
// delivery whose lease another server took over is dropped, its attempt
// stopped if in flight (its outcome is that server's to record).
func (d *dispatcher) renewDone(r *renewal) {
	d.renewing = false
	if r.err != nil {
		if d.ctx.Err() == nil {
			d.svc.cfg.Logger.Error("renewing webhook delivery leases failed", "error", r.err)
		}
		return
	}
	for id, n := range r.slots {
		// A renewal only learns of slots lost: one that raced with a
		// claim or a release is older than their results.
		if ep := d.endpoints[id]; ep != nil && n < ep.slots {
			d.svc.cfg.Logger.Warn("lost webhook slots to another server (their lease expired)", "webhook", id,
				"held", ep.slots, "now", n)
			ep.slots = n
		}
	}
	for delivery, webhook := range r.lost {
		d.svc.cfg.Logger.Warn("another server took over a webhook delivery whose lease expired; stopping this attempt",
			"webhook", webhook, "delivery", delivery)
		d.mu.Lock()
		cancel := d.cancels[delivery]
		d.mu.Unlock()
		if cancel != nil {
			cancel() // run releases it
			continue
		}
		ep := d.endpoints[webhook]
		if ep == nil {
			continue
		}
		for i, q := range ep.queue {
			if q.ID == delivery {
				ep.queue = append(ep.queue[:i], ep.queue[i+1:]...)
				delete(ep.held, delivery)
				break
			}
		}
	}
}

// retire forgets an endpoint with no work left; on a shared database its
// slots are given back first, off the loop.
func (d *dispatcher) retire(id int64, ep *endpoint) {
	if !d.leased || ep.slots == 0 {
		delete(d.endpoints, id)
		return
	}
	ep.claiming = true
	d.attempts.Add(1)
	go func() {
		defer d.attempts.Done()
		err := d.svc.store.ReleaseSlots(d.ctx, id)
		if err != nil && d.ctx.Err() == nil {
			// They expire instead.
			d.svc.cfg.Logger.Error("giving back webhook slots failed", "webhook", id, "error", err)
		}
		d.mu.Lock()
		d.claimed = append(d.claimed, claimResult{webhookID: id, released: true})
		d.mu.Unlock()
		d.poke()
	}()
}

// releaseLeases gives back every lease this server holds, once its
// attempts have stopped and their outcomes are recorded: what it did not
// attempt is due at once for the other servers.
func (d *dispatcher) releaseLeases(ctx context.Context) {
	if !d.leased {
		return
	}
	if err := d.svc.store.ReleaseDeliveryLeases(ctx); err != nil {
		d.svc.cfg.Logger.Warn("giving back webhook delivery leases failed; they expire instead", "error", err)
	}
}
