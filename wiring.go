package hookflow

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"time"

	"github.com/hookflow/hookflow/buildinfo"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/api"
	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/ratelimit"
	"github.com/hookflow/hookflow/secrets"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/telemetry"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
	"go.opentelemetry.io/otel/trace"
)

// webhookConfig is the webhooks configuration with the server's outbound
// policy, client (redirects are not followed: a 3xx is a failed attempt),
// bus, logger and metrics (nil when off).
func (c Config) webhookConfig(bus *events.Bus, metrics *telemetry.Metrics) webhooks.Config {
	w := c.Webhooks
	w.Policy = c.Outbound
	if w.Lease <= 0 {
		w.Lease = c.QueueLease
	}
	if w.Client == nil {
		w.Client = outbound.NewClient(c.Outbound, 0)
	}
	if w.Bus == nil {
		w.Bus = bus
	}
	if w.Logger == nil {
		w.Logger = c.Logger
	}
	if w.Observer == nil && metrics != nil {
		w.Observer = metrics
	}
	return w
}

// scheduleClock is the clock schedules fire on: ScheduleClock, or the
// system clock.
func (c Config) scheduleClock() triggers.Clock {
	if c.ScheduleClock == nil {
		return triggers.SystemClock{}
	}
	return c.ScheduleClock
}

// scheduleLeader says whether this server fires schedules: Leader, or
// the store's election.
func (c Config) scheduleLeader(store *storage.Store) triggers.Leader {
	if c.Leader != nil {
		return c.Leader
	}
	return store.Leader()
}

// keySource says where the key of the credentials at rest comes from:
// SECRET_KEY, or a key generated on the first start and kept in
// secrets.KeyFileName beside the SQLite file (readable by this user only),
// or for an in-memory database a key of this process. On PostgreSQL
// SECRET_KEY is required.
func (c Config) keySource() secrets.KeySource {
	src := secrets.KeySource{
		SecretKey: c.SecretKey,
		Previous:  c.SecretKeyPrevious,
		// A key file beside one server cannot serve the others sharing a
		// PostgreSQL database.
		RequireSecretKey: c.DBClient == storage.DialectPostgres,
	}
	if c.DBFilename != storage.MemoryFilename {
		src.KeyFile = filepath.Join(filepath.Dir(c.DBFilename), secrets.KeyFileName)
	}
	return src
}

// openKeys builds the keys of the credentials at rest (Config.keySource).
func openKeys(cfg Config) (*secrets.Keyring, error) {
	src := cfg.keySource()
	keys, origin, err := src.Keyring()
	if err != nil {
		if src.RequireSecretKey && src.SecretKey == "" {
			return nil, fmt.Errorf("DB_CLIENT=postgres: %w (set it to the same value of at least %d characters on every server)",
				err, secrets.MinKeyLength)
		}
		return nil, err
	}
	switch origin {
	case secrets.FromNewKeyFile:
		cfg.Logger.Warn("generated the key that encrypts webhook credentials; keep it (and out of database backups), or set SECRET_KEY",
			"file", src.KeyFile)
	case secrets.FromThisProcess:
		cfg.Logger.Debug("webhook credentials of the in-memory database are encrypted with a key of this process")
	}
	return keys, nil
}

// redactedURL is a connection string fit for a log: host, port and
// database, without the password or the parameters (which may hold one).
func redactedURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return "(a keyword/value connection string)"
	}
	u.RawQuery = ""
	return u.Redacted()
}

// sharedRecount is how often a server sharing its database reads the
// number of unfinished runs behind FLOWS_QUEUE_LIMIT again: other servers
// queue runs too, and between two reads a server knows only its own.
const sharedRecount = time.Second

// followOtherServers keeps what this server holds in memory in step with
// the changes that other servers sharing its database make (storage.Watch,
// nothing on SQLite): compiled flows, permissions and cached tokens,
// webhook subscriptions, and cached GET answers.
func followOtherServers(store *storage.Store, catalog *triggers.Catalog, acl *access.Service, hooks *webhooks.Service,
	cache *triggers.ResponseCache, logger *slog.Logger,
) {
	failed := func(what string, err error) {
		if err != nil {
			logger.Error("following another server's change failed", "change", what, "error", err)
		}
	}
	store.Watch(storage.TopicFlows, func(ctx context.Context, id string) {
		if id == "" {
			failed("flows", catalog.FollowAll(ctx))
			return
		}
		failed("flow "+id, catalog.FollowChange(ctx, id))
	})
	store.Watch(storage.TopicAccess, func(ctx context.Context, _ string) {
		failed("access", acl.Reload(ctx))
	})
	store.Watch(storage.TopicWebhooks, func(ctx context.Context, id string) {
		failed("webhook "+id, hooks.Reload(ctx))
	})
	store.Watch(storage.TopicItems, func(_ context.Context, collection string) {
		if collection == "" {
			cache.ForgetAll()
			return
		}
		cache.CollectionWritten(collection)
	})
}

// sharedLimits is where rate limits are counted when other servers share
// the database (nil: in memory).
func sharedLimits(store *storage.Store) ratelimit.Shared {
	if store.SharesRateLimits() {
		return store
	}
	return nil
}

// newLimiter is a rate limiter counting in the database when other
// servers share it; name tells its buckets apart there.
func newLimiter(cfg Config, store *storage.Store, name string) *ratelimit.Limiter {
	return ratelimit.New(ratelimit.Config{
		Now:    cfg.Now,
		Shared: sharedLimits(store),
		Name:   name,
		Logger: cfg.Logger,
	})
}

// recountInterval is how often the queue reads the number of unfinished
// runs again: every second when other servers may queue runs too, else
// the queue's default (it counts its own changes exactly).
func recountInterval(store *storage.Store) time.Duration {
	if store.Exclusive() {
		return 0
	}
	return sharedRecount
}

// observability is what a server reports to besides its log: metrics and
// traces, each nil when off.
type observability struct {
	metrics *telemetry.Metrics
	tracer  trace.Tracer
	// stopTraces sends the spans not yet exported and stops the exporter
	// the server made (nil when it made none).
	stopTraces func(context.Context) error
}

// newObservability builds the metrics (unless METRICS_ENABLED=false) and
// the tracer: Config.TracerProvider's, or an OTLP exporter's when
// OTEL_EXPORTER_OTLP_ENDPOINT is set; without either, runs are not traced.
func newObservability(ctx context.Context, cfg Config) (*observability, error) {
	obs := &observability{}
	if !cfg.MetricsDisabled {
		obs.metrics = telemetry.NewMetrics()
	}
	tp := cfg.TracerProvider
	if tp == nil && cfg.OTLPEndpoint != "" {
		otlp, err := telemetry.NewOTLPTracerProvider(ctx, cfg.OTLPEndpoint)
		if err != nil {
			return nil, err
		}
		tp, obs.stopTraces = otlp, otlp.Shutdown
	}
	obs.tracer = telemetry.Tracer(tp)
	return obs, nil
}

// watchStore adds the gauges read from the database to the metrics.
func (o *observability) watchStore(store *storage.Store, logger *slog.Logger) {
	if o.metrics == nil {
		return
	}
	o.metrics.AddGauges(telemetry.Gauges{
		QueueRuns:         store.CountQueueRuns,
		PendingDeliveries: store.CountPendingDeliveries,
		Logger:            logger,
	})
}

// shutdown sends the spans not yet exported, within ctx.
func (o *observability) shutdown(ctx context.Context, logger *slog.Logger) {
	if o.stopTraces == nil {
		return
	}
	if err := o.stopTraces(ctx); err != nil {
		logger.Warn("sending the last traces failed", "error", err)
	}
}

// serverInfo is what GET /server/info reports: the build, the database and
// the limits in force. c has its defaults applied.
func (c Config) serverInfo() api.ServerInfo {
	return api.ServerInfo{
		Build:    buildinfo.Read(),
		Database: string(c.DBClient),
		Started:  c.Now(),
		Limits:   c.limits(),
	}
}

// limits are the bounds in force, named after the variables that set them
// (in lower case); durations are Go durations ("30s"), sizes bytes.
func (c Config) limits() map[string]any {
	return map[string]any{
		"flows_max_steps":           c.MaxSteps,
		"flows_sync_timeout":        c.SyncTimeout.String(),
		"flows_run_timeout":         c.RunTimeout.String(),
		"flows_workers":             c.Workers,
		"flows_queue_limit":         c.QueueLimit,
		"flows_trigger_max_items":   c.TriggerMaxItems,
		"flows_trigger_max_runs":    c.TriggerMaxRuns,
		"flows_max_render_size":     c.MaxRenderSize,
		"flows_run_max_value_size":  c.RunMaxValueSize,
		"flows_run_max_record_size": c.RunMaxRecordSize,
		"flows_run_retention": map[string]any{
			"max_age":      c.RunRetention.MaxAge.String(),
			"max_per_flow": c.RunRetention.MaxPerFlow,
		},
		"max_payload_size":          c.MaxPayloadSize,
		"request_max_response_size": c.RequestMaxResponseSize,
		"db_query_timeout":          c.queryTimeout().String(),
		"http_read_timeout":         c.HTTP.ReadTimeout.String(),
		"http_write_timeout":        c.HTTP.WriteTimeout.String(),
		"cache_ttl":                 c.CacheTTL.String(),
		"cache_max_size":            c.CacheMaxSize,
		"rate_limiter": map[string]any{
			"enabled":  c.RateLimiter.Enabled,
			"points":   c.RateLimiter.Points,
			"duration": c.RateLimiter.Duration.String(),
		},
	}
}

// queryTimeout is DB_QUERY_TIMEOUT as the store applies it.
func (c Config) queryTimeout() time.Duration {
	if c.QueryTimeout <= 0 {
		return storage.DefaultQueryTimeout
	}
	return c.QueryTimeout
}
