package api

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// ping answers "pong" (as Directus does) for load balancers.
func (s *server) ping(c echo.Context) error {
	return c.String(http.StatusOK, "pong")
}

// health reports whether the database answers.
func (s *server) health(c echo.Context) error {
	if err := s.Store.Ping(c.Request().Context()); err != nil {
		return writeJSON(c, http.StatusServiceUnavailable, map[string]any{"status": "error", "database": err.Error()})
	}
	return writeJSON(c, http.StatusOK, map[string]any{"status": "ok"})
}
