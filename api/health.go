package api

import (
	"net/http"
	"time"

	"github.com/hookflow/hookflow/buildinfo"
	"github.com/hookflow/hookflow/flows"
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

// ServerInfo describes the running server for GET /server/info.
type ServerInfo struct {
	Build buildinfo.Info
	// Database is the kind of database ("sqlite", "postgres").
	Database string
	// Started is when the server was built.
	Started time.Time
	// Limits are the bounds in force, named after the variables that set
	// them.
	Limits map[string]any
}

// info reports the build, the database, the uptime and the limits in
// force (admin only: limits tell an attacker what to aim at).
func (s *server) info(c echo.Context) error {
	i := s.Info
	return writeData(c, http.StatusOK, map[string]any{
		"version":        i.Build.Version,
		"commit":         i.Build.Commit,
		"go_version":     i.Build.GoVersion,
		"database":       i.Database,
		"started_at":     i.Started.UTC().Format(time.RFC3339),
		"uptime_seconds": int64(s.Now().Sub(i.Started) / time.Second),
		"limits":         i.Limits,
	})
}

// flowSchema serves the JSON Schema of flow files, which a file names in
// its "$schema" line.
func (s *server) flowSchema(c echo.Context) error {
	return c.Blob(http.StatusOK, "application/schema+json", flows.Schema())
}
