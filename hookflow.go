// Package hookflow builds a complete hookflow server — storage, operations,
// engine, triggers and HTTP API — as one http.Handler.
//
// cmd/hookflow serves it; tests and programs that embed hookflow use it
// directly:
//
//	srv, err := hookflow.New(ctx, hookflow.Config{DBFilename: ":memory:", AdminToken: "secret"})
//	if err != nil { … }
//	defer srv.Close()
//	ts := httptest.NewServer(srv)
//
// A Server holds no global state: several can run in one process.
package hookflow

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/api"
	"github.com/hookflow/hookflow/engine"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/ratelimit"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
)

// Server is a running hookflow: an http.Handler plus the background work
// (queued runs, webhook deliveries, the run writer) that Close stops.
type Server struct {
	handler http.Handler
	store   *storage.Store
	queue   *triggers.Queue
	hooks   *webhooks.Service
	bus     *events.Bus
	cfg     Config
	// GeneratedAdminToken is set on the very first start when no admin token
	// was configured: it is the only time the token can be seen.
	GeneratedAdminToken string

	closeOnce sync.Once
	closeErr  error
}

// New opens the database, loads and compiles the saved flows, resumes
// unfinished queued runs and webhook deliveries, and returns the server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	logger := cfg.Logger
	bus := events.NewBus(logger)
	// The cache hears of item writes from the store itself, before the
	// writer answers, so it is made first.
	cache := triggers.NewResponseCache(triggers.CacheConfig{TTL: cfg.CacheTTL, MaxSize: int(cfg.CacheMaxSize), Now: cfg.Now})
	retention := *cfg.RunRetention
	retention.Now = cfg.Now
	// The webhooks service is the store's outbox: item writes queue their
	// deliveries inside their own transactions.
	hooks := webhooks.New(cfg.webhookConfig(bus))
	keys, err := openKeys(cfg)
	if err != nil {
		return nil, err
	}
	store, err := storage.Open(ctx, storage.Config{
		Filename: cfg.DBFilename, Logger: logger, OnItemEvent: publishItemEvent(bus), Outbox: hooks,
		OnCollectionWrite: cache.CollectionWritten, RunRetention: retention, MaxRunRecordSize: int(cfg.RunMaxRecordSize),
		QueryTimeout:      cfg.QueryTimeout,
		OnCollectionEvent: publishCollectionEvent(bus),
		Keys:              keys,
	})
	if err != nil {
		return nil, err
	}
	if n, err := store.SealCredentials(ctx); err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("webhook credentials: %w", err)
	} else if n > 0 {
		logger.Info("webhook credentials encrypted under the current key", "webhooks", n)
	}
	if err := hooks.Start(ctx, store); err != nil {
		_ = store.Close()
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		hooks.Stop(ctx)
		_ = store.Close()
		return nil, err
	}
	logger.Info("database opened", "file", cfg.DBFilename)
	acl, generated, err := access.New(ctx, store, access.Config{AdminToken: cfg.AdminToken, Logger: logger, Now: cfg.Now,
		OnChange: cache.AccessChanged})
	if err != nil {
		return fail(err)
	}
	// The trigger operation runs flows through the catalog and runner,
	// which need the registry first: it is bound below.
	flowCalls := triggers.NewOperationTrigger()
	registry := operations.Builtins(operations.Dependencies{
		Logger: logger, Bus: bus, Store: store, Flows: flowCalls, Items: acl,
		TriggerMaxItems: cfg.TriggerMaxItems, TriggerMaxRuns: cfg.TriggerMaxRuns,
		HTTPClient:      outbound.NewClient(cfg.Outbound, operations.RequestMaxRedirects),
		MaxResponseSize: cfg.RequestMaxResponseSize,
	})
	for name, op := range cfg.Operations {
		if err := registry.Register(name, op); err != nil {
			return fail(err)
		}
	}
	eng := engine.New(registry, engine.Config{MaxSteps: cfg.MaxSteps, MaxRenderSize: int(cfg.MaxRenderSize), Logger: logger})
	catalog := triggers.NewCatalog(eng, store, logger)
	if err := catalog.Load(ctx); err != nil {
		return fail(err)
	}
	runner := triggers.NewRunner(eng, store, triggers.RunnerConfig{Env: allowedEnv(cfg), MaxValueSize: int(cfg.RunMaxValueSize)}, logger)
	flowCalls.Bind(catalog, runner)
	queue := triggers.NewQueue(catalog, runner, store, logger, triggers.QueueConfig{
		Workers: cfg.Workers, RunTimeout: cfg.RunTimeout,
	})
	webhook := triggers.NewWebhook(catalog, runner, queue, triggers.WebhookConfig{
		MaxPayload: cfg.MaxPayloadSize, SyncTimeout: cfg.SyncTimeout,
		Policy: acl, Limiter: ratelimit.New(ratelimit.Config{Now: cfg.Now}), Cache: cache,
	})
	if err := queue.Start(ctx); err != nil {
		return fail(err)
	}
	deps := api.Deps{
		Catalog: catalog, Webhook: webhook, Store: store, Access: acl, Logger: logger, MaxPayload: cfg.MaxPayloadSize,
		TrustedProxies: cfg.TrustedProxies, Webhooks: hooks, Now: cfg.Now,
	}
	if rl := cfg.RateLimiter; rl.Enabled {
		deps.RateLimiter = ratelimit.New(ratelimit.Config{Now: cfg.Now})
		deps.RateLimit = ratelimit.Rule{Points: rl.Points, Duration: rl.Duration}
	}
	handler := api.New(deps)
	return &Server{handler: handler, store: store, queue: queue, hooks: hooks, bus: bus, cfg: cfg,
		GeneratedAdminToken: generated}, nil
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Events is the server's event bus: committed item writes publish
// items.create, items.update and items.delete on it, and the emit
// operation its custom events (once their webhook deliveries are stored);
// programs that embed hookflow may subscribe. Outgoing webhooks do not
// take custom events from the bus: one published here by such a program
// reaches in-process subscribers only.
func (s *Server) Events() *events.Bus { return s.bus }

// Addr is the listen address from the configuration.
func (s *Server) Addr() string { return fmt.Sprintf("%s:%d", s.cfg.Host, s.cfg.Port) }

// Close stops the queue workers (waiting up to 10 s for runs in progress;
// the rest resume at the next start), stops webhook delivery (attempts in
// flight get what is left of those 10 s; the rest are attempted again at
// the next start), flushes run records and closes the database. Stop
// serving HTTP before calling it.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.queue.Stop(ctx)
		s.hooks.Stop(ctx)
		s.closeErr = s.store.Close() // commits queued item writes, whose events go to the bus
		s.bus.Close()
	})
	return s.closeErr
}

// publishItemEvent announces committed item writes on the bus as
// items.create, items.update and items.delete.
func publishItemEvent(bus *events.Bus) func(storage.ItemEvent) {
	return func(e storage.ItemEvent) {
		bus.Publish(events.Event{
			Name: "items." + e.Action, Collection: e.Collection, Keys: e.Keys, Payload: e.Payload,
			Accountability: e.Accountability,
		})
	}
}

// publishCollectionEvent announces committed collection changes on the
// bus as collections.created, collections.updated and collections.deleted,
// with the collection as the payload.
func publishCollectionEvent(bus *events.Bus) func(storage.CollectionEvent) {
	return func(e storage.CollectionEvent) {
		c := e.Collection
		indexes := make([]any, len(c.Indexes))
		for i, fields := range c.Indexes {
			list := make([]any, len(fields))
			for j, f := range fields {
				list[j] = f
			}
			indexes[i] = list
		}
		bus.Publish(events.Event{Name: webhooks.CollectionEventName(e.Action), Collection: c.Name,
			Payload: map[string]any{"collection": c.Name, "schema": c.Schema, "indexes": indexes}})
	}
}

// allowedEnv builds `$env` from the allow list.
func allowedEnv(cfg Config) map[string]any {
	env := make(map[string]any, len(cfg.EnvAllowList))
	for _, name := range cfg.EnvAllowList {
		if v, ok := cfg.LookupEnv(name); ok {
			env[name] = v
		}
	}
	return env
}
