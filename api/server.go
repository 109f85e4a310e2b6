package api

import (
	"crypto/sha256"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/ratelimit"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/telemetry"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"go.opentelemetry.io/otel/trace"
)

// Deps are the domain services the API serves.
type Deps struct {
	Catalog *triggers.Catalog
	Webhook *triggers.Webhook
	// Replayer starts runs again from their records.
	Replayer *triggers.Replayer
	Store    *storage.Store
	Access   *access.Service
	Logger   *slog.Logger
	// MaxPayload bounds request bodies of the management API (bytes); the
	// webhook trigger enforces its own limit to answer with its own error.
	MaxPayload int64
	// RateLimiter and RateLimit are the server-wide limit per client
	// address (RATE_LIMITER_*); a nil RateLimiter turns it off.
	RateLimiter *ratelimit.Limiter
	RateLimit   ratelimit.Rule
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// (TRUSTED_PROXIES); without any, the client address is the
	// connection's.
	TrustedProxies []netip.Prefix
	// Webhooks is the outgoing webhooks service the /webhooks,
	// /api/v1/webhooks and /webhook_calls dialects adapt.
	Webhooks *webhooks.Service
	// Now is the clock of the DatoCMS dialect's rate limit and of the
	// uptime GET /server/info reports (time.Now).
	Now func() time.Time
	// Info is what GET /server/info reports besides the uptime.
	Info ServerInfo
	// Metrics are the server's metrics, served at GET /metrics and fed by
	// the HTTP middleware; nil turns both off (METRICS_ENABLED=false).
	Metrics *telemetry.Metrics
	// MetricsTokens are the tokens that may read /metrics besides an
	// admin's (METRICS_TOKENS).
	MetricsTokens []string
	// Tracer, when set, makes a span of every request (trace.go).
	Tracer trace.Tracer
	// SharedLimits, when set, is where the DatoCMS dialect's rate limit is
	// counted by every server sharing the database (ratelimit.Config.Shared).
	SharedLimits ratelimit.Shared
}

// server carries the dependencies of every handler.
type server struct {
	Deps
	datoLimits *ratelimit.Limiter
	requestIDs *requestIDs
	// metricsTokens are the SHA-256 hashes of MetricsTokens.
	metricsTokens [][sha256.Size]byte
	// openAPI is the OpenAPI document as JSON, converted once (specs.go).
	openAPI    []byte
	openAPIErr error
}

// New builds the HTTP handler: routes, middleware and the error handler.
func New(d Deps) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.MaxPayload <= 0 {
		d.MaxPayload = 1 << 20
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &server{
		Deps: d,
		datoLimits: ratelimit.New(ratelimit.Config{
			Now:    d.Now,
			Shared: d.SharedLimits,
			Name:   "dato",
			Logger: d.Logger,
		}),
		requestIDs:    newRequestIDs(),
		metricsTokens: hashTokens(d.MetricsTokens),
	}
	s.openAPI, s.openAPIErr = OpenAPI()
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.IPExtractor = ipExtractor(d.TrustedProxies)
	e.HTTPErrorHandler = s.handleError
	// The metrics middleware comes first so that it counts every answer,
	// early errors (413, 429) included; the request log answers errors
	// itself, so the metrics see the status sent.
	if d.Metrics != nil {
		e.Use(httpMetrics(d.Metrics))
	}
	if d.Tracer != nil {
		e.Use(traceRequests(d.Tracer))
	}
	e.Use(s.observeRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: s.logPanic}))
	if d.RateLimiter != nil {
		e.Use(s.globalRateLimit)
	}
	s.routes(e)
	return s.withCapacity(e)
}

// logPanic reports a handler panic; the error handler then answers 500.
func (s *server) logPanic(c echo.Context, err error, stack []byte) error {
	s.Logger.Error("handler panicked", "method", c.Request().Method, "path", c.Request().URL.Path,
		"error", err, "stack", string(stack))
	return err
}

// ipExtractor reads client addresses from the connection, never from
// headers a client can forge, unless the connection comes from a trusted
// proxy: then X-Forwarded-For is read from the right, skipping trusted
// proxies, up to the first address that is not one. Echo trusts loopback
// and private ranges by default; here only the configured ranges are.
func ipExtractor(trusted []netip.Prefix) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range trusted {
		opts = append(opts, echo.TrustIPRange(&net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}
