package webhooks

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/storage"
)

// Service is hookflow's outgoing webhooks: the subscriptions, the durable
// delivery queue and the workers that empty it. It is the store's outbox
// (storage.Outbox), so it exists before the store: New, then
// storage.Open with it, then Start.
type Service struct {
	cfg     Config
	store   *storage.Store
	snap    atomic.Pointer[snapshot]
	sender  *sender
	disp    *dispatcher
	results *resultWriter

	reloadMu    sync.Mutex
	unsubscribe func()
	janitorStop chan struct{}
	janitorDone chan struct{}
	purges      purgeQueue
	started     bool
}

// New returns a service that is not started yet.
func New(cfg Config) *Service {
	cfg = cfg.withDefaults()
	s := &Service{
		cfg:         cfg,
		janitorStop: make(chan struct{}),
		janitorDone: make(chan struct{}),
		purges:      purgeQueue{wake: make(chan struct{}, 1)},
	}
	s.sender = &sender{
		client:    cfg.Client,
		clock:     cfg.Clock,
		timeout:   cfg.Timeout,
		userAgent: cfg.UserAgent,
	}
	s.disp = newDispatcher(s)
	s.results = newResultWriter(s)
	s.snap.Store(newSnapshot(nil, cfg.Schedule))
	return s
}

// Start loads the subscriptions, picks up the deliveries a previous
// process left pending, and starts delivering.
func (s *Service) Start(ctx context.Context, store *storage.Store) error {
	s.store = store
	s.disp.leased = !store.Exclusive()
	if err := s.reload(ctx); err != nil {
		return err
	}
	due, err := store.PendingDue(ctx)
	if err != nil {
		return fmt.Errorf("start webhooks: %w", err)
	}
	for id, at := range due {
		s.disp.notify([]int64{id}, at)
	}
	go s.results.loop()
	go s.disp.loop()
	go s.janitor()
	if s.cfg.Bus != nil {
		s.unsubscribe = s.cfg.Bus.Subscribe(isBusEvent, func(e events.Event) { s.storeEvent(context.Background(), e) })
	}
	s.started = true
	return nil
}

// Stop stops taking collection events, lets attempts in flight finish until
// ctx ends (the rest are attempted again at the next start, or at once by
// the other servers sharing the database, to which this one gives its
// leases back), and records every outcome. Call it before closing the
// store.
func (s *Service) Stop(ctx context.Context) {
	if !s.started {
		return
	}
	s.started = false
	if s.unsubscribe != nil {
		s.unsubscribe() // queues what was already emitted
	}
	close(s.janitorStop)
	<-s.janitorDone
	s.disp.shutdown(ctx)
	s.results.close()
	release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	s.disp.releaseLeases(release)
}

// Reload reads the subscriptions again, after another server sharing the
// database changed them (storage.TopicWebhooks): deliveries of later
// events follow the stored subscriptions.
func (s *Service) Reload(ctx context.Context) error { return s.reload(ctx) }

// reload replaces the snapshot with the stored subscriptions.
func (s *Service) reload(ctx context.Context) error {
	s.reloadMu.Lock()
	defer s.reloadMu.Unlock()
	subs, err := s.store.ListSubscriptions(ctx)
	if err != nil {
		return fmt.Errorf("load webhooks: %w", err)
	}
	s.snap.Store(newSnapshot(subs, s.cfg.Schedule))
	return nil
}

// attemptDelivery makes one attempt of a claimed delivery and returns its
// outcome, or nil when ctx was cancelled (a stop) before it finished.
func (s *Service) attemptDelivery(ctx context.Context, en *entry, d *storage.Delivery) *storage.AttemptOutcome {
	body, err := Body(en.sub, d)
	if err != nil {
		a := &storage.Attempt{
			WebhookID:     en.sub.ID,
			DeliveryID:    d.ID,
			Number:        d.Attempts + 1,
			StartedAt:     s.cfg.Clock.Now(),
			RequestURL:    en.sub.URL,
			RequestMethod: en.sub.Method,
			Error:         err.Error(),
		}
		return &storage.AttemptOutcome{Attempt: a, Status: storage.DeliveryFailed, Test: d.Test}
	}
	r := s.sender.send(ctx, en.sub, d.MessageID, body)
	if ctx.Err() != nil {
		return nil
	}
	return s.outcome(en, d, r)
}
