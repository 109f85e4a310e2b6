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
	obs     *observability
	// GeneratedAdminToken is set on the very first start when no admin token
	// was configured: it is the only time the token can be seen.
	GeneratedAdminToken string

	// scheduler fires the ticks of schedule flows.
	scheduler *triggers.Scheduler

	shutdownOnce  sync.Once
	shutdownStart time.Time
	closeOnce     sync.Once
	closeErr      error
}

// queueGrace is how long queued runs in progress get to finish once
// shutdown begins; the rest run again at the next start.
const queueGrace = 10 * time.Second

// drainMargin is added to FLOWS_SYNC_TIMEOUT for in-flight requests at
// shutdown: a sync run that uses all of its time still has its answer
// written.
const drainMargin = 5 * time.Second

// New opens the database (locking its file: a second server on the same
// file fails with storage.ErrDatabaseInUse), loads and compiles the saved
// flows, starts the queue's workers and resumes webhook deliveries, and
// returns the server. It reads nothing of the queued backlog: workers
// claim queued runs a few at a time in the background.
func New(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.WithDefaults()
	logger := cfg.Logger
	bus := events.NewBus(logger)
	obs, err := newObservability(ctx, cfg)
	if err != nil {
		return nil, err
	}
	// The cache hears of item writes from the store itself, before the
	// writer answers, so it is made first.
	cache := triggers.NewResponseCache(triggers.CacheConfig{
		TTL:     cfg.CacheTTL,
		MaxSize: int(cfg.CacheMaxSize),
		Now:     cfg.Now,
	})
	// The webhooks service is the store's outbox: item writes queue their
	// deliveries inside their own transactions.
	hooks := webhooks.New(cfg.webhookConfig(bus, obs.metrics))
	// Event flows are queued by the store inside the writes that raise
	// their events, and filter item writes before they are made; the
	// trigger is bound to the flows once they are loaded (startRuns).
	eventFlows := triggers.NewEventTrigger(triggers.EventConfig{
		MaxDepth:      cfg.MaxEventDepth,
		FilterTimeout: cfg.FilterTimeout,
	}, logger)
	store, err := openStore(ctx, cfg, bus, cache, hooks, eventFlows)
	if err != nil {
		obs.shutdown(ctx, logger)
		return nil, err
	}
	fail := func(err error) (*Server, error) {
		hooks.Stop(ctx)
		_ = store.Close()
		obs.shutdown(ctx, logger)
		return nil, err
	}
	logOpened(cfg)
	obs.watchStore(store, logger)

	acl, generated, err := access.New(ctx, store, access.Config{
		AdminToken: cfg.AdminToken,
		Logger:     logger,
		Now:        cfg.Now,
		OnChange:   cache.AccessChanged,
	})
	if err != nil {
		return fail(err)
	}
	runs, err := startRuns(ctx, cfg, bus, store, acl, cache, obs, eventFlows)
	if err != nil {
		return fail(err)
	}

	followOtherServers(store, runs.catalog, acl, hooks, cache, logger)

	deps := api.Deps{
		Catalog:        runs.catalog,
		Webhook:        runs.webhook,
		Replayer:       triggers.NewReplayer(runs.webhook, store),
		Store:          store,
		Access:         acl,
		Logger:         logger,
		MaxPayload:     cfg.MaxPayloadSize,
		TrustedProxies: cfg.TrustedProxies,
		Webhooks:       hooks,
		Now:            cfg.Now,
		Info:           cfg.serverInfo(),
		Metrics:        obs.metrics,
		MetricsTokens:  cfg.MetricsTokens,
		Tracer:         obs.tracer,
		SharedLimits:   sharedLimits(store),
	}
	if rl := cfg.RateLimiter; rl.Enabled {
		deps.RateLimiter = newLimiter(cfg, store, "global")
		deps.RateLimit = ratelimit.Rule{Points: rl.Points, Duration: rl.Duration}
	}
	return &Server{
		handler:             api.New(deps),
		store:               store,
		queue:               runs.queue,
		hooks:               hooks,
		bus:                 bus,
		cfg:                 cfg,
		obs:                 obs,
		GeneratedAdminToken: generated,
		scheduler:           runs.scheduler,
	}, nil
}

// logOpened logs which database the server opened, its password hidden.
func logOpened(cfg Config) {
	if cfg.DBClient == storage.DialectPostgres {
		cfg.Logger.Info("database opened", "client", cfg.DBClient, "database", redactedURL(cfg.DBConnectionString))
		return
	}
	cfg.Logger.Info("database opened", "client", cfg.DBClient, "file", cfg.DBFilename)
}

// openStore opens the database with the webhooks service as its outbox,
// encrypts credentials stored in clear under the current key, and resumes
// webhook deliveries.
func openStore(ctx context.Context, cfg Config, bus *events.Bus, cache *triggers.ResponseCache,
	hooks *webhooks.Service, eventFlows *triggers.EventTrigger,
) (*storage.Store, error) {
	keys, err := openKeys(cfg)
	if err != nil {
		return nil, err
	}
	retention := *cfg.RunRetention
	retention.Now = cfg.Now
	store, err := storage.Open(ctx, storage.Config{
		Dialect:           cfg.DBClient,
		Filename:          cfg.DBFilename,
		ConnectionString:  cfg.DBConnectionString,
		PoolSize:          cfg.DBPoolSize,
		StatementTimeout:  cfg.DBStatementTimeout,
		Logger:            cfg.Logger,
		OnItemEvent:       publishItemEvent(bus),
		Outbox:            hooks,
		OnCollectionWrite: cache.CollectionWritten,
		RunRetention:      retention,
		MaxRunRecordSize:  int(cfg.RunMaxRecordSize),
		QueryTimeout:      cfg.QueryTimeout,
		OnCollectionEvent: publishCollectionEvent(bus),
		Keys:              keys,
		RunOutbox:         eventFlows,
		Filter:            eventFlows,
		Lease:             cfg.QueueLease,
	})
	if err != nil {
		return nil, err
	}

	if n, err := store.SealCredentials(ctx); err != nil {
		_ = store.Close()
		return nil, fmt.Errorf("webhook credentials: %w", err)
	} else if n > 0 {
		cfg.Logger.Info("webhook credentials encrypted under the current key", "webhooks", n)
	}
	if err := hooks.Start(ctx, store); err != nil {
		_ = store.Close()
		return nil, err
	}
	return store, nil
}

// flowRuns is what starts and runs flows, as startRuns builds it.
type flowRuns struct {
	catalog   *triggers.Catalog
	queue     *triggers.Queue
	webhook   *triggers.Webhook
	scheduler *triggers.Scheduler
}

// startRuns builds what runs flows — the operation registry, the engine,
// the catalog of compiled flows, the runner — binds the event trigger to
// them, and starts the queue's workers and the scheduler. The engine and
// the runner report to the metrics and the tracer that are on.
func startRuns(ctx context.Context, cfg Config, bus *events.Bus, store *storage.Store, acl *access.Service,
	cache *triggers.ResponseCache, obs *observability, eventFlows *triggers.EventTrigger,
) (*flowRuns, error) {
	logger := cfg.Logger
	// The trigger operation runs flows through the catalog and runner,
	// which need the registry first: it is bound below.
	flowCalls := triggers.NewOperationTrigger()
	registry := operations.Builtins(operations.Dependencies{
		Logger:          logger,
		Bus:             bus,
		Store:           store,
		Flows:           flowCalls,
		Items:           acl,
		TriggerMaxItems: cfg.TriggerMaxItems,
		TriggerMaxRuns:  cfg.TriggerMaxRuns,
		HTTPClient:      outbound.NewClient(cfg.Outbound, operations.RequestMaxRedirects),
		MaxResponseSize: cfg.RequestMaxResponseSize,
	})
	for name, op := range cfg.Operations {
		if err := registry.Register(name, op); err != nil {
			return nil, err
		}
	}

	engCfg := engine.Config{
		MaxSteps:      cfg.MaxSteps,
		MaxRenderSize: int(cfg.MaxRenderSize),
		Logger:        logger,
		EnvAllowList:  cfg.EnvAllowList,
		Tracer:        obs.tracer,
	}
	runCfg := triggers.RunnerConfig{
		Env:          allowedEnv(cfg),
		MaxValueSize: int(cfg.RunMaxValueSize),
	}
	if obs.metrics != nil {
		// Set only then: a nil *Metrics in an interface is not a nil interface.
		engCfg.Steps, runCfg.Observer = obs.metrics, obs.metrics
	}
	eng := engine.New(registry, engCfg)
	catalog := triggers.NewCatalog(eng, store, logger)
	if err := catalog.Load(ctx); err != nil {
		return nil, err
	}
	runner := triggers.NewRunner(eng, store, runCfg, logger)
	flowCalls.Bind(catalog, runner)

	// A SQLite database belongs to this process alone (the file lock), so
	// runs found running at start were interrupted by the last stop and are
	// queued again at once rather than when their leases expire.
	queue := triggers.NewQueue(catalog, runner, store, logger, triggers.QueueConfig{
		Workers:         cfg.Workers,
		RunTimeout:      cfg.RunTimeout,
		Limit:           cfg.QueueLimit,
		ReleaseAtStart:  store.Exclusive(),
		Lease:           cfg.QueueLease,
		Owner:           store.Instance(),
		RecountInterval: recountInterval(store),
	})
	eventFlows.Bind(catalog, runner, queue)
	webhook := triggers.NewWebhook(catalog, runner, queue, triggers.WebhookConfig{
		MaxPayload:  cfg.MaxPayloadSize,
		SyncTimeout: cfg.SyncTimeout,
		Policy:      acl,
		Limiter:     newLimiter(cfg, store, "flow"),
		Cache:       cache,
	})
	if err := queue.Start(ctx); err != nil {
		return nil, err
	}
	scheduler := triggers.NewScheduler(catalog, runner, queue, store, triggers.ScheduleConfig{
		Clock:  cfg.scheduleClock(),
		Leader: cfg.scheduleLeader(store),
	}, logger)
	scheduler.Start()
	return &flowRuns{
		catalog:   catalog,
		queue:     queue,
		webhook:   webhook,
		scheduler: scheduler,
	}, nil
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

// BeginShutdown makes the queue claim and start no more runs, at once:
// runs claimed but not started go back to the queue, runs executing go on
// (Close waits for them). Async triggers still answering are queued for
// the next start. Call it when shutdown begins, before draining HTTP
// requests; Close calls it too. Later calls do nothing.
func (s *Server) BeginShutdown() {
	s.shutdownOnce.Do(func() {
		s.shutdownStart = time.Now()
		s.scheduler.Stop()
		s.queue.StopClaiming()
	})
}

// DrainTimeout is how long an HTTP server serving s should wait for
// in-flight requests at shutdown: FLOWS_SYNC_TIMEOUT and a margin, so that
// every sync run can answer.
func (s *Server) DrainTimeout() time.Duration { return s.cfg.SyncTimeout + drainMargin }

// Close shuts the server down: the queue stops claiming runs
// (BeginShutdown), queued runs in progress get up to 10 s from the
// beginning of the shutdown to finish (the rest keep their claim and run
// again at the next start), webhook delivery stops (attempts in flight get
// what is left of those 10 s; the rest are attempted again at the next
// start), run records are flushed and the database is closed, which
// releases its file lock. Stop serving HTTP before calling it. Later calls
// return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		s.BeginShutdown()
		ctx, cancel := context.WithDeadline(context.Background(), s.shutdownStart.Add(queueGrace))
		defer cancel()
		s.queue.Stop(ctx)
		s.hooks.Stop(ctx)
		s.closeErr = s.store.Close() // commits queued item writes, whose events go to the bus
		s.bus.Close()
		s.obs.shutdown(ctx, s.cfg.Logger)
	})
	return s.closeErr
}

// publishItemEvent announces committed item writes on the bus as
// items.create, items.update and items.delete.
func publishItemEvent(bus *events.Bus) func(storage.ItemEvent) {
	return func(e storage.ItemEvent) {
		bus.Publish(events.Event{
			Name:           "items." + e.Action,
			Collection:     e.Collection,
			Keys:           e.Keys,
			Payload:        e.Payload,
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
		bus.Publish(events.Event{
			Name: webhooks.CollectionEventName(e.Action), Collection: c.Name,
			Payload: c.EventPayload(),
		})
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
