package hookflow

import (
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/hookflow/hookflow/events"
	"github.com/hookflow/hookflow/flows"
	"github.com/hookflow/hookflow/operations"
	"github.com/hookflow/hookflow/outbound"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/telemetry"
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

// withDefaults fills unset fields.
func (c Config) withDefaults() Config {
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

// ConfigFromEnv reads the configuration from environment variables (SPEC
// §10); getenv is os.Getenv in production.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	var c Config
	var errs []string
	fail := func(name string, err error) { errs = append(errs, fmt.Sprintf("%s: %v", name, err)) }
	c.Host = getenv("HOST")
	if v := getenv("PORT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 || n > 65535 {
			fail("PORT", fmt.Errorf("not a port number: %q", v))
		}
		c.Port = n
	}
	c.PublicURL = getenv("PUBLIC_URL")
	databaseVars(getenv, &c, fail)
	secretKeyVars(getenv, &c, fail)
	c.AdminToken = getenv("ADMIN_TOKEN")
	c.EnvAllowList = EnvAllowList(getenv)
	intVar(getenv, "FLOWS_MAX_STEPS", &c.MaxSteps, fail)
	intVar(getenv, "FLOWS_TRIGGER_MAX_ITEMS", &c.TriggerMaxItems, fail)
	intVar(getenv, "FLOWS_TRIGGER_MAX_RUNS", &c.TriggerMaxRuns, fail)
	intVar(getenv, "FLOWS_WORKERS", &c.Workers, fail)
	intVar(getenv, "FLOWS_QUEUE_LIMIT", &c.QueueLimit, fail)
	queueLeaseVar(getenv, &c, fail)
	durationVar(getenv, "FLOWS_SYNC_TIMEOUT", &c.SyncTimeout, fail)
	durationVar(getenv, "FLOWS_RUN_TIMEOUT", &c.RunTimeout, fail)
	httpFromEnv(getenv, &c, fail)
	intVar(getenv, "FLOWS_MAX_EVENT_DEPTH", &c.MaxEventDepth, fail)
	durationVar(getenv, "FLOWS_FILTER_TIMEOUT", &c.FilterTimeout, fail)
	sizeVar(getenv, "MAX_PAYLOAD_SIZE", &c.MaxPayloadSize, fail)
	sizeVar(getenv, "FLOWS_MAX_RENDER_SIZE", &c.MaxRenderSize, fail)
	sizeVar(getenv, "REQUEST_MAX_RESPONSE_SIZE", &c.RequestMaxResponseSize, fail)
	c.Outbound = outboundPolicy(getenv, fail)
	accessFromEnv(getenv, &c, fail)
	webhookVars(getenv, &c.Webhooks, fail)
	telemetryFromEnv(getenv, &c, fail)
	logger, err := newLogger(getenv("LOG_LEVEL"), getenv("LOG_FORMAT"))
	if err != nil {
		fail("LOG_LEVEL/LOG_FORMAT", err)
	}
	c.Logger = logger
	if len(errs) > 0 {
		return c, fmt.Errorf("invalid configuration: %s", strings.Join(errs, "; "))
	}
	return c, nil
}

// EnvAllowList reads FLOWS_ENV_ALLOW_LIST: the comma-separated names of
// the variables flows see as `$env`. `hookflow flows validate` reads it
// too, to warn as the server would.
func EnvAllowList(getenv func(string) string) []string {
	var names []string
	for _, name := range strings.Split(getenv("FLOWS_ENV_ALLOW_LIST"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}

func intVar(getenv func(string) string, name string, dst *int, fail func(string, error)) {
	if v := getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			fail(name, fmt.Errorf("not a positive integer: %q", v))
			return
		}
		*dst = n
	}
}

// durationVar reads "30s", "2m", "1d" or a bare number of milliseconds.
func durationVar(getenv func(string) string, name string, dst *time.Duration, fail func(string, error)) {
	v := getenv(name)
	if v == "" {
		return
	}
	if ms, err := strconv.Atoi(v); err == nil && ms > 0 {
		*dst = time.Duration(ms) * time.Millisecond
		return
	}
	d, err := flows.ParseDuration(v)
	if err != nil {
		fail(name, fmt.Errorf("not a duration (\"30s\", \"2m\", \"1d\" or milliseconds): %q", v))
		return
	}
	*dst = d
}

// sizeVar reads a byte size variable (see parseSize).
func sizeVar(getenv func(string) string, name string, dst *int64, fail func(string, error)) {
	if v := getenv(name); v != "" {
		n, err := parseSize(v)
		if err != nil {
			fail(name, err)
			return
		}
		*dst = n
	}
}

// outboundPolicy reads OUTBOUND_ALLOW_CIDRS and OUTBOUND_ALLOW_PORTS.
func outboundPolicy(getenv func(string) string, fail func(string, error)) outbound.Policy {
	var p outbound.Policy
	allow, err := outbound.ParsePrefixes(getenv("OUTBOUND_ALLOW_CIDRS"))
	if err != nil {
		fail("OUTBOUND_ALLOW_CIDRS", err)
	}
	p.Allow = allow
	ports, anyPort, err := outbound.ParsePorts(getenv("OUTBOUND_ALLOW_PORTS"))
	if err != nil {
		fail("OUTBOUND_ALLOW_PORTS", err)
	}
	p.AllowPorts, p.AnyPort = ports, anyPort
	return p
}

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
	return timerClock{c.ScheduleClock}
}

// scheduleLeader says whether this server fires schedules: Leader, or
// the store's election.
func (c Config) scheduleLeader(store *storage.Store) triggers.Leader {
	if c.Leader != nil {
		return c.Leader
	}
	return store.Leader()
}

// timerClock lets a clock with timers of the webhooks' kind (such as
// hookflowtest.Clock) drive schedules: both kinds of timer have the same
// methods.
type timerClock struct{ webhooks.Clock }

// TimerAt starts the clock's timer.
func (c timerClock) TimerAt(at time.Time) triggers.Timer { return c.Clock.TimerAt(at) }

// webhookVars reads the WEBHOOKS_* variables.
func webhookVars(getenv func(string) string, w *webhooks.Config, fail func(string, error)) {
	durationVar(getenv, "WEBHOOKS_TIMEOUT", &w.Timeout, fail)
	durationVar(getenv, "WEBHOOKS_DISABLE_AFTER", &w.DisableAfter, fail)
	durationVar(getenv, "WEBHOOKS_LOG_RETENTION", &w.Retention, fail)
	intVar(getenv, "WEBHOOKS_CONCURRENCY", &w.Concurrency, fail)
	intVar(getenv, "WEBHOOKS_MAX_IN_FLIGHT", &w.MaxInFlight, fail)
	if v := strings.TrimSpace(getenv("WEBHOOKS_RETRY_SCHEDULE")); v != "" {
		schedule, err := parseSchedule(v)
		if err != nil {
			fail("WEBHOOKS_RETRY_SCHEDULE", err)
		}
		w.Schedule = schedule
	}
}

// parseSchedule reads a retry schedule: comma-separated delays ("5s,5m,
// 30m,2h"), or "none" for no retries.
func parseSchedule(v string) ([]time.Duration, error) {
	if strings.EqualFold(v, "none") {
		return []time.Duration{}, nil
	}
	var out []time.Duration
	for _, part := range strings.Split(v, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d < 0 {
			return nil, fmt.Errorf("not a list of delays (\"5s,5m,30m,2h\") or none: %q", v)
		}
		out = append(out, d)
	}
	return out, nil
}

// parseSize reads a byte size: "1048576", "512kb", "2mb", "1gb".
func parseSize(v string) (int64, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"gb", 1 << 30}, {"mb", 1 << 20}, {"kb", 1 << 10}, {"b", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("not a size (\"1048576\", \"512kb\", \"2mb\"): %q", v)
	}
	return n * mult, nil
}

// newLogger builds the server logger from LOG_LEVEL and LOG_FORMAT.
func newLogger(level, format string) (*slog.Logger, error) {
	var lvl slog.Level
	if level != "" {
		if err := lvl.UnmarshalText([]byte(level)); err != nil {
			return slog.Default(), fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch strings.ToLower(format) {
	case "", "text":
		return slog.New(slog.NewTextHandler(os.Stderr, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(os.Stderr, opts)), nil
	default:
		return slog.Default(), fmt.Errorf("LOG_FORMAT %q: use text or json", format)
	}
}
