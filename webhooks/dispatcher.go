package webhooks

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/hookflow/hookflow/storage"
)

// noDue marks an endpoint with nothing known to be pending.
const noDue = math.MaxInt64

// resyncEvery is how often the dispatcher re-reads when every subscription
// is next due, as a safety net under the notifications it normally lives
// on.
const resyncEvery = time.Minute

// claimBackoff is how long an endpoint waits after its claim failed.
const claimBackoff = time.Second

// dispatcher hands due deliveries to attempts. It keeps, per subscription,
// the deliveries in flight and when its next pending delivery is due, and
// claims (reads) due deliveries only for subscriptions below their
// concurrency cap: a subscription whose endpoint hangs fills its own slots
// and no others. Claims live in memory (the deliveries in flight are left
// out of the next claim): one server owns its database, as SQLite's single
// writer already requires, and after a crash every pending delivery is
// simply due again.
//
// One goroutine (loop) owns the per-subscription state; other goroutines
// leave notes (notify, release) under mu and wake it.
type dispatcher struct {
	svc *Service

	mu       sync.Mutex
	hints    map[int64]int64 // subscription → earliest due (ms) learned of
	released []release
	wake     chan struct{}

	endpoints map[int64]*endpoint // owned by loop
	flying    int                 // attempts in flight, owned by loop

	ctx      context.Context // cancels attempts at a hard stop
	cancel   context.CancelFunc
	stop     chan struct{}
	loopDone chan struct{}
	attempts sync.WaitGroup
}

// endpoint is one subscription's queue state.
type endpoint struct {
	due    int64 // Unix ms; noDue when nothing is known to be pending
	flying map[int64]bool
}

// release is a finished attempt handed back to the dispatcher: its
// delivery is no longer in flight and, if pending, due again at retryAt.
type release struct {
	webhookID, deliveryID, retryAt int64
}

func newDispatcher(svc *Service) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &dispatcher{svc: svc, hints: map[int64]int64{}, wake: make(chan struct{}, 1),
		endpoints: map[int64]*endpoint{}, ctx: ctx, cancel: cancel, stop: make(chan struct{}), loopDone: make(chan struct{})}
}

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

// releaseAttempts hands finished attempts back.
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
		ep = &endpoint{due: noDue, flying: map[int64]bool{}}
		d.endpoints[id] = ep
	}
	return ep
}

// absorb takes the notes other goroutines left.
func (d *dispatcher) absorb() {
	d.mu.Lock()
	hints, released := d.hints, d.released
	d.hints, d.released = map[int64]int64{}, nil
	d.mu.Unlock()
	for id, due := range hints {
		if ep := d.endpoint(id); due < ep.due {
			ep.due = due
		}
	}
	for _, r := range released {
		ep := d.endpoint(r.webhookID)
		if ep.flying[r.deliveryID] {
			delete(ep.flying, r.deliveryID)
			d.flying--
		}
		if r.retryAt > 0 && r.retryAt < ep.due {
			ep.due = r.retryAt
		}
	}
}

// loop claims and dispatches until stop.
func (d *dispatcher) loop() {
	defer close(d.loopDone)
	clock := d.svc.cfg.Clock
	resync := clock.Now().Add(resyncEvery).UnixMilli()
	for {
		d.absorb()
		now := clock.Now().UnixMilli()
		if now >= resync {
			d.resync()
			resync = now + resyncEvery.Milliseconds()
			d.absorb()
		}
		next := min(d.dispatch(now), resync)
		var timer Timer
		var fire <-chan time.Time
		if next > now {
			timer = clock.TimerAt(time.UnixMilli(next))
			fire = timer.C()
		}
		select {
		case <-d.wake:
		case <-fire:
		case <-d.stop:
			if timer != nil {
				timer.Stop()
			}
			return
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// resync learns when every subscription's first pending delivery is due.
func (d *dispatcher) resync() {
	due, err := d.svc.store.PendingDue(d.ctx)
	if err != nil {
		d.svc.cfg.Logger.Error("reading pending webhook deliveries failed", "error", err)
		return
	}
	for id, at := range due {
		d.notify([]int64{id}, at)
	}
}

// dispatch claims due deliveries for every subscription with free slots
// and returns when the dispatcher should look again (noDue: only when
// told). A time not after now means work is waiting for a free slot.
func (d *dispatcher) dispatch(now int64) int64 {
	snap := d.svc.snap.Load()
	capacity, limit := d.svc.cfg.Concurrency, d.svc.cfg.MaxInFlight
	next := int64(noDue)
	for id, ep := range d.endpoints {
		en := snap.active(id)
		if en == nil {
			// Inactive, disabled or deleted: nothing to send. Switching a
			// subscription back on notifies again.
			if len(ep.flying) == 0 {
				delete(d.endpoints, id)
			}
			continue
		}
		if ep.due <= now && len(ep.flying) < capacity && d.flying < limit {
			d.claim(en, ep, now, min(capacity-len(ep.flying), limit-d.flying))
		}
		if len(ep.flying) < capacity && ep.due < next {
			next = ep.due
		}
		if len(ep.flying) == 0 && ep.due == noDue {
			delete(d.endpoints, id)
		}
	}
	return next
}

// claim reads up to n due deliveries of a subscription and starts them.
func (d *dispatcher) claim(en *entry, ep *endpoint, now int64, n int) {
	skip := make([]int64, 0, len(ep.flying))
	for id := range ep.flying {
		skip = append(skip, id)
	}
	rows, next, err := d.svc.store.ClaimDue(d.ctx, en.sub.ID, now, skip, n)
	if err != nil {
		d.svc.cfg.Logger.Error("claiming webhook deliveries failed", "webhook", en.sub.ID, "error", err)
		ep.due = now + claimBackoff.Milliseconds()
		return
	}
	ep.due = next
	if next == 0 {
		ep.due = noDue
	}
	for _, row := range rows {
		ep.flying[row.ID] = true
		d.flying++
		d.attempts.Add(1)
		go d.run(en, row)
	}
}

// run makes one attempt and hands its outcome to the result writer,
// which releases the delivery once the outcome is committed (so that a
// claim never sees a delivery whose success is not yet recorded).
func (d *dispatcher) run(en *entry, row *storage.Delivery) {
	defer d.attempts.Done()
	o := d.svc.attemptDelivery(d.ctx, en, row)
	if o == nil {
		// Cut short by a stop: nothing is recorded, the delivery stays
		// pending and is attempted again at the next start.
		d.releaseAttempts([]release{{webhookID: en.sub.ID, deliveryID: row.ID}})
		return
	}
	d.svc.results.submit(o)
}

// shutdown stops claiming and waits for attempts in flight until ctx
// ends, then cancels the rest.
func (d *dispatcher) shutdown(ctx context.Context) {
	close(d.stop)
	<-d.loopDone
	done := make(chan struct{})
	go func() { d.attempts.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		d.cancel()
		<-done
	}
	d.cancel()
}
