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

// dispatcher hands due deliveries to attempts. Per subscription it keeps
// the deliveries it has claimed (read) but not yet recorded, a small queue
// of claimed deliveries waiting for a slot, the attempts in flight, and
// when the next pending delivery is due. An attempt's slot is freed as soon
// as its answer arrives, while its delivery stays held until the outcome
// is committed, so a claim never sees a delivery whose success is not yet
// recorded and a subscription's throughput is not bound by commit latency.
// A subscription whose endpoint hangs fills its own slots and no others.
//
// Fresh deliveries of item writes are handed over from memory as they
// commit (offer), and read from the table (claim) only when they did not
// fit in the queue, after a restart, or when a retry is due. The handoff
// lock keeps the two apart: a claim starts reading only once every commit
// in progress has handed its deliveries over, offers are absorbed before
// claim results, and deliveries recorded while a claim was reading are
// remembered (recent) until it ends, so a delivery is never queued twice.
//
// On SQLite claims live in memory (held deliveries are left out of the
// next claim): one server owns its database, and after a crash every
// pending delivery is simply due again. On PostgreSQL, which several
// servers share, a claim leases what it returns and the webhook's free
// slots (storage.ClaimDue): a server runs as many attempts of a webhook at
// once as it holds slots, renews its leases while it works, gives a
// webhook's slots back when it has no work for it, and stops an attempt
// whose lease another server took over (dispatcher_leases.go). Fresh
// deliveries are then claimed like any other, never handed over in memory.
//
// One goroutine (loop) owns the per-subscription state; other goroutines
// leave notes (notify, attemptFinished, releaseAttempts) under mu and wake
// it.
type dispatcher struct {
	svc *Service

	mu       sync.Mutex
	hints    map[int64]int64 // subscription → earliest due (ms) learned of
	offered  []*storage.Delivery
	finished []int64 // subscriptions whose attempt got its answer
	released []release
	claimed  []claimResult
	wake     chan struct{}
	handoff  sync.RWMutex // read-held by committing item writes

	endpoints map[int64]*endpoint // owned by loop
	flying    int                 // attempts in flight, owned by loop

	// leased: deliveries and slots are leased in the database
	// (PostgreSQL); set before the loop starts.
	leased bool
	// cancels stops attempts in flight by delivery id, under mu.
	cancels map[int64]context.CancelFunc
	// renewed is a renewal's result, under mu; renewing says one is in
	// progress (owned by loop).
	renewed  *renewal
	renewing bool

	ctx      context.Context // cancels attempts at a hard stop
	cancel   context.CancelFunc
	stop     chan struct{}
	loopDone chan struct{}
	attempts sync.WaitGroup // attempts and claims in progress
}

// prefetch is how many deliveries one claim reads for a subscription, so
// that a busy subscription costs a query per prefetch deliveries rather
// than one per delivery.
const prefetch = 128

// maxHeld bounds the deliveries of one subscription held in memory (queued,
// in flight, or waiting for their outcome to be committed).
const maxHeld = 1024

// endpoint is one subscription's queue state.
type endpoint struct {
	due    int64 // Unix ms; noDue when nothing is known to be pending
	queue  []*storage.Delivery
	flying int
	held   map[int64]bool
	// claiming: a claim is reading (or the slots are being given back);
	// dueSince collects what was learned meanwhile, which its result must
	// not overwrite, and recent the deliveries recorded meanwhile, which
	// it may have read as pending.
	claiming bool
	dueSince int64
	recent   map[int64]bool
	// slots is how many attempts of the subscription may be in flight
	// here: its cap, or on PostgreSQL the slots this server holds.
	slots int
}

// learn lowers the endpoint's due time.
func (ep *endpoint) learn(due int64) {
	ep.due = min(ep.due, due)
	if ep.claiming {
		ep.dueSince = min(ep.dueSince, due)
	}
}

// release is a recorded attempt handed back to the dispatcher: its
// delivery is no longer held and, if pending, due again at retryAt.
type release struct {
	webhookID, deliveryID, retryAt int64
}

func newDispatcher(svc *Service) *dispatcher {
	ctx, cancel := context.WithCancel(context.Background())
	return &dispatcher{
		svc:       svc,
		hints:     map[int64]int64{},
		wake:      make(chan struct{}, 1),
		cancels:   map[int64]context.CancelFunc{},
		endpoints: map[int64]*endpoint{},
		ctx:       ctx,
		cancel:    cancel,
		stop:      make(chan struct{}),
		loopDone:  make(chan struct{}),
	}
}

// loop claims and dispatches until stop.
func (d *dispatcher) loop() {
	defer close(d.loopDone)
	clock := d.svc.cfg.Clock
	every := d.resyncEvery()
	resync := clock.Now().Add(every).UnixMilli()
	renew := d.nextRenewal(clock.Now().UnixMilli())
	// The timer is kept while the time it waits for stays the same: the
	// loop turns once per answer under load.
	var timer Timer
	var timerAt int64
	for {
		d.absorb()
		now := clock.Now().UnixMilli()
		if now >= resync {
			d.resync()
			resync = now + every.Milliseconds()
			d.absorb()
		}
		if now >= renew {
			d.renew(now)
			renew = d.nextRenewal(now)
		}
		next := min(d.dispatch(now), resync, renew)
		if timer != nil && (next <= now || next != timerAt) {
			timer.Stop()
			timer = nil
		}
		if timer == nil && next > now {
			timer, timerAt = clock.TimerAt(time.UnixMilli(next)), next
		}
		var fire <-chan time.Time
		if timer != nil {
			fire = timer.C()
		}
		select {
		case <-d.wake:
		case <-fire:
			timer = nil
		case <-d.stop:
			if timer != nil {
				timer.Stop()
			}
			return
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

// dispatch starts queued deliveries where slots are free, claims more for
// subscriptions that are due, and returns when the dispatcher should look
// again (noDue: only when told). A time not after now means work is
// waiting for a free slot.
func (d *dispatcher) dispatch(now int64) int64 {
	snap := d.svc.snap.Load()
	next := int64(noDue)
	for id, ep := range d.endpoints {
		en := snap.active(id)
		if en == nil {
			// Inactive, disabled or deleted: nothing to send. Switching a
			// subscription back on notifies again.
			for _, q := range ep.queue {
				delete(ep.held, q.ID)
			}
			ep.queue = nil
			if len(ep.held) == 0 && ep.flying == 0 && !ep.claiming {
				d.retire(id, ep)
			}
			continue
		}
		d.start(en, ep)
		wantsSlots := d.leased && ep.slots == 0
		if !ep.claiming && (len(ep.queue) < prefetch/2 || wantsSlots) && ep.due <= now && len(ep.held) < maxHeld {
			d.claim(en, ep, now)
		}
		switch {
		case ep.claiming:
			// The claim's result wakes the loop.
		case ep.slots == 0:
			next = min(next, ep.due) // other servers hold the slots: ask again then
		case ep.flying >= ep.slots:
			// An answer wakes the loop.
		case len(ep.queue) > 0:
			next = min(next, now) // waiting for a slot elsewhere (MaxInFlight)
		case len(ep.held) >= maxHeld:
			// Recording frees room and wakes the loop.
		case ep.due < next:
			next = ep.due
		}
		if len(ep.held) == 0 && ep.flying == 0 && ep.due == noDue && !ep.claiming {
			d.retire(id, ep)
		}
	}
	return next
}

// start begins attempts from a subscription's queue while it and the
// server have free slots.
func (d *dispatcher) start(en *entry, ep *endpoint) {
	for len(ep.queue) > 0 && ep.flying < ep.slots && d.flying < d.svc.cfg.MaxInFlight {
		row := ep.queue[0]
		ep.queue[0] = nil
		ep.queue = ep.queue[1:]
		ep.flying++
		d.flying++
		d.attempts.Add(1)
		go d.run(en, row)
	}
}

// run makes one attempt and hands its outcome to the result writer,
// which releases the delivery once the outcome is committed.
func (d *dispatcher) run(en *entry, row *storage.Delivery) {
	defer d.attempts.Done()
	ctx, cancel := context.WithCancel(d.ctx)
	d.mu.Lock()
	d.cancels[row.ID] = cancel
	d.mu.Unlock()
	o := d.svc.attemptDelivery(ctx, en, row)
	d.mu.Lock()
	delete(d.cancels, row.ID)
	d.mu.Unlock()
	cancel()
	d.attemptFinished(en.sub.ID)
	if o == nil {
		// Cut short by a stop (or its lease was taken over): nothing is
		// recorded, the delivery stays pending and is attempted again at
		// the next start (by the server that took it over).
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
