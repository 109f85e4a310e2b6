package webhooks

// The dispatcher's notes: what other goroutines tell its loop, and how the
// loop takes it in.

import "github.com/hookflow/hookflow/storage"

// notify says that subscriptions have pending deliveries due at due (Unix
// ms; 0 means now). It never blocks.
func (d *dispatcher) notify(webhookIDs []int64, due int64) {
	d.mu.Lock()
	for _, id := range webhookIDs {
		if old, ok := d.hints[id]; !ok || due < old {
			d.hints[id] = due
		}
	}
	d.mu.Unlock()
	d.poke()
}

// offer hands over freshly committed deliveries.
func (d *dispatcher) offer(rows []*storage.Delivery) {
	d.mu.Lock()
	d.offered = append(d.offered, rows...)
	d.mu.Unlock()
	d.poke()
}

// attemptFinished frees the slot of a subscription's attempt.
func (d *dispatcher) attemptFinished(webhookID int64) {
	d.mu.Lock()
	d.finished = append(d.finished, webhookID)
	d.mu.Unlock()
	d.poke()
}

// releaseAttempts hands recorded attempts back.
func (d *dispatcher) releaseAttempts(rs []release) {
	d.mu.Lock()
	d.released = append(d.released, rs...)
	d.mu.Unlock()
	d.poke()
}

func (d *dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// endpoint returns a subscription's state, creating it.
func (d *dispatcher) endpoint(id int64) *endpoint {
	ep := d.endpoints[id]
	if ep == nil {
		ep = &endpoint{due: noDue, held: map[int64]bool{}, recent: map[int64]bool{}}
		if !d.leased {
			ep.slots = d.svc.cfg.Concurrency
		}
		d.endpoints[id] = ep
	}
	return ep
}

// absorb takes the notes other goroutines left.
func (d *dispatcher) absorb() {
	d.mu.Lock()
	hints, finished, released := d.hints, d.finished, d.released
	claimed, offered, renewed := d.claimed, d.offered, d.renewed
	d.hints, d.finished, d.released, d.claimed, d.offered, d.renewed = map[int64]int64{}, nil, nil, nil, nil, nil
	d.mu.Unlock()
	for id, due := range hints {
		d.endpoint(id).learn(due)
	}
	snap := d.svc.snap.Load()
	for _, row := range offered {
		ep := d.endpoint(row.WebhookID)
		if ep.held[row.ID] {
			continue
		}
		if d.leased || row.ID == 0 || len(ep.held) >= maxHeld || snap.active(row.WebhookID) == nil {
			ep.learn(row.NextAttemptAt) // a claim will read (or lease) it
			continue
		}
		ep.held[row.ID] = true
		ep.queue = append(ep.queue, row)
	}
	for _, id := range finished {
		d.endpoint(id).flying--
		d.flying--
	}
	for _, r := range released {
		ep := d.endpoint(r.webhookID)
		delete(ep.held, r.deliveryID)
		if ep.claiming {
			ep.recent[r.deliveryID] = true
		}
		if r.retryAt > 0 {
			ep.learn(r.retryAt)
		}
	}
	for _, c := range claimed {
		d.claimDone(d.endpoint(c.webhookID), c)
	}
	if renewed != nil {
		d.renewDone(renewed)
	}
}
