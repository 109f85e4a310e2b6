package api

import (
	"net/http"

	"github.com/hookflow/hookflow/connlimit"
	"github.com/labstack/echo/v4"
)

// errOverCapacity answers a request on a connection accepted past
// HTTP_MAX_CONNECTIONS that is not a health check.
var errOverCapacity = &apiError{
	Status: http.StatusServiceUnavailable, Code: "SERVICE_UNAVAILABLE",
	Message: "The server is at its connection limit (HTTP_MAX_CONNECTIONS): only /server/health and /server/ping are answered now. Try again shortly.",
}

// healthRoutes are answered on over-capacity connections too, so load
// balancers and orchestrators see a full server as alive.
var healthRoutes = map[string]bool{"/server/health": true, "/server/ping": true}

// withCapacity serves over-capacity connections (connlimit): health checks
// are answered, anything else is 503 with Retry-After, and the connection
// is closed after its one answer, freeing its slot. It wraps echo rather
// than being echo middleware, which would cost allocations on every
// request.
func (s *server) withCapacity(e *echo.Echo) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !connlimit.OverCapacity(r.Context()) {
			e.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Connection", "close")
		if healthRoutes[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			e.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Retry-After", "1")
		s.handleError(errOverCapacity, e.NewContext(r, w))
	})
}
