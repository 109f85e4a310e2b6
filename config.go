package hookflow

import (
	"log/slog"
	"net/netip"
	"os"
	"time"

	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
	"go.opentelemetry.io/otel/trace"
)

// Config is everything the server needs; every field has a working default.
type Config struct {
	// Host and Port are where cmd/hookflow listens (HOST, PORT).
	Host string
	Port int
	// PublicURL is how the server is reached from outside (PUBLIC_URL).
	PublicURL string
	// DBClient is the database (DB_CLIENT): storage.DialectSQLite (the
	// default) or storage.DialectPostgres.
	DBClient storage.Dialect
	// DBFilename is the SQLite file (DB_FILENAME); storage.MemoryFilename
	// (":memory:") keeps everything in memory, for tests.
	DBFilename string
	// DBConnectionString locates the PostgreSQL database
	// (DB_CONNECTION_STRING, postgres://user:password@host:5432/db?sslmode=…).
	DBConnectionString string
	// DBPoolSize bounds the connections to PostgreSQL (DB_POOL_SIZE, 10).
	DBPoolSize int
	// DBStatementTimeout makes PostgreSQL stop any statement that runs
	// longer (DB_STATEMENT_TIMEOUT; unset: the server's own setting).
	DBStatementTimeout time.Duration
	// QueryTimeout bounds one item query: a read, or the selection of a
	// write by query (DB_QUERY_TIMEOUT, 30s).
	QueryTimeout time.Duration
	// SecretKey derives the key that encrypts credentials at rest (webhook
	// secrets, basic-auth passwords, credential headers): SECRET_KEY, at
	// least 32 characters. Unset, a key is generated on the first start
	// and kept beside the database (keySource).
	SecretKey string
	// SecretKeyPrevious are former SecretKeys (SECRET_KEY_PREVIOUS,
	// comma-separated): what they encrypted is decrypted and encrypted
	// again under SecretKey at start.
	SecretKeyPrevious []string
	// AdminToken is the bootstrap admin's token (ADMIN_TOKEN). When empty, a
	// stored token is kept, or one is generated on the first start and
	// returned once in Server.GeneratedAdminToken.
	AdminToken string
	// EnvAllowList names the environment variables flows see as `$env`
	// (FLOWS_ENV_ALLOW_LIST).
	EnvAllowList []string
	// LookupEnv reads those variables (os.LookupEnv by default).
	LookupEnv func(string) (string, bool)
	// MaxSteps bounds one run (FLOWS_MAX_STEPS, default 1000).
	MaxSteps int
	// TriggerMaxItems bounds the elements of an array payload one trigger
	// step runs a flow for (FLOWS_TRIGGER_MAX_ITEMS, default 1000);
	// TriggerMaxRuns bounds the flow runs a run and the flows it triggers
	// start together (FLOWS_TRIGGER_MAX_RUNS, default 10000).
	TriggerMaxItems int
	TriggerMaxRuns  int
	// SyncTimeout bounds a synchronous webhook run (FLOWS_SYNC_TIMEOUT, 30s).
	SyncTimeout time.Duration
	// RunTimeout bounds a queued run (FLOWS_RUN_TIMEOUT, 5m).
	RunTimeout time.Duration
	// Workers is the number of queued runs executed at once (FLOWS_WORKERS).
	Workers int
	// QueueLimit bounds the async runs queued or running (FLOWS_QUEUE_LIMIT,
	// 10000); past it async triggers answer 503 QUEUE_FULL.
	QueueLimit int
	// MaxEventDepth bounds chains of events: the flows a run's writes
	// start run one level deeper, and a run at this depth starts none
	// (FLOWS_MAX_EVENT_DEPTH, 5).
	MaxEventDepth int
	// FilterTimeout bounds the filter flows of one item write
	// (FLOWS_FILTER_TIMEOUT, 5s); past it the write is refused with 504.
	FilterTimeout time.Duration
	// ScheduleClock is the clock of schedule triggers (the system clock
	// when nil); tests move a fake one (hookflowtest.Clock).
	ScheduleClock webhooks.Clock
	// Leader says whether this server is the one that fires schedules;
	// when nil, the store's election decides (storage.Store.Leader: on
	// SQLite always this server, on PostgreSQL the elected one of the
	// servers sharing the database, docs/instances.md).
	Leader triggers.Leader
	// QueueLease is how long a server's claim on a queued run, on a
	// webhook delivery and on the elected server's work holds without
	// being renewed (QUEUE_LEASE, 30s): when a server dies, another takes
	// its work over once its leases expired.
	QueueLease time.Duration
	// MaxPayloadSize bounds request bodies (MAX_PAYLOAD_SIZE, 1 MiB; accepts
	// "2mb", "512kb").
	MaxPayloadSize int64
	// MaxRenderSize bounds the encoded size of every value a run renders
	// (FLOWS_MAX_RENDER_SIZE, 16 MiB): options, exec results, return
	// values.
	MaxRenderSize int64
	// Logger receives the server's logs (LOG_LEVEL, LOG_FORMAT).
	Logger *slog.Logger
	// Outbound says which addresses outgoing requests (the request
	// operation, webhook deliveries) may reach: OUTBOUND_ALLOW_CIDRS and
	// OUTBOUND_ALLOW_PORTS. The zero value refuses every internal range.
	Outbound outbound.Policy
	// RequestMaxResponseSize bounds the body a request operation reads
	// (REQUEST_MAX_RESPONSE_SIZE, 5 MiB).
	RequestMaxResponseSize int64
	// Operations adds custom operation types (kebab-case names) next to the
	// built-in ones, for programs that embed hookflow.
	Operations map[string]operations.Operation
	// Now is the clock of rate limits, cached answers and run retention
	// (time.Now by default); tests move a fake one.
	Now func() time.Time
	// TrustedProxies are the proxies whose X-Forwarded-For names the client
	// (TRUSTED_PROXIES, CIDR ranges); none by default.
	TrustedProxies []netip.Prefix
	// RateLimiter is the server-wide limit per client address
	// (RATE_LIMITER_ENABLED, _POINTS, _DURATION); off by default.
	RateLimiter RateLimiterConfig
	// CacheTTL is how long cached GET answers are served when a flow sets
	// no cacheTTL (CACHE_TTL, 5m); CacheMaxSize bounds them (CACHE_MAX_SIZE,
	// 32 MiB).
	CacheTTL     time.Duration
	CacheMaxSize int64
	// RunRetention says which run records are kept (FLOWS_RUN_RETENTION);
	// nil means 7 days and 10 000 runs per flow, a zero value keeps all.
	RunRetention *storage.RunRetention
	// RunMaxValueSize cuts longer strings in run records
	// (FLOWS_RUN_MAX_VALUE_SIZE, 8 KiB); RunMaxRecordSize bounds a whole
	// record (FLOWS_RUN_MAX_RECORD_SIZE, 512 KiB).
	RunMaxValueSize  int64
	RunMaxRecordSize int64
	// HTTP is how cmd/hookflow serves HTTP: timeouts and the connection
	// cap (HTTP_READ_TIMEOUT, HTTP_WRITE_TIMEOUT, HTTP_MAX_CONNECTIONS).
	HTTP HTTPConfig
	// MetricsDisabled turns off the Prometheus metrics and GET /metrics
	// (METRICS_ENABLED=false); they are on by default.
	MetricsDisabled bool
	// MetricsTokens may read GET /metrics besides admins (METRICS_TOKENS,
	// comma-separated): what a Prometheus scraper is given instead of an
	// admin token.
	MetricsTokens []string
	// OTLPEndpoint is the OpenTelemetry collector runs are traced to
	// (OTEL_EXPORTER_OTLP_ENDPOINT, OTLP over HTTP); empty: no traces.
	OTLPEndpoint string
	// TracerProvider, when set, receives the traces instead (programs that
	// embed hookflow, tests with the SDK's in-memory exporter).
	TracerProvider trace.TracerProvider
	// Webhooks tunes outgoing webhook delivery: WEBHOOKS_TIMEOUT,
	// WEBHOOKS_RETRY_SCHEDULE, WEBHOOKS_CONCURRENCY, WEBHOOKS_MAX_IN_FLIGHT,
	// WEBHOOKS_DISABLE_AFTER, WEBHOOKS_LOG_RETENTION. Its client, policy,
	// bus and logger are the server's unless set.
	Webhooks webhooks.Config
}

// WithDefaults is the configuration New runs with: every unset field
// filled with its default.
func (c Config) WithDefaults() Config {
	if c.Host == "" {
		c.Host = "0.0.0.0"
	}
	if c.Port == 0 {
		c.Port = 8055
	}
	if c.DBClient == "" {
		c.DBClient = storage.DialectSQLite
	}
	if c.DBFilename == "" {
		c.DBFilename = "./data/hookflow.db"
	}
	if c.LookupEnv == nil {
		c.LookupEnv = os.LookupEnv
	}
	if c.MaxSteps <= 0 {
		c.MaxSteps = 1000
	}
	if c.TriggerMaxItems <= 0 {
		c.TriggerMaxItems = operations.DefaultTriggerMaxItems
	}
	if c.TriggerMaxRuns <= 0 {
		c.TriggerMaxRuns = operations.DefaultTriggerMaxRuns
	}
	if c.SyncTimeout <= 0 {
		c.SyncTimeout = 30 * time.Second
	}
	c.HTTP = c.HTTP.withDefaults(c.SyncTimeout)
	if c.RunTimeout <= 0 {
		c.RunTimeout = 5 * time.Minute
	}
	if c.Workers <= 0 {
		c.Workers = 4
	}
	if c.QueueLimit <= 0 {
		c.QueueLimit = triggers.DefaultQueueLimit
	}
	if c.QueueLease <= 0 {
		c.QueueLease = storage.DefaultLease
	}
	if c.MaxPayloadSize <= 0 {
		c.MaxPayloadSize = 1 << 20
	}
	if c.MaxRenderSize <= 0 {
		c.MaxRenderSize = operations.DefaultMaxRenderSize
	}
	if c.RequestMaxResponseSize <= 0 {
		c.RequestMaxResponseSize = operations.DefaultMaxResponseSize
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	c.RateLimiter = c.RateLimiter.withDefaults()
	if c.CacheTTL <= 0 {
		c.CacheTTL = triggers.DefaultCacheTTL
	}
	if c.CacheMaxSize <= 0 {
		c.CacheMaxSize = triggers.DefaultCacheMaxSize
	}
	if c.RunRetention == nil {
		r := DefaultRunRetention()
		c.RunRetention = &r
	}
	if c.RunMaxValueSize <= 0 {
		c.RunMaxValueSize = triggers.DefaultMaxValueSize
	}
	if c.RunMaxRecordSize <= 0 {
		c.RunMaxRecordSize = storage.DefaultMaxRunRecordSize
	}
	return c
}

// RateLimiterConfig is the server-wide rate limit: Points requests per
// Duration from each client address, on every route.
type RateLimiterConfig struct {
	Enabled  bool
	Points   int
	Duration time.Duration
}

// withDefaults is Directus's default: 50 requests a second.
func (r RateLimiterConfig) withDefaults() RateLimiterConfig {
	if r.Points <= 0 {
		r.Points = 50
	}
	if r.Duration <= 0 {
		r.Duration = time.Second
	}
	return r
}

// DefaultRunRetention keeps run records 7 days, at most 10 000 per flow.
func DefaultRunRetention() storage.RunRetention {
	return storage.RunRetention{MaxAge: 7 * 24 * time.Hour, MaxPerFlow: 10000}
}

// Defaults of the HTTP server (docs/server.md).
const (
	// DefaultHTTPReadTimeout bounds reading one whole request.
	DefaultHTTPReadTimeout = 60 * time.Second
	// DefaultMaxConnections caps open connections, lowered when the
	// open-file limit cannot hold them.
	DefaultMaxConnections = 10000
	// answerMargin is what the default write timeout leaves for writing an
	// answer after the longest body read and the longest synchronous run.
	answerMargin = 10 * time.Second
)

// HTTPConfig is how cmd/hookflow serves HTTP; programs that embed
// hookflow serve its handler themselves.
type HTTPConfig struct {
	// ReadTimeout bounds reading a whole request, headers and body
	// (HTTP_READ_TIMEOUT, 60s). Once the body is read it no longer
	// applies (Go's server lifts it), so it never cuts a run short.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its answer (HTTP_WRITE_TIMEOUT). It must exceed SyncTimeout; the
	// default, ReadTimeout + SyncTimeout + 10s, holds the slowest body the
	// read timeout lets through, then the longest synchronous run, then
	// the answer.
	WriteTimeout time.Duration
	// MaxConnections caps open connections (HTTP_MAX_CONNECTIONS). Zero is
	// DefaultMaxConnections, lowered to what the open-file limit holds; a
	// value set that the limit cannot hold stops the server at start.
	MaxConnections int
}

// withDefaults fills unset timeouts; syncTimeout is the server's
// FLOWS_SYNC_TIMEOUT.
func (h HTTPConfig) withDefaults(syncTimeout time.Duration) HTTPConfig {
	if h.ReadTimeout <= 0 {
		h.ReadTimeout = DefaultHTTPReadTimeout
	}
	if h.WriteTimeout <= 0 {
		h.WriteTimeout = h.ReadTimeout + syncTimeout + answerMargin
	}
	return h
}

// HTTPServer is the HTTP configuration with its defaults applied.
func (c Config) HTTPServer() HTTPConfig { return c.WithDefaults().HTTP }
