package webhooks_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/hookflowtest"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/webhooks"
)

// bundle is what a test of the delivery engine works with (River's
// setup(t) pattern): a started service on a real SQLite file in the test's
// temporary directory, a receiver on 127.0.0.1, and a clock that moves only
// when the test moves it. Everything is stopped and closed when the test
// ends.
type bundle struct {
	ctx   context.Context
	clock *hookflowtest.Clock
	rc    *hookflowtest.Receiver
	cfg   webhooks.Config
	db    hookflowtest.Database
	keys  *secrets.Keyring
	svc   *webhooks.Service
	store *storage.Store
}

// epoch is where the fake clock starts.
var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// setup starts a service; options adjust its configuration first. Retries
// have no jitter, so the schedule can be checked to the millisecond.
func setup(t *testing.T, options ...func(*webhooks.Config)) *bundle {
	t.Helper()
	b := &bundle{
		ctx:   context.Background(),
		clock: hookflowtest.NewClock(epoch),
		rc:    hookflowtest.NewReceiver(t),
		db:    hookflowtest.NewDatabase(t),
		keys:  secrets.NewEphemeralKeyring(), // one key for the test's restarts
	}
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	b.cfg = webhooks.Config{
		Client: outbound.NewClient(outbound.Policy{AnyPort: true, Allow: loopback}, 0),
		Logger: slog.New(slog.DiscardHandler),
		Clock:  b.clock,
		Jitter: -1,
	}
	for _, o := range options {
		o(&b.cfg)
	}
	b.open(t)
	return b
}

// open opens the store and starts a service on it, stopped when the test
// ends unless crash stopped it first.
func (b *bundle) open(t *testing.T) {
	t.Helper()
	svc := webhooks.New(b.cfg)
	cfg := b.db.StoreConfig()
	cfg.Outbox, cfg.Logger, cfg.Keys = svc, b.cfg.Logger, b.keys
	store, err := storage.Open(b.ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(b.ctx, store); err != nil {
		t.Fatal(err)
	}
	b.svc, b.store = svc, store
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { b.stop(t, time.Minute) }) })
}

// stop stops the service, letting attempts in flight run for at most
// grace, and closes the store.
func (b *bundle) stop(t *testing.T, grace time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, grace)
	defer cancel()
	b.svc.Stop(ctx)
	if err := b.store.Close(); err != nil {
		t.Errorf("close store: %v", err)
	}
}

// crash stops the service without letting attempts in flight finish, as
// far as a process can crash itself: their answers are never recorded,
// and nothing of the dispatcher's memory survives. The database file is
// then opened again by a new service, as after a restart.
func (b *bundle) crash(t *testing.T) {
	t.Helper()
	b.stop(t, 0)
	b.open(t)
}

// subscribe creates a subscription sending to the bundle's receiver
// (unless sub names another URL) in the generic format.
func (b *bundle) subscribe(t *testing.T, sub *storage.Subscription) *storage.Subscription {
	t.Helper()
	if sub.URL == "" {
		sub.URL = b.rc.URL
	}
	sub.Method, sub.Status, sub.Data, sub.Format = http.MethodPost, webhooks.StatusActive, true, webhooks.FormatGeneric
	if err := b.svc.Create(b.ctx, []*storage.Subscription{sub}); err != nil {
		t.Fatal(err)
	}
	return sub
}

// emit stores an event as the emit operation does: its deliveries are
// committed when emit returns, and handed to the dispatcher from memory.
func (b *bundle) emit(t *testing.T, name string, payload any) {
	t.Helper()
	e := events.Event{Name: name, Payload: payload, Time: b.clock.Now()}
	if err := b.store.StoreEvent(b.ctx, e); err != nil {
		t.Fatal(err)
	}
}

// deliveries lists a subscription's deliveries, oldest first.
func (b *bundle) deliveries(t *testing.T, webhookID int64) []*storage.Delivery {
	t.Helper()
	rows, _, err := b.store.ListDeliveries(b.ctx, storage.DeliveryFilter{WebhookID: webhookID})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// waitDelivery waits until a subscription's only delivery has made
// attempts attempts and has status, and returns it.
func (b *bundle) waitDelivery(t *testing.T, webhookID int64, status string, attempts int) *storage.Delivery {
	t.Helper()
	rows := b.waitDeliveries(t, webhookID, 1, status, attempts)
	return rows[0]
}

// waitDeliveries polls a subscription's deliveries until there are n, all
// with status after attempts attempts, and returns them.
func (b *bundle) waitDeliveries(t *testing.T, webhookID int64, n int, status string, attempts int) []*storage.Delivery {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		rows := b.deliveries(t, webhookID)
		done := len(rows) == n
		for _, d := range rows {
			done = done && d.Status == status && d.Attempts == attempts
		}
		if done {
			return rows
		}
		if time.Now().After(deadline) {
			for _, d := range rows {
				t.Logf("delivery %d: %s after %d attempts (%s)", d.ID, d.Status, d.Attempts, d.LastError)
			}
			t.Fatalf("webhook %d: not %d deliveries %s after %d attempts", webhookID, n, status, attempts)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitSubscription polls a subscription until check accepts it.
func (b *bundle) waitSubscription(t *testing.T, id int64, check func(*storage.Subscription) bool) *storage.Subscription {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		sub, err := b.svc.Get(b.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if check(sub) {
			return sub
		}
		if time.Now().After(deadline) {
			t.Fatalf("webhook %d stayed %s (%s)", id, sub.Status, sub.DisabledReason)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// gate holds requests until it is opened (or the request is cancelled)
// and counts how many it holds at once.
type gate struct {
	mu      sync.Mutex
	open    chan struct{}
	held    int
	maxHeld int
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

// hold blocks one request.
func (g *gate) hold(r *http.Request) {
	g.mu.Lock()
	g.held++
	g.maxHeld = max(g.maxHeld, g.held)
	g.mu.Unlock()
	defer func() {
		g.mu.Lock()
		g.held--
		g.mu.Unlock()
	}()
	select {
	case <-g.open:
	case <-r.Context().Done():
	}
}

// release lets every held request, and every later one, through.
func (g *gate) release() { close(g.open) }

// most is the largest number of requests held at once.
func (g *gate) most() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.maxHeld
}
