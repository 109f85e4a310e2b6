package api

import (
	"net/http"

	"github.com/hookflow/hookflow/connlimit"
	"github.com/labstack/echo/v4"
)

// errOverCapacity answers a request on a connection accepted past
// HTTP_MAX_CONNECTIONS that is not a health check.
var errOverCapacity = &apiError{Status: http.StatusServiceUnavailable, Code: "SERVICE_UNAVAILABLE",
	Message: "The server is at its connection limit (HTTP_MAX_CONNECTIONS): only /server/health and /server/ping are answered now. Try again shortly."}

// healthRoutes are answered on over-capacity connections too, so load
// balancers and orchestrators see a full server as alive.
var healthRoutes = map[string]bool{"/server/health": true, "/server/ping": true}

// overCapacity serves over-capacity connections (connlimit): health
// checks are answered, anything else is 503 with Retry-After, and the
// connection is closed after its one answer, freeing its slot.
func (s *server) overCapacity(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !connlimit.OverCapacity(r.Context()) {
			return next(c)
		}
		h := c.Response().Header()
		h.Set("Connection", "close")
		if healthRoutes[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			return next(c)
		}
		h.Set("Retry-After", "1")
		return errOverCapacity
	}
}
