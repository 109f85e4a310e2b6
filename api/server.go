package api

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/hookflow/hookflow/access"
	"github.com/hookflow/hookflow/storage"
	"github.com/hookflow/hookflow/triggers"
	"github.com/hookflow/hookflow/webhooks"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Deps are the domain services the API serves.
type Deps struct {
	Catalog *triggers.Catalog
	Webhook *triggers.Webhook
	Store   *storage.Store
	Auth    *access.Authenticator
	Logger  *slog.Logger
	// MaxPayload bounds request bodies of the management API (bytes); the
	// webhook trigger enforces its own limit to answer with its own error.
	MaxPayload int64
	// Webhooks is the outgoing webhooks service the /webhooks,
	// /api/v1/webhooks and /webhook_calls dialects adapt.
	Webhooks *webhooks.Service
	// Now is the clock of the DatoCMS dialect's rate limit (time.Now).
	Now func() time.Time
}

// server carries the dependencies of every handler.
type server struct {
	Deps
	datoLimits *windowLimiter
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
	s := &server{Deps: d, datoLimits: newWindowLimiter(datoRateLimit, datoRateWindow, d.Now)}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	// Client addresses come from the connection, never from headers a client
	// can forge.
	e.IPExtractor = echo.ExtractIPDirect()
	e.HTTPErrorHandler = s.handleError
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true, LogErrorFunc: s.logPanic}))
	s.routes(e)
	return e
}

// logPanic reports a handler panic; the error handler then answers 500.
func (s *server) logPanic(c echo.Context, err error, stack []byte) error {
	s.Logger.Error("handler panicked", "method", c.Request().Method, "path", c.Request().URL.Path,
		"error", err, "stack", string(stack))
	return err
}
